import {
  createRegistry,
  DecodeError,
  type DecodeContext,
  EncodeError,
  type FinishContext,
  type LayerObject,
  type Registry,
} from '@wirestack/core';
import {
  decodeIpv4,
  encodeIpv4,
  formatIpv4,
  ipv4,
  ipv4Checksum,
  ipv4EncodingLength,
  ipv4HeaderLength,
  Ipv4View,
  parseIpv4,
} from '@wirestack/ipv4';
import { hex } from '@wirestack/testkit';
import { describe, expect, it } from 'vitest';

/** A registry with ipv4 plus id-only bindings standing in for the other layers. */
function registry(): Registry {
  return createRegistry([ipv4]).bind('ip.proto', 17, 'udp').bind('ip.proto', 41, 'ipv6');
}

function decodeCtx(reg: Registry, buf: Uint8Array): DecodeContext {
  return { registry: reg, layers: [], buf, payloadOffset: 0, end: buf.length, issue: () => {} };
}

function finishCtx(layers: LayerObject[], end: number, extra: Record<string, unknown> = {}): FinishContext {
  return { registry: registry(), layers, index: 0, headerLength: 20, end, network: undefined, ...extra };
}

function decodeError(f: () => unknown): DecodeError {
  try {
    f();
  } catch (e) {
    if (e instanceof DecodeError) return e;
    throw e;
  }
  throw new Error('no DecodeError');
}

function encodeError(f: () => unknown): EncodeError {
  try {
    f();
  } catch (e) {
    if (e instanceof EncodeError) return e;
    throw e;
  }
  throw new Error('no EncodeError');
}

// The widely reproduced example header (e.g. Wikipedia's "IPv4 header checksum" worked example): checksum 0xb861.
const CLASSIC = hex('4500 0073 0000 4000 4011 b861 c0a8 0001 c0a8 00c7');

// Produced by Scapy 2.5.0:
// IP(src='192.0.2.1', dst='198.51.100.2', id=0x1234, flags='DF')/UDP(sport=1234, dport=5678)/b'hello wirestack!'
const SCAPY_V4_UDP = hex('4500002c1234400040113c56c0000201c633640204d2162e00188acc68656c6c6f2077697265737461636b21');
// IP(src='10.0.0.1', dst='10.0.0.2', ttl=1, options=[IPOption_Router_Alert()], proto=2)/b'\x11\x22\x33\x44'
const SCAPY_V4_OPTS = hex('4600001c00010000010210d90a0000010a0000029404000011223344');
// IP(src='10.0.0.1', dst='10.0.0.2', flags='evil+MF', frag=100, tos=0xb9)/b'xyz'
const SCAPY_V4_EVIL = hex('45b900170001a0644000c5c60a0000010a00000278797a');

