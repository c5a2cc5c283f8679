/**
 * The field → bytes map the page highlights with (src/fieldspans.ts), checked against the header layouts
 * of the RFCs (offsets written out here from the RFC diagrams, not taken from our encoders).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCapture } from '@wirestack/pcap';
import { decodeStack, defaultRegistry, encodeStack } from '@wirestack/stack';
import { describe, expect, it } from 'vitest';
import { fieldBytes } from '../src/fieldspans.js';
import { REPO } from './browser.js';

const registry = defaultRegistry();
const span = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

function spansOf(layers: Parameters<typeof encodeStack>[0], first = layers[0]!.layer) {
  const pkt = decodeStack(encodeStack(layers, { registry }), { first, registry });
  return pkt.layers.map((l, i) => Object.fromEntries(fieldBytes(registry.get(l.layer)!, l, pkt.spans[i]!.length)));
}

describe('field byte spans', () => {
  it('Ethernet, 802.1Q, IPv4 (RFC 791), UDP (RFC 768), VXLAN (RFC 7348)', () => {
    const [eth, vlan, ip, udp, vx] = spansOf([
      { layer: 'ethernet', dst: '02:00:00:00:00:02' },
      { layer: 'vlan', vid: 100, pcp: 3 },
      { layer: 'ipv4', src: '198.18.0.1', dst: '198.18.0.2', ttl: 9, options: '01010100' },
      { layer: 'udp', srcPort: 1 },
      { layer: 'vxlan', vni: 42 },
      { layer: 'ethernet' },
    ]);
    expect(eth).toMatchObject({ dst: span(0, 5), src: span(6, 11), etherType: span(12, 13) });
    expect(vlan).toMatchObject({ pcp: [0], dei: [0], vid: span(0, 1), etherType: span(2, 3) });
    expect(ip).toMatchObject({
      version: [0],
      ihl: [0],
      dscp: [1],
      ecn: [1],
      totalLength: span(2, 3),
      identification: span(4, 5),
      dontFragment: [6],
      fragmentOffset: span(6, 7),
      ttl: [8],
      protocol: [9],
      checksum: span(10, 11),
      src: span(12, 15),
      dst: span(16, 19),
      options: span(20, 23),
    });
    expect(udp).toEqual({ srcPort: span(0, 1), dstPort: span(2, 3), length: span(4, 5), checksum: span(6, 7) });
    expect(vx).toMatchObject({ flags: [0], vni: span(4, 6) });
  });

  it('IPv6 (RFC 8200), GRE with key (RFC 2890), MPLS (RFC 3032), Geneve options (RFC 8926)', () => {
    const [, ip6, gre] = spansOf([
      { layer: 'ethernet' },
      { layer: 'ipv6', src: '2001:db8::1', dst: '2001:db8::2', flowLabel: 5 },
      { layer: 'gre', key: 7 },
      { layer: 'ipv4' },
    ]);
    expect(ip6).toMatchObject({
      version: [0],
      trafficClass: [0, 1],
      flowLabel: span(1, 3),
      payloadLength: span(4, 5),
      nextHeader: [6],
      hopLimit: [7],
      src: span(8, 23),
      dst: span(24, 39),
    });
    expect(gre).toMatchObject({ protocolType: span(2, 3), key: span(4, 7) });

    const [, mpls] = spansOf([{ layer: 'ethernet' }, { layer: 'mpls', label: 16 }, { layer: 'ipv4' }]);
    expect(mpls).toMatchObject({ label: span(0, 2), tc: [2], bottomOfStack: [2], ttl: [3] });

    const [, , , gen] = spansOf([
      { layer: 'ethernet' },
      { layer: 'ipv4' },
      { layer: 'udp' },
      { layer: 'geneve', vni: 7, options: [{ class: 1, type: 2, data: '00000001' }] },
      { layer: 'ethernet' },
    ]);
    expect(gen).toMatchObject({ vni: span(4, 6), protocolType: span(2, 3), options: span(8, 15) });
  });

  it('every field of every fixture packet maps inside its own header', () => {
    let fields = 0;
    for (const name of ['vxlan.pcap', 'tunnels.pcap']) {
      for (const r of readCapture(new Uint8Array(readFileSync(join(REPO, 'fixtures/captures', name))))) {
        const pkt = decodeStack(r.data, { registry });
        pkt.layers.forEach((l, i) => {
          const len = pkt.spans[i]!.length;
          for (const [f, bytes] of fieldBytes(registry.get(l.layer)!, l, len)) {
            fields++;
            expect(bytes.length, `${name} ${l.layer}.${f}`).toBeGreaterThan(0);
            expect(Math.max(...bytes), `${name} ${l.layer}.${f}`).toBeLessThan(len);
          }
        });
      }
    }
    expect(fields).toBeGreaterThan(500);
  });
});
