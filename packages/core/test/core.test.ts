import { test } from '@fast-check/vitest';
import {
  checkUint,
  createRegistry,
  DecodeError,
  defineLayer,
  EncodeError,
  etherTypeName,
  foldChecksum,
  fromHex,
  internetChecksum,
  ipProtocolName,
  ipv4PseudoHeaderSum,
  ipv6PseudoHeaderSum,
  isMac,
  macToString,
  parseMac,
  readU16BE,
  readU24BE,
  readU32BE,
  sumWords,
  toHex,
  updateChecksum,
  writeU16BE,
  writeU24BE,
  writeU32BE,
} from '@wirestack/core';
import { ethernet, vlan } from '@wirestack/ethernet';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

/** A plain reference: RFC 1071 one word at a time, folding as it goes. */
function refChecksum(b: Uint8Array): number {
  let s = 0;
  for (let i = 0; i < b.length; i += 2) {
    s += (b[i]! << 8) | (i + 1 < b.length ? b[i + 1]! : 0);
    s = (s & 0xffff) + (s >>> 16);
  }
  return ~s & 0xffff;
}

describe('bytes', () => {
  test.prop([fc.integer({ min: 0, max: 0xffffffff }), fc.nat(8)])('u32/u24/u16 round-trip at any offset', (v, o) => {
    const b = new Uint8Array(o + 4);
    writeU32BE(b, o, v);
    expect(readU32BE(b, o)).toBe(v);
    writeU24BE(b, o, v & 0xffffff);
    expect(readU24BE(b, o)).toBe(v & 0xffffff);
    writeU16BE(b, o, v & 0xffff);
    expect(readU16BE(b, o)).toBe(v & 0xffff);
  });
  test.prop([fc.uint8Array({ maxLength: 64 })])('hex round-trip', (b) => {
    expect(fromHex(toHex(b))).toEqual(b);
    expect(toHex(b)).toMatch(/^[0-9a-f]*$/);
  });
  it('rejects bad hex', () => {
    expect(() => fromHex('abc')).toThrow(TypeError);
    expect(() => fromHex('zz')).toThrow(TypeError);
  });
});

describe('Internet checksum (RFC 1071)', () => {
  it('matches the RFC 1071 §3 example', () => {
    // RFC 1071 section 3: the words 0001 f203 f4f5 f6f7 sum to 0xddf2 (one's complement sum); checksum = ~sum.
    const b = fromHex('0001f203f4f5f6f7');
    expect(foldChecksum(sumWords(b, 0, b.length))).toBe(0xddf2);
    expect(internetChecksum(b)).toBe(~0xddf2 & 0xffff);
  });
  it('verifies a real IPv4 header (checksum b861)', () => {
    const h = fromHex('450000730000400040110000c0a80001c0a800c7');
    expect(internetChecksum(h)).toBe(0xb861);
    h[10] = 0xb8;
    h[11] = 0x61;
    expect(internetChecksum(h)).toBe(0);
  });
  test.prop([fc.uint8Array({ maxLength: 1600 }), fc.nat(3)])(
    'equals the word-at-a-time reference at any alignment and length',
    (b, start) => {
      const s = Math.min(start, b.length);
      expect(internetChecksum(b, s, b.length)).toBe(refChecksum(b.subarray(s)));
    },
  );
  test.prop([
    fc.uint8Array({ minLength: 2, maxLength: 64 }).filter((b) => b.length % 2 === 0),
    fc.nat(),
    fc.integer({ min: 0, max: 0xffff }),
  ])('RFC 1624 incremental update equals recomputation', (b, idx, word) => {
    const before = internetChecksum(b);
    const i = (idx % (b.length / 2)) * 2;
    const old = readU16BE(b, i);
    writeU16BE(b, i, word);
    const after = internetChecksum(b);
    const inc = updateChecksum(before, old, word);
    // 0x0000 and 0xffff are the same one's complement value (RFC 1624 §3 discusses the -0 case).
    expect(inc === after || (inc ^ after) === 0xffff).toBe(true);
  });
  it('pseudo-header sums', () => {
    const v4 = fromHex('c0a80001c0a800c7');
    expect(foldChecksum(ipv4PseudoHeaderSum(v4, 0, 4, 17, 8))).toBe(foldChecksum(0xc0a8 + 0x0001 + 0xc0a8 + 0x00c7 + 17 + 8));
    const v6 = new Uint8Array(32);
    v6[15] = 1;
    v6[31] = 2;
    expect(ipv6PseudoHeaderSum(v6, 0, 16, 17, 0x10008)).toBe(1 + 2 + 1 + 8 + 17);
  });
});

