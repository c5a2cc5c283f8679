/**
 * Robustness of the capture readers (issue #8): the reader limits tested at their edge, a real
 * decompression bomb, and mutated capture files (bit flips, truncations, splices of fixtures/captures
 * and ../shared/corpus/real, raw and gzip-wrapped) through the sync and the streaming reader: only
 * CaptureError is thrown, the stream reads exactly what the sync reader reads, every record's data is
 * its captured length and no larger than the input allows. `WIRESTACK_FUZZ_RUNS` raises the run counts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { concatBytes, type DecodeError } from '@wirestack/core';
import { CaptureError, PcapWriter, readCapture, readCaptureStream } from '@wirestack/pcap';
import { corpusAvailable, corpusFiles, FIXTURES } from '@wirestack/testkit';
import fc from 'fast-check';
import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { chunked, readAllStream, readAllSync } from './helpers.js';

const ENV_RUNS = Number(process.env.WIRESTACK_FUZZ_RUNS ?? 0);
const runs = (ci: number): number => (ENV_RUNS > 0 ? ENV_RUNS : ci);
const LONG = ENV_RUNS > 0 ? 24 * 3600_000 : 60_000;
const ISSUE_CODES = ['truncated', 'bad-length', 'bad-version', 'bad-checksum', 'unsupported', 'too-deep', 'malformed'];

const captureDir = join(FIXTURES, 'captures');
const SEEDS: Uint8Array[] = readdirSync(captureDir)
  .filter((f) => /\.(pcap|pcapng)$/.test(f))
  .sort()
  .map((f) => new Uint8Array(readFileSync(join(captureDir, f))));
const hasCorpus = corpusAvailable();
if (hasCorpus)
  for (const f of corpusFiles('real')) {
    const b = new Uint8Array(readFileSync(f.path));
    if (b.length <= 256 * 1024) SEEDS.push(b);
  }
// gzip-wrapped copies of a few seeds, so the inflater sees mutated input too.
for (const s of SEEDS.slice(0, 6)) SEEDS.push(gzipSync(s));

const hexHead = (b: Uint8Array): string =>
  Array.from(b.subarray(0, 256), (x) => x.toString(16).padStart(2, '0')).join('') + (b.length > 256 ? `... (${b.length} bytes)` : '');

type Mutation =
  | { op: 'flip'; at: number; bit: number }
  | { op: 'set'; at: number; value: number }
  | { op: 'set32'; at: number; value: number }
  | { op: 'truncate'; at: number }
  | { op: 'insert'; at: number; bytes: Uint8Array }
  | { op: 'delete'; at: number; n: number }
  | { op: 'splice'; at: number; other: number; from: number };

const arbMutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ op: fc.constant('set' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  // length fields: 0, tiny, not a multiple of 4, just past the limits, huge
  fc.record({
    op: fc.constant('set32' as const),
    at: fc.nat(),
    value: fc.constantFrom(0, 1, 3, 12, 13, 0x1c, 0xffff, 262144, 262145, 0x01000001, 0x7fffffff, 0xffffffff),
  }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 32 }) }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), n: fc.integer({ min: 1, max: 64 }) }),
  fc.record({ op: fc.constant('splice' as const), at: fc.nat(), other: fc.nat(), from: fc.nat() }),
);

function mutate(b: Uint8Array, ms: readonly Mutation[]): Uint8Array {
  let cur: Uint8Array = b.slice();
  for (const m of ms) {
    const n = cur.length;
    const at = n ? m.at % (n + 1) : 0;
    if (m.op === 'flip') {
      if (n) cur[m.at % n]! ^= 1 << m.bit;
    } else if (m.op === 'set') {
      if (n) cur[m.at % n] = m.value;
    } else if (m.op === 'set32') {
      if (n >= 4) {
        const o = m.at % (n - 3);
        // both byte orders occur in captures: write little-endian on even offsets, big-endian on odd
        for (let i = 0; i < 4; i++) cur[o + i] = (m.value >>> (o % 2 ? 24 - 8 * i : 8 * i)) & 0xff;
      }
    } else if (m.op === 'truncate') cur = cur.slice(0, at);
    else if (m.op === 'insert') cur = concatBytes([cur.subarray(0, at), m.bytes, cur.subarray(at)]);
    else if (m.op === 'delete') cur = concatBytes([cur.subarray(0, at), cur.subarray(Math.min(n, at + m.n))]);
    else {
      const other = SEEDS[m.other % SEEDS.length]!;
      cur = concatBytes([cur.subarray(0, at), other.subarray(m.from % (other.length + 1))]);
    }
  }
  return cur;
}

const arbMutated = fc
  .record({ seed: fc.nat({ max: SEEDS.length - 1 }), ms: fc.array(arbMutation, { minLength: 1, maxLength: 4 }) })
  .map(({ seed, ms }) => mutate(SEEDS[seed]!, ms));

/** The reader oracle: CaptureError (a DecodeError about pcap/pcapng/gzip with a contract code) or nothing. */
function expectCaptureError(e: DecodeError | undefined, bytes: Uint8Array): void {
  if (e === undefined) return;
  expect(e, hexHead(bytes)).toBeInstanceOf(CaptureError);
  expect(['pcap', 'pcapng', 'gzip']).toContain(e.layer);
  expect(ISSUE_CODES).toContain(e.code);
  expect(Number.isInteger(e.offset) && e.offset >= 0).toBe(true);
}

