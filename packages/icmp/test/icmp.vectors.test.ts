/**
 * ICMP and ICMPv6 against Scapy (fixtures/scapy/arp_icmp.json, made by fixtures/scapy/generate_arp_icmp.py): every
 * header decodes field by field to Scapy's values, encodes back byte for byte, and its checksum (over the message,
 * and for ICMPv6 the IPv6 pseudo-header) is the one Scapy computed. Whole packets (quoted packets, padding, issues)
 * are checked by packages/stack/test/scapy.vectors.test.ts.
 */
import { createRegistry, DecodeError, EncodeError, type LayerObject, type NetworkRef, toHex } from '@wirestack/core';
import {
  decodeIcmp,
  decodeIcmpv6,
  echoReply,
  echoRequest,
  encodeIcmp,
  encodeIcmpv6,
  IcmpType,
  IcmpView,
  Icmpv6Type,
  Icmpv6View,
  icmp,
  icmpChecksum,
  icmpCodeName,
  icmpEncodingLength,
  icmpMessageIncomplete,
  icmpNextHopMtu,
  icmpRest,
  icmpTypeName,
  icmpv6,
  icmpv6Checksum,
  icmpv6CodeName,
  icmpv6Mtu,
  icmpv6TypeName,
} from '@wirestack/icmp';
import { hex, readFixtureJson } from '@wirestack/testkit';
import { describe, expect, it } from 'vitest';

interface Vector {
  name: string;
  hex: string;
  layers: LayerObject[];
  minimal: LayerObject[];
  offsets: Array<number | null>;
  issues?: Array<{ layerIndex: number; code: string }>;
}
const vectors = readFixtureJson<{ scapy: string; packets: Vector[] }>('scapy', 'arp_icmp.json');

/** The enclosing IP header of layer `i` and the end of its datagram, from Scapy's values. */
function enclosing(v: Vector, i: number): { network: NetworkRef; end: number } {
  for (let j = i - 1; j >= 0; j--) {
    const l = v.layers[j]!;
    const o = v.offsets[j]!;
    if (l.layer === 'ipv4') return { network: { layer: 'ipv4', offset: o }, end: o + (l.totalLength as number) };
    if (l.layer === 'ipv6') return { network: { layer: 'ipv6', offset: o }, end: o + 40 + (l.payloadLength as number) };
  }
  throw new Error('no IP layer');
}

describe(`icmp/icmpv6 against Scapy ${vectors.scapy}`, () => {
  let checked = 0;
  for (const v of vectors.packets)
    v.layers.forEach((want, i) => {
      if (want.layer !== 'icmp' && want.layer !== 'icmpv6') return;
      it(`${v.name} (layer ${i})`, () => {
        const bytes = hex(v.hex);
        const off = v.offsets[i]!;
        const h = want.layer === 'icmp' ? decodeIcmp(bytes, off) : decodeIcmpv6(bytes, off);
        for (const [k, x] of Object.entries(want)) expect(h[k as keyof typeof h], k).toEqual(x);
        expect(h).toEqual(want);
        const enc = want.layer === 'icmp' ? encodeIcmp : encodeIcmpv6;
        const out = new Uint8Array(icmpEncodingLength(want as never));
        expect(enc(want as never, out)).toBe(8);
        expect(toHex(out)).toBe(v.hex.slice(off * 2, off * 2 + 16));
        // the checksum Scapy computed, unless it is wrong on purpose or the datagram is cut short
        const { network, end } = enclosing(v, i);
        const wrong = v.issues?.some((x) => x.layerIndex === i && x.code === 'bad-checksum');
        if (end <= bytes.length && !wrong) {
          expect(icmpMessageIncomplete(bytes, off, end, network)).toBe(false);
          const c = want.layer === 'icmp' ? icmpChecksum(bytes, off, end) : icmpv6Checksum(bytes, off, end, network);
          expect(c).toBe(want.checksum);
          const codec = want.layer === 'icmp' ? icmp : icmpv6;
          expect(codec.verify!(h as never, bytes, off, { headerLength: 8, end, network })).toBe(true);
          checked++;
        }
        if (wrong) {
          const codec = want.layer === 'icmp' ? icmp : icmpv6;
          expect(codec.verify!(h as never, bytes, off, { headerLength: 8, end, network })).toBe(false);
        }
      });
    });
  it('checked the checksums of most vectors', () => {
    expect(checked).toBeGreaterThanOrEqual(20);
  });
});

