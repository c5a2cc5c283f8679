/**
 * Every capture of the shared corpus against its tshark reference: packet count, and per packet the
 * timestamp, captured and original length, interface id and link type.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CaptureError, formatTimestamp, readCapture } from '@wirestack/pcap';
import { CORPUS, corpusAvailable, corpusFiles } from '@wirestack/testkit';
import { describe, expect, it } from 'vitest';
import { readAllSync } from './helpers.js';

interface Frame {
  'frame.time_epoch'?: string;
  'frame.len': string;
  'frame.cap_len': string;
  'frame.interface_id'?: string;
  'frame.section_number'?: string;
  'frame.encap_type'?: string;
  'frame.cb_pen'?: string;
}

/** Wireshark WTAP_ENCAP values for the link types in the corpus. */
const WTAP_ENCAP: Record<number, string> = { 0: '15', 1: '1', 12: '7', 101: '7', 113: '25', 276: '210' };

const have = corpusAvailable();
const files = have ? [...corpusFiles('real'), ...corpusFiles('kernel')] : [];
const manifest = have ? readFileSync(join(CORPUS, 'MANIFEST.md'), 'utf8') : '';

/** Total packets when the reference is trimmed ("reference trimmed to first N of M packets"). */
function trimmedTotal(name: string): number | undefined {
  const line = manifest.split('\n').find((l) => l.startsWith(`| \`${name}\``));
  const m = line?.match(/reference trimmed to first (\d+) of (\d+) packets/);
  return m ? Number(m[2]) : undefined;
}

/** tshark prints seconds and the nanosecond count (%09d, wider when the fraction overflows). */
function tsharkNs(epoch: string): bigint {
  const [sec, frac = '0'] = epoch.split('.');
  const ns = frac.length >= 9 ? BigInt(frac) : BigInt(frac.padEnd(9, '0'));
  return BigInt(sec as string) * 1_000_000_000n + (sec?.startsWith('-') ? -ns : ns);
}

describe.skipIf(!have)('shared corpus vs tshark', () => {
  it('has files', () => {
    expect(files.length).toBeGreaterThan(90);
  });

  for (const f of files) {
    it(f.name, () => {
      const bytes = new Uint8Array(readFileSync(f.path));
      const frames = (JSON.parse(readFileSync(f.tsharkPath, 'utf8')) as { _source: { layers: { frame: Frame } } }[])
        .map((p) => p._source.layers.frame)
        // pcapng custom blocks are shown by tshark as frames; they are blocks, not packets.
        .filter((fr) => fr['frame.cb_pen'] === undefined);

      if (frames.length === 0 && /invalid-vers/.test(f.name)) {
        expect(frames).toEqual([]);
        let err: unknown;
        try {
          for (const _ of readCapture(bytes));
        } catch (e) {
          err = e;
        }
        expect(err).toBeInstanceOf(CaptureError);
        expect((err as CaptureError).code).toBe('bad-version');
        return;
      }

      const { records, error } = readAllSync(bytes);
      expect(error).toBeUndefined();
      const total = trimmedTotal(f.name);
      if (total !== undefined) {
        expect(records.length).toBe(total);
        expect(frames.length).toBeLessThan(total);
      } else expect(records.length).toBe(frames.length);

      const reader = readCapture(bytes);
      const all = [...reader];
      expect(all.length).toBe(records.length);

      frames.forEach((fr, i) => {
        const r = records[i];
        if (r === undefined) throw new Error(`missing record ${i}`);
        const at = `${f.name} #${i + 1}`;
        expect(r.capturedLength, at).toBe(Number(fr['frame.cap_len']));
        expect(r.data.length, at).toBe(r.capturedLength);
        expect(r.originalLength, at).toBe(Number(fr['frame.len']));
        expect(r.interfaceId, at).toBe(Number(fr['frame.interface_id'] ?? 0));
        if (fr['frame.section_number'] !== undefined) expect(r.section + 1, at).toBe(Number(fr['frame.section_number']));
        const epoch = fr['frame.time_epoch'];
        if (epoch === undefined) {
          expect(r.block, at).toBe('spb');
        } else {
          if (r.format === 'pcap' && r.timestampDigits === 6 && r.timestampLow * 1000 >= 2 ** 32) {
            // Wireshark multiplies the µs field by 1000 in 32 bits (timestamp_invalid_micro.pcap has
            // 2147483648 µs); we keep the exact value and check that tshark's is the wrapped one.
            expect(r.timestampNs, at).toBe(BigInt(r.timestampHigh) * 1_000_000_000n + BigInt(r.timestampLow) * 1000n);
            expect(tsharkNs(epoch), at).toBe(BigInt(r.timestampHigh) * 1_000_000_000n + BigInt((r.timestampLow * 1000) % 2 ** 32));
            return;
          }
          expect(r.timestampNs, at).toBe(tsharkNs(epoch));
          if (/^\d+\.\d{9}$/.test(epoch)) {
            expect(formatTimestamp(r.timestampNs, 9), at).toBe(epoch);
            // At the file's precision, tshark's extra digits are zeros.
            const d = r.timestampDigits;
            expect(formatTimestamp(r.timestampNs, d), at).toBe(epoch.slice(0, epoch.length - (9 - d)).replace(/\.$/, ''));
          }
        }
        const encap = WTAP_ENCAP[r.linkType];
        if (fr['frame.encap_type'] !== undefined && encap !== undefined) expect(fr['frame.encap_type'], at).toBe(encap);
        expect(reader.interfaceOf(r)?.linkType, at).toBe(r.linkType);
      });
    });
  }
});

