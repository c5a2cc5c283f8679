/** Writers: pcap read→write is byte-identical; pcapng write→read keeps packets, timestamps, interfaces, comments. */
import { readFileSync } from 'node:fs';
import { concatBytes, EncodeError } from '@wirestack/core';
import {
  type CaptureRecord,
  PcapWriter,
  PcapngWriter,
  formatTimestamp,
  readCapture,
  rewritePcap,
  tickConverter,
  writePcap,
  writePcapng,
} from '@wirestack/pcap';
import { openCapture, readCaptureFile, writeCaptureFile } from '@wirestack/pcap/node';
import { corpusAvailable, corpusFiles } from '@wirestack/testkit';
import fc from 'fast-check';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const have = corpusAvailable();
const files = have ? [...corpusFiles('real'), ...corpusFiles('kernel')] : [];
const load = (p: string) => new Uint8Array(readFileSync(p));

describe.skipIf(!have)('pcap rewrite is byte-identical on the corpus', () => {
  const pcaps = files.filter((f) => load(f.path)[0] !== 0x0a && !/invalid-version-1/.test(f.name));
  it('covers the corpus pcap files', () => expect(pcaps.length).toBeGreaterThan(75));
  for (const f of pcaps)
    it(f.name, () => {
      const bytes = load(f.path);
      expect(rewritePcap(bytes)).toEqual(bytes);
    });
});

describe.skipIf(!have)('pcapng corpus files survive write→read', () => {
  for (const f of files.filter((x) => x.name.endsWith('.pcapng') && !/invalid-vers/.test(x.name))) {
    it(f.name, () => {
      const r = readCapture(load(f.path));
      const recs = [...r];
      // One output section; interface (section, id) → global index.
      const ids = new Map(r.interfaces.map((i, k) => [`${i.section}/${i.id}`, k]));
      const out = writePcapng({
        interfaces: r.interfaces.map((i) => ({
          linkType: i.linkType,
          snapLength: i.snapLength,
          ...(i.name !== undefined ? { name: i.name } : {}),
          tsresol: i.tsresol < 10 ? i.tsresol : 9,
          tsoffset: i.tsoffset,
          comments: i.comments,
        })),
        records: recs.map((x) => ({
          interfaceId: ids.get(`${x.section}/${x.interfaceId}`) as number,
          timestampNs: x.timestampNs - (x.block === 'spb' ? 0n : 0n),
          data: x.data,
          originalLength: x.originalLength,
          comments: x.comments,
          flags: x.flags,
        })),
      });
      const back = readCapture(out);
      const got = [...back];
      expect(got.length).toBe(recs.length);
      got.forEach((g, k) => {
        const x = recs[k] as CaptureRecord;
        expect(g.interfaceId).toBe(ids.get(`${x.section}/${x.interfaceId}`));
        expect(g.linkType).toBe(x.linkType);
        if (x.block !== 'spb') expect(g.timestampNs).toBe(x.timestampNs);
        expect(g.data).toEqual(x.data);
        expect(g.originalLength).toBe(x.originalLength);
        expect(g.comments).toEqual(x.comments);
      });
      expect(back.interfaces.map((i) => [i.linkType, i.name, i.comments])).toEqual(
        r.interfaces.map((i) => [i.linkType, i.name, i.comments]),
      );
    });
  }
});

const arbRecord = fc.record({
  timestampNs: fc.bigInt({ min: 0n, max: 4_294_967_295_999_999_999n }),
  data: fc.uint8Array({ maxLength: 200 }),
  extra: fc.nat(1000),
});

