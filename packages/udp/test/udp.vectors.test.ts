import {
  createRegistry,
  DecodeError,
  defineLayer,
  type DecodeContext,
  EncodeError,
  type FinishContext,
  type LayerObject,
  type NetworkRef,
  type Registry,
} from '@wirestack/core';
import { ipv4 } from '@wirestack/ipv4';
import { hex } from '@wirestack/testkit';
import {
  decodeUdp,
  encodeUdp,
  ipv4PseudoHeaderDstOffset,
  ipv6PseudoHeaderDstOffset,
  UdpView,
  udp,
  udpChecksum,
  udpTunnelSourcePort,
} from '@wirestack/udp';
import { describe, expect, it } from 'vitest';

// All packets below were produced by Scapy 2.5.0.
// IP(src='192.0.2.1', dst='198.51.100.2', id=0x1234, flags='DF')/UDP(sport=1234, dport=5678)/b'hello wirestack!'
const V4_UDP = hex('4500002c1234400040113c56c0000201c633640204d2162e00188acc68656c6c6f2077697265737461636b21');
// IP(src='192.0.2.1', dst='198.51.100.2', id=0x1234, flags='DF')/UDP(sport=1234, dport=5678)/b'odd'
const V4_UDP_ODD = hex('4500001f1234400040113c63c0000201c633640204d2162e000b253c6f6464');
// IPv6(src='2001:db8::1', dst='2001:db8::2', hlim=64)/UDP(sport=1234, dport=53)/b'abcde'
const V6_UDP = hex('60000000000d114020010db800000000000000000000000120010db800000000000000000000000204d20035000d75916162636465');
// IP(src='192.0.2.1', dst='198.51.100.2')/UDP(sport=1000, dport=2000)/b'\x07\xeb' (the checksum computes to 0, sent as 0xffff)
const V4_UDP_FFFF = hex('4500001e0001000040118e97c0000201c633640203e807d0000affff07eb');

// Source routed: the pseudo-header uses the final destination (RFC 791 source route options; RFC 8200 §8.1).
// IP(src='192.0.2.1', dst='10.1.1.1', options=[IPOption_LSRR(routers=['10.2.2.2','203.0.113.9'])])/UDP(sport=1111, dport=2222)/b'lsrr'
const V4_LSRR = hex('4800002c000100004011156ac00002010a010101830b040a020202cb00710900045708ae000c15e06c737272');
// IPv6(src='2001:db8::1', dst='2001:db8::a')/IPv6ExtHdrRouting(addresses=['2001:db8::b','2001:db8::c'])/UDP(sport=1111, dport=2222)/b'rh0'
const V6_RH0 = hex(
  '6000000000332b4020010db800000000000000000000000120010db800000000000000000000000a110400020000000020010db800000000000000000000000b20010db800000000000000000000000c045708ae000bf4eb726830',
);
// IPv6(src='2001:db8::1', dst='2001:db8::e')/IPv6ExtHdrHopByHop()/IPv6ExtHdrSegmentRouting(addresses=['2001:db8::f','2001:db8::e'], segleft=1)
//   /IPv6ExtHdrDestOpt()/UDP(sport=1111, dport=2222)/b'srh'
const V6_SRH = hex(
  '600000000043004020010db800000000000000000000000120010db800000000000000000000000e2b000104000000003c0404010100000020010db800000000000000000000000f20010db800000000000000000000000e1100010400000000045708ae000bbbde737268',
);
// A used-up LSRR (pointer 12 > length 11): the header's destination is already the final one. Header built by Scapy
// with UDP chksum=0, then the checksum computed in Python with scapy.utils.checksum over a pseudo-header made by hand
// from src 192.0.2.1 and dst 203.0.113.9 (Scapy itself ignores the pointer).
const V4_LSRR_DONE = hex('4800002c000100004011e090c0000201cb007109830b0c0a0202020a03030300045708ae000c21f1646f6e65');

const V4: NetworkRef = { layer: 'ipv4', offset: 0 };
const V6: NetworkRef = { layer: 'ipv6', offset: 0 };

