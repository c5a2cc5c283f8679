/**
 * ARP against Scapy (fixtures/scapy/arp_icmp.json, made by fixtures/scapy/generate_arp_icmp.py): every ARP header
 * decodes field by field to Scapy's values and encodes back byte for byte. The whole packets (padding, trailer,
 * tunnels) are checked by packages/stack/test/scapy.vectors.test.ts.
 */
import {
  ARP_ETHERNET_IPV4_LEN,
  ArpOpcode,
  ArpView,
  arp,
  arpEncodingLength,
  arpHeaderLength,
  arpOpcodeName,
  arpReply,
  arpRequest,
  decodeArp,
  encodeArp,
} from '@wirestack/arp';
import { createRegistry, DecodeError, EncodeError, type LayerObject, toHex } from '@wirestack/core';
import { hex, readFixtureJson } from '@wirestack/testkit';
import { describe, expect, it } from 'vitest';

interface Vector {
  name: string;
  hex: string;
  layers: LayerObject[];
  minimal: LayerObject[];
  offsets: Array<number | null>;
  trailer?: string;
}
const vectors = readFixtureJson<{ scapy: string; packets: Vector[] }>('scapy', 'arp_icmp.json');
const arpVectors = vectors.packets.filter((p) => p.layers.some((l) => l.layer === 'arp'));

describe(`arp against Scapy ${vectors.scapy}`, () => {
  it('has ARP vectors', () => {
    expect(arpVectors.length).toBeGreaterThanOrEqual(12);
  });
  for (const v of arpVectors)
    it(v.name, () => {
      const bytes = hex(v.hex);
      const i = v.layers.findIndex((l) => l.layer === 'arp');
      const off = v.offsets[i]!;
      const want = v.layers[i]!;
      // decode, field by field (toEqual also fails on any extra or missing field)
      const h = decodeArp(bytes, off);
      for (const [k, x] of Object.entries(want)) expect(h[k as keyof typeof h], k).toEqual(x);
      expect(h).toEqual(want);
      expect(arpHeaderLength(bytes, off)).toBe(arp.headerLength(h));
      // encode the full header and the minimal one (sizes derived) byte for byte
      const n = arpEncodingLength(want as never);
      const wantHex = v.hex.slice(off * 2, (off + n) * 2);
      for (const input of [want, v.minimal[i]!]) {
        const out = new Uint8Array(arpEncodingLength(input as never));
        expect(encodeArp(input as never, out)).toBe(n);
        expect(toHex(out)).toBe(wantHex);
      }
      // the view agrees
      const view = ArpView.from(bytes, off);
      expect([view.hwType, view.opcode, view.senderMac, view.senderIp, view.targetMac, view.targetIp]).toEqual([
        want.hwType,
        want.opcode,
        want.senderMac,
        want.senderIp,
        want.targetMac,
        want.targetIp,
      ]);
    });
});

describe('arp helpers', () => {
  const req = arpRequest({ senderMac: '02:00:00:00:00:01', senderIp: '198.18.0.1', targetIp: '198.18.0.2' });
  it('arpRequest builds a whole Ethernet/IPv4 request', () => {
    expect(req).toEqual({
      layer: 'arp',
      hwType: 1,
      protoType: 0x0800,
      hwSize: 6,
      protoSize: 4,
      opcode: 1,
      senderMac: '02:00:00:00:00:01',
      senderIp: '198.18.0.1',
      targetMac: '00:00:00:00:00:00',
      targetIp: '198.18.0.2',
    });
    const out = new Uint8Array(ARP_ETHERNET_IPV4_LEN);
    encodeArp(req, out);
    // bytes(ARP(op=1, hwsrc='02:00:00:00:00:01', psrc='198.18.0.1', hwdst='00:00:00:00:00:00', pdst='198.18.0.2'))
    expect(toHex(out)).toBe('0001080006040001020000000001c6120001000000000000c6120002');
  });
  it('arpReply answers with myMac for the requested address', () => {
    expect(arpReply(req, '02:00:00:00:00:AA')).toEqual({
      ...req,
      opcode: 2,
      senderMac: '02:00:00:00:00:aa',
      senderIp: '198.18.0.2',
      targetMac: '02:00:00:00:00:01',
      targetIp: '198.18.0.1',
    });
    // a decoded request works the same, with any canonical form of its addresses
    const decoded = decodeArp(hex('0001080006040001020000000001c6120001000000000000c6120002'));
    expect(arpReply(decoded, '02-00-00-00-00-aa')).toEqual(arpReply(req, '02:00:00:00:00:aa'));
  });
  it('helpers reject bad addresses with EncodeError', () => {
    expect(() => arpRequest({ senderMac: 'nope', senderIp: '198.18.0.1', targetIp: '198.18.0.2' })).toThrow(EncodeError);
    expect(() => arpRequest({ senderMac: '02:00:00:00:00:01', senderIp: '198.18.0.256', targetIp: '198.18.0.2' })).toThrow(EncodeError);
    expect(() => arpReply(req, '0200')).toThrow(EncodeError);
  });
  it('names opcodes', () => {
    expect([1, 2, 3, 4, 8, 9, 10, 77].map(arpOpcodeName)).toEqual([
      'request',
      'reply',
      'reverse-request',
      'reverse-reply',
      'inverse-request',
      'inverse-reply',
      'nak',
      '77',
    ]);
    expect(ArpOpcode.Reply).toBe(2);
  });
});

