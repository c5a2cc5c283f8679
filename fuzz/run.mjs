#!/usr/bin/env node
/**
 * A plain-JS mutation fuzzer for wirestack (no coverage feedback): bit flips, interesting values,
 * truncations, insertions, chunk duplication and splices over the seed corpus (fixtures/scapy packets,
 * fixtures/captures, ../shared/corpus/real, fuzz/corpus/ when present), run against the BUILT packages.
 *
 *   node fuzz/run.mjs [--target stack|codecs|capture|stream|all] [--runs N] [--time SECONDS]
 *                     [--seed S] [--max-ms 250] [--corpus DIR]... [--keep-going]
 *
 * Targets: `stack` decodeStack with every `first` layer + lossless law + StackDecoder differential;
 * `codecs` every codec's decode at random offsets; `capture` readCapture on mutated capture files (and
 * decodeStack on their records); `stream` readCaptureStream vs readCapture; `all` cycles through them.
 * Stops after N inputs or T seconds (default: 100000 inputs). Prints progress in place on a TTY, a line
 * every 10 s otherwise. Findings are written to fuzz/crashes/<target>-<kind>-<n>.json (with the input
 * hex) and the process exits 1; `--keep-going` records them all and goes on.
 * Build first: `pnpm build`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const lib = require('./lib.cjs');

function args(argv) {
  const o = { target: 'all', runs: undefined, time: undefined, seed: Date.now() >>> 0, maxMs: 250, corpus: [], keepGoing: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = () => {
      const x = argv[++i];
      if (x === undefined) throw new Error(`${a} needs a value`);
      return x;
    };
    if (a === '--target') o.target = v();
    else if (a === '--runs') o.runs = Number(v());
    else if (a === '--time') o.time = Number(v());
    else if (a === '--seed') o.seed = Number(v()) >>> 0;
    else if (a === '--max-ms') o.maxMs = Number(v());
    else if (a === '--corpus') o.corpus.push(v());
    else if (a === '--keep-going') o.keepGoing = true;
    else if (a === '-h' || a === '--help') {
      console.log(
        'usage: node fuzz/run.mjs [--target stack|codecs|capture|stream|all] [--runs N] [--time S] [--seed S] [--max-ms MS] [--corpus DIR] [--keep-going]',
      );
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  if (o.runs === undefined && o.time === undefined) o.runs = Number(process.env.WIRESTACK_FUZZ_RUNS ?? 100000);
  return o;
}

const opt = args(process.argv.slice(2));
const extra = [join(lib.ROOT, 'fuzz', 'corpus', 'capture'), ...opt.corpus];
const { packets, files } = lib.loadSeeds(extra);
if (packets.length === 0) throw new Error('no seed packets (fixtures/ missing?)');
const r = lib.rng(opt.seed);
const targets = opt.target === 'all' ? ['stack', 'stack', 'stack', 'codecs', 'capture', 'stream'] : [opt.target];
for (const t of targets) if (!['stack', 'codecs', 'capture', 'stream'].includes(t)) throw new Error(`unknown target ${t}`);

const counts = Object.fromEntries(targets.map((t) => [t, 0]));
const findings = [];
const crashDir = join(lib.ROOT, 'fuzz', 'crashes');
let slowest = { ms: 0, target: '', hex: '' };

const perKind = new Map();
function record(f, target, extraInfo = {}) {
  // Keep at most 20 files per target and kind (a systematic bug would otherwise flood the folder).
  const key = `${target}-${f.kind ?? 'error'}`;
  perKind.set(key, (perKind.get(key) ?? 0) + 1);
  if (perKind.get(key) > 20 && opt.keepGoing) {
    findings.push({ id: key, target, kind: f.kind, message: f.message });
    return;
  }
  const id = `${target}-${f.kind ?? 'error'}-${findings.length + 1}`;
  const entry = {
    id,
    target,
    kind: f.kind ?? 'error',
    message: f.message,
    seed: opt.seed,
    ...f.extra,
    ...extraInfo,
    hex: f.input ? lib.toHex(f.input) : extraInfo.hex,
  };
  findings.push(entry);
  mkdirSync(crashDir, { recursive: true });
  writeFileSync(join(crashDir, `${id}.json`), `${JSON.stringify(entry, null, 1)}\n`);
  console.error(`\n[fuzz] FINDING ${id}: ${f.message}\n  first=${entry.first ?? '-'} hex=${entry.hex?.slice(0, 400)}`);
  if (!opt.keepGoing) {
    summary();
    process.exit(1);
  }
}

function pickFirst(seedFirst) {
  // Mostly the seed's own first layer (reaches deep), sometimes any layer of the registry.
  return r() < 0.7 ? seedFirst : lib.FIRST_LAYERS[r.int(lib.FIRST_LAYERS.length)];
}

function timed(target, input, fn, extraInfo) {
  const t0 = performance.now();
  try {
    fn();
  } catch (e) {
    if (e instanceof lib.Finding) record(e, target, extraInfo);
    else record({ kind: 'harness', message: String(e && e.stack), input }, target, extraInfo);
  }
  const ms = performance.now() - t0;
  if (ms > slowest.ms) slowest = { ms, target, hex: lib.toHex(input).slice(0, 200) };
  // The bound grows with the input (50 ms per MB) so big capture files are not flagged for their size alone.
  if (ms > opt.maxMs + input.length / 20000)
    record({ kind: 'hang', message: `one input took ${ms.toFixed(1)} ms (bound ${opt.maxMs} ms)`, input }, target, extraInfo);
}

const start = performance.now();
const tty = process.stderr.isTTY;
let lastReport = start;
let total = 0;

function line() {
  const s = (performance.now() - start) / 1000;
  const per = Object.entries(counts)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  return `[fuzz] ${total} inputs in ${s.toFixed(0)} s (${Math.round(total / Math.max(s, 1e-3))}/s): ${per}; findings ${findings.length}`;
}

function summary() {
  console.log(`\n${line()}`);
  console.log(
    `[fuzz] seed ${opt.seed}; ${packets.length} seed packets, ${files.length} seed capture files; slowest input ${slowest.ms.toFixed(2)} ms (${slowest.target})`,
  );
  if (findings.length) console.log(`[fuzz] findings written to ${crashDir}`);
}

async function step(target) {
  if (target === 'stack') {
    const seed = packets[r.int(packets.length)];
    const input = r() < 0.05 ? seed.bytes : lib.mutateMany(seed.bytes, r, packets);
    const first = pickFirst(seed.first);
    timed(target, input, () => lib.checkStack(input, first), { first });
  } else if (target === 'codecs') {
    const seed = packets[r.int(packets.length)];
    const input = lib.mutateMany(seed.bytes, r, packets);
    timed(target, input, () => lib.checkCodecs(input, r));
  } else if (target === 'capture') {
    if (!files.length) return;
    const seed = files[r.int(files.length)];
    const input = lib.mutateMany(seed.bytes, r, files);
    timed(target, input, () => lib.checkCaptureSync(input, { decodePackets: r() < 0.3 }));
  } else {
    if (!files.length) return;
    const seed = files[r.int(files.length)];
    const input = lib.mutateMany(seed.bytes, r, files);
    const sizes = [1 + r.int(8), 1 + r.int(200), 1 + r.int(5000)];
    const t0 = performance.now();
    try {
      await lib.checkCaptureStream(input, sizes);
    } catch (e) {
      if (e instanceof lib.Finding) record(e, target, { chunkSizes: sizes });
      else record({ kind: 'harness', message: String(e && e.stack), input }, target);
    }
    const ms = performance.now() - t0;
    if (ms > opt.maxMs * 8)
      record({ kind: 'hang', message: `stream input took ${ms.toFixed(1)} ms`, input }, target, { chunkSizes: sizes });
  }
  counts[target]++;
  total++;
}

const deadline = opt.time !== undefined ? start + opt.time * 1000 : Number.POSITIVE_INFINITY;
const maxRuns = opt.runs ?? Number.POSITIVE_INFINITY;
let ti = 0;
while (total < maxRuns) {
  const target = targets[ti++ % targets.length];
  await step(target);
  if ((total & 255) === 0) {
    const now = performance.now();
    if (now >= deadline) break;
    if (tty && now - lastReport > 250) {
      process.stderr.write(`\r${line()}   `);
      lastReport = now;
    } else if (!tty && now - lastReport > 10000) {
      console.log(line());
      lastReport = now;
    }
  }
}
if (tty) process.stderr.write('\n');
summary();
process.exit(findings.length ? 1 : 0);