/** A stand-in codec for a tunnel layer bound to a UDP port (the real ones live in other packages). */
function tunnel(id: string, port: number) {
  return defineLayer({ id, headerLength: 8, binds: [{ table: 'udp.port', value: port }], parse: () => ({}), write: () => 8 });
}

/** A registry with udp plus stand-ins for the tunnel layers. */
function registry(): Registry {
  return createRegistry([udp, tunnel('vxlan', 4789), tunnel('geneve', 6081), tunnel('mpls', 6635)]);
}

function decodeCtx(reg: Registry, buf: Uint8Array): DecodeContext {
  return { registry: reg, layers: [], buf, payloadOffset: 8, end: buf.length, issue: () => {} };
}

function finishCtx(end: number, network: NetworkRef | undefined, extra: Record<string, unknown> = {}): FinishContext {
  return { registry: registry(), layers: [{ layer: 'udp' }], index: 0, headerLength: 8, end, network, ...extra };
}

/** Re-encodes the UDP header of a Scapy packet (at `udpOff`) from ports only, runs finish(), and returns the packet. */
function rebuild(pkt: Uint8Array, udpOff: number, network: NetworkRef): Uint8Array {
  const buf = pkt.slice();
  buf.fill(0x5a, udpOff, udpOff + 8);
  const h = { layer: 'udp' as const, srcPort: decodeUdp(pkt, udpOff).srcPort, dstPort: decodeUdp(pkt, udpOff).dstPort };
  expect(encodeUdp(h, buf, udpOff)).toBe(8);
  expect(decodeUdp(buf, udpOff)).toMatchObject({ length: 0, checksum: 0 });
  udp.finish?.(h, buf, udpOff, finishCtx(buf.length, network));
  return buf;
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

describe('udp decode vectors', () => {
  it('decodes every field', () => {
    expect(decodeUdp(V4_UDP, 20)).toEqual({ layer: 'udp', srcPort: 1234, dstPort: 5678, length: 24, checksum: 0x8acc });
    expect(Object.keys(decodeUdp(V4_UDP, 20))).toEqual(['layer', 'srcPort', 'dstPort', 'length', 'checksum']);
    expect(decodeUdp(V6_UDP, 40)).toEqual({ layer: 'udp', srcPort: 1234, dstPort: 53, length: 13, checksum: 0x7591 });
    expect(udp.datagramLength?.(decodeUdp(V6_UDP, 40))).toBe(13);
    expect(udp.headerLength(decodeUdp(V6_UDP, 40))).toBe(8);
  });

  it('checks 8 bytes first', () => {
    for (let end = 20; end < 28; end++) {
      let err: unknown;
      try {
        decodeUdp(V4_UDP, 20, end);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(DecodeError);
      expect(err).toMatchObject({ code: 'truncated', layer: 'udp', offset: 20, required: 8, actual: end - 20 });
    }
    expect(() => UdpView.from(V4_UDP, V4_UDP.length - 7)).toThrow(DecodeError);
  });
});

describe('udp checksum', () => {
  it('finish() fills length and checksum over the IPv4 pseudo-header (Scapy bytes)', () => {
    expect(rebuild(V4_UDP, 20, V4)).toEqual(V4_UDP);
    expect(rebuild(V4_UDP_ODD, 20, V4)).toEqual(V4_UDP_ODD);
  });

  it('finish() fills length and checksum over the IPv6 pseudo-header (Scapy bytes)', () => {
    expect(rebuild(V6_UDP, 40, V6)).toEqual(V6_UDP);
  });

  it('uses the final destination of a source route in the pseudo-header', () => {
    expect(ipv4PseudoHeaderDstOffset(V4_LSRR, 0)).toBe(27);
    expect(rebuild(V4_LSRR, 32, V4)).toEqual(V4_LSRR);
    expect(ipv4PseudoHeaderDstOffset(V4_LSRR_DONE, 0)).toBe(16);
    expect(rebuild(V4_LSRR_DONE, 32, V4)).toEqual(V4_LSRR_DONE);
    expect(ipv6PseudoHeaderDstOffset(V6_RH0, 0, 80)).toBe(64);
    expect(rebuild(V6_RH0, 80, V6)).toEqual(V6_RH0);
    expect(ipv6PseudoHeaderDstOffset(V6_SRH, 0, 96)).toBe(56);
    expect(rebuild(V6_SRH, 96, V6)).toEqual(V6_SRH);
    for (const [pkt, off, net] of [
      [V4_LSRR, 32, V4],
      [V6_RH0, 80, V6],
      [V6_SRH, 96, V6],
    ] as const)
      expect(udp.verify?.(decodeUdp(pkt, off), pkt, off, { headerLength: 8, end: pkt.length, network: net })).toBe(true);
    // segmentsLeft 0: the header's destination is the final one.
    const arrived = V6_RH0.slice();
    arrived[43] = 0;
    expect(ipv6PseudoHeaderDstOffset(arrived, 0, 80)).toBe(24);
    // Two source route options (invalid): fall back to the header's destination, as Scapy does.
    const two = hex('4a00000000000000401100000000000100000002830704010101018307040202020200');
    expect(ipv4PseudoHeaderDstOffset(two, 0)).toBe(16);
    // Malformed options never read past the header.
    const bad = hex('4600000000000000401100000000000100000002830b0401');
    expect(ipv4PseudoHeaderDstOffset(bad, 0)).toBe(16);
  });

  it('writes a computed 0 as 0xffff', () => {
    expect(rebuild(V4_UDP_FFFF, 20, V4)).toEqual(V4_UDP_FFFF);
    expect(udpChecksum(V4_UDP_FFFF, 20, 10, V4)).toBe(0xffff);
  });

  it('finish() writes 0 without a network header, and honours the switches', () => {
    const buf = new Uint8Array(12).fill(0x33);
    encodeUdp({ layer: 'udp' }, buf);
    udp.finish?.({ layer: 'udp' }, buf, 0, finishCtx(12, undefined));
    expect(decodeUdp(buf)).toMatchObject({ length: 12, checksum: 0 });
    const v4 = V4_UDP.slice();
    encodeUdp({ layer: 'udp' }, v4, 20);
    udp.finish?.({ layer: 'udp' }, v4, 20, finishCtx(v4.length, V4, { fixLengths: false, computeChecksums: false }));
    expect(decodeUdp(v4, 20)).toMatchObject({ length: 0, checksum: 0 });
  });

  it('writes given length and checksum as given', () => {
    const buf = V4_UDP.slice();
    const h = { layer: 'udp' as const, srcPort: 1, dstPort: 2, length: 9999, checksum: 0 };
    encodeUdp(h, buf, 20);
    udp.finish?.(h, buf, 20, finishCtx(buf.length, V4));
    expect(decodeUdp(buf, 20)).toEqual({ ...h });
  });

  it('covers only up to the datagram end when the given length is too long', () => {
    const buf = V4_UDP.slice();
    const h = { layer: 'udp' as const, srcPort: 1234, dstPort: 5678, length: 100 };
    encodeUdp(h, buf, 20);
    udp.finish?.(h, buf, 20, finishCtx(buf.length, V4));
    const d = decodeUdp(buf, 20);
    expect(d.checksum).toBe(udpChecksum(buf, 20, 100, V4, buf.length));
    expect(udp.verify?.(d, buf, 20, { headerLength: 8, end: buf.length, network: V4 })).toBe(true);
  });

  it('verify(): good sums pass, a flipped payload byte fails, 0 means none, no network passes', () => {
    const vctx = (buf: Uint8Array, network: NetworkRef | undefined) => ({ headerLength: 8, end: buf.length, network });
    for (const [pkt, off, net] of [
      [V4_UDP, 20, V4],
      [V4_UDP_ODD, 20, V4],
      [V4_UDP_FFFF, 20, V4],
      [V6_UDP, 40, V6],
    ] as const) {
      expect(udp.verify?.(decodeUdp(pkt, off), pkt, off, vctx(pkt, net))).toBe(true);
      const bad = pkt.slice();
      bad[bad.length - 1]! ^= 0x10;
      expect(udp.verify?.(decodeUdp(bad, off), bad, off, vctx(bad, net))).toBe(false);
      expect(udp.verify?.(decodeUdp(bad, off), bad, off, vctx(bad, undefined))).toBe(true);
      const none = bad.slice();
      none[off + 6] = 0;
      none[off + 7] = 0;
      expect(udp.verify?.(decodeUdp(none, off), none, off, vctx(none, net))).toBe(true);
    }
  });

  it('verify() ignores bytes past the UDP length (padding)', () => {
    const padded = new Uint8Array(V4_UDP_ODD.length + 6).fill(0xaa);
    padded.set(V4_UDP_ODD);
    expect(udp.verify?.(decodeUdp(padded, 20), padded, 20, { headerLength: 8, end: padded.length, network: V4 })).toBe(true);
  });

  it('the view recomputes the checksum', () => {
    const buf = V6_UDP.slice();
    const v = UdpView.from(buf, 40);
    v.dstPort = 5353;
    v.fillChecksum(V6);
    expect(udp.verify?.(decodeUdp(buf, 40), buf, 40, { headerLength: 8, end: buf.length, network: V6 })).toBe(true);
    v.fillChecksum(undefined);
    expect(v.checksum).toBe(0);
  });
});

describe('udp encode', () => {
  it('fills defaults: ports 0, length and checksum 0 until finish()', () => {
    const buf = new Uint8Array(8).fill(0xff);
    expect(encodeUdp({ layer: 'udp' }, buf)).toBe(8);
    expect(buf).toEqual(new Uint8Array(8));
  });

  it('derives dstPort from the next layer and srcPort from the inner flow before a tunnel', () => {
    const reg = registry();
    const inner: LayerObject[] = [
      { layer: 'ethernet', src: '02:00:00:00:00:01', dst: '02:00:00:00:00:02' },
      { layer: 'ipv4', src: '10.0.0.1', dst: '10.0.0.2', protocol: 17 },
      { layer: 'udp', srcPort: 1234, dstPort: 80 },
    ];
    const layers: LayerObject[] = [{ layer: 'udp' }, { layer: 'vxlan', vni: 42 }, ...inner];
    const buf = new Uint8Array(8);
    encodeUdp({ layer: 'udp' }, buf, 0, { registry: reg, layers, index: 0 });
    // FNV-1a 32 of "02:00:00:00:00:01|02:00:00:00:00:02|10.0.0.1|10.0.0.2|17|1234|80" is 3433685173
    // (computed independently in Python); 49152 + 3433685173 % 16384 = 57525.
    expect(udpTunnelSourcePort(inner)).toBe(57525);
    expect(decodeUdp(buf)).toMatchObject({ srcPort: 57525, dstPort: 4789 });
    // FNV-1a of the empty text is the offset basis 0x811c9dc5: 49152 + 2166136261 % 16384 = 56773.
    expect(udpTunnelSourcePort([])).toBe(56773);

    const other = [{ layer: 'udp' }, { layer: 'geneve' }, { ...inner[0]!, src: '02:00:00:00:00:03' }] as LayerObject[];
    encodeUdp({ layer: 'udp' }, buf, 0, { registry: reg, layers: other, index: 0 });
    const d = decodeUdp(buf);
    expect(d.dstPort).toBe(6081);
    expect(d.srcPort).toBeGreaterThanOrEqual(49152);
    expect(d.srcPort).not.toBe(57525);

    // A given port is written as given, a raw payload gets 0/0.
    encodeUdp({ layer: 'udp', srcPort: 7, dstPort: 9 }, buf, 0, { registry: reg, layers, index: 0 });
    expect(decodeUdp(buf)).toMatchObject({ srcPort: 7, dstPort: 9 });
    encodeUdp({ layer: 'udp' }, buf, 0, { registry: reg, layers: [{ layer: 'udp' }, { layer: 'raw', data: '00' }], index: 0 });
    expect(decodeUdp(buf)).toMatchObject({ srcPort: 0, dstPort: 0 });
    expect(
      encodeError(() => encodeUdp({ layer: 'udp' }, buf, 0, { registry: reg, layers: [{ layer: 'udp' }, { layer: 'dns' }], index: 0 })),
    ).toMatchObject({
      layer: 'udp',
      field: 'dstPort',
    });
  });

  it('throws EncodeError before writing any byte', () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ srcPort: 65536 }, 'srcPort'],
      [{ dstPort: 65536 }, 'dstPort'],
      [{ dstPort: -1 }, 'dstPort'],
      [{ srcPort: 1.5 }, 'srcPort'],
      [{ srcPort: '53' }, 'srcPort'],
      [{ length: 70000 }, 'length'],
      [{ srcPort: 1, dstPort: 2, checksum: 0x10000 }, 'checksum'],
    ];
    for (const [fields, field] of cases) {
      const buf = new Uint8Array(16).fill(0xaa);
      expect(
        encodeError(() => encodeUdp({ layer: 'udp', ...fields } as never, buf, 4)),
        JSON.stringify(fields),
      ).toMatchObject({ layer: 'udp', field });
      expect(buf).toEqual(new Uint8Array(16).fill(0xaa));
    }
  });

  it('throws EncodeError from finish() when the datagram exceeds 65535 bytes', () => {
    const buf = new Uint8Array(70000);
    encodeUdp({ layer: 'udp' }, buf);
    expect(encodeError(() => udp.finish?.({ layer: 'udp' }, buf, 0, finishCtx(70000, undefined)))).toMatchObject({ field: 'length' });
  });

  it('builds IPv4+UDP inside-out with both codecs and matches Scapy', () => {
    const reg = createRegistry([ipv4, udp]);
    const layers: LayerObject[] = [
      { layer: 'ipv4', src: '192.0.2.1', dst: '198.51.100.2', identification: 0x1234, dontFragment: true },
      { layer: 'udp', srcPort: 1234, dstPort: 5678 },
    ];
    const payload = V4_UDP.subarray(28);
    const buf = new Uint8Array(28 + payload.length);
    ipv4.encode(layers[0] as never, buf, 0, { registry: reg, layers, index: 0 });
    udp.encode(layers[1] as never, buf, 20, { registry: reg, layers, index: 1 });
    buf.set(payload, 28);
    const base = { registry: reg, layers, end: buf.length };
    udp.finish?.(layers[1] as never, buf, 20, { ...base, index: 1, headerLength: 8, network: V4 });
    ipv4.finish?.(layers[0] as never, buf, 0, { ...base, index: 0, headerLength: 20, network: undefined });
    expect(buf).toEqual(V4_UDP);
  });
});

