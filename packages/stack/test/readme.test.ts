/** The examples the README shows, run as tests so they keep working. */
import { defineLayer, toHex, writeU16BE } from '@wirestack/core';
import { decodeStack, defaultRegistry, encodeStack, Field, LayerKind, StackDecoder } from '@wirestack/stack';
import { Parser } from 'binary-parser';
import { describe, expect, it } from 'vitest';

describe('README examples', () => {
  it('reads every field from StackDecoder slots (option fields, README "Performance")', () => {
    const packet = encodeStack([
      { layer: 'ethernet', dst: '02:00:00:00:00:02', src: '02:00:00:00:00:01' },
      { layer: 'ipv4', src: '198.18.0.1', dst: '198.18.0.2', ttl: 9, dontFragment: true },
      { layer: 'udp' },
      { layer: 'vxlan', vni: 4242 },
      { layer: 'ethernet', dst: '02:00:00:00:01:02', src: '02:00:00:00:01:01' },
      { layer: 'ipv4', src: '10.0.0.1', dst: '10.0.0.2' },
      { layer: 'udp', srcPort: 1234, dstPort: 5678 },
    ]);
    const all = new StackDecoder({ fields: true });
    const seen: number[][] = [];
    all.decode(packet);
    for (let i = 0; i < all.count; i++)
      if (all.kind(i) === LayerKind.Ipv4) seen.push([all.field(i, Field.ipv4.ttl), all.field(i, Field.ipv4.dontFragment)]);
    expect(seen).toEqual([
      [9, 1],
      [64, 0],
    ]);
    expect(all.field(3, Field.vxlan.vni)).toBe(4242);
    expect(all.field(0, Field.ethernet.src)).toBe(0x020000000001);
  });

  it('builds and decodes VXLAN in IPv6', () => {
    const bytes = encodeStack([
      { layer: 'ethernet', dst: '02:00:00:00:00:02', src: '02:00:00:00:00:01' },
      { layer: 'ipv6', src: '2001:db8::1', dst: '2001:db8::2' },
      { layer: 'udp' },
      { layer: 'vxlan', vni: 4242 },
      { layer: 'ethernet', dst: '02:00:00:00:01:02', src: '02:00:00:00:01:01' },
      { layer: 'ipv4', src: '10.0.0.1', dst: '10.0.0.2' },
      { layer: 'udp', srcPort: 1234, dstPort: 5678 },
      { layer: 'raw', data: '68656c6c6f' },
    ]);
    const pkt = decodeStack(bytes);
    expect(pkt.issues).toEqual([]);
    expect(pkt.path).toBe('ethernet/ipv6/udp/vxlan/ethernet/ipv4/udp/raw');
    expect(pkt.layers[1]).toMatchObject({ nextHeader: 17, payloadLength: bytes.length - 54 });
    expect(pkt.layers[2]).toMatchObject({ dstPort: 4789 });
    expect(pkt.layers[2]!.srcPort as number).toBeGreaterThanOrEqual(49152);
    expect(pkt.tunnels()[0]).toMatchObject({ kind: 'vxlan', id: 4242 });
  });

  it('builds and decodes a 3-label MPLS-over-GRE packet', () => {
    const bytes = encodeStack([
      { layer: 'ethernet' },
      { layer: 'ipv4', src: '198.18.0.1', dst: '198.18.0.2' },
      { layer: 'gre', key: 7 },
      { layer: 'mpls', label: 16 },
      { layer: 'mpls', label: 17 },
      { layer: 'mpls', label: 18, ttl: 5 },
      { layer: 'ipv4', src: '10.0.0.1', dst: '10.0.0.2' },
      { layer: 'icmp', type: 8, identifier: 1, sequence: 1 },
    ]);
    const pkt = decodeStack(bytes);
    expect(pkt.issues).toEqual([]);
    expect(pkt.path).toBe('ethernet/ipv4/gre/mpls/mpls/mpls/ipv4/icmp');
    expect(pkt.layers[6]).toMatchObject({ protocol: 1 });
    expect(pkt.layers[7]).toMatchObject({ type: 8, code: 0, identifier: 1, sequence: 1, checksum: 0xf7fd });
    expect(pkt.layers[2]).toMatchObject({ keyPresent: true, key: 7, protocolType: 0x8847 });
    expect(pkt.layers.filter((l) => l.layer === 'mpls').map((l) => l.bottomOfStack)).toEqual([false, false, true]);
    expect(pkt.tunnels().map((t) => t.kind)).toEqual(['gre', 'mpls']);
  });

  it('adds a custom binding (Linux VXLAN port 8472) to one registry', () => {
    const registry = defaultRegistry();
    registry.bind('udp.port', 8472, 'vxlan');
    const bytes = encodeStack(
      [
        { layer: 'ethernet' },
        { layer: 'ipv4' },
        { layer: 'udp', srcPort: 40000, dstPort: 8472 },
        { layer: 'vxlan', vni: 1 },
        { layer: 'ethernet' },
      ],
      { registry },
    );
    expect(decodeStack(bytes, { registry }).path).toBe('ethernet/ipv4/udp/vxlan/ethernet');
    expect(decodeStack(bytes).path).toBe('ethernet/ipv4/udp/raw');
  });

  it('adds a whole new layer described with a binary-parser Parser', () => {
    // A made-up 4-byte shim on UDP port 9999: a 16-bit tag and the EtherType of what follows.
    interface ShimHeader {
      layer: 'shim';
      tag: number;
      etherType: number;
    }
    const parser = new Parser().uint16be('tag').uint16be('etherType');
    const shim = defineLayer<ShimHeader>({
      id: 'shim',
      headerLength: 4,
      binds: [{ table: 'udp.port', value: 9999 }],
      parse: (bytes) => parser.parse(bytes) as { tag: number; etherType: number },
      write: (h, buf, offset) => {
        writeU16BE(buf, offset, h.tag ?? 0);
        writeU16BE(buf, offset + 2, h.etherType ?? 0x0800);
        return 4;
      },
      next: (h) => ({ table: 'ethertype', value: h.etherType }),
    });
    const registry = defaultRegistry();
    registry.add(shim);
    const bytes = encodeStack(
      [
        { layer: 'ethernet' },
        { layer: 'ipv4' },
        { layer: 'udp', srcPort: 1 },
        { layer: 'shim', tag: 7 },
        { layer: 'ipv4', dst: '10.9.9.9' },
        { layer: 'raw', data: 'ff' },
      ],
      { registry },
    );
    const pkt = decodeStack(bytes, { registry });
    expect(pkt.path).toBe('ethernet/ipv4/udp/shim/ipv4/raw');
    expect(pkt.layers[2]).toMatchObject({ dstPort: 9999 });
    expect(pkt.layers[3]).toEqual({ layer: 'shim', tag: 7, etherType: 0x0800 });
    expect(toHex(encodeStack(pkt.layers, { registry }))).toBe(toHex(bytes));
  });
});