describe('echo helpers', () => {
  it('echoRequest / echoReply (ICMP)', () => {
    const req = echoRequest({ identifier: 0x1234, sequence: 7 });
    expect(req).toEqual({ layer: 'icmp', type: 8, code: 0, identifier: 0x1234, sequence: 7 });
    expect(echoReply(req)).toEqual({ layer: 'icmp', type: 0, code: 0, identifier: 0x1234, sequence: 7 });
    // from a decoded request: bytes(ICMP(type=8, id=0x1234, seq=7))
    expect(echoReply(decodeIcmp(hex('0800e5c412340007')))).toEqual(echoReply(req));
    const out = new Uint8Array(8);
    encodeIcmp({ ...req, checksum: 0xe5c4 }, out);
    expect(toHex(out)).toBe('0800e5c412340007');
    expect(icmpChecksum(out, 0, 8)).toBe(0xe5c4);
    expect(echoRequest()).toEqual({ layer: 'icmp', type: 8, code: 0, identifier: 0, sequence: 0 });
  });
  it('echoRequest / echoReply (ICMPv6)', () => {
    const req = echoRequest({ identifier: 1, sequence: 2, version: 6 });
    expect(req).toEqual({ layer: 'icmpv6', type: 128, code: 0, identifier: 1, sequence: 2 });
    expect(echoReply(req)).toEqual({ layer: 'icmpv6', type: 129, code: 0, identifier: 1, sequence: 2 });
  });
  it('echoReply refuses anything but an echo request', () => {
    expect(() => echoReply({ layer: 'icmp', type: 0 })).toThrow(EncodeError);
    expect(() => echoReply({ layer: 'icmpv6', type: 8 })).toThrow(EncodeError);
    expect(() => echoRequest({ identifier: 0x10000 })).toThrow(EncodeError);
  });
});

describe('names and typed rest of header', () => {
  it('names types and codes', () => {
    expect([0, 3, 8, 11, 99].map(icmpTypeName)).toEqual(['echo-reply', 'destination-unreachable', 'echo-request', 'time-exceeded', '99']);
    expect([1, 2, 128, 129, 135, 7].map(icmpv6TypeName)).toEqual([
      'destination-unreachable',
      'packet-too-big',
      'echo-request',
      'echo-reply',
      'neighbor-solicitation',
      '7',
    ]);
    expect(icmpCodeName(3, 3)).toBe('port-unreachable');
    expect(icmpCodeName(11, 0)).toBe('ttl-exceeded');
    expect(icmpCodeName(8, 0)).toBe('0');
    expect(icmpv6CodeName(1, 4)).toBe('port-unreachable');
    expect(icmpv6CodeName(3, 0)).toBe('hop-limit-exceeded');
  });
  it('reads MTUs', () => {
    // bytes(ICMP(type=3, code=4, nexthopmtu=1400)) header
    const h = decodeIcmp(hex('0304f78300000578'));
    expect(h.rest).toBe('00000578');
    expect(icmpNextHopMtu(h)).toBe(1400);
    expect(icmpNextHopMtu(decodeIcmp(hex('0803000000000578')))).toBeUndefined();
    const p = decodeIcmpv6(hex('0200000000000500'));
    expect(icmpv6Mtu(p)).toBe(1280);
    expect(icmpRest(1280)).toBe('00000500');
    expect(IcmpType.TimeExceeded).toBe(11);
    expect(Icmpv6Type.PacketTooBig).toBe(2);
  });
});

