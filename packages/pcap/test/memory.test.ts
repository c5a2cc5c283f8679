/**
 * Bounded memory of the stream reader (issue #4). Two kinds of check:
 *
 * - What the reader keeps reachable (deterministic): while a capture streams through, a forced
 *   garbage collection must leave no more array-buffer memory than the few chunks in flight and the
 *   current slab, whatever the stream's length. A queue that kept consumed chunks reachable (up to 64
 *   of them, 64 MiB with 1 MiB chunks) fails this at once.
 * - The resident set (depends on V8's collector, so the bound is loose): ~200 MB streamed from an
 *   async generator (never materialised) must not grow it by more than 64 MiB. Peak RSS of a whole
 *   1 GB file is measured by `node benchmarks/memory.mjs` (see benchmarks/MEMORY.md).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { gzipSync } from 'fflate';
import { PcapWriter, readCaptureStream } from '@wirestack/pcap';
import { describe, expect, it } from 'vitest';

setFlagsFromString('--expose-gc');
/** A full, synchronous garbage collection (exposed without a command-line flag). */
const gc = runInNewContext('gc') as () => void;

const MiB = 1024 * 1024;
const TOTAL = Number(process.env.PCAP_MEM_MB ?? 200) * MiB;
/**
 * Generator chunk sizes of the resident-set test: 1 MiB (as the CLI reads), then 64 KiB (as Node fs
 * streams do). PCAP_MEM_CHUNK picks one, PCAP_MEM_MB sets the total.
 */
const CHUNKS = process.env.PCAP_MEM_CHUNK ? [Number(process.env.PCAP_MEM_CHUNK)] : [MiB, 64 * 1024];

/** A template of records of varied sizes (60 to 1500 bytes), at least `min` bytes long. */
function template(min: number): Uint8Array {
  const w = new PcapWriter();
  const parts: Uint8Array[] = [];
  let n = 0;
  for (let i = 0; n < min; i++) {
    const rec = w.writeRecord({ timestampNs: BigInt(i) * 1000n, data: new Uint8Array(60 + ((i * 397) % 1441)).fill(i & 0xff) });
    parts.push(rec);
    n += rec.length;
  }
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/**
 * A pcap of about `total` bytes: the header, then the template repeated, cut into fresh `chunk`-byte
 * arrays (as a Node fs stream hands them over), ending on a record boundary.
 */
async function* generate(body: Uint8Array, total: number, chunk: number): AsyncGenerator<Uint8Array> {
  yield new PcapWriter().header();
  let sent = 0;
  let pos = 0;
  while (sent < total) {
    const c = new Uint8Array(chunk);
    for (let o = 0; o < chunk; ) {
      const take = Math.min(chunk - o, body.length - pos);
      c.set(body.subarray(pos, pos + take), o);
      o += take;
      pos = (pos + take) % body.length;
    }
    sent += chunk;
    yield c;
  }
  if (pos !== 0) yield body.slice(pos);
}

/** The same stream gzip-compressed, in one array. */
async function gzipped(body: Uint8Array, total: number): Promise<Uint8Array> {
  const plain: Uint8Array[] = [];
  for await (const c of generate(body, total, 1 * MiB)) plain.push(c);
  const all = new Uint8Array(plain.reduce((n, c) => n + c.length, 0));
  let o = 0;
  for (const c of plain) {
    all.set(c, o);
    o += c.length;
  }
  return gzipSync(all, { level: 1 });
}

/** `gz` cut into fresh `chunk`-byte arrays. */
async function* pieces(gz: Uint8Array, chunk: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < gz.length; i += chunk) yield gz.slice(i, i + chunk);
}

interface Retained {
  records: number;
  bytes: number;
  /** Largest array-buffer memory after a forced GC, above the level before streaming. */
  arrayBuffersMiB: number;
  /** Largest JS heap in use after a forced GC, above the level before streaming. */
  heapMiB: number;
}

/**
 * Memory use after a full collection. V8 frees array buffers on a background thread after the
 * collection, so it collects, yields to the event loop and collects again before measuring.
 */
