import { EncodeError, type LayerObject, Registry } from '@wirestack/core';
import {
  LinkType,
  linkTypeFirstLayer,
  linkTypeForLayer,
  linkTypeName,
  LinuxSll2View,
  LinuxSllView,
  linuxSll,
  linuxSll2,
  nullLoopback,
} from '@wirestack/link';
import { describe, expect, test } from 'vitest';

const hex = (s: string) => Uint8Array.from(s.match(/../g) ?? [], (b) => Number.parseInt(b, 16));
const ctx = {} as never;

/** Decodes, checks the object, re-encodes and checks the bytes. */
function vector(codec: typeof linuxSll | typeof linuxSll2 | typeof nullLoopback, bytes: string, want: object): unknown {
  const b = hex(bytes);
  const h = (codec as typeof linuxSll).decode(b, 0, b.length);
  expect(h).toEqual(want);
  const out = new Uint8Array(b.length);
  expect((codec as typeof linuxSll).encode(h, out, 0)).toBe(b.length);
  expect(out).toEqual(b);
  return h;
}

// Expected values are tshark's (sll.pkttype, sll.hatype, sll.halen, sll.src.eth + sll.unused, sll.etype, sll.ifindex; null.family / null.type).
describe('linux-sll, real headers', () => {
  test('pcapplusplus--SllPacket.pcap frame 1: IPv6 from an Ethernet interface', () => {
    const h = vector(linuxSll, '0000000100060012441e7400f67f86dd', {
      layer: 'linux-sll',
      packetType: 0,
      arphrdType: 1,
      addressLength: 6,
      address: '0012441e7400f67f',
      protocol: 0x86dd,
    });
    expect(linuxSll.next(h as never, ctx)).toEqual({ table: 'ethertype', value: 0x86dd });
  });

  test('tcpdump--tcp-handshake-nano.pcap frame 1: outgoing, ARPHRD_PPP (512), no address', () => {
    const h = vector(linuxSll, '00040200000000000000000000000800', {
      layer: 'linux-sll',
      packetType: 4,
      arphrdType: 512,
      addressLength: 0,
      address: '0000000000000000',
      protocol: 0x0800,
    });
    expect(linuxSll.next(h as never, ctx)).toEqual({ table: 'ethertype', value: 0x0800 });
    const v = LinuxSllView.from(hex('00040200000000000000000000000800'));
    expect([v.packetType, v.arphrdType, v.addressLength, v.protocol]).toEqual([4, 512, 0, 0x0800]);
  });

  test('Linux pseudo-protocols (sll.ltype) and netlink end in raw', () => {
    const base = { layer: 'linux-sll' as const, packetType: 0, arphrdType: 1, addressLength: 6, address: '0000000000000000' };
    expect(linuxSll.next({ ...base, protocol: 0x0001 }, ctx)).toBeUndefined();
    expect(linuxSll.next({ ...base, protocol: 0x0004 }, ctx)).toBeUndefined();
    expect(linuxSll.next({ ...base, protocol: 0x05ff }, ctx)).toBeUndefined();
    expect(linuxSll.next({ ...base, protocol: 0x0600 }, ctx)).toEqual({ table: 'ethertype', value: 0x0600 });
    expect(linuxSll.next({ ...base, arphrdType: 824, protocol: 0x0800 }, ctx)).toBeUndefined();
  });
});

