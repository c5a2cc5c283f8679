'use strict';
/**
 * Jazzer.js target: the capture readers (pcap, pcapng, gzip) on arbitrary bytes. A finding is anything
 * thrown but CaptureError, record data that disagrees with capturedLength or exceeds the input, or a
 * finding of decodeStack on a record. Uses the built packages (pnpm build).
 *
 *   npx jazzer fuzz/capture.fuzz fuzz/corpus/capture -- -max_total_time=600 -max_len=65536
 *
 * The streaming reader is async; Jazzer.js awaits a returned promise, so every 16th input also runs
 * readCaptureStream (in odd-sized chunks) and compares it with readCapture.
 */
const lib = require('./lib.cjs');

let n = 0;
/** @param {Buffer} data */
module.exports.fuzz = function fuzz(data) {
  const bytes = new Uint8Array(data); // a plain Uint8Array copy, never a Buffer
  lib.checkCaptureSync(bytes, { decodePackets: true, maxDecompressedBytes: 1 << 22 });
  if ((++n & 15) === 0) return lib.checkCaptureStream(bytes, [1 + (bytes.length % 7), 61, 4093]);
  return undefined;
};
