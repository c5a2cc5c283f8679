/**
 * Reading into reused buffers (issue #6): the chunk queue reports a chunk only once it holds no view of it,
 * and reports every chunk it let go of; a {@link RecyclingByteSource} that refills its buffers then gives
 * the same records as the plain reader (compared on receipt with `copyData: false`, kept to the end with
 * `copyData: true`), whatever the chunking and pool size, for pcap, pcapng (skipped blocks included) and
 * gzip (never recycled); and `CaptureFileSource` / `openCapture` read files that way.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { concatBytes, DecodeError } from '@wirestack/core';
import {
  type CaptureRecord,
  type CaptureStreamReader,
  PcapngWriter,
  type RecyclingByteSource,
  readCaptureStream,
  writePcap,
} from '@wirestack/pcap';
import { CaptureFileSource, openCapture } from '@wirestack/pcap/node';
import { FIXTURES } from '@wirestack/testkit';
import fc from 'fast-check';
import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { ChunkQueue } from '../src/queue.js';
import { outcomeSummary, readAllSync, summary } from './helpers.js';

const POISON = 0xee;

// ---- the queue on its own ----

/** The pushed chunks' buffers the queue still holds a view of (read through its private fields). */
function held(q: ChunkQueue): Set<ArrayBufferLike> {
  const inner = q as unknown as { rest: (Uint8Array | undefined)[]; restHead: number; bufOwn: boolean };
  const out = new Set<ArrayBufferLike>();
  if (!inner.bufOwn) out.add(q.buf.buffer);
  for (let i = inner.restHead; i < inner.rest.length; i++) {
    const c = inner.rest[i];
    if (c !== undefined) out.add(c.buffer);
  }
  return out;
}

type Op = { push: number } | { ensure: number } | { consume: number } | { skip: number };

const arbOp: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ push: fc.integer({ min: 0, max: 40 }) }) },
  { weight: 3, arbitrary: fc.record({ ensure: fc.integer({ min: 1, max: 120 }) }) },
  { weight: 3, arbitrary: fc.record({ consume: fc.integer({ min: 0, max: 60 }) }) },
  { weight: 1, arbitrary: fc.record({ skip: fc.integer({ min: 0, max: 150 }) }) },
);