describe('linux-sll2, real headers', () => {
  test('pcapplusplus--Sll2Packet.pcap frame 1', () => {
    const h = vector(linuxSll2, '080000000000001400010406d2cfc25015ea0000', {
      layer: 'linux-sll2',
      protocol: 0x0800,
      reserved: 0,
      interfaceIndex: 20,
      arphrdType: 1,
      packetType: 4,
      addressLength: 6,
      address: 'd2cfc25015ea0000',
    });
    expect(linuxSll2.next(h as never, ctx)).toEqual({ table: 'ethertype', value: 0x0800 });
  });

  test('zeek--linux_dlt_sll2.pcap frame 3: IPv6 on loopback (ARPHRD_LOOPBACK 772)', () => {
    vector(linuxSll2, '86dd000000000001030400060000000000000000', {
      layer: 'linux-sll2',
      protocol: 0x86dd,
      reserved: 0,
      interfaceIndex: 1,
      arphrdType: 772,
      packetType: 0,
      addressLength: 6,
      address: '0000000000000000',
    });
  });

  test('reserved bits are kept', () => {
    const b = hex('0800abcd0000000200010006ea5cb34916e50000');
    expect(LinuxSll2View.from(b).reserved).toBe(0xabcd);
    vector(linuxSll2, '0800abcd0000000200010006ea5cb34916e50000', {
      layer: 'linux-sll2',
      protocol: 0x0800,
      reserved: 0xabcd,
      interfaceIndex: 2,
      arphrdType: 1,
      packetType: 0,
      addressLength: 6,
      address: 'ea5cb34916e50000',
    });
  });
});

describe('null, real headers (pcapplusplus--null_loopback.pcap)', () => {
  test('frame 1: family 30 (Darwin AF_INET6), little-endian -> ipv6', () => {
    const h = vector(nullLoopback, '1e000000', { layer: 'null', family: 30, byteOrder: 'little' });
    expect(nullLoopback.next(h as never, ctx)).toEqual({ layer: 'ipv6' });
  });
  test('frame 2: family 2 -> ipv4', () => {
    const h = vector(nullLoopback, '02000000', { layer: 'null', family: 2, byteOrder: 'little' });
    expect(nullLoopback.next(h as never, ctx)).toEqual({ layer: 'ipv4' });
  });
  test('frame 3: bytes 0f 00 08 00, which tshark reads as null.type 0x0800 (an EtherType)', () => {
    const h = vector(nullLoopback, '0f000800', { layer: 'null', family: 0x0008000f, byteOrder: 'little' });
    expect(nullLoopback.next(h as never, ctx)).toEqual({ table: 'ethertype', value: 0x0800 });
  });
  test('LOOP (network order) and every IPv6 family', () => {
    for (const f of [10, 24, 28, 30]) {
      const be = vector(nullLoopback, `000000${f.toString(16).padStart(2, '0')}`, { layer: 'null', family: f, byteOrder: 'big' });
      expect(nullLoopback.next(be as never, ctx)).toEqual({ layer: 'ipv6' });
    }
    const unknown = vector(nullLoopback, '07000000', { layer: 'null', family: 7, byteOrder: 'little' });
    expect(nullLoopback.next(unknown as never, ctx)).toBeUndefined();
    vector(nullLoopback, '00000086', { layer: 'null', family: 0x86, byteOrder: 'big' });
    vector(nullLoopback, 'dd860000', { layer: 'null', family: 0x86dd, byteOrder: 'little' });
  });
});

