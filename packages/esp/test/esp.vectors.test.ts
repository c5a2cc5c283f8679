/**
 * The `esp` layer against Scapy 2.5's ESP packets (fixtures/esp/esp.json, made by fixtures/esp/generate.py),
 * dispatch, views and encode errors.
 */
import { createRegistry, DecodeError, EncodeError, toHex } from '@wirestack/core';
import {
  classifyNatTPayload,
  decodeEsp,
  ESP_IP_PROTOCOL,
  EspView,
  encodeEsp,
  esp,
  espEncodingLength,
  espLayers,
  NAT_T_PORT,
} from '@wirestack/esp';
import { decodeStack, defaultRegistry, encodeStack } from '@wirestack/stack';
import { hex } from '@wirestack/testkit';
import { describe, expect, it } from 'vitest';
import { SCAPY } from './scapy-fixture.js';

/** The default registry with `esp` (added here while packages/stack does not list it yet). */
const registry = () => {
  const r = defaultRegistry();
  return r.has('esp') ? r : r.add(esp);
};

describe('esp header (Scapy 2.5 vectors)', () => {
  it('has vectors', () => expect(SCAPY.packets.length).toBeGreaterThanOrEqual(18));
  for (const v of SCAPY.packets)
    it(`${v.name}: decodeStack stops at spi/sequence, the rest is raw`, () => {
      const p = decodeStack(hex(v.packet), { first: 'ipv4', registry: registry() });
      expect(p.issues).toEqual([]);
      expect(p.layers.map((l) => l.layer)).toEqual(['ipv4', 'esp', 'raw']);
      expect(p.layers[0]!.protocol).toBe(50);
      expect(p.layers[1]).toEqual({ layer: 'esp', spi: v.spi, sequence: v.sequence });
      expect(p.layers[2]).toEqual({ layer: 'raw', data: v.esp.slice(16) });
      // and back, bit for bit, with ipv4.protocol derived from the esp layer
      const { protocol: _p, ...outer } = p.layers[0]!;
      expect(toHex(encodeStack([outer, ...p.layers.slice(1)], { registry: registry() }))).toBe(v.packet);
    });

  it('encodes and views', () => {
    const out = new Uint8Array(10).fill(0xaa);
    expect(encodeEsp({ layer: 'esp', spi: 0x01020304, sequence: 0xfffffffe }, out, 1)).toBe(8);
    expect(toHex(out)).toBe('aa01020304fffffffeaa');
    expect(espEncodingLength()).toBe(8);
    encodeEsp({ layer: 'esp' }, out, 0);
    expect(toHex(out, 0, 8)).toBe('0000000000000001');
    const v = EspView.from(hex('c37f86f6c465f804635c'));
    expect([v.spi, v.sequence, toHex(v.payload)]).toEqual([0xc37f86f6, 0xc465f804, '635c']);
    v.sequence = 7;
    expect(decodeEsp(v.buf)).toEqual({ layer: 'esp', spi: 0xc37f86f6, sequence: 7 });
  });

  it('truncated', () => {
    for (const f of [() => decodeEsp(new Uint8Array(7)), () => decodeEsp(new Uint8Array(12), 5), () => EspView.from(new Uint8Array(3))]) {
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

  it('encode errors leave the buffer untouched', () => {
    for (const [field, h] of [
      ['spi', { layer: 'esp', spi: 2 ** 32 }],
      ['spi', { layer: 'esp', spi: -1 }],
      ['sequence', { layer: 'esp', sequence: 1.5 }],
      ['sequence', { layer: 'esp', spi: 1, sequence: 2 ** 32 }],
    ] as const) {
      const buf = new Uint8Array(12).fill(0x5a);
      let err: unknown;
      try {
        encodeEsp(h as never, buf, 2);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(EncodeError);
      expect((err as EncodeError).field).toBe(field);
      expect(buf.every((x) => x === 0x5a)).toBe(true);
    }
  });
});

describe('esp dispatch', () => {
  it('is reached by IP protocol 50 only; UDP 4500 stays unbound', () => {
    const r = createRegistry([esp]);
    expect(r.lookup('ip.proto', ESP_IP_PROTOCOL)?.id).toBe('esp');
    expect(r.valueFor('ip.proto', 'esp')).toBe(50);
    expect(r.lookup('udp.port', NAT_T_PORT)).toBeUndefined();
    expect(esp.binds).toEqual([{ table: 'ip.proto', value: 50 }]);
  });

  it('over IPv6 too, and espLayers builds a stack', () => {
    const sealed = hex('0000abcd0000002a0102030405060708aabbccdd');
    const bytes = encodeStack([{ layer: 'ipv6', src: '2001:db8::1', dst: '2001:db8::2', hopLimit: 64 }, ...espLayers(sealed)], {
      registry: registry(),
    });
    expect(bytes[6]).toBe(50);
    const p = decodeStack(bytes, { first: 'ipv6', registry: registry() });
    expect(p.layers.slice(1)).toEqual([
      { layer: 'esp', spi: 0xabcd, sequence: 42 },
      { layer: 'raw', data: '0102030405060708aabbccdd' },
    ]);
  });

  it('classifies NAT-T payloads (RFC 3948 §2.2, §2.3)', () => {
    expect(classifyNatTPayload(hex('ff'))).toBe('keepalive');
    expect(classifyNatTPayload(hex('00000000aabbccdd'))).toBe('ike');
    expect(classifyNatTPayload(hex('0000'))).toBe('invalid');
    expect(classifyNatTPayload(hex('ffff'))).toBe('invalid');
    expect(classifyNatTPayload(hex('0000123400000001'))).toBe('esp');
    expect(classifyNatTPayload(hex('0000123400000001'), 1)).toBe('invalid');
    expect(classifyNatTPayload(hex('99ff'), 1)).toBe('keepalive');
  });
});