describe('ChunkQueue.onRelease', () => {
  it('reports exactly the pushed chunks it no longer views, each once, whatever the operations (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(arbOp, { maxLength: 80 }), (ops) => {
        const q = new ChunkQueue();
        const released: ArrayBufferLike[] = [];
        q.onRelease = (b) => released.push(b);
        const pushed = new Set<ArrayBufferLike>();
        // The bytes as a plain reader sees them: byte k of the stream is (k & 0xff); the queue must agree.
        let next = 0;
        for (const op of ops) {
          if ('push' in op) {
            const c = new Uint8Array(op.push);
            for (let i = 0; i < c.length; i++) c[i] = (next + i) & 0xff;
            next += c.length;
            pushed.add(c.buffer);
            q.push(c);
          } else if ('ensure' in op) {
            if (q.ensure(op.ensure)) {
              const at = q.offset;
              for (let i = 0; i < op.ensure; i++) expect(q.buf[q.pos + i]).toBe((at + i) & 0xff);
            }
          } else if ('consume' in op) q.consume(Math.min(op.consume, q.avail));
          else q.skip(op.skip);
          const views = held(q);
          // Never reported while viewed, never twice, and nothing pushed is left unreported and unviewed.
          expect(new Set(released).size).toBe(released.length);
          for (const b of released) expect(views.has(b)).toBe(false);
          for (const b of pushed) expect(views.has(b) || released.includes(b)).toBe(true);
          expect(views.size + released.length).toBe(pushed.size);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('a window over many chunks: the merged array is not reported, the chunks it took whole are', () => {
    const q = new ChunkQueue();
    const released: ArrayBufferLike[] = [];
    q.onRelease = (b) => released.push(b);
    const chunks = Array.from({ length: 6 }, (_, i) => new Uint8Array(10).fill(i));
    for (const c of chunks) q.push(c);
    q.consume(3);
    expect(q.ensure(45)).toBe(true);
    // Chunks 0-3 were copied whole (chunk 0 from byte 3); chunk 4 is half taken and still viewed.
    expect(released).toEqual(chunks.slice(0, 4).map((c) => c.buffer));
    q.consume(45);
    expect(released).toEqual(chunks.slice(0, 4).map((c) => c.buffer));
    q.consume(2);
    expect(released).toEqual(chunks.slice(0, 5).map((c) => c.buffer));
    expect(q.buf.buffer).toBe(chunks[5]?.buffer);
  });

  it('empty chunks and chunks eaten by a pending skip are reported at once', () => {
    const q = new ChunkQueue();
    const released: ArrayBufferLike[] = [];
    q.onRelease = (b) => released.push(b);
    const empty = new Uint8Array(0);
    q.push(empty);
    q.skip(25);
    const a = new Uint8Array(10);
    const b = new Uint8Array(20);
    q.push(a);
    q.push(b);
    expect(released).toEqual([empty.buffer, a.buffer]);
    expect(q.avail).toBe(5);
  });
});

// ---- a recycling source over bytes in memory ----

/**
 * Hands `bytes` over in chunks of the given sizes (cycled), read into at most `poolSize` reused buffers
 * (then one-off ones), as `CaptureFileSource` does. `poison: 'recycle'` overwrites a buffer as soon as it
 * is recycled (the strictest check of the queue: only copied records survive that); `'reuse'` overwrites
 * it just before it is filled again (as a file read does: zero-copy records then last until the next read).
 */
class PoolSource implements RecyclingByteSource {
  readonly free: Uint8Array[] = [];
  readonly lent = new Map<ArrayBufferLike, Uint8Array>();
  recycled = 0;
  allocated = 0;
  reads = 0;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly sizes: readonly number[],
    private readonly poolSize: number,
    private readonly poison: 'recycle' | 'reuse',
  ) {}

  recycle(buffer: ArrayBufferLike): void {
    const b = this.lent.get(buffer);
    if (b === undefined) return;
    this.lent.delete(buffer);
    this.recycled++;
    if (this.poison === 'recycle') b.fill(POISON);
    this.free.push(b);
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    const size = Math.max(...this.sizes, 1);
    let o = 0;
    while (o < this.bytes.length) {
      const n = Math.min(Math.max(1, this.sizes[this.reads++ % this.sizes.length] ?? 1), this.bytes.length - o);
      let buf = this.free.pop();
      let pooled = true;
      if (buf !== undefined) {
        if (this.poison === 'reuse') buf.fill(POISON);
      } else if (this.lent.size < this.poolSize) {
        buf = new Uint8Array(size);
        this.allocated++;
      } else {
        buf = new Uint8Array(size);
        pooled = false;
      }
      buf.set(this.bytes.subarray(o, o + n));
      o += n;
      if (pooled) this.lent.set(buf.buffer, buf);
      // Await between chunks, as a file read does.
      await Promise.resolve();
      yield buf.subarray(0, n);
    }
  }
}

/**
 * Reads with tryNext()/next(), as the CLI does, checking each record against `expected` the moment it
 * arrives (summaries copy the data, so later poisoning cannot hide a bad record). Returns the outcome.
 */
async function readChecked(reader: CaptureStreamReader, expected: readonly CaptureRecord[]): Promise<unknown> {
  const records: CaptureRecord[] = [];
  let error: DecodeError | undefined;
  try {
    await reader.open();
    for (;;) {
      const rec = reader.tryNext() ?? (await reader.next()).value;
      if (rec === undefined) break;
      const want = expected[records.length];
      expect(want && summary(rec)).toEqual(want && summary(want));
      records.push({ ...rec, data: rec.data.slice() });
    }
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    error = e;
  }
  return outcomeSummary({ records, error });
}

/** Reads all records into an array (kept to the end), then the error if any. */
async function readKept(reader: AsyncIterable<CaptureRecord>): Promise<unknown> {
  const records: CaptureRecord[] = [];
  let error: DecodeError | undefined;
  try {
    for await (const r of reader) records.push(r);
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    error = e;
  }
  return outcomeSummary({ records, error });
}

/** The zero-copy stream reader over `source`. */
const zeroCopy = (source: AsyncIterable<Uint8Array>): CaptureStreamReader => readCaptureStream(source, { copyData: false });

/** A small pcap whose record sizes are given. */
function pcapOf(sizes: readonly number[]): Uint8Array {
  return writePcap(sizes.map((n, i) => ({ timestampNs: BigInt(i) * 1000n, data: new Uint8Array(n).map((_, k) => (i * 31 + k) & 0xff) })));
}

/** A pcapng with an unknown block (skipped) between records, and a comment option on each record. */
function pcapngOf(sizes: readonly number[], custom: number): Uint8Array {
  const w = new PcapngWriter({ comments: ['reuse'] });
  const parts = [w.sectionHeader(), w.addInterface({ linkType: 1, name: 'eth0', tsresol: 9 })];
  sizes.forEach((n, i) => {
    parts.push(
      w.writeRecord({
        interfaceId: 0,
        timestampNs: BigInt(i) * 7n,
        data: new Uint8Array(n).map((_, k) => (i * 17 + k) & 0xff),
        comments: [`r${i}`],
      }),
    );
    if (i === 1) {
      // Block type 0x0BAD (unknown: skipped without buffering), 12 + custom bytes.
      const len = 12 + 4 * custom;
      const blk = new Uint8Array(len).fill(0x5a);
      const v = new DataView(blk.buffer);
      v.setUint32(0, 0x0bad, true);
      v.setUint32(4, len, true);
      v.setUint32(len - 4, len, true);
      parts.push(blk);
    }
  });
  return concatBytes(parts);
}

const captureDir = join(FIXTURES, 'captures');
const FIXTURE_FILES: Uint8Array[] = readdirSync(captureDir)
  .filter((f) => /\.(pcap|pcapng)$/.test(f))
  .sort()
  .map((f) => new Uint8Array(readFileSync(join(captureDir, f))));

const arbInput: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.array(fc.integer({ min: 0, max: 300 }), { maxLength: 30 }).map(pcapOf),
  fc.tuple(fc.array(fc.integer({ min: 0, max: 300 }), { maxLength: 30 }), fc.integer({ min: 0, max: 100 })).map(([s, c]) => pcapngOf(s, c)),
  // A record much larger than the pool's chunks together.
  fc.array(fc.integer({ min: 1000, max: 5000 }), { minLength: 1, maxLength: 3 }).map(pcapOf),
  fc.constantFrom(...FIXTURE_FILES),
);
/** The sizes the pool source hands out chunks in (cycled), and how many buffers its pool holds. */
const arbChunkSizes = fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 8 });
const arbPoolSize = fc.integer({ min: 1, max: 4 });

