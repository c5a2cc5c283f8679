import { test } from '@fast-check/vitest';
import { EncodeError, type LayerObject, toHex } from '@wirestack/core';
import { decodeStack, defaultRegistry, encodeStack, stackEncodingLength } from '@wirestack/stack';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { vxlanLayers } from './helpers.js';

const VXLAN: LayerObject[] = vxlanLayers();

describe('encodeStack / decodeStack', () => {
  it('derives every length, checksum and next-protocol field, and decodes back', () => {
    const bytes = encodeStack(VXLAN);
    expect(bytes.length).toBe(14 + 20 + 8 + 8 + 14 + 20 + 8 + 5);
    expect(stackEncodingLength(VXLAN)).toBe(bytes.length);
    const pkt = decodeStack(bytes);
    expect(pkt.issues).toEqual([]);
    expect(pkt.path).toBe('ethernet/ipv4/udp/vxlan/ethernet/ipv4/udp/raw');
    const [eth, ip, udp, vx] = pkt.layers;
    expect(eth).toMatchObject({ etherType: 0x0800 });
    expect(ip).toMatchObject({ ihl: 5, totalLength: bytes.length - 14, protocol: 17, ttl: 64 });
    expect(udp).toMatchObject({ srcPort: 49152, dstPort: 4789, length: bytes.length - 34 });
    expect(vx).toEqual({ layer: 'vxlan', flags: 0x08, vni: 42 });
    // Re-encoding the decoded layers gives the same bytes.
    expect(toHex(encodeStack(pkt.layers))).toBe(toHex(bytes));
  });

  it('writes given values as given (broken on purpose) and reports them when decoding', () => {
    const bytes = encodeStack([
      { layer: 'ethernet' },
      { layer: 'ipv4', checksum: 0x1234, dst: '10.0.0.1' },
      { layer: 'udp', checksum: 0xbeef },
      { layer: 'raw', data: '00' },
    ]);
    const pkt = decodeStack(bytes);
    expect(pkt.layers[1]).toMatchObject({ checksum: 0x1234 });
    expect(pkt.issues.map((i) => [i.layerIndex, i.code])).toEqual([
      [1, 'bad-checksum'],
      [2, 'bad-checksum'],
    ]);
    expect(decodeStack(bytes, { verifyChecksums: false }).issues).toEqual([]);
  });

  it('keeps Ethernet padding as the trailer and inner padding as padding layers', () => {
    const inner: LayerObject[] = [
      { layer: 'ethernet' },
      { layer: 'ipv4', dst: '198.18.0.2' },
      { layer: 'udp', srcPort: 50000 },
      { layer: 'vxlan', vni: 7 },
      { layer: 'ethernet' },
      { layer: 'ipv4', protocol: 1, dst: '10.0.0.2' },
      { layer: 'raw', data: '0800f7ff00000000' },
      { layer: 'padding', data: '00'.repeat(18) },
    ];
    const bytes = encodeStack(inner, { trailer: 'aabbccdd' });
    const pkt = decodeStack(bytes);
    expect(pkt.issues).toEqual([]);
    expect(pkt.trailer).toBe('aabbccdd');
    expect(pkt.layers.at(-1)).toEqual({ layer: 'padding', data: '00'.repeat(18) });
    expect(pkt.layers[5]).toMatchObject({ totalLength: 28 });
    expect(toHex(encodeStack(pkt.layers, { trailer: pkt.trailer }))).toBe(toHex(bytes));
  });

  it('never throws on bad bytes: it stops, records the issue and keeps the rest as raw', () => {
    const bytes = encodeStack(VXLAN).slice(0, 14 + 20 + 8 + 3);
    const pkt = decodeStack(bytes);
    expect(pkt.path).toBe('ethernet/ipv4/udp/raw');
    expect(pkt.issues.map((i) => i.code)).toContain('truncated');
    const vx = pkt.issues.find((i) => i.layerIndex === 3);
    expect(vx?.offset).toBe(42);
  });

  it('stops non-first fragments at the IP layer', () => {
    const bytes = encodeStack([
      { layer: 'ethernet' },
      { layer: 'ipv4', fragmentOffset: 100, protocol: 17 },
      { layer: 'raw', data: '12345678aabbccdd' },
    ]);
    expect(decodeStack(bytes).path).toBe('ethernet/ipv4/raw');
  });

  it('records too-deep beyond maxDepth and the per-header limits', () => {
    const layers: LayerObject[] = [
      { layer: 'ethernet' },
      ...Array.from({ length: 40 }, () => ({ layer: 'vlan' })),
      { layer: 'raw', data: 'ff' },
    ];
    const pkt = decodeStack(encodeStack(layers));
    expect(pkt.layers.length).toBe(33);
    expect(pkt.issues.map((i) => i.code)).toEqual(['too-deep']);
    const mpls: LayerObject[] = [
      { layer: 'ethernet' },
      ...Array.from({ length: 20 }, (_, i) => ({ layer: 'mpls', label: 100 + i })),
      { layer: 'raw', data: '00' },
    ];
    const m = decodeStack(encodeStack(mpls));
    expect(m.issues.map((i) => i.code)).toEqual(['too-deep']);
    expect(m.layers.filter((l) => l.layer === 'mpls').length).toBe(16);
    expect(decodeStack(encodeStack(mpls), { limits: { mplsLabels: 32 } }).issues).toEqual([]);
  });

  it('registries are values: a custom binding changes one decoder only', () => {
    const bytes = encodeStack([
      { layer: 'ethernet' },
      { layer: 'ipv4' },
      { layer: 'udp', srcPort: 1, dstPort: 8472 },
      { layer: 'raw', data: '0800000000002a00' + '00'.repeat(14) },
    ]);
    expect(decodeStack(bytes).path).toBe('ethernet/ipv4/udp/raw');
    const r = defaultRegistry();
    r.bind('udp.port', 8472, 'vxlan');
    expect(decodeStack(bytes, { registry: r }).path).toBe('ethernet/ipv4/udp/vxlan/ethernet');
    expect(decodeStack(bytes).path).toBe('ethernet/ipv4/udp/raw');
  });

  it('throws EncodeError on unknown layers and bad values', () => {
    expect(() => encodeStack([{ layer: 'nope' }])).toThrow(EncodeError);
    expect(() => encodeStack([{ layer: 'ipv4', dst: '300.1.1.1' }])).toThrow(EncodeError);
    expect(() => encodeStack([{ layer: 'raw', data: 'abc' }])).toThrow(EncodeError);
  });

  it('encodes into a given buffer at an offset', () => {
    const out = new Uint8Array(300).fill(0xee);
    const view = encodeStack(VXLAN, { into: out, offset: 10 });
    expect(toHex(view)).toBe(toHex(encodeStack(VXLAN)));
    expect(out[9]).toBe(0xee);
    expect(out[10 + view.length]).toBe(0xee);
  });
});

