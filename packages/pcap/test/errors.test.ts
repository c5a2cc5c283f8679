/** Truncation at every cut point, corrupted lengths, and fuzzing: only CaptureError/DecodeError, always. */
import { readFileSync } from 'node:fs';
import { DecodeError } from '@wirestack/core';
import { CaptureError, PcapWriter, readCapture, writePcap, writePcapng } from '@wirestack/pcap';
import { corpusAvailable, corpusFiles } from '@wirestack/testkit';
import fc from 'fast-check';
import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { chunked, outcomeSummary, readAllStream, readAllSync } from './helpers.js';

const noise = (n: number, seed: number) => {
  let x = seed * 2654435761 + 1;
  return Uint8Array.from({ length: n }, () => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return x >>> 24;
  });
};
const pkt = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);

const smallPcap = writePcap(
  [
    { timestampNs: 1_700_000_000_123_456_000n, data: pkt(60, 1) },
    { timestampNs: 1_700_000_001_000_001_000n, data: pkt(13, 2), originalLength: 1500 },
    { timestampNs: 1_700_000_002_999_999_000n, data: pkt(0, 3) },
  ],
  { linkType: 1 },
);

const smallPcapng = writePcapng({
  section: { comments: ['section'], userAppl: 'wirestack test' },
  interfaces: [
    { linkType: 1, name: 'eth0', snapLength: 65535 },
    { linkType: 101, tsresol: 9, comments: ['raw'] },
  ],
  records: [
    { interfaceId: 0, timestampNs: 1_700_000_000_123_456_000n, data: pkt(61, 1), comments: ['first'] },
    { interfaceId: 1, timestampNs: 1_700_000_000_123_456_789n, data: pkt(20, 2) },
    { interfaceId: 0, timestampNs: 1_700_000_000_223_456_000n, data: pkt(3, 3), originalLength: 99 },
  ],
});

/** Byte ranges of the file header / blocks and of the records, from the writer's known layout. */
function layout(bytes: Uint8Array, name: 'pcap' | 'pcapng'): { units: [number, number][]; recordEnds: number[] } {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const units: [number, number][] = [];
  const recordEnds: number[] = [];
  if (name === 'pcap') {
    units.push([0, 24]);
    for (let o = 24; o < bytes.length; ) {
      const end = o + 16 + dv.getUint32(o + 8, true);
      units.push([o, end]);
      recordEnds.push(end);
      o = end;
    }
  } else {
    for (let o = 0; o < bytes.length; ) {
      const end = o + dv.getUint32(o + 4, true);
      units.push([o, end]);
      if (dv.getUint32(o, true) === 6) recordEnds.push(end);
      o = end;
    }
  }
  return { units, recordEnds };
}

describe('truncation at every cut point', () => {
  for (const [name, bytes] of [
    ['pcap', smallPcap],
    ['pcapng', smallPcapng],
  ] as const) {
    it(name, async () => {
      const { units, recordEnds } = layout(bytes, name);
      for (let cut = 0; cut < bytes.length; cut++) {
        const part = bytes.slice(0, cut);
        const { records, error } = readAllSync(part);
        expect(records.length, `cut ${cut}`).toBe(recordEnds.filter((e) => e <= cut).length);
        const atBoundary = cut > 0 && units.some(([, e]) => e === cut) && cut >= (units[0] as [number, number])[1];
        if (atBoundary) {
          expect(error, `cut ${cut}`).toBeUndefined();
        } else {
          expect(error, `cut ${cut}`).toBeInstanceOf(CaptureError);
          expect(error?.code, `cut ${cut}`).toBe('truncated');
          expect(error?.layer).toBe(cut < 4 ? 'pcap' : name);
          // The offset names the start of the incomplete header, block or record.
          const unit = units.find(([s, e]) => s <= cut && cut < e) as [number, number];
          expect(error?.offset, `cut ${cut}`).toBe(unit[0]);
        }
        const streamed = await readAllStream(chunked(part, [3]));
        expect(outcomeSummary(streamed)).toEqual(outcomeSummary({ records, error }));
      }
    });
  }
});

function expectCaptureError(bytes: Uint8Array, code: string, offset: number, recordsBefore: number): void {
  const { records, error } = readAllSync(bytes);
  expect(records.length).toBe(recordsBefore);
  expect(error).toBeInstanceOf(CaptureError);
  expect({ code: error?.code, offset: error?.offset }).toEqual({ code, offset });
}