describe('arp encoding', () => {
  it('derives sizes from the addresses and fills defaults', () => {
    const out = new Uint8Array(arpEncodingLength({ layer: 'arp' }));
    expect(out.length).toBe(28);
    encodeArp({ layer: 'arp' }, out);
    expect(toHex(out)).toBe(`000108000604000100000000000000000000${'00'.repeat(10)}`);
    const h = { layer: 'arp' as const, senderMac: 'aabbccddeeff0011', targetIp: '2001' };
    expect(arpEncodingLength(h)).toBe(8 + 2 * (8 + 2));
    const b = new Uint8Array(28);
    encodeArp(h, b);
    expect(decodeArp(b)).toMatchObject({
      hwSize: 8,
      protoSize: 2,
      senderMac: 'aabbccddeeff0011',
      targetMac: '0000000000000000',
      targetIp: '2001',
      senderIp: '0000',
    });
  });
  const bad: Array<[string, Record<string, unknown>]> = [
    ['hwType', { hwType: 0x10000 }],
    ['opcode', { opcode: -1 }],
    ['hwSize', { hwSize: 256 }],
    ['senderMac', { senderMac: '02:00:00:00:00' }],
    ['senderIp', { senderIp: '1.2.3' }],
    ['targetMac', { hwSize: 6, targetMac: 'aabb' }],
    ['targetIp', { senderIp: '1.2.3.4', targetIp: '0a0b0c0d0e' }],
  ];
  for (const [field, h] of bad)
    it(`rejects ${JSON.stringify(h)} before writing`, () => {
      const buf = new Uint8Array(40).fill(0x5a);
      let err: unknown;
      try {
        encodeArp({ layer: 'arp', ...h } as never, buf, 2);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(EncodeError);
      expect((err as EncodeError).field).toBe(field);
      expect(buf.every((x) => x === 0x5a)).toBe(true);
    });
  it('truncation and views', () => {
    const b = hex('0001080006040001020000000001c6120001000000000000c6120002');
    for (let n = 0; n < 28; n++) {
      expect(() => decodeArp(b.subarray(0, n))).toThrow(DecodeError);
      expect(() => ArpView.from(b.subarray(0, n))).toThrow(DecodeError);
    }
    const v = ArpView.from(b);
    v.opcode = 2;
    expect(toHex(v.senderIpBytes)).toBe('c6120001');
    expect(decodeArp(b).opcode).toBe(2);
  });
});

describe('arp dispatch', () => {
  it('is reached by EtherTypes 0x0806 and 0x8035 (RARP); encoders announce 0x0806; it bounds its own length', () => {
    const r = createRegistry([arp]);
    expect(r.lookup('ethertype', 0x0806)?.id).toBe('arp');
    expect(r.lookup('ethertype', 0x8035)?.id).toBe('arp');
    expect(r.valueFor('ethertype', 'arp')).toBe(0x0806);
    const h = decodeArp(hex('0001080006040001020000000001c6120001000000000000c6120002'));
    expect(arp.datagramLength?.(h)).toBe(28);
    expect(arp.next(h, undefined as never)).toBeUndefined();
  });
});