describe('a recycling source gives the plain reader’s records', () => {
  it('copyData: false, compared on receipt, buffers rewritten on reuse (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(arbInput, arbChunkSizes, arbPoolSize, async (bytes, sizes, pool) => {
        const plain = readAllSync(bytes);
        const src = new PoolSource(bytes, sizes, pool, 'reuse');
        expect(await readChecked(zeroCopy(src), plain.records)).toEqual(outcomeSummary(plain));
        // Buffers were reused, and never more than the pool was made.
        expect(src.allocated).toBeLessThanOrEqual(pool);
      }),
      { numRuns: 300 },
    );
  });

  it('copyData: true, records kept to the end, buffers poisoned the moment they are recycled (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(arbInput, arbChunkSizes, arbPoolSize, async (bytes, sizes, pool) => {
        const plain = readAllSync(bytes);
        const src = new PoolSource(bytes, sizes, pool, 'recycle');
        expect(await readKept(readCaptureStream(src))).toEqual(outcomeSummary(plain));
      }),
      { numRuns: 300 },
    );
  });

  it('chunk sizes 1..N over records that span 1, 2 and many chunks', async () => {
    const bytes = pcapOf([0, 1, 15, 16, 17, 64, 100, 250, 1, 2000]);
    const plain = readAllSync(bytes);
    for (let size = 1; size <= 80; size++)
      for (const pool of [1, 2, 3]) {
        const src = new PoolSource(bytes, [size], pool, 'reuse');
        expect(await readChecked(zeroCopy(src), plain.records)).toEqual(outcomeSummary(plain));
        expect(src.recycled).toBeGreaterThan(0);
      }
  });

  it('steady state: small records over larger chunks need two or three buffers', async () => {
    const bytes = pcapOf(Array.from({ length: 2000 }, (_, i) => 60 + ((i * 37) % 200)));
    const src = new PoolSource(bytes, [4096], 8, 'reuse');
    const plain = readAllSync(bytes);
    expect(await readChecked(zeroCopy(src), plain.records)).toEqual(outcomeSummary(plain));
    expect(src.allocated).toBeLessThanOrEqual(3);
    expect(src.recycled).toBeGreaterThan(src.reads - 4);
  });

  it('a cut-short file: the records before the fault, then the error', async () => {
    const full = pcapngOf([40, 50, 60, 70], 10);
    const bytes = full.subarray(0, full.length - 30);
    const plain = readAllSync(bytes);
    expect(plain.error?.code).toBe('truncated');
    for (const size of [1, 9, 64])
      expect(await readChecked(zeroCopy(new PoolSource(bytes, [size], 2, 'reuse')), plain.records)).toEqual(outcomeSummary(plain));
  });

  it('gzip input: same records, and the source’s chunks are never recycled', async () => {
    const bytes = pcapngOf([10, 300, 1500, 20, 4000, 60], 50);
    const gz = gzipSync(bytes);
    const plain = readAllSync(bytes);
    for (const size of [1, 33, 1000]) {
      const src = new PoolSource(gz, [size], 2, 'recycle');
      expect(await readChecked(zeroCopy(src), plain.records)).toEqual(outcomeSummary(plain));
      expect(src.recycled).toBe(0);
    }
  });
});