describe('ipv4 decode vectors', () => {
  it('decodes the classic header field by field', () => {
    expect(decodeIpv4(CLASSIC)).toEqual({
      layer: 'ipv4',
      version: 4,
      ihl: 5,
      dscp: 0,
      ecn: 0,
      totalLength: 0x73,
      identification: 0,
      dontFragment: true,
      moreFragments: false,
      fragmentOffset: 0,
      ttl: 64,
      protocol: 17,
      checksum: 0xb861,
      src: '192.168.0.1',
      dst: '192.168.0.199',
      options: '',
    });
    expect(Object.keys(decodeIpv4(CLASSIC))).toEqual([
      'layer',
      'version',
      'ihl',
      'dscp',
      'ecn',
      'totalLength',
      'identification',
      'dontFragment',
      'moreFragments',
      'fragmentOffset',
      'ttl',
      'protocol',
      'checksum',
      'src',
      'dst',
      'options',
    ]);
  });

  it('decodes options (Router Alert, RFC 2113)', () => {
    const h = decodeIpv4(SCAPY_V4_OPTS);
    expect(h).toMatchObject({ ihl: 6, totalLength: 28, ttl: 1, protocol: 2, options: '94040000', src: '10.0.0.1', dst: '10.0.0.2' });
    expect(ipv4.headerLength(h)).toBe(24);
    expect(ipv4HeaderLength(SCAPY_V4_OPTS, 0)).toBe(24);
    expect(ipv4.verify?.(h, SCAPY_V4_OPTS, 0, { headerLength: 24, end: SCAPY_V4_OPTS.length, network: undefined })).toBe(true);
  });

  it('keeps the reserved flag, DSCP/ECN and fragment fields', () => {
    const h = decodeIpv4(SCAPY_V4_EVIL);
    expect(h).toMatchObject({
      dscp: 0x2e,
      ecn: 1,
      reservedFlag: true,
      dontFragment: false,
      moreFragments: true,
      fragmentOffset: 100,
      protocol: 0,
    });
    expect(Object.keys(h).at(-1)).toBe('reservedFlag');
    const out = new Uint8Array(20);
    encodeIpv4(h, out);
    expect(out).toEqual(SCAPY_V4_EVIL.subarray(0, 20));
    expect('reservedFlag' in decodeIpv4(CLASSIC)).toBe(false);
  });

  it('decodes at an offset and stops at end', () => {
    const buf = new Uint8Array(3 + CLASSIC.length);
    buf.set(CLASSIC, 3);
    expect(decodeIpv4(buf, 3).src).toBe('192.168.0.1');
    expect(decodeError(() => decodeIpv4(buf, 3, 22)).code).toBe('truncated');
  });

  it('checks 20 bytes, then the version, then the IHL', () => {
    const short = decodeError(() => decodeIpv4(hex('65')));
    expect(short).toMatchObject({ code: 'truncated', required: 20, actual: 1 });
    const v6 = CLASSIC.slice();
    v6[0] = 0x65;
    expect(decodeError(() => decodeIpv4(v6))).toMatchObject({ code: 'bad-version', field: 'version', offset: 0 });
    for (const ihl of [0, 1, 4]) {
      const b = CLASSIC.slice();
      b[0] = 0x40 | ihl;
      expect(decodeError(() => decodeIpv4(b))).toMatchObject({ code: 'bad-length', field: 'ihl' });
    }
    const long = CLASSIC.slice();
    long[0] = 0x4f; // 60 bytes announced, 20 present
    expect(decodeError(() => decodeIpv4(long))).toMatchObject({ code: 'truncated', required: 60, actual: 20 });
    expect(decodeError(() => Ipv4View.from(long)).code).toBe('truncated');
    expect(decodeError(() => Ipv4View.from(v6)).code).toBe('bad-version');
    const ihl4 = CLASSIC.slice();
    ihl4[0] = 0x44;
    expect(decodeError(() => Ipv4View.from(ihl4)).code).toBe('bad-length');
  });
});

describe('ipv4 checksum', () => {
  it('computes 0xb861 on the classic header, whatever its checksum field holds', () => {
    expect(ipv4Checksum(CLASSIC, 0, 5)).toBe(0xb861);
    const zeroed = CLASSIC.slice();
    zeroed[10] = 0;
    zeroed[11] = 0;
    expect(ipv4Checksum(zeroed, 0, 5)).toBe(0xb861);
  });

  it('verify() accepts good headers and rejects a flipped bit', () => {
    const vctx = { headerLength: 20, end: 20, network: undefined };
    expect(ipv4.verify?.(decodeIpv4(CLASSIC), CLASSIC, 0, vctx)).toBe(true);
    expect(ipv4.verify?.(decodeIpv4(SCAPY_V4_UDP), SCAPY_V4_UDP, 0, vctx)).toBe(true);
    expect(ipv4.verify?.(decodeIpv4(SCAPY_V4_EVIL), SCAPY_V4_EVIL, 0, vctx)).toBe(true);
    const bad = CLASSIC.slice();
    bad[8]! ^= 1;
    expect(ipv4.verify?.(decodeIpv4(bad), bad, 0, vctx)).toBe(false);
  });

  it('the view recomputes the checksum after a TTL change', () => {
    const b = CLASSIC.slice();
    const v = Ipv4View.from(b);
    expect(v.checksumValid()).toBe(true);
    v.ttl = 63;
    expect(v.checksumValid()).toBe(false);
    v.fillChecksum();
    expect(v.checksumValid()).toBe(true);
    expect(v.checksum).toBe(v.computeChecksum());
    expect(ipv4Checksum(b, 0, 5)).toBe(v.checksum);
  });
});