describe('tunnel-aware results', () => {
  it('tunnels(), innermost, nth and flowKey', () => {
    const pkt = decodeStack(encodeStack(VXLAN));
    const t = pkt.tunnels();
    expect(t.map((x) => [x.kind, x.id, x.innerIndex])).toEqual([['vxlan', 42, 4]]);
    expect(t[0]!.inner[0]).toMatchObject({ layer: 'ethernet', dst: '02:00:00:00:01:02' });
    expect(pkt.innermost('ipv4')).toMatchObject({ src: '10.0.0.1' });
    expect(pkt.nth('ipv4', 0)).toMatchObject({ src: '198.18.0.1' });
    expect(pkt.nth('ipv4', -1)).toBe(pkt.innermost('ipv4'));
    expect(pkt.flowKey()).toEqual({ ipVersion: 4, src: '10.0.0.1', dst: '10.0.0.2', protocol: 17, srcPort: 1234, dstPort: 5678 });
    expect(pkt.flowKey({ depth: 'outer' })).toEqual({
      ipVersion: 4,
      src: '198.18.0.1',
      dst: '198.18.0.2',
      protocol: 17,
      srcPort: 49152,
      dstPort: 4789,
    });
  });

  it('names IP-in-IP, 6in4, GRE and MPLS levels', () => {
    const stack: LayerObject[] = [
      { layer: 'ethernet' },
      { layer: 'ipv4', dst: '198.18.0.1' },
      { layer: 'ipv6', dst: '2001:db8::1' },
      { layer: 'gre', key: 9 },
      { layer: 'mpls', label: 100 },
      { layer: 'mpls', label: 200 },
      { layer: 'ipv4', dst: '10.1.1.1' },
      { layer: 'ipv4', dst: '10.2.2.2', protocol: 6 },
      { layer: 'raw', data: '0050c0010000000000000000' },
    ];
    const pkt = decodeStack(encodeStack(stack));
    expect(pkt.issues).toEqual([]);
    expect(pkt.tunnels().map((t) => [t.kind, t.id ?? null])).toEqual([
      ['6in4', null],
      ['gre', 9],
      ['mpls', 200],
      ['ip-in-ip', null],
    ]);
    expect(pkt.flowKey()).toEqual({ ipVersion: 4, src: '0.0.0.0', dst: '10.2.2.2', protocol: 6, srcPort: 80, dstPort: 0xc001 });
  });
});

