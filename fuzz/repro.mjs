#!/usr/bin/env node
/**
 * Re-runs a finding: `node fuzz/repro.mjs fuzz/crashes/<id>.json` (or `--hex HEX --target stack --first ipv6`).
 * Times the input 5 times (a real hang is slow every time; a GC pause is not) and prints the oracle's verdict.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const lib = require('./lib.cjs');
const a = process.argv.slice(2);
let f = {};
if (a[0] && !a[0].startsWith('--')) f = JSON.parse(readFileSync(a[0], 'utf8'));
for (let i = 0; i < a.length; i++) {
  if (a[i] === '--hex') f.hex = a[++i];
  else if (a[i] === '--target') f.target = a[++i];
  else if (a[i] === '--first') f.first = a[++i];
}
const input = lib.fromHex(f.hex ?? '');
const target = f.target ?? 'stack';
console.log(`target ${target}, first ${f.first ?? '-'}, ${input.length} bytes`);
for (let k = 0; k < 5; k++) {
  const t0 = performance.now();
  try {
    if (target === 'stack') lib.checkStack(input, f.first ?? 'ethernet');
    else if (target === 'codecs') lib.checkCodecs(input);
    else if (target === 'capture') lib.checkCaptureSync(input, { decodePackets: true });
    else await lib.checkCaptureStream(input, f.chunkSizes);
    console.log(`run ${k + 1}: ok in ${(performance.now() - t0).toFixed(2)} ms`);
  } catch (e) {
    console.log(`run ${k + 1}: ${e.message} (${(performance.now() - t0).toFixed(2)} ms)`);
    if (e.extra?.stack) console.log(e.extra.stack);
    if (e.extra?.got) console.log(`got  ${e.extra.got}\nwant ${f.hex}`);
  }
}
