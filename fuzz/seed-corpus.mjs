#!/usr/bin/env node
/**
 * Writes the seed corpus for the coverage-guided targets (output is gitignored):
 *   fuzz/corpus/decode-stack/  one file per packet: a selector byte (the index of the packet's first layer
 *                              in the registry, as decode-stack.fuzz.cjs reads it) then the packet bytes;
 *   fuzz/corpus/capture/       every capture file of fixtures/captures and ../shared/corpus/real (≤ 1 MiB).
 * Sources: fixtures/scapy/*.json, fixtures/captures/*, ../shared/corpus/real/* (when present).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const lib = require('./lib.cjs');
const out = join(lib.ROOT, 'fuzz', 'corpus');
const { packets, files } = lib.loadSeeds();
const name = (b) => createHash('sha1').update(b).digest('hex');

mkdirSync(join(out, 'decode-stack'), { recursive: true });
let np = 0;
for (const p of packets) {
  const sel = Math.max(0, lib.FIRST_LAYERS.indexOf(p.first));
  const b = new Uint8Array(p.bytes.length + 1);
  b[0] = sel;
  b.set(p.bytes, 1);
  writeFileSync(join(out, 'decode-stack', name(b)), b);
  np++;
}
mkdirSync(join(out, 'capture'), { recursive: true });
let nf = 0;
for (const f of files) {
  if (f.bytes.length > 1024 * 1024) continue;
  writeFileSync(join(out, 'capture', name(f.bytes)), f.bytes);
  nf++;
}
console.log(`seed corpus: ${np} packets in fuzz/corpus/decode-stack, ${nf} captures in fuzz/corpus/capture`);