describe('encoding defaults and derivation', () => {
  const registry = new Registry();
  registry.bind('ethertype', 0x0800, 'ipv4').bind('ethertype', 0x86dd, 'ipv6');
  const enc = (layers: LayerObject[], codec: typeof linuxSll | typeof nullLoopback | typeof linuxSll2) => {
    const out = new Uint8Array(codec.minLength);
    (codec as typeof linuxSll).encode(layers[0] as never, out, 0, { registry, layers, index: 0 });
    return out;
  };

  test('sll / sll2 derive protocol from the next layer, 0x9000 when none', () => {
    expect(linuxSll.decode(enc([{ layer: 'linux-sll' }, { layer: 'ipv6' }], linuxSll), 0, 16)).toEqual({
      layer: 'linux-sll',
      packetType: 0,
      arphrdType: 1,
      addressLength: 6,
      address: '0000000000000000',
      protocol: 0x86dd,
    });
    expect(linuxSll2.decode(enc([{ layer: 'linux-sll2', address: '020000000001' }], linuxSll2), 0, 20)).toMatchObject({
      protocol: 0x9000,
      address: '0200000000010000',
    });
  });

  test('null derives family (ipv4 2, ipv6 30) and writes in byteOrder', () => {
    expect(enc([{ layer: 'null' }, { layer: 'ipv4' }], nullLoopback)).toEqual(hex('02000000'));
    expect(enc([{ layer: 'null', byteOrder: 'big' }, { layer: 'ipv6' }], nullLoopback)).toEqual(hex('0000001e'));
    expect(enc([{ layer: 'null' }], nullLoopback)).toEqual(hex('00000000'));
    expect(() => enc([{ layer: 'null' }, { layer: 'ethernet' }], nullLoopback)).toThrow(EncodeError);
  });

  test('bad values throw EncodeError before writing', () => {
    const cases: Array<[typeof linuxSll | typeof nullLoopback, Record<string, unknown>, string]> = [
      [linuxSll, { layer: 'linux-sll', address: '00'.repeat(9) }, 'address'],
      [linuxSll, { layer: 'linux-sll', address: 'zz' }, 'address'],
      [linuxSll, { layer: 'linux-sll', packetType: 0x10000 }, 'packetType'],
      [linuxSll, { layer: 'linux-sll', protocol: -1 }, 'protocol'],
      [nullLoopback, { layer: 'null', byteOrder: 'middle' }, 'byteOrder'],
      [nullLoopback, { layer: 'null', family: 2 ** 32 }, 'family'],
    ];
    for (const [codec, h, field] of cases) {
      const out = new Uint8Array(codec.minLength).fill(0xee);
      let err: unknown;
      try {
        (codec as typeof linuxSll).encode(h as never, out, 0);
      } catch (e) {
        err = e;
      }
      expect(err, field).toBeInstanceOf(EncodeError);
      expect((err as EncodeError).field).toBe(field);
      expect(out.every((x) => x === 0xee)).toBe(true);
    }
    expect(() => linuxSll2.encode({ layer: 'linux-sll2', packetType: 256 }, new Uint8Array(20), 0)).toThrow(EncodeError);
  });
});

describe('link types', () => {
  test('linkTypeFirstLayer', () => {
    expect(linkTypeFirstLayer(LinkType.ETHERNET)).toBe('ethernet');
    expect(linkTypeFirstLayer(LinkType.IPV4)).toBe('ipv4');
    expect(linkTypeFirstLayer(LinkType.IPV6)).toBe('ipv6');
    for (const lt of [LinkType.RAW, LinkType.RAW_12, LinkType.RAW_14]) {
      expect(linkTypeFirstLayer(lt, 0x45)).toBe('ipv4');
      expect(linkTypeFirstLayer(lt, 0x60)).toBe('ipv6');
      expect(linkTypeFirstLayer(lt, 0x00)).toBeUndefined();
      expect(linkTypeFirstLayer(lt)).toBeUndefined();
    }
    expect(linkTypeFirstLayer(LinkType.LINUX_SLL)).toBe('linux-sll');
    expect(linkTypeFirstLayer(LinkType.LINUX_SLL2)).toBe('linux-sll2');
    expect(linkTypeFirstLayer(LinkType.NULL)).toBe('null');
    expect(linkTypeFirstLayer(LinkType.LOOP)).toBe('null');
    expect(linkTypeFirstLayer(105)).toBeUndefined();
    // tcpdump--heap-overflow-1.pcap's header says 0x30000065: FCS bits above link type 101.
    expect(linkTypeFirstLayer(0x30000065, 0x45)).toBe('ipv4');
  });

  test('linkTypeForLayer and linkTypeName', () => {
    expect(['ethernet', 'ipv4', 'ipv6', 'linux-sll', 'linux-sll2', 'null', 'udp', 'toString'].map(linkTypeForLayer)).toEqual([
      1,
      101,
      101,
      113,
      276,
      0,
      undefined,
      undefined,
    ]);
    expect([0, 1, 101, 108, 113, 228, 229, 276, 999].map(linkTypeName)).toEqual([
      'NULL',
      'ETHERNET',
      'RAW',
      'LOOP',
      'LINUX_SLL',
      'IPV4',
      'IPV6',
      'LINUX_SLL2',
      '999',
    ]);
  });

  test('codecs are reached by link type only', () => {
    for (const c of [linuxSll, linuxSll2, nullLoopback]) expect(c.binds).toEqual([]);
    expect(linkTypeFirstLayer(LinkType.NULL)).toBe(nullLoopback.id);
  });
});
