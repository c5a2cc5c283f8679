import { createRegistry, DecodeError, defineLayer, EncodeError, type LayerObject, toHex } from '@wirestack/core';
import { hex } from '@wirestack/testkit';
import {
  bindLinuxVxlanPort,
  decodeVxlan,
  decodeVxlanGpe,
  encodeVxlan,
  encodeVxlanGpe,
  LINUX_VXLAN_PORT,
  VXLAN_GPE_BINDINGS,
  VXLAN_PORT,
  VxlanGpeView,
  VxlanView,
  vxlan,
  vxlanGpe,
} from '@wirestack/vxlan';
import { describe, expect, it } from 'vitest';

const stub = (id: string) => defineLayer<{ layer: string }>({ id, headerLength: 1, parse: () => ({}), write: () => 1 });
const stubs = ['ethernet', 'ipv4', 'ipv6', 'nsh', 'mpls'].map(stub);
const ctxFor = (registry: ReturnType<typeof createRegistry>) => ({
  registry,
  layers: [],
  buf: new Uint8Array(0),
  payloadOffset: 0,
  end: 0,
  issue() {},
});

describe('vxlan byte vectors (Scapy 2.5)', () => {
  it('plain VXLAN', () => {
    // bytes(VXLAN(vni=42))
    const b = hex('0800000000002a00');
    expect(decodeVxlan(b)).toEqual({ layer: 'vxlan', flags: 0x08, vni: 42 });
    const out = new Uint8Array(8).fill(0xff);
    expect(encodeVxlan({ layer: 'vxlan', vni: 42 }, out)).toBe(8);
    expect(toHex(out)).toBe('0800000000002a00');
  });
  it('keeps non-zero reserved bits', () => {
    // bytes(VXLAN(flags=0x88, vni=0x123456, reserved2=0x99))
    expect(decodeVxlan(hex('8800000012345699'))).toEqual({ layer: 'vxlan', flags: 0x88, vni: 0x123456, reserved2: 0x99 });
    const h = decodeVxlan(hex('08abcdef00000100'));
    expect(h).toEqual({ layer: 'vxlan', flags: 0x08, vni: 1, reserved1: 0xabcdef });
    const out = new Uint8Array(8);
    encodeVxlan(h, out);
    expect(toHex(out)).toBe('08abcdef00000100');
  });
  it('VXLAN-GPE', () => {
    // bytes(VXLAN(flags=0x0c, NextProtocol=3, vni=0x123456))
    const b = hex('0c00000312345600');
    expect(decodeVxlanGpe(b)).toEqual({ layer: 'vxlan-gpe', flags: 0x0c, nextProtocol: 3, vni: 0x123456 });
    const out = new Uint8Array(8);
    encodeVxlanGpe({ layer: 'vxlan-gpe', nextProtocol: 3, vni: 0x123456 }, out);
    expect(toHex(out)).toBe(toHex(b));
    const v = VxlanGpeView.from(b);
    expect([v.flags, v.nextProtocol, v.vni, v.reserved1, v.reserved2]).toEqual([0x0c, 3, 0x123456, 0, 0]);
  });
  it('views read and write in place', () => {
    const b = hex('0800000000002a00');
    const v = VxlanView.from(b);
    v.vni = 0xfedcba;
    expect(toHex(b)).toBe('08000000fedcba00');
    expect(v.reset(b, 0).vni).toBe(0xfedcba);
  });
  it('truncated', () => {
    for (const f of [
      () => decodeVxlan(hex('08000000000000')),
      () => decodeVxlanGpe(new Uint8Array(10), 3),
      () => VxlanView.from(new Uint8Array(7)),
    ]) {
      let err: unknown;
      try {
        f();
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(DecodeError);
      expect((err as DecodeError).code).toBe('truncated');
    }
  });
});

describe('vxlan encode errors leave the buffer untouched', () => {
  const cases: Array<[string, string, LayerObject]> = [
    ['vxlan', 'vni', { layer: 'vxlan', vni: 2 ** 24 }],
    ['vxlan', 'vni', { layer: 'vxlan', vni: -1 }],
    ['vxlan', 'flags', { layer: 'vxlan', flags: 256 }],
    ['vxlan', 'reserved1', { layer: 'vxlan', reserved1: 2 ** 24 }],
    ['vxlan', 'reserved2', { layer: 'vxlan', reserved2: 256 }],
    ['vxlan-gpe', 'vni', { layer: 'vxlan-gpe', vni: 2 ** 24 }],
    ['vxlan-gpe', 'nextProtocol', { layer: 'vxlan-gpe', nextProtocol: 256 }],
    ['vxlan-gpe', 'reserved1', { layer: 'vxlan-gpe', reserved1: 0x10000 }],
  ];
  for (const [layer, field, h] of cases)
    it(`${JSON.stringify(h)}`, () => {
      const buf = new Uint8Array(12).fill(0x5a);
      const enc = layer === 'vxlan' ? encodeVxlan : encodeVxlanGpe;
      let err: unknown;
      try {
        enc(h as never, buf, 2);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(EncodeError);
      expect([(err as EncodeError).layer, (err as EncodeError).field]).toEqual([layer, field]);
      expect(buf.every((x) => x === 0x5a)).toBe(true);
    });
});

describe('vxlan dispatch', () => {
  it('vxlan is reached by 4789 and carries Ethernet; 8472 is opt-in', () => {
    const r = createRegistry([vxlan, ...stubs]);
    expect(r.lookup('udp.port', VXLAN_PORT)?.id).toBe('vxlan');
    expect(r.lookup('udp.port', LINUX_VXLAN_PORT)).toBeUndefined();
    expect(vxlan.next(decodeVxlan(hex('0800000000002a00')), ctxFor(r))).toEqual({ layer: 'ethernet' });
    expect(bindLinuxVxlanPort(r)).toBe(r);
    expect(r.lookup('udp.port', LINUX_VXLAN_PORT)?.id).toBe('vxlan');
    expect(r.valueFor('udp.port', 'vxlan')).toBe(VXLAN_PORT);
    // A registry without vxlan gets the codec added.
    const empty = bindLinuxVxlanPort(createRegistry());
    expect(empty.lookup('udp.port', 8472)?.id).toBe('vxlan');
  });
  it('vxlan-gpe dispatches on nextProtocol through vxlan-gpe.np', () => {
    const r = createRegistry([vxlanGpe, ...stubs]);
    for (const b of VXLAN_GPE_BINDINGS) r.bind(b.table, b.value, b.layer);
    expect(r.lookup('udp.port', 4790)?.id).toBe('vxlan-gpe');
    const names: Record<number, string> = { 1: 'ipv4', 2: 'ipv6', 3: 'ethernet', 4: 'nsh', 5: 'mpls' };
    for (const [np, name] of Object.entries(names)) {
      const ref = vxlanGpe.next(decodeVxlanGpe(hex(`0c0000${Number(np).toString(16).padStart(2, '0')}00000100`)), ctxFor(r));
      expect(ref).toEqual({ table: 'vxlan-gpe.np', value: Number(np) });
      expect(r.resolve(ref!)?.id).toBe(name);
    }
    expect(r.resolve({ table: 'vxlan-gpe.np', value: 9 })).toBeUndefined();
    // Encoding derives nextProtocol from the next layer, 0 when nothing follows.
    const out = new Uint8Array(8);
    encodeVxlanGpe({ layer: 'vxlan-gpe', vni: 1 }, out, 0, { registry: r, layers: [{ layer: 'vxlan-gpe' }, { layer: 'ipv6' }], index: 0 });
    expect(toHex(out)).toBe('0c00000200000100');
    encodeVxlanGpe({ layer: 'vxlan-gpe', vni: 1 }, out, 0, { registry: r, layers: [{ layer: 'vxlan-gpe' }, { layer: 'raw' }], index: 0 });
    expect(toHex(out)).toBe('0c00000000000100');
  });
});