describe('MAC text', () => {
  test.prop([fc.uint8Array({ minLength: 6, maxLength: 6 })])('round-trip, lower case', (b) => {
    const s = macToString(b);
    expect(s).toMatch(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
    expect(parseMac(s)).toEqual(b);
    expect(parseMac(s.toUpperCase())).toEqual(b);
  });
  it('rejects bad text with EncodeError', () => {
    expect(isMac('00:11:22:33:44')).toBe(false);
    expect(() => parseMac('nope')).toThrow(EncodeError);
  });
});

describe('code points', () => {
  it('names known values and prints unknown ones', () => {
    expect(etherTypeName(0x0800)).toBe('IPv4');
    expect(etherTypeName(0x1234)).toBe('0x1234');
    expect(ipProtocolName(17)).toBe('UDP');
    expect(ipProtocolName(250)).toBe('250');
  });
});

describe('errors', () => {
  it('DecodeError is structured', () => {
    const e = new DecodeError({ code: 'truncated', layer: 'udp', offset: 34, required: 8, actual: 3 });
    expect(e).toBeInstanceOf(Error);
    expect(e.message).toContain('udp at offset 34');
    expect([e.code, e.layer, e.offset, e.required, e.actual]).toEqual(['truncated', 'udp', 34, 8, 3]);
  });
  it('checkUint names layer and field', () => {
    expect(() => checkUint('vxlan', 'vni', 2 ** 24, 24)).toThrow(/vxlan\.vni/);
    expect(() => checkUint('udp', 'srcPort', -1, 16)).toThrow(EncodeError);
    expect(() => checkUint('udp', 'srcPort', 1.5, 16)).toThrow(EncodeError);
    expect(checkUint('udp', 'srcPort', 65535, 16)).toBe(65535);
  });
});

describe('registry', () => {
  it('is an instance: bindings on one do not leak into another', () => {
    const a = createRegistry([ethernet, vlan]);
    const b = createRegistry([ethernet, vlan]);
    a.bind('ethertype', 0x1234, 'vlan');
    expect(a.lookup('ethertype', 0x1234)?.id).toBe('vlan');
    expect(b.lookup('ethertype', 0x1234)).toBeUndefined();
    const c = a.clone();
    c.unbind('ethertype', 0x1234);
    expect(a.lookup('ethertype', 0x1234)?.id).toBe('vlan');
    expect(c.lookup('ethertype', 0x1234)).toBeUndefined();
  });
  it('derives values from the first binding, or the preferred one', () => {
    const r = createRegistry([ethernet, vlan]);
    expect(r.valueFor('ethertype', 'vlan')).toBe(0x8100);
    r.bind('ethertype', 0x88a8, 'vlan', true);
    expect(r.valueFor('ethertype', 'vlan')).toBe(0x88a8);
  });
  it('rejects duplicate layer ids', () => {
    expect(() => createRegistry([ethernet, ethernet])).toThrow(/duplicate layer id 'ethernet'/);
  });
});

describe('defineLayer', () => {
  const demo = defineLayer<{ layer: 'demo'; a: number; b: number }>({
    id: 'demo',
    headerLength: 3,
    parse: (b) => ({ a: b[0]!, b: (b[1]! << 8) | b[2]! }),
    write: (h, buf, o) => {
      buf[o] = h.a ?? 0;
      buf[o + 1] = (h.b ?? 0) >> 8;
      buf[o + 2] = h.b ?? 0;
      return 3;
    },
  });
  it('checks length first and wraps parser errors', () => {
    expect(demo.decode(Uint8Array.of(1, 2, 3), 0, 3)).toEqual({ layer: 'demo', a: 1, b: 0x0203 });
    expect(() => demo.decode(Uint8Array.of(1, 2), 0, 2)).toThrow(DecodeError);
    const bad = defineLayer<{ layer: 'bad' }>({
      id: 'bad',
      headerLength: 1,
      parse: () => {
        throw new RangeError('boom');
      },
      write: () => 1,
    });
    const err = (() => {
      try {
        bad.decode(Uint8Array.of(1), 0, 1);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(DecodeError);
    expect((err as DecodeError).code).toBe('malformed');
  });
});