async function collected(): Promise<NodeJS.MemoryUsage> {
  gc();
  await new Promise((resolve) => setImmediate(resolve));
  gc();
  return process.memoryUsage();
}

/** Streams `source`, forcing a GC every `every` records and recording what stayed reachable. */
async function retained(source: AsyncIterable<Uint8Array>, every: number, copyData?: boolean): Promise<Retained> {
  const m0 = await collected();
  const out: Retained = { records: 0, bytes: 0, arrayBuffersMiB: 0, heapMiB: 0 };
  for await (const r of readCaptureStream(source, copyData === undefined ? {} : { copyData })) {
    out.records++;
    out.bytes += 16 + r.data.length;
    if (out.records % every === 0) {
      const m = await collected();
      if (process.env.PCAP_MEM_DEBUG) console.log(out.records, (m.arrayBuffers - m0.arrayBuffers) / MiB, (m.heapUsed - m0.heapUsed) / MiB);
      out.arrayBuffersMiB = Math.max(out.arrayBuffersMiB, (m.arrayBuffers - m0.arrayBuffers) / MiB);
      out.heapMiB = Math.max(out.heapMiB, (m.heapUsed - m0.heapUsed) / MiB);
    }
  }
  return out;
}

// First, before the other tests have grown the heap.
it.each(CHUNKS)(
  'streams ~200 MB in %i-byte chunks with bounded resident memory',
  async (chunk) => {
    const body = template(3 * chunk + 12345);
    gc();
    const before = process.memoryUsage().rss;
    let peak = before;
    let records = 0;
    let bytes = 0;
    const t0 = performance.now();
    for await (const r of readCaptureStream(generate(body, TOTAL, chunk))) {
      records++;
      bytes += 16 + r.capturedLength;
      if ((records & 4095) === 0) peak = Math.max(peak, process.memoryUsage().rss);
    }
    const ms = performance.now() - t0;
    peak = Math.max(peak, process.memoryUsage().rss);
    const growthMb = (peak - before) / MiB;
    console.log(
      `[pcap memory] ${(bytes / MiB).toFixed(0)} MiB in ${chunk / 1024} KiB chunks, ${records} records in ${ms.toFixed(0)} ms; rss growth ${growthMb.toFixed(1)} MiB (before ${(before / MiB).toFixed(0)} MiB)`,
    );
    expect(bytes).toBeGreaterThan(TOTAL - 24);
    // Typically 25-30 MiB; a reader that kept consumed 1 MiB chunks reachable grew it by over 100.
    expect(growthMb).toBeLessThan(64);
  },
  60_000,
);

describe('what the stream reader keeps reachable', () => {
  const body = template(3 * MiB + 12345);
  // Every ~8 MiB of input (records average ~800 bytes).
  const every = 10_000;

  it.each([
    ['1 MiB chunks, copied records', 1 * MiB, undefined],
    ['1 MiB chunks, zero-copy records', 1 * MiB, false],
    ['64 KiB chunks, copied records', 64 * 1024, undefined],
  ] as const)('%s: a few chunks, not the stream', async (_name, chunk, copyData) => {
    const r = await retained(generate(body, 96 * MiB, chunk), every, copyData);
    expect(r.bytes).toBeGreaterThan(96 * MiB - 24);
    // In flight: the generator's chunk and the queue's (the same or the one before), a merged window, a slab.
    expect(r.arrayBuffersMiB).toBeLessThan(2 * (chunk / MiB) + 1);
    expect(r.heapMiB).toBeLessThan(4);
  });

  it('gzip input: the inflated chunks are let go too', async () => {
    const gz = await gzipped(body, 48 * MiB);
    const r = await retained(pieces(gz, 64 * 1024), every);
    expect(r.bytes).toBeGreaterThan(48 * MiB - 24);
    expect(r.arrayBuffersMiB).toBeLessThan(3);
    expect(r.heapMiB).toBeLessThan(4);
  });
});