describe('udp codec dispatch', () => {
  it('binds IP protocol 17 and dispatches by dstPort, then srcPort', () => {
    expect(udp.binds).toEqual([{ table: 'ip.proto', value: 17 }]);
    expect(udp.fields.map((f) => f.name)).toEqual(['srcPort', 'dstPort', 'length', 'checksum']);
    const reg = registry();
    const ctx = decodeCtx(reg, V4_UDP);
    const h = { layer: 'udp' as const, srcPort: 50000, dstPort: 4789, length: 8, checksum: 0 };
    expect(udp.next(h, ctx)).toEqual({ table: 'udp.port', value: 4789 });
    expect(udp.next({ ...h, srcPort: 6081, dstPort: 40000 }, ctx)).toEqual({ table: 'udp.port', value: 6081 });
    expect(udp.next({ ...h, srcPort: 6081, dstPort: 6635 }, ctx)).toEqual({ table: 'udp.port', value: 6635 });
    expect(udp.next({ ...h, srcPort: 1, dstPort: 2 }, ctx)).toBeUndefined();
    reg.bind('udp.port', 8472, 'vxlan');
    expect(udp.next({ ...h, dstPort: 8472 }, ctx)).toEqual({ table: 'udp.port', value: 8472 });
  });
});

describe('UdpView', () => {
  it('gets and sets every field, resets, and bounds the payload by length', () => {
    const buf = V4_UDP.slice();
    const v = UdpView.from(buf, 20);
    expect([v.srcPort, v.dstPort, v.length, v.checksum]).toEqual([1234, 5678, 24, 0x8acc]);
    expect(v.payload).toEqual(V4_UDP.subarray(28));
    v.srcPort = 1;
    v.dstPort = 2;
    v.length = 10;
    v.checksum = 3;
    expect(decodeUdp(buf, 20)).toEqual({ layer: 'udp', srcPort: 1, dstPort: 2, length: 10, checksum: 3 });
    expect(v.payload.length).toBe(2);
    expect(v.reset(V6_UDP, 40).dstPort).toBe(53);
  });
});