const LIMIT = 1 << 22;

describe('fuzz: mutated captures', () => {
  it('has seeds (fixtures always; the shared corpus when present)', () => {
    expect(SEEDS.length).toBeGreaterThan(10);
    if (!hasCorpus) console.warn('[fuzz] SKIPPING corpus seeds: ../shared/corpus is absent; fuzzing fixtures only');
  });

  it(
    'readCapture: CaptureError only; records hold their captured length and no more than the input',
    () => {
      fc.assert(
        fc.property(arbMutated, (bytes) => {
          const t0 = performance.now();
          const { records, error } = readAllSync(bytes, { maxDecompressedBytes: LIMIT });
          expectCaptureError(error, bytes);
          let total = 0;
          for (const r of records) {
            expect(r.data.length).toBe(r.capturedLength);
            total += r.data.length;
          }
          expect(total).toBeLessThanOrEqual(Math.max(bytes.length, LIMIT));
          expect(performance.now() - t0).toBeLessThan(2000);
        }),
        { numRuns: runs(600) },
      );
    },
    LONG,
  );

  it(
    'readCaptureStream in random chunks reads exactly what readCapture reads, and stops with the same error',
    async () => {
      await fc.assert(
        fc.asyncProperty(arbMutated, fc.array(fc.integer({ min: 1, max: 5000 }), { minLength: 1, maxLength: 4 }), async (bytes, sizes) => {
          const sync = readAllSync(bytes, { maxDecompressedBytes: LIMIT });
          const stream = await readAllStream(chunked(bytes, sizes), { maxDecompressedBytes: LIMIT });
          expectCaptureError(stream.error, bytes);
          const ctx = `${hexHead(bytes)} chunks ${sizes.join(',')}`;
          const so = stream.records.map((r) => r.offset);
          const yo = sync.records.map((r) => r.offset);
          const gz = bytes[0] === 0x1f && bytes[1] === 0x8b;
          // For broken gzip input, how many records come out before the inflater's error depends on the
          // slicing (the sync reader inflates at most 16 KiB at a time): one list is a prefix of the other.
          if (gz && (stream.error || sync.error)) {
            const n = Math.min(so.length, yo.length);
            expect(so.slice(0, n), ctx).toEqual(yo.slice(0, n));
          } else expect(so, ctx).toEqual(yo);
          if (!gz) expect(stream.error?.code, ctx).toBe(sync.error?.code);
          else expect(!!stream.error, ctx).toBe(!!sync.error);
          // gzip errors carry the compressed offset of the slice being inflated, which depends on how the
          // input was cut (the sync reader feeds 16 KiB slices): compare offsets for plain input only.
          if (!gz) expect(stream.error?.offset, ctx).toBe(sync.error?.offset);
        }),
        { numRuns: runs(250) },
      );
    },
    LONG,
  );

  it(
    'arbitrary bytes behind a valid pcap or pcapng start: CaptureError only',
    () => {
      const starts = [new PcapWriter().header(), SEEDS.find((s) => s[0] === 0x0a)!.subarray(0, 28)];
      fc.assert(
        fc.property(fc.constantFrom(...starts), fc.uint8Array({ maxLength: 512 }), (start, tail) => {
          const bytes = concatBytes([start, tail]);
          expectCaptureError(readAllSync(bytes).error, bytes);
        }),
        { numRuns: runs(1000) },
      );
    },
    LONG,
  );
});

// ------------------------------------------------------------------ limits

function pcapWith(lengths: number[]): Uint8Array {
  const w = new PcapWriter({ snapLength: 0xffffffff });
  return concatBytes([w.header(), ...lengths.map((n, i) => w.writeRecord({ timestampNs: BigInt(i), data: new Uint8Array(n).fill(0xab) }))]);
}