describe('icmp encoding', () => {
  it('defaults: an echo request of id 0 seq 0, checksum 0 until finished', () => {
    const out = new Uint8Array(8);
    encodeIcmp({ layer: 'icmp' }, out);
    expect(toHex(out)).toBe('0800000000000000');
    encodeIcmpv6({ layer: 'icmpv6' }, out);
    expect(toHex(out)).toBe('8000000000000000');
    encodeIcmp({ layer: 'icmp', type: 3, code: 3, rest: '0000abcd' }, out);
    expect(toHex(out)).toBe('030300000000abcd');
  });
  const bad: Array<[string, Record<string, unknown>]> = [
    ['type', { type: 256 }],
    ['code', { code: -1 }],
    ['checksum', { checksum: 0x10000 }],
    ['identifier', { identifier: 1.5 }],
    ['sequence', { sequence: 0x10000 }],
    ['rest', { rest: '00' }],
    ['rest', { rest: 'zzzzzzzz' }],
    ['rest', { rest: '00000000', identifier: 1 }],
  ];
  for (const [field, h] of bad)
    it(`rejects ${JSON.stringify(h)} before writing`, () => {
      for (const enc of [encodeIcmp, encodeIcmpv6]) {
        const buf = new Uint8Array(12).fill(0x5a);
        let err: unknown;
        try {
          enc({ layer: enc === encodeIcmp ? 'icmp' : 'icmpv6', ...h } as never, buf, 2);
        } catch (e) {
          err = e;
        }
        expect(err).toBeInstanceOf(EncodeError);
        expect((err as EncodeError).field).toBe(field);
        expect(buf.every((x) => x === 0x5a)).toBe(true);
      }
    });
  it('views read, write and fill checksums', () => {
    const b = hex('0800000012340007616263');
    const v = IcmpView.from(b).fillChecksum();
    expect(v.checksum).toBe(icmpChecksum(b, 0, b.length));
    expect([v.identifier, v.sequence, v.restOfHeader, toHex(v.payload)]).toEqual([0x1234, 7, 0x12340007, '616263']);
    expect(() => IcmpView.from(b.subarray(0, 7))).toThrow(DecodeError);
    expect(() => Icmpv6View.from(b.subarray(0, 3))).toThrow(DecodeError);
    expect(new Icmpv6View(b).fillChecksum(undefined).checksum).toBe(0);
  });
});

describe('icmp dispatch and checksum checks', () => {
  const stub = (id: string) => ({ ...icmp, id, binds: [] }) as never;
  const r = createRegistry([icmp, icmpv6, stub('ipv4'), stub('ipv6')]);
  const ctx = (payloadOffset: number, end: number) => ({ registry: r, layers: [], buf: new Uint8Array(0), payloadOffset, end, issue() {} });
  it('is reached by IP protocols 1 and 58', () => {
    expect(r.lookup('ip.proto', 1)?.id).toBe('icmp');
    expect(r.lookup('ip.proto', 58)?.id).toBe('icmpv6');
  });
  it('errors quote an IP packet; other bodies are raw', () => {
    for (const t of [3, 4, 5, 11, 12])
      expect(icmp.next(decodeIcmp(hex(`${t.toString(16).padStart(2, '0')}00000000000000`)), ctx(8, 36))).toEqual({
        layer: 'ipv4',
        quoted: true,
      });
    for (const t of [0, 8, 13, 9])
      expect(icmp.next(decodeIcmp(hex(`${t.toString(16).padStart(2, '0')}00000000000000`)), ctx(8, 36))).toBeUndefined();
    for (const t of [1, 2, 3, 4])
      expect(icmpv6.next(decodeIcmpv6(hex(`0${t}00000000000000`)), ctx(8, 56))).toEqual({ layer: 'ipv6', quoted: true });
    for (const t of [128, 129, 135]) expect(icmpv6.next(decodeIcmpv6(hex(`${t.toString(16)}00000000000000`)), ctx(8, 56))).toBeUndefined();
    // an error with nothing quoted
    expect(icmp.next(decodeIcmp(hex('0300000000000000')), ctx(8, 8))).toBeUndefined();
  });
  it('does not check a message that is only partly present', () => {
    // IPv4 header (MF set) + ICMP echo with a wrong checksum: a first fragment is not checked.
    const ip = '4500001c00002000400100000a0000010a000002';
    const b = hex(`${ip}0800000000000000`);
    expect(icmpMessageIncomplete(b, 20, 28, { layer: 'ipv4', offset: 0 })).toBe(true);
    expect(icmp.verify!(decodeIcmp(b, 20), b, 20, { headerLength: 8, end: 28, network: { layer: 'ipv4', offset: 0 } })).toBe(true);
    // The same without MF is checked and fails.
    const c = hex(`4500001c00000000400100000a0000010a000002${'0800000000000000'}`);
    expect(icmp.verify!(decodeIcmp(c, 20), c, 20, { headerLength: 8, end: 28, network: { layer: 'ipv4', offset: 0 } })).toBe(false);
    // A total length past the end (a quote cut short) is not checked.
    const d = hex(`4500009900000000400100000a0000010a000002${'0800000000000000'}`);
    expect(icmpMessageIncomplete(d, 20, 28, { layer: 'ipv4', offset: 0 })).toBe(true);
    // IPv6 with a first Fragment header (M set) before ICMPv6.
    const v6 = hex(`6000000000102c40${'00'.repeat(15)}01${'00'.repeat(15)}02` + '3a00000112345678' + '8000000000000000');
    expect(icmpMessageIncomplete(v6, 48, 56, { layer: 'ipv6', offset: 0 })).toBe(true);
  });
});