describe('ipv4 encode and finish', () => {
  it('rebuilds the Scapy IPv4+UDP packet: protocol derived, totalLength and checksum fixed in finish()', () => {
    const layers: LayerObject[] = [
      { layer: 'ipv4', src: '192.0.2.1', dst: '198.51.100.2', identification: 0x1234, dontFragment: true },
      { layer: 'udp' },
    ];
    const buf = new Uint8Array(SCAPY_V4_UDP.length);
    const n = encodeIpv4(layers[0] as never, buf, 0, { registry: registry(), layers, index: 0 });
    expect(n).toBe(20);
    expect(buf[9]).toBe(17);
    expect(buf.subarray(2, 4)).toEqual(new Uint8Array(2)); // totalLength left for finish
    expect(buf.subarray(10, 12)).toEqual(new Uint8Array(2)); // checksum left for finish
    buf.set(SCAPY_V4_UDP.subarray(20), 20);
    ipv4.finish?.(layers[0] as never, buf, 0, finishCtx(layers, buf.length));
    expect(buf).toEqual(SCAPY_V4_UDP);
  });

  it('rebuilds the Scapy header with options at an offset', () => {
    const h = { layer: 'ipv4' as const, src: '10.0.0.1', dst: '10.0.0.2', ttl: 1, protocol: 2, identification: 1, options: '94040000' };
    const buf = new Uint8Array(5 + SCAPY_V4_OPTS.length).fill(0xee);
    expect(encodeIpv4(h, buf, 5)).toBe(24);
    buf.set(SCAPY_V4_OPTS.subarray(24), 29);
    ipv4.finish?.(h, buf, 5, finishCtx([h], buf.length));
    expect(buf.subarray(5)).toEqual(SCAPY_V4_OPTS);
    expect(buf.subarray(0, 5)).toEqual(new Uint8Array(5).fill(0xee));
  });

  it('writes given totalLength and checksum as given, even when wrong', () => {
    const h = { layer: 'ipv4' as const, totalLength: 999, checksum: 0xbeef };
    const buf = new Uint8Array(40);
    encodeIpv4(h, buf);
    ipv4.finish?.(h, buf, 0, finishCtx([h], 40));
    expect(decodeIpv4(buf)).toMatchObject({ totalLength: 999, checksum: 0xbeef });
  });

  it('honours fixLengths / computeChecksums switches when a stack passes them', () => {
    const h = { layer: 'ipv4' as const };
    const buf = new Uint8Array(28);
    encodeIpv4(h, buf);
    ipv4.finish?.(h, buf, 0, finishCtx([h], 28, { fixLengths: false, computeChecksums: false }));
    expect(decodeIpv4(buf)).toMatchObject({ totalLength: 0, checksum: 0 });
    ipv4.finish?.(h, buf, 0, finishCtx([h], 28));
    expect(decodeIpv4(buf)).toMatchObject({ totalLength: 28 });
    expect(ipv4Checksum(buf, 0, 5)).toBe(decodeIpv4(buf).checksum);
  });

  it('fills defaults and derives ihl and protocol', () => {
    const buf = new Uint8Array(20);
    encodeIpv4({ layer: 'ipv4' }, buf);
    expect(decodeIpv4(buf)).toEqual({
      layer: 'ipv4',
      version: 4,
      ihl: 5,
      dscp: 0,
      ecn: 0,
      totalLength: 0,
      identification: 0,
      dontFragment: false,
      moreFragments: false,
      fragmentOffset: 0,
      ttl: 64,
      protocol: 0,
      checksum: 0,
      src: '0.0.0.0',
      dst: '0.0.0.0',
      options: '',
    });
    const reg = registry();
    const enc = (layers: LayerObject[]) => {
      const b = new Uint8Array(20);
      encodeIpv4(layers[0] as never, b, 0, { registry: reg, layers, index: 0 });
      return b[9];
    };
    expect(enc([{ layer: 'ipv4' }, { layer: 'ipv4' }])).toBe(4);
    expect(enc([{ layer: 'ipv4' }, { layer: 'ipv6' }])).toBe(41);
    expect(enc([{ layer: 'ipv4' }, { layer: 'raw', data: '00' }])).toBe(0);
    expect(encodeError(() => enc([{ layer: 'ipv4' }, { layer: 'sctp-unbound' }]))).toMatchObject({ layer: 'ipv4', field: 'protocol' });
  });

  it('zero-pads options to a multiple of 4 bytes', () => {
    const h = { layer: 'ipv4' as const, options: '0101' };
    expect(ipv4EncodingLength(h)).toBe(24);
    const buf = new Uint8Array(24).fill(0xff);
    expect(encodeIpv4(h, buf)).toBe(24);
    expect(decodeIpv4(buf)).toMatchObject({ ihl: 6, options: '01010000' });
    expect(ipv4EncodingLength({ layer: 'ipv4', options: '00'.repeat(40) })).toBe(60);
  });

  it('throws EncodeError before writing any byte', () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ ttl: 256 }, 'ttl'],
      [{ ttl: -1 }, 'ttl'],
      [{ ttl: 1.5 }, 'ttl'],
      [{ version: 16 }, 'version'],
      [{ dscp: 64 }, 'dscp'],
      [{ ecn: 4 }, 'ecn'],
      [{ fragmentOffset: 8192 }, 'fragmentOffset'],
      [{ totalLength: 65536 }, 'totalLength'],
      [{ checksum: 0x10000 }, 'checksum'],
      [{ protocol: 256 }, 'protocol'],
      [{ dontFragment: 'yes' }, 'dontFragment'],
      [{ reservedFlag: 2 }, 'reservedFlag'],
      [{ src: '1.2.3' }, 'src'],
      [{ dst: '256.0.0.1' }, 'dst'],
      [{ dst: '::1' }, 'dst'],
      [{ src: '010.0.0.1' }, 'src'],
      [{ src: '0x7f.0.0.1' }, 'src'],
      [{ src: 3232235521 }, 'src'],
      [{ dst: '10.0.0.1 ' }, 'dst'],
      [{ options: 'abc' }, 'options'],
      [{ options: 'zz' }, 'options'],
      [{ options: '00'.repeat(41) }, 'options'],
      // a bad value late in the header must not let earlier fields be written
      [{ ttl: 1, identification: 7, dst: 'nope' }, 'dst'],
    ];
    for (const [fields, field] of cases) {
      const buf = new Uint8Array(64).fill(0xaa);
      const e = encodeError(() => encodeIpv4({ layer: 'ipv4', ...fields } as never, buf));
      expect(e, JSON.stringify(fields)).toMatchObject({ layer: 'ipv4', field });
      expect(buf, JSON.stringify(fields)).toEqual(new Uint8Array(64).fill(0xaa));
    }
  });

  it('throws EncodeError from finish() when the datagram exceeds 65535 bytes', () => {
    const buf = new Uint8Array(70000);
    encodeIpv4({ layer: 'ipv4' }, buf);
    expect(encodeError(() => ipv4.finish?.({ layer: 'ipv4' }, buf, 0, finishCtx([{ layer: 'ipv4' }], 70000)))).toMatchObject({
      field: 'totalLength',
    });
  });

  it('does not mutate the input', () => {
    const h = Object.freeze({ layer: 'ipv4' as const, options: '01' });
    encodeIpv4(h, new Uint8Array(24));
    expect(h).toEqual({ layer: 'ipv4', options: '01' });
  });
});