describe('reader limits, at their edge', () => {
  it('maxCaptureLength: a record of exactly the limit is read, one byte more is bad-length', () => {
    for (const limit of [1000, 262144]) {
      const opts = limit === 262144 ? {} : { maxCaptureLength: limit };
      expect(readAllSync(pcapWith([10, limit]), opts).error).toBeUndefined();
      const past = readAllSync(pcapWith([10, limit + 1]), opts);
      expect(past.records.length).toBe(1);
      expect(past.error).toBeInstanceOf(CaptureError);
      expect(past.error!.code).toBe('bad-length');
    }
  });

  it('maxBlockLength: a pcapng block of exactly the limit is read, one more is bad-length', () => {
    const file = SEEDS.find((s) => s[0] === 0x0a && s[1] === 0x0d)!; // a pcapng fixture
    const shbLength = new DataView(file.buffer, file.byteOffset).getUint32(4, file[8] === 0x4d); // LE when the BOM reads 4d 3c 2b 1a
    expect(readAllSync(file.subarray(0, shbLength), { maxBlockLength: shbLength }).error).toBeUndefined();
    const past = readAllSync(file.subarray(0, shbLength), { maxBlockLength: shbLength - 4 });
    expect(past.error).toBeInstanceOf(CaptureError);
    expect(past.error!.code).toBe('bad-length');
  });

  it('maxDecompressedBytes: exactly the inflated size is read, one byte less is a typed error', () => {
    const plain = pcapWith([60, 70, 80]);
    const gz = gzipSync(plain);
    const ok = readAllSync(gz, { maxDecompressedBytes: plain.length });
    expect(ok.error).toBeUndefined();
    expect(ok.records.length).toBe(3);
    const past = readAllSync(gz, { maxDecompressedBytes: plain.length - 1 });
    expect(past.error).toBeInstanceOf(CaptureError);
    expect(past.error!.layer).toBe('gzip');
  });

  it('gzip that fails after a complete member (trailing garbage) or mid-stream: every record inflated before it, then a gzip error, alike in both readers however the input is cut', async () => {
    const plain = pcapWith([60, 70, 80, 90]);
    const member = gzipSync(plain);
    // CI once found this: a member followed by bytes that do not start another member; the sync
    // reader inflated it whole without complaint while the stream reader failed before any record.
    const trailing = concatBytes([member, Uint8Array.of(0x00, 0x03, 0xe3, 0xe2, 0x00, 0x00, 0x00, 0x00, 0x17)]);
    const sync = readAllSync(trailing);
    expect(sync.records.length).toBe(4);
    expect(sync.error).toBeInstanceOf(CaptureError);
    expect(sync.error!.layer).toBe('gzip');
    expect(sync.error!.code).toBe('malformed');
    for (const sizes of [[1], [7], [member.length - 3], [member.length], [5000]]) {
      const stream = await readAllStream(chunked(trailing, sizes));
      expect(
        stream.records.map((r) => r.offset),
        `chunks ${sizes}`,
      ).toEqual(sync.records.map((r) => r.offset));
      expect(stream.error?.code, `chunks ${sizes}`).toBe('malformed');
    }
    // a member cut short in its deflate data: the records before the cut, then 'truncated' from gzip rather than from pcap
    const cut = member.subarray(0, Math.floor(member.length / 2));
    const s2 = readAllSync(cut);
    expect(s2.error?.layer).toBe('gzip');
    for (const sizes of [[1], [13], [5000]]) {
      const t2 = await readAllStream(chunked(cut, sizes));
      expect(t2.error?.layer).toBe('gzip');
      expect(t2.records.map((r) => r.offset)).toEqual(s2.records.map((r) => r.offset));
    }
  });

  it('a decompression bomb (50 MB of zeros after a pcap header, gzipped) stops at a small limit with bounded memory', async () => {
    const bomb = gzipSync(concatBytes([new PcapWriter().header(), new Uint8Array(50 * 1024 * 1024)]), { level: 9 });
    expect(bomb.length).toBeLessThan(200 * 1024); // ~1000:1
    const limit = 1024 * 1024;
    globalThis.gc?.();
    const before = process.memoryUsage();
    let peak = before.rss;
    const sync = (() => {
      let n = 0;
      try {
        for (const _ of readCapture(bomb, { maxDecompressedBytes: limit }))
          if ((++n & 4095) === 0) peak = Math.max(peak, process.memoryUsage().rss);
      } catch (e) {
        return { n, e };
      }
      return { n, e: undefined };
    })();
    expect(sync.e).toBeInstanceOf(CaptureError);
    expect((sync.e as CaptureError).layer).toBe('gzip');
    expect((sync.e as CaptureError).code).toBe('malformed');
    expect((sync.e as CaptureError).field).toBe('maxDecompressedBytes');
    // the zeros are valid empty records: at most limit / 16 of them were read
    expect(sync.n).toBeLessThanOrEqual(limit / 16);
    const stream = await readAllStream(chunked(bomb, [4096]), { maxDecompressedBytes: limit });
    expect(stream.error).toBeInstanceOf(CaptureError);
    expect(stream.error!.layer).toBe('gzip');
    peak = Math.max(peak, process.memoryUsage().rss);
    // 50 MB were never materialised: growth stays far below the bomb's inflated size
    expect((peak - before.rss) / 1024 / 1024).toBeLessThan(40);
  });

  it('the streaming reader bounds a bomb by default too (4 GiB), never materialising it: first records arrive at once', async () => {
    const bomb = gzipSync(concatBytes([new PcapWriter().header(), new Uint8Array(8 * 1024 * 1024)]), { level: 9 });
    const reader = readCaptureStream(chunked(bomb, [1024]));
    let n = 0;
    for await (const _ of reader) if (++n === 1000) break;
    expect(n).toBe(1000);
  });
});