describe('writers', () => {
  it('pcap: write→read keeps every field (µs/ns, le/be)', () => {
    fc.assert(
      fc.property(fc.array(arbRecord, { maxLength: 10 }), fc.boolean(), fc.constantFrom('le' as const, 'be' as const), (rs, ns, bo) => {
        const bytes = writePcap(
          rs.map((x) => ({ timestampNs: x.timestampNs, data: x.data, originalLength: x.data.length + x.extra })),
          { nanosecond: ns, byteOrder: bo, linkType: 113, snapLength: 65535 },
        );
        const r = readCapture(bytes);
        expect(r.pcapHeader).toMatchObject({
          nanosecond: ns,
          byteOrder: bo,
          linkType: 113,
          snapLength: 65535,
          versionMajor: 2,
          versionMinor: 4,
        });
        const got = [...r];
        expect(got.length).toBe(rs.length);
        got.forEach((g, i) => {
          const x = rs[i] as (typeof rs)[number];
          const unit = ns ? 1n : 1000n;
          expect(g.timestampNs).toBe((x.timestampNs / unit) * unit);
          expect(g.data).toEqual(x.data);
          expect(g.originalLength).toBe(x.data.length + x.extra);
          expect(g.timestampDigits).toBe(ns ? 9 : 6);
        });
        expect(rewritePcap(bytes)).toEqual(bytes);
      }),
    );
  });

  it('pcapng: write→read keeps packets, timestamps, interfaces, comments, section options', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ r: arbRecord, iface: fc.nat(2), comments: fc.array(fc.string({ maxLength: 20 }), { maxLength: 2 }) }), {
          maxLength: 10,
        }),
        fc.constantFrom('le' as const, 'be' as const),
        (rs, bo) => {
          const interfaces = [
            { linkType: 1, name: 'eth0', snapLength: 262144, comments: ['first'] },
            { linkType: 101, tsresol: 9, description: 'raw' },
            { linkType: 113, tsresol: 3, tsoffset: 100n },
          ];
          const bytes = writePcapng({
            section: { byteOrder: bo, comments: ['hello'], hardware: 'hw', os: 'os', userAppl: 'app' },
            interfaces,
            records: rs.map((x) => ({
              interfaceId: x.iface,
              timestampNs: x.r.timestampNs + 100_000_000_000n,
              data: x.r.data,
              comments: x.comments,
              flags: x.r.extra,
            })),
          });
          const r = readCapture(bytes);
          const got = [...r];
          expect(r.sections[0]).toMatchObject({
            byteOrder: bo,
            comments: ['hello'],
            hardware: 'hw',
            os: 'os',
            userAppl: 'app',
            versionMajor: 1,
            versionMinor: 0,
          });
          expect(r.interfaces.map((i) => [i.linkType, i.name, i.timestampDigits, i.tsoffset])).toEqual([
            [1, 'eth0', 6, 0n],
            [101, undefined, 9, 0n],
            [113, undefined, 3, 100n],
          ]);
          expect(r.interfaces[0]?.comments).toEqual(['first']);
          expect(r.interfaces[1]?.description).toBe('raw');
          expect(got.length).toBe(rs.length);
          got.forEach((g, i) => {
            const x = rs[i] as (typeof rs)[number];
            const unit = 10n ** BigInt(9 - (r.interfaces[x.iface]?.timestampDigits ?? 6));
            const ts = x.r.timestampNs + 100_000_000_000n;
            expect(g.interfaceId).toBe(x.iface);
            expect(g.timestampNs).toBe(ts - (ts % unit));
            expect(g.data).toEqual(x.r.data);
            expect(g.comments).toEqual(x.comments);
            expect(g.flags).toBe(x.r.extra);
          });
        },
      ),
    );
  });

  it('multiple sections via newSection()', () => {
    const w = new PcapngWriter();
    const parts = [w.sectionHeader(), w.addInterface({ linkType: 1 }), w.writeRecord({ timestampNs: 1n * 1000n, data: Uint8Array.of(1) })];
    parts.push(
      w.newSection({ byteOrder: 'be' }),
      w.addInterface({ linkType: 101, tsresol: 9 }),
      w.writeRecord({ timestampNs: 5n, data: Uint8Array.of(2) }),
    );
    const bytes = concatBytes(parts);
    const r = readCapture(bytes);
    const got = [...r];
    expect(got.map((g) => [g.section, g.interfaceId, g.linkType, g.timestampNs])).toEqual([
      [0, 0, 1, 1000n],
      [1, 0, 101, 5n],
    ]);
    expect(r.sections.map((s) => s.byteOrder)).toEqual(['le', 'be']);
  });

  it('keeps the raw link-type field and unnormalised fractions', () => {
    const w = new PcapWriter({ linkTypeField: 0x30000001 });
    const rec = { timestampNs: 2_000_000_000n, timestampHigh: 1, timestampLow: 1_000_000, data: Uint8Array.of(9) };
    const bytes = Uint8Array.of(...w.header(), ...w.writeRecord(rec));
    const [g] = [...readCapture(bytes)];
    expect(g).toMatchObject({ linkType: 1, timestampHigh: 1, timestampLow: 1_000_000, timestampNs: 2_000_000_000n });
    expect(rewritePcap(bytes)).toEqual(bytes);
    // Raw words that disagree with timestampNs are ignored.
    const [h] = [...readCapture(Uint8Array.of(...w.header(), ...w.writeRecord({ ...rec, timestampNs: 3_000_000_000n })))];
    expect([h?.timestampHigh, h?.timestampLow]).toEqual([3, 0]);
  });

  it('validates before writing (EncodeError)', () => {
    expect(() => new PcapWriter({ linkType: 70000 })).toThrow(EncodeError);
    expect(() => new PcapWriter().writeRecord({ timestampNs: -1n, data: new Uint8Array(0) })).toThrow(EncodeError);
    expect(() => new PcapWriter().writeRecord({ timestampNs: 1n << 62n, data: new Uint8Array(0) })).toThrow(EncodeError);
    const w = new PcapngWriter();
    expect(() => w.writeRecord({ timestampNs: 0n, data: new Uint8Array(0) })).toThrow(EncodeError);
    expect(() => w.addInterface({ linkType: 1, tsresol: 12 })).toThrow(EncodeError);
    expect(w.interfaceCount).toBe(0);
  });
});