describe('ipv4 codec dispatch', () => {
  it('binds EtherType 0x0800 and IP protocol 4', () => {
    expect(ipv4.binds).toEqual([
      { table: 'ethertype', value: 0x0800 },
      { table: 'ip.proto', value: 4 },
    ]);
    expect(ipv4.network).toBe(true);
    expect(ipv4.fields.map((f) => f.name)).toEqual([
      'version',
      'ihl',
      'dscp',
      'ecn',
      'totalLength',
      'identification',
      'dontFragment',
      'moreFragments',
      'fragmentOffset',
      'ttl',
      'protocol',
      'checksum',
      'src',
      'dst',
      'options',
      'reservedFlag',
    ]);
  });

  it('points to ip.proto, except on non-first fragments', () => {
    const reg = registry();
    const h = decodeIpv4(SCAPY_V4_UDP);
    expect(ipv4.next(h, decodeCtx(reg, SCAPY_V4_UDP))).toEqual({ table: 'ip.proto', value: 17 });
    expect(ipv4.datagramLength?.(h)).toBe(44);
    expect(ipv4.next({ ...h, moreFragments: true }, decodeCtx(reg, SCAPY_V4_UDP))).toEqual({ table: 'ip.proto', value: 17 });
    expect(ipv4.next({ ...h, fragmentOffset: 1 }, decodeCtx(reg, SCAPY_V4_UDP))).toBeUndefined();
  });
});

describe('ipv4 address helpers and view', () => {
  it('parses and formats dotted quads', () => {
    expect(parseIpv4('192.0.2.255')).toEqual(Uint8Array.of(192, 0, 2, 255));
    expect(formatIpv4(Uint8Array.of(9, 192, 0, 2, 255), 1)).toBe('192.0.2.255');
    expect(encodeError(() => parseIpv4('1.2.3')).layer).toBe('ipv4');
    expect(encodeError(() => parseIpv4('::ffff:1.2.3.4')).layer).toBe('ipv4');
  });

  it('reads every field and the numeric addresses, and writes the settable ones', () => {
    const b = SCAPY_V4_UDP.slice();
    const v = Ipv4View.from(b);
    expect(v.srcU32).toBe(0xc0000201);
    expect(v.dstU32).toBe(0xc6336402);
    expect(v.headerLength).toBe(20);
    expect(v.payload).toEqual(SCAPY_V4_UDP.subarray(20));
    v.identification = 0xabcd;
    v.totalLength = 40;
    v.ttl = 3;
    v.checksum = 0x1111;
    expect(decodeIpv4(b)).toMatchObject({ identification: 0xabcd, totalLength: 40, ttl: 3, checksum: 0x1111 });
    expect(v.payload.length).toBe(20);
    const other = SCAPY_V4_OPTS.slice();
    expect(v.reset(other).options).toBe('94040000');
    expect(v.reservedFlag).toBe(false);
    expect(v.reset(SCAPY_V4_EVIL).reservedFlag).toBe(true);
  });
});