describe.skipIf(!have)('corpus header details', () => {
  const real = (n: string) => new Uint8Array(readFileSync(join(CORPUS, 'real', n)));

  it('masks the FCS bits of the pcap link-type field (0x30000001 is Ethernet)', () => {
    const r = readCapture(real('tcpdump--udp-length-heapoverflow.pcap'));
    expect(r.pcapHeader?.linkTypeField).toBe(0x30000001);
    expect(r.pcapHeader?.linkType).toBe(1);
    expect([...r][0]?.linkType).toBe(1);
    const h = readCapture(real('tcpdump--heap-overflow-1.pcap'));
    expect(h.pcapHeader?.linkType).toBe(101);
  });

  it('reads big-endian nanosecond pcap headers', () => {
    const r = readCapture(real('pcapplusplus--nanosecs_big_endian.pcap'));
    expect(r.format).toBe('pcap');
    expect(r.byteOrder).toBe('be');
    expect(r.pcapHeader?.nanosecond).toBe(true);
    expect(r.version).toEqual({ major: 2, minor: 4 });
    expect(r.interfaces[0]?.timestampDigits).toBe(9);
  });

  it('accepts pcap 2.5 as tshark does, rejects major 1 with bad-version at offset 4', () => {
    expect(readCapture(real('libpcap--pcap-invalid-version-2.pcap')).version).toEqual({ major: 2, minor: 5 });
    try {
      readCapture(real('libpcap--pcap-invalid-version-1.pcap'));
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(CaptureError);
      expect(e).toMatchObject({ code: 'bad-version', layer: 'pcap', offset: 4 });
    }
  });

  it('rejects pcapng versions 0.1 and 1.1 at the SHB version field', () => {
    for (const n of ['libpcap--pcapng-invalid-vers-1.pcapng', 'libpcap--pcapng-invalid-vers-2.pcapng'])
      expect(() => readCapture(real(n))).toThrow(expect.objectContaining({ code: 'bad-version', layer: 'pcapng', offset: 12 }));
  });

  it('reads multi-section pcapng with mixed byte orders, NRB, ISB, custom blocks', () => {
    const r = readCapture(real('pcapng-test-generator--le--test202.pcapng'));
    const recs = [...r];
    expect(recs.length).toBe(8);
    expect(r.sections.length).toBe(3);
    expect(new Set(r.sections.map((s) => s.byteOrder))).toEqual(new Set(['le', 'be']));
    expect(r.skippedBlocks).toBeGreaterThan(0);
    expect(r.interfaces.length).toBe(5);
  });

  it('exposes interfaces with resolution and names', () => {
    const r = readCapture(real('pcapplusplus--ldap.pcapng'));
    [...r];
    expect(r.interfaces.length).toBe(11);
    expect(r.interfaces.some((i) => i.timestampDigits === 9)).toBe(true);
  });
});