describe('timestamps', () => {
  it('formatTimestamp', () => {
    expect(formatTimestamp(1234567890123456000n, 6)).toBe('1234567890.123456');
    expect(formatTimestamp(1234567890123456789n, 9)).toBe('1234567890.123456789');
    expect(formatTimestamp(5n, 9)).toBe('0.000000005');
    expect(formatTimestamp(1_500_000_000n, 0)).toBe('1');
    expect(formatTimestamp(-1_500_000_000n, 3)).toBe('-1.500');
  });

  it('if_tsresol power of 2 and power of 10, if_tsoffset', () => {
    expect(tickConverter(0x80 | 20).toNs(0, 1 << 20)).toBe(1_000_000_000n);
    expect(tickConverter(0x80 | 20).toNs(0, 1)).toBe(953n); // floor(1e9 / 2^20)
    expect(tickConverter(0x80 | 20).digits).toBe(7);
    expect(tickConverter(3, 10n).toNs(0, 5)).toBe(10_005_000_000n);
    expect(tickConverter(12).toNs(0, 1_000_000)).toBe(1_000n);
    expect(tickConverter(6).toNs(1, 0)).toBe(4_294_967_296_000n);
    expect(tickConverter(9).toNs(0xffffffff, 0xffffffff)).toBe(18446744073709551615n);
  });
});

describe('node helpers', () => {
  it('writeCaptureFile / readCaptureFile / openCapture (gzip too)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wirestack-pcap-'));
    const w = new PcapWriter();
    const recs = Array.from({ length: 50 }, (_, i) => ({ timestampNs: BigInt(i) * 1_000_000n, data: new Uint8Array(100).fill(i) }));
    const p1 = join(dir, 'a.pcap');
    await writeCaptureFile(p1, [w.header(), ...recs.map((r) => w.writeRecord(r))]);
    expect([...readCaptureFile(p1)].length).toBe(50);
    const p2 = join(dir, 'a.pcap.gz');
    await writeCaptureFile(p2, writePcap(recs), { gzip: true });
    const reader = openCapture(p2);
    await reader.open();
    expect(reader.format).toBe('pcap');
    expect(reader.compressed).toBe(true);
    let n = 0;
    for await (const r of reader) expect(r.data[0]).toBe(n++);
    expect(n).toBe(50);
    // Breaking out early closes the file without error.
    for await (const _ of openCapture(p2)) break;
  });
});
