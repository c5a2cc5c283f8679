'use strict';
/**
 * Jazzer.js target: decodeStack on arbitrary bytes, with the first input byte choosing the `first`
 * layer among the default registry's layers. A finding is any throw from decodeStack, a NaN/oversized
 * field, a StackDecoder disagreement, or a failure of the lossless law
 * (encodeStack(decodeStack(b).layers, { trailer }) === b). Uses the built packages (pnpm build).
 *
 *   npx jazzer fuzz/decode-stack.fuzz fuzz/corpus/decode-stack -- -max_total_time=600
 *
 * Also fuzzes every codec's decode on the same bytes (DecodeError only).
 */
const lib = require('./lib.cjs');

/** @param {Buffer} data */
module.exports.fuzz = function fuzz(data) {
  if (data.length === 0) return;
  const first = lib.FIRST_LAYERS[data[0] % lib.FIRST_LAYERS.length];
  const bytes = new Uint8Array(data.subarray(1)); // a plain Uint8Array copy, never a Buffer
  lib.checkStack(bytes, first);
  if ((data[0] & 0x80) !== 0) lib.checkCodecs(bytes);
};