describe('robustness', () => {
  const firsts = ['ethernet', 'ipv4', 'ipv6', 'linux-sll', 'linux-sll2', 'null', 'mpls', 'vxlan', 'geneve', 'gre', 'udp'];
  test.prop([fc.uint8Array({ maxLength: 200 }), fc.constantFrom(...firsts)], { numRuns: 5000 })(
    'decodeStack never throws on arbitrary bytes, and its layers re-encode to the same bytes',
    (bytes, first) => {
      const pkt = decodeStack(bytes, { first });
      for (const i of pkt.issues)
        expect(['truncated', 'bad-length', 'bad-version', 'bad-checksum', 'unsupported', 'too-deep', 'malformed']).toContain(i.code);
      expect(toHex(encodeStack(pkt.layers, { trailer: pkt.trailer }))).toBe(toHex(bytes));
    },
  );
});

describe('encodeStack results own their buffers', () => {
  it('transferring one result detaches nothing else, and encoding goes on', () => {
    const stack = [{ layer: 'ethernet' }, { layer: 'ipv4', src: '10.0.0.1', dst: '10.0.0.2' }, { layer: 'udp' }];
    const a = encodeStack(stack);
    const b = encodeStack(stack);
    expect(a.byteOffset).toBe(0);
    expect(a.buffer.byteLength).toBe(a.length);
    const moved = structuredClone(a.buffer, { transfer: [a.buffer] });
    expect(new Uint8Array(moved)).toEqual(b);
    expect(b.length).toBe(42);
    expect(encodeStack(stack)).toEqual(b);
  });
});

describe('ICMP error quotes', () => {
  it('a quote cut short as RFC 792 allows records no issue; the same datagram cut short outside a quote does', () => {
    const inner = encodeStack([
      { layer: 'ipv4', src: '10.0.0.1', dst: '10.0.0.2' },
      { layer: 'udp', srcPort: 1, dstPort: 2 },
      { layer: 'raw', data: '00'.repeat(100) },
    ]);
    const quote = toHex(inner.subarray(0, 28));
    const err = decodeStack(
      encodeStack([
        { layer: 'ethernet' },
        { layer: 'ipv4', src: '10.0.0.9', dst: '10.0.0.1' },
        { layer: 'icmp', type: 3, code: 4, rest: '00000578' },
        { layer: 'raw', data: quote },
      ]),
    );
    expect(err.path).toBe('ethernet/ipv4/icmp/ipv4/udp');
    expect(err.issues).toEqual([]);
    const cutOutside = decodeStack(inner.subarray(0, 28), { first: 'ipv4' });
    expect(cutOutside.issues.map((i) => i.code)).toContain('truncated');
  });
});