describe('corrupted lengths', () => {
  const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);
  const starts = [...readCapture(smallPcapng)].map((r) => r.offset);
  const second = starts[1] as number;

  it('pcapng block length not a multiple of 4', () => {
    const b = smallPcapng.slice();
    view(b).setUint32(second + 4, view(b).getUint32(second + 4, true) + 1, true);
    expectCaptureError(b, 'bad-length', second + 4, 1);
  });

  it('pcapng trailer disagreeing with the header', () => {
    const b = smallPcapng.slice();
    const len = view(b).getUint32(second + 4, true);
    view(b).setUint32(second + len - 4, len + 4, true);
    expectCaptureError(b, 'bad-length', second + len - 4, 1);
  });

  it('pcapng block length beyond the limit, before any allocation', () => {
    const b = smallPcapng.slice();
    view(b).setUint32(second + 4, 0xfffffffc, true);
    expectCaptureError(b, 'bad-length', second + 4, 1);
  });

  it('pcapng block length below the minimum', () => {
    const b = smallPcapng.slice();
    view(b).setUint32(second + 4, 8, true);
    expectCaptureError(b, 'bad-length', second + 4, 1);
  });

  it('pcapng EPB captured length beyond its block', () => {
    const b = smallPcapng.slice();
    view(b).setUint32(second + 20, 1000, true);
    expectCaptureError(b, 'bad-length', second + 20, 1);
  });

  it('pcapng EPB on an undefined interface', () => {
    const b = smallPcapng.slice();
    view(b).setUint32(second + 8, 7, true);
    expectCaptureError(b, 'malformed', second + 8, 1);
  });

  it('pcap captured length above 256 KiB is bad-length; a larger limit can be set', () => {
    const b = smallPcap.slice();
    view(b).setUint32(24 + 8, 262145, true);
    expectCaptureError(b, 'bad-length', 24 + 8, 0);
    // caplen > snaplen and caplen > original length are accepted (libpcap and Wireshark do).
    const w = new PcapWriter({ snapLength: 10 });
    const ok = readAllSync(Uint8Array.of(...w.header(), ...w.writeRecord({ timestampNs: 0n, data: pkt(40, 0), originalLength: 20 })));
    expect(ok.error).toBeUndefined();
    expect(ok.records[0]?.capturedLength).toBe(40);
  });

  it('unknown magic is malformed; empty input is truncated', () => {
    expectCaptureError(Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8), 'malformed', 0, 0);
    expectCaptureError(new Uint8Array(0), 'truncated', 0, 0);
    expect(() => readCapture(Uint8Array.of(0x34, 0xcd, 0xb2, 0xa1, ...new Uint8Array(20)))).toThrow(
      expect.objectContaining({ code: 'unsupported' }),
    );
  });

  it('gzip: decompression bound, truncated and corrupt streams', async () => {
    const big = writePcap(Array.from({ length: 200 }, (_, i) => ({ timestampNs: BigInt(i) * 1000n, data: noise(1000, i) })));
    const gz = gzipSync(big);
    expect(() => [...readCapture(gz, { maxDecompressedBytes: 100_000 })]).toThrow(
      expect.objectContaining({ code: 'malformed', layer: 'gzip' }),
    );
    const streamed = await readAllStream(chunked(gz, [100]), { maxDecompressedBytes: 100_000 });
    expect(streamed.error).toMatchObject({ code: 'malformed', layer: 'gzip' });
    expect(streamed.records.length).toBeGreaterThan(0);
    const cut = readAllSync(gz.slice(0, gz.length >> 1));
    expect(cut.error).toBeInstanceOf(CaptureError);
    expect(cut.records.length).toBeGreaterThan(0);
    const bad = gz.slice();
    bad.set([(bad[20] ?? 0) ^ 0xff, (bad[21] ?? 0) ^ 0xff], 20);
    expect(readAllSync(bad).error).toBeInstanceOf(DecodeError);
  });
});

describe('fuzz: only DecodeError, never a hang', () => {
  const prefixes = [
    Uint8Array.of(),
    Uint8Array.of(0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0),
    Uint8Array.of(0xa1, 0xb2, 0x3c, 0x4d, 0, 2, 0, 4),
    Uint8Array.of(0x0a, 0x0d, 0x0d, 0x0a, 28, 0, 0, 0, 0x4d, 0x3c, 0x2b, 0x1a, 1, 0, 0, 0),
    Uint8Array.of(0x0a, 0x0d, 0x0d, 0x0a, 0, 0, 0, 28, 0x1a, 0x2b, 0x3c, 0x4d, 0, 1, 0, 0),
    Uint8Array.of(0x1f, 0x8b),
  ];

  it('arbitrary bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...prefixes), fc.uint8Array({ maxLength: 400 }), async (pre, tail) => {
        const bytes = Uint8Array.of(...pre, ...tail);
        const sync = readAllSync(bytes); // rethrows anything that is not a DecodeError
        const streamed = await readAllStream(chunked(bytes, [5]));
        expect(outcomeSummary(streamed)).toEqual(outcomeSummary(sync));
      }),
      { numRuns: 1500 },
    );
  });

  const have = corpusAvailable();
  const inputs: Uint8Array[] = have
    ? [...corpusFiles('real'), ...corpusFiles('kernel')].map((f) => new Uint8Array(readFileSync(f.path)))
    : [];
  inputs.push(smallPcap, smallPcapng);

  it('mutated corpus files and generated captures', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat(inputs.length - 1),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
        fc.option(fc.nat(), { nil: undefined }),
        fc.boolean(),
        async (i, flips, cutAt, gz) => {
          const src = inputs[i] as Uint8Array;
          let bytes: Uint8Array = src.slice(0, Math.min(src.length, 20_000));
          for (const [at, v] of flips) if (bytes.length > 0) bytes[at % Math.min(bytes.length, 4096)] = v;
          if (cutAt !== undefined && bytes.length > 0) bytes = bytes.slice(0, cutAt % bytes.length);
          if (gz) bytes = gzipSync(bytes);
          const sync = readAllSync(bytes);
          const streamed = await readAllStream(chunked(bytes, [977]));
          expect(outcomeSummary(streamed)).toEqual(outcomeSummary(sync));
        },
      ),
      { numRuns: 600 },
    );
  });
});
