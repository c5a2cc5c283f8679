/**
 * `CaptureStreamReader.tryNext()`: records already buffered come out without waiting, in the same order and
 * with the same contents as the async iterator gives; an error met by `tryNext()` is held for the next `next()`,
 * after every complete record before it.
 */
import { concatBytes, DecodeError } from '@wirestack/core';
import { type CaptureRecord, PcapWriter, readCaptureStream } from '@wirestack/pcap';
import fc from 'fast-check';
import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { chunked, readAllStream, summary } from './helpers.js';

function pcap(lengths: readonly number[]): Uint8Array {
  const w = new PcapWriter();
  const parts = [
    w.header(),
    ...lengths.map((n, i) => w.writeRecord({ timestampNs: BigInt(i) * 1000n, data: new Uint8Array(n).fill(i & 0xff) })),
  ];
  return concatBytes(parts);
}

/** Reads like the CLI: tryNext() while it gives records, else one await of next(). */
async function readWithTryNext(
  bytes: Uint8Array,
  sizes: readonly number[],
): Promise<{ records: CaptureRecord[]; error: DecodeError | undefined; awaits: number }> {
  const reader = readCaptureStream(chunked(bytes, sizes));
  const records: CaptureRecord[] = [];
  let awaits = 0;
  try {
    await reader.open();
    for (;;) {
      const r = reader.tryNext();
      if (r !== undefined) {
        records.push(r);
        continue;
      }
      awaits++;
      const n = await reader.next();
      if (n.done) break;
      records.push(n.value);
    }
    return { records, error: undefined, awaits };
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    return { records, error: e, awaits };
  }
}

describe('tryNext', () => {
  it('gives what the async iterator gives, whatever the chunking, with far fewer awaits', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 300 }), { maxLength: 40 }),
        fc.array(fc.integer({ min: 1, max: 4096 }), { minLength: 1, maxLength: 3 }),
        fc.boolean(),
        async (lengths, sizes, gz) => {
          const plain = pcap(lengths);
          const bytes = gz ? gzipSync(plain) : plain;
          const a = await readAllStream(chunked(bytes, sizes));
          const b = await readWithTryNext(bytes, sizes);
          expect(b.error).toBeUndefined();
          expect(a.error).toBeUndefined();
          expect(b.records.map(summary)).toEqual(a.records.map(summary));
        },
      ),
      { numRuns: 150 },
    );
    const many = pcap(Array.from({ length: 2000 }, () => 60));
    const r = await readWithTryNext(many, [128 * 1024]);
    expect(r.records.length).toBe(2000);
    expect(r.awaits).toBeLessThan(10);
  });

  it('holds an error for next(), after every complete record before it', async () => {
    const good = pcap([10, 20, 30]);
    // a fourth record header claiming more than the 256 KiB limit
    const bad = new Uint8Array(good.length + 16);
    bad.set(good);
    new DataView(bad.buffer).setUint32(good.length + 8, 300_000, true);
    new DataView(bad.buffer).setUint32(good.length + 12, 300_000, true);
    for (const sizes of [[1], [7], [bad.length]]) {
      const r = await readWithTryNext(bad, sizes);
      expect(r.records.length, `chunks ${sizes}`).toBe(3);
      expect(r.error?.code, `chunks ${sizes}`).toBe('bad-length');
      const a = await readAllStream(chunked(bad, sizes));
      expect(r.error?.offset).toBe(a.error?.offset);
    }
  });

  it('gives undefined at the end and after the end', async () => {
    const reader = readCaptureStream(chunked(pcap([5]), [1000]));
    await reader.open();
    const first = reader.tryNext() ?? (await reader.next()).value;
    expect(first?.capturedLength).toBe(5);
    expect(reader.tryNext()).toBeUndefined();
    expect((await reader.next()).done).toBe(true);
    expect(reader.tryNext()).toBeUndefined();
  });
});