// ---- files ----

describe('CaptureFileSource and openCapture', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wirestack-reuse-'));
  const pcap = pcapOf(Array.from({ length: 3000 }, (_, i) => (i % 97 === 0 ? 3000 : 40 + ((i * 53) % 400))));
  const pcapng = pcapngOf(
    Array.from({ length: 500 }, (_, i) => 20 + ((i * 71) % 900)),
    300,
  );
  const files = {
    pcap: join(dir, 'a.pcap'),
    pcapng: join(dir, 'b.pcapng'),
    gz: join(dir, 'c.pcap.gz'),
  };
  writeFileSync(files.pcap, pcap);
  writeFileSync(files.pcapng, pcapng);
  writeFileSync(files.gz, gzipSync(pcap));
  const expected = { pcap: readAllSync(pcap), pcapng: readAllSync(pcapng), gz: readAllSync(pcap) };

  it.each(Object.keys(files) as (keyof typeof files)[])('%s: same records on receipt, small and default chunks', async (k) => {
    for (const opts of [{ chunkSize: 100, poolSize: 2 }, { chunkSize: 4096 }, {}]) {
      const src = new CaptureFileSource(files[k], opts);
      expect(await readChecked(zeroCopy(src), expected[k].records)).toEqual(outcomeSummary(expected[k]));
      expect(src.bytesRead).toBe(readFileSync(files[k]).length);
    }
  });

  it('openCapture: reuse by default with copied records, on request with zero-copy ones', async () => {
    for (const k of Object.keys(files) as (keyof typeof files)[]) {
      const want = outcomeSummary(expected[k]);
      expect(await readKept(openCapture(files[k]))).toEqual(want);
      expect(await readKept(openCapture(files[k], { reuseBuffers: false }))).toEqual(want);
      expect(await readChecked(openCapture(files[k], { copyData: false, reuseBuffers: true }), expected[k].records)).toEqual(want);
      expect(await readKept(openCapture(files[k], { copyData: false }))).toEqual(want);
    }
  });

  it('stops early and fails on a missing file with its errno', async () => {
    let n = 0;
    for await (const _ of openCapture(files.pcap)) if (++n === 3) break;
    expect(n).toBe(3);
    await expect(openCapture(join(dir, 'missing.pcap')).open()).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
