/**
 * decide() follows the model's steps for every node kind and every encapsulation: underlay routers
 * forward and deliver, tunnel endpoints terminate what they terminate and route the rest, virtual hosts
 * deliver what is theirs; malformed input, missing routes, failed decryption and replays are drops.
 */
import { type LayerObject, toHex } from '@wirestack/core';
import { EspSa } from '@wirestack/esp';
import { decodeStack, encodeStack } from '@wirestack/stack';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Decision, decide, decrementTtl, type Encapsulation, Network, OverlayNode } from '../src/index.js';

const hex = (s: string): string => Array.from(new TextEncoder().encode(s), (b) => b.toString(16).padStart(2, '0')).join('');
const udp = (src: string, dst: string, extra: Record<string, unknown> = {}): LayerObject[] => [
  { layer: src.includes(':') ? 'ipv6' : 'ipv4', src, dst, ...extra },
  { layer: 'udp', srcPort: 1000, dstPort: 2000 },
  { layer: 'raw', data: hex('payload') },
];
const frame = (layers: LayerObject[], dst = '02:00:00:00:00:01', src = '02:00:00:00:00:02'): Uint8Array =>
  encodeStack([{ layer: 'ethernet', dst, src }, ...layers]);

function router(): OverlayNode {
  return new OverlayNode({ name: 'R', kind: 'underlay', addresses: ['198.18.0.1'] })
    .addPort({ name: 'in', mac: '02:00:00:00:00:01', peerMac: '02:00:00:00:00:02', role: 'underlay' })
    .addPort({ name: 'out', mac: '02:00:00:00:01:01', peerMac: '02:00:00:00:01:02', role: 'underlay' })
    .addRoute({ prefix: '198.18.9.0/24', port: 'out' })
    .addRoute({ prefix: '2001:db8:9::/48', port: 'out' });
}

const outFrame = (d: Decision): Uint8Array => {
  if (d.action !== 'forward-underlay' && d.action !== 'forward-overlay') throw new Error(`expected a forward, got ${JSON.stringify(d)}`);
  expect(d.out.length).toBe(1);
  return d.out[0]!.bytes;
};

describe('underlay-only node', () => {
  it('forwards a packet for another address: TTL − 1, checksum still valid, new MACs', async () => {
    const d = await decide(router(), frame(udp('198.18.0.9', '198.18.9.9', { ttl: 10 })), 'in');
    expect(d.action).toBe('forward-underlay');
    const p = decodeStack(outFrame(d));
    expect(p.issues).toEqual([]);
    expect(p.layers[0]).toMatchObject({ src: '02:00:00:00:01:01', dst: '02:00:00:00:01:02' });
    expect(p.layers[1]).toMatchObject({ ttl: 9, src: '198.18.0.9', dst: '198.18.9.9' });
    expect(p.path).toBe('ethernet/ipv4/udp/raw');
  });

  it('forwards IPv6 with hop limit − 1', async () => {
    const d = await decide(router(), frame(udp('2001:db8:1::1', '2001:db8:9::9', { hopLimit: 3 })), 'in');
    expect(decodeStack(outFrame(d)).layers[1]).toMatchObject({ hopLimit: 2 });
  });

  it('delivers what is addressed to it, even a tunnel packet (it terminates none)', async () => {
    const vx = frame([
      { layer: 'ipv4', src: '198.18.0.9', dst: '198.18.0.1' },
      { layer: 'udp', srcPort: 5000 },
      { layer: 'vxlan', vni: 1 },
      { layer: 'ethernet' },
      ...udp('10.0.0.1', '10.0.0.2'),
    ]);
    const d = await decide(router(), vx, 'in');
    expect(d.action).toBe('deliver-underlay');
  });

  it('drops at TTL 1, without a route, and on a bad header checksum', async () => {
    expect(await decide(router(), frame(udp('198.18.0.9', '198.18.9.9', { ttl: 1 })), 'in')).toMatchObject({
      action: 'drop',
      reason: 'ttl-exceeded',
    });
    expect(await decide(router(), frame(udp('198.18.0.9', '203.0.113.1')), 'in')).toMatchObject({
      action: 'drop',
      reason: 'no-underlay-route',
    });
    const bad = frame(udp('198.18.0.9', '198.18.9.9', { checksum: 0x1234 }));
    expect(await decide(router(), bad, 'in')).toMatchObject({ action: 'drop', reason: 'malformed' });
  });

  it('never throws on arbitrary bytes: every frame gets a decision', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 200 }), async (b) => {
        const d = await decide(router(), b, 'in');
        expect(['drop', 'forward-underlay', 'deliver-underlay']).toContain(d.action);
      }),
      { numRuns: 300 },
    );
  });
});

describe('overlay-only node', () => {
  const pod = () =>
    new OverlayNode({ name: 'pod', kind: 'overlay', virtualAddresses: ['10.0.0.2'] }).addPort({
      name: 'eth0',
      mac: '02:00:00:00:00:01',
      peerMac: '02:00:00:00:00:02',
      role: 'underlay',
    });
  it('delivers its own virtual address and drops the rest', async () => {
    expect(await decide(pod(), frame(udp('10.0.0.1', '10.0.0.2')), 'eth0')).toMatchObject({ action: 'deliver-overlay' });
    expect(await decide(pod(), frame(udp('10.0.0.1', '10.0.0.3')), 'eth0')).toMatchObject({ action: 'drop', reason: 'not-for-me' });
  });
});

/** Two endpoints A and B joined by one tunnel of each kind; A has a pod, B owns 10.2.0.1 and routes 10.3/16 on to C. */
async function pair(encapsulation: Encapsulation, esp: boolean, v6Underlay = false) {
  const a = v6Underlay ? '2001:db8:ff::a' : '198.18.1.1';
  const b = v6Underlay ? '2001:db8:ff::b' : '198.18.2.1';
  const c = v6Underlay ? '2001:db8:ff::c' : '198.18.3.1';
  const mk = (name: string, addr: string, virt: string, mac: string) =>
    new OverlayNode({ name, kind: 'both', addresses: [addr], virtualAddresses: [virt], overlayMac: mac })
      .addPort({ name: 'up', mac: `${mac.slice(0, -2)}f1`, peerMac: `${mac.slice(0, -2)}f2`, role: 'underlay' })
      .addPort({ name: 'pod', mac: `${mac.slice(0, -2)}e1`, peerMac: `${mac.slice(0, -2)}e2`, role: 'overlay' })
      .addRoute({ prefix: v6Underlay ? '::/0' : '0.0.0.0/0', port: 'up' });
  const A = mk('A', a, '10.1.0.1', '02:00:00:00:0a:01');
  const B = mk('B', b, '10.2.0.1', '02:00:00:00:0b:01');
  const key = (n: number) => Uint8Array.from({ length: 20 }, (_, i) => n + i);
  const sa = async (spi: number, n: number) => EspSa.create({ spi, key: key(n) });
  const base = { encapsulation, vni: 42, key: 7 };
  const espAB = esp ? { esp: { outbound: await sa(0x100, 1), inbound: await sa(0x200, 2) } } : {};
  const espBA = esp ? { esp: { outbound: await sa(0x200, 2), inbound: await sa(0x100, 1) } } : {};
  A.addTunnel({ name: 't', local: a, remote: b, ...base, ...espAB });
  B.addTunnel({ name: 't', local: b, remote: a, ...base, ...espBA });
  B.addTunnel({ name: 'tc', local: b, remote: c, ...base, encapsulation: 'gre' });
  A.addOverlayRoute({ prefix: '10.0.0.0/8', tunnel: 't', nextHopMac: '02:00:00:00:0b:01' });
  B.addOverlayRoute({ prefix: '10.3.0.0/16', tunnel: 'tc' });
  B.addOverlayRoute({ prefix: '10.1.0.0/16', tunnel: 't', nextHopMac: '02:00:00:00:0a:01' });
  return { A, B };
}

const PATHS: Record<Encapsulation, string> = {
  ip: 'ethernet/ipv4/ipv4/udp/raw',
  gre: 'ethernet/ipv4/gre/ipv4/udp/raw',
  'gre-eth': 'ethernet/ipv4/gre/ethernet/ipv4/udp/raw',
  vxlan: 'ethernet/ipv4/udp/vxlan/ethernet/ipv4/udp/raw',
  geneve: 'ethernet/ipv4/udp/geneve/ethernet/ipv4/udp/raw',
};

describe('tunnel endpoints (both), every encapsulation', () => {
  for (const enc of Object.keys(PATHS) as Encapsulation[]) {
    for (const esp of [false, true]) {
      it(`${enc}${esp ? ' + ESP' : ''}: A encapsulates a pod's packet; B decapsulates and delivers, or re-encapsulates toward C`, async () => {
        const { A, B } = await pair(enc, esp);
        const fromPod = frame(udp('10.1.0.10', '10.2.0.1', { ttl: 9 }), '02:00:00:00:0a:e1', '02:00:00:00:0a:e2');
        const d1 = await decide(A, fromPod, 'pod');
        expect(d1.action, JSON.stringify(d1)).toBe('forward-overlay');
        const wire = outFrame(d1);
        const p = decodeStack(wire);
        expect(p.issues).toEqual([]);
        expect(p.path).toBe(esp ? 'ethernet/ipv4/esp/raw' : PATHS[enc]);
        expect(p.layers[1]).toMatchObject({ src: '198.18.1.1', dst: '198.18.2.1' });
        if (!esp) expect(p.nth('ipv4', -1)).toMatchObject({ src: '10.1.0.10', dst: '10.2.0.1', ttl: 8 });
        // B is the underlay destination and the overlay destination: deliver
        const d2 = await decide(B, wire, 'up');
        expect(d2).toMatchObject({ action: 'deliver-overlay', decrypted: esp });
        if (d2.action === 'deliver-overlay')
          expect(decodeStack(d2.inner, { first: 'ipv4' }).layers[0]).toMatchObject({ dst: '10.2.0.1', ttl: 8 });
        // a packet for 10.3.x: B is the underlay destination only → re-encapsulate toward C, inner TTL − 1
        const d3 = await decide(A, frame(udp('10.1.0.10', '10.3.0.5', { ttl: 9 }), '02:00:00:00:0a:e1'), 'pod');
        const d4 = await decide(B, outFrame(d3), 'up');
        expect(d4).toMatchObject({ action: 'forward-overlay', tunnel: 'tc' });
        const q = decodeStack(outFrame(d4));
        expect(q.path).toBe('ethernet/ipv4/gre/ipv4/udp/raw');
        expect(q.layers[1]).toMatchObject({ src: '198.18.2.1', dst: '198.18.3.1' });
        expect(q.nth('ipv4', -1)).toMatchObject({ dst: '10.3.0.5', ttl: 7 });
        // and no route: drop
        const d5 = await decide(A, frame(udp('10.1.0.10', '10.9.0.5'), '02:00:00:00:0a:e1'), 'pod');
        expect(await decide(B, outFrame(d5), 'up')).toMatchObject({ action: 'drop', reason: 'no-overlay-route' });
      });
    }
  }

  it('6in4: IPv6 inside IPv4 is protocol 41; IPv4 over an IPv6 underlay too', async () => {
    const { A } = await pair('ip', false);
    A.addOverlayRoute({ prefix: '2001:db8:2::/48', tunnel: 't' });
    const B2 = new OverlayNode({ name: 'B', kind: 'both', addresses: ['198.18.2.1'], virtualAddresses: ['2001:db8:2::1'] }).addPort({
      name: 'up',
      mac: '02:00:00:00:0b:f1',
      peerMac: '02:00:00:00:0b:f2',
      role: 'underlay',
    });
    B2.addTunnel({ name: 't', encapsulation: 'ip', local: '198.18.2.1', remote: '198.18.1.1' });
    const d = await decide(A, frame(udp('2001:db8:1::1', '2001:db8:2::1'), '02:00:00:00:0a:e1'), 'pod');
    const p = decodeStack(outFrame(d));
    expect(p.path).toBe('ethernet/ipv4/ipv6/udp/raw');
    expect(p.layers[1]).toMatchObject({ protocol: 41 });
    expect(p.tunnels()[0]?.kind).toBe('6in4');
    expect(await decide(B2, outFrame(d), 'up')).toMatchObject({ action: 'deliver-overlay' });
    const v6 = await pair('vxlan', false, true);
    const d6 = await decide(v6.A, frame(udp('10.1.0.10', '10.2.0.1'), '02:00:00:00:0a:e1'), 'pod');
    expect(decodeStack(outFrame(d6)).path).toBe('ethernet/ipv6/udp/vxlan/ethernet/ipv4/udp/raw');
    expect(await decide(v6.B, outFrame(d6), 'up')).toMatchObject({ action: 'deliver-overlay' });
  });

  it('step 2: a packet for the endpoint that is not a tunnel it terminates is delivered as underlay traffic', async () => {
    const { B } = await pair('vxlan', false);
    expect(await decide(B, frame(udp('198.18.7.7', '198.18.2.1')), 'up')).toMatchObject({ action: 'deliver-underlay' });
    // GRE from an address that is not a configured remote is not a tunnel B terminates either
    const gre = frame([{ layer: 'ipv4', src: '198.18.7.7', dst: '198.18.2.1' }, { layer: 'gre' }, ...udp('10.1.0.1', '10.2.0.1')]);
    expect(await decide(B, gre, 'up')).toMatchObject({ action: 'deliver-underlay' });
  });

  it('step 1: an endpoint forwards underlay traffic for others, as any router', async () => {
    const { B } = await pair('vxlan', false);
    expect(await decide(B, frame(udp('198.18.7.7', '198.18.5.5', { ttl: 5 })), 'up')).toMatchObject({ action: 'forward-underlay' });
  });

  it('a packet that cannot be encapsulated (IPv4 total length past 65535) is dropped, not thrown', async () => {
    const { A } = await pair('vxlan', false);
    const big = frame(
      [
        { layer: 'ipv4', src: '10.1.0.10', dst: '10.2.0.1' },
        { layer: 'udp', srcPort: 1, dstPort: 2 },
        { layer: 'raw', data: '00'.repeat(65500) },
      ],
      '02:00:00:00:0a:e1',
    );
    expect(await decide(A, big, 'pod')).toMatchObject({ action: 'drop', reason: 'encode-failed' });
  });

  it('a loop between two overlay hops dies by the inner TTL', async () => {
    const net = new Network();
    const A = net.add({ name: 'A', kind: 'both', addresses: ['198.18.1.1'] });
    const B = net.add({ name: 'B', kind: 'both', addresses: ['198.18.2.1'] });
    net.connect('A', 'B');
    net.route('A', '198.18.2.0/24', 'B').route('B', '198.18.1.0/24', 'A');
    A.addTunnel({ name: 't', encapsulation: 'gre', local: '198.18.1.1', remote: '198.18.2.1' });
    B.addTunnel({ name: 't', encapsulation: 'gre', local: '198.18.2.1', remote: '198.18.1.1' });
    A.addOverlayRoute({ prefix: '10.0.0.0/8', tunnel: 't' });
    B.addOverlayRoute({ prefix: '10.0.0.0/8', tunnel: 't' });
    const tr = await net.send('A', udp('10.1.1.1', '10.9.9.9', { ttl: 6 }));
    expect(tr.truncated).toBe(false);
    expect(tr.hops.length).toBe(5);
    expect(tr.dropped.map((h) => h.decision)).toMatchObject([{ action: 'drop', reason: 'ttl-exceeded' }]);
  });
});

describe('ESP on a tunnel', () => {
  it('a replayed packet, a tampered one, an unknown SPI and cleartext where ESP is required are dropped', async () => {
    const { A, B } = await pair('ip', true);
    const wire = outFrame(await decide(A, frame(udp('10.1.0.10', '10.2.0.1'), '02:00:00:00:0a:e1'), 'pod'));
    expect(await decide(B, wire, 'up')).toMatchObject({ action: 'deliver-overlay', decrypted: true });
    expect(await decide(B, wire, 'up')).toMatchObject({ action: 'drop', reason: 'replay' });
    const next = outFrame(await decide(A, frame(udp('10.1.0.10', '10.2.0.1'), '02:00:00:00:0a:e1'), 'pod'));
    const tampered = next.slice();
    tampered[tampered.length - 20]! ^= 0x01;
    expect(await decide(B, tampered, 'up')).toMatchObject({ action: 'drop', reason: 'decrypt-failed' });
    // the genuine packet with that sequence number is still accepted (the window moves only on a valid ICV)
    expect(await decide(B, next, 'up')).toMatchObject({ action: 'deliver-overlay' });
    const badSpi = next.slice();
    badSpi[14 + 20 + 3] = 0x99;
    expect(await decide(B, badSpi, 'up')).toMatchObject({ action: 'drop', reason: 'unknown-sa' });
    const clear = frame([{ layer: 'ipv4', src: '198.18.1.1', dst: '198.18.2.1', protocol: 4 }, ...udp('10.1.0.10', '10.2.0.1')]);
    expect(await decide(B, clear, 'up')).toMatchObject({ action: 'drop', reason: 'unprotected' });
    // a dummy packet (Next Header 59) verifies and is then discarded
    const dummy = await A.tunnels.get('t')!.esp!.outbound.seal(new Uint8Array(0), 59);
    const dummyFrame = frame([
      { layer: 'ipv4', src: '198.18.1.1', dst: '198.18.2.1', protocol: 50 },
      { layer: 'raw', data: toHex(dummy) },
    ]);
    expect(await decide(B, dummyFrame, 'up')).toMatchObject({ action: 'drop', reason: 'esp-dummy' });
  });
});

describe('MPLS underlay', () => {
  const lsr = () =>
    new OverlayNode({ name: 'P', kind: 'underlay', addresses: ['198.18.0.2'] })
      .addPort({ name: 'in', mac: '02:00:00:00:00:01', peerMac: '02:00:00:00:00:02', role: 'underlay' })
      .addPort({ name: 'out', mac: '02:00:00:00:01:01', peerMac: '02:00:00:00:01:02', role: 'underlay' })
      .addLabelRoute({ label: 100, action: 'swap', outLabel: 200, port: 'out' })
      .addLabelRoute({ label: 300, action: 'pop', port: 'out' });
  const labelled = (labels: number[], ttl = 64) =>
    frame([...labels.map((label) => ({ layer: 'mpls', label, ttl })), ...udp('198.18.0.9', '198.18.9.9')]);

  it('swaps, keeps the rest of the stack and the bottom-of-stack bit', async () => {
    const p = decodeStack(outFrame(await decide(lsr(), labelled([100, 55]), 'in')));
    expect(p.path).toBe('ethernet/mpls/mpls/ipv4/udp/raw');
    expect(p.layers[1]).toMatchObject({ label: 200, ttl: 63, bottomOfStack: false });
    expect(p.layers[2]).toMatchObject({ label: 55, bottomOfStack: true });
  });

  it('pops the last label (penultimate hop) and sends plain IP; pops one of two and keeps MPLS', async () => {
    expect(decodeStack(outFrame(await decide(lsr(), labelled([300]), 'in'))).path).toBe('ethernet/ipv4/udp/raw');
    const p = decodeStack(outFrame(await decide(lsr(), labelled([300, 77]), 'in')));
    expect(p.path).toBe('ethernet/mpls/ipv4/udp/raw');
    expect(p.layers[1]).toMatchObject({ label: 77 });
  });

  it('drops an unknown label and an expiring MPLS TTL', async () => {
    expect(await decide(lsr(), labelled([999]), 'in')).toMatchObject({ action: 'drop', reason: 'no-label-route' });
    expect(await decide(lsr(), labelled([100], 1), 'in')).toMatchObject({ action: 'drop', reason: 'ttl-exceeded' });
  });

  it('an ingress route pushes labels', async () => {
    const ler = router();
    ler.addRoute({ prefix: '198.18.9.9/32', port: 'out', push: [16, 17] });
    const p = decodeStack(outFrame(await decide(ler, frame(udp('198.18.0.9', '198.18.9.9')), 'in')));
    expect(p.path).toBe('ethernet/mpls/mpls/ipv4/udp/raw');
    expect(p.layers.slice(1, 3).map((l) => l.label)).toEqual([16, 17]);
  });
});

describe('VTEP bridging', () => {
  async function vtep() {
    const { A } = await pair('vxlan', false);
    A.addTunnel({ name: 't2', encapsulation: 'vxlan', vni: 42, local: '198.18.1.1', remote: '198.18.4.1' });
    A.addBridge({ vni: 42, tunnels: ['t', 't2'], ports: ['pod'] });
    return A;
  }
  const podFrame = (dst: string) => frame(udp('10.1.0.10', '10.1.0.20'), dst, '02:00:00:00:aa:01');

  it('floods an unknown MAC to every VTEP, learns from the reply, then sends one copy', async () => {
    const A = await vtep();
    const flood = await decide(A, podFrame('02:00:00:00:bb:01'), 'pod');
    expect(flood.action).toBe('forward-overlay');
    if (flood.action === 'forward-overlay') expect(flood.out.length).toBe(2);
    expect(A.fdb.get('02:00:00:00:aa:01')).toEqual({ port: 'pod', source: 'learned' });
    // the reply comes from VTEP 198.18.2.1 (tunnel t): A learns bb:01 behind it
    const reply = encodeStack([
      { layer: 'ethernet', dst: '02:00:00:00:0a:f1', src: '02:00:00:00:0a:f2' },
      { layer: 'ipv4', src: '198.18.2.1', dst: '198.18.1.1' },
      { layer: 'udp', srcPort: 50000 },
      { layer: 'vxlan', vni: 42 },
      { layer: 'ethernet', dst: '02:00:00:00:aa:01', src: '02:00:00:00:bb:01' },
      ...udp('10.1.0.20', '10.1.0.10'),
    ]);
    expect(await decide(A, reply, 'up')).toMatchObject({ action: 'forward-overlay' });
    expect(A.fdb.get('02:00:00:00:bb:01')).toEqual({ tunnel: 't', source: 'learned' });
    const uni = await decide(A, podFrame('02:00:00:00:bb:01'), 'pod');
    expect(uni).toMatchObject({ action: 'forward-overlay', tunnel: 't' });
    if (uni.action === 'forward-overlay') expect(decodeStack(uni.out[0]!.bytes).layers[1]).toMatchObject({ dst: '198.18.2.1' });
  });

  it('answers from a static entry, which learning never overwrites; frames from a tunnel never go into another', async () => {
    const A = await vtep();
    A.addStaticMac('02:00:00:00:cc:01', { tunnel: 't2' });
    const d = await decide(A, podFrame('02:00:00:00:cc:01'), 'pod');
    expect(d).toMatchObject({ action: 'forward-overlay', tunnel: 't2' });
    const spoof = encodeStack([
      { layer: 'ethernet', dst: '02:00:00:00:0a:f1' },
      { layer: 'ipv4', src: '198.18.2.1', dst: '198.18.1.1' },
      { layer: 'udp', srcPort: 50000 },
      { layer: 'vxlan', vni: 42 },
      { layer: 'ethernet', dst: '02:00:00:00:cc:01', src: '02:00:00:00:cc:01' },
      ...udp('10.1.0.20', '10.1.0.10'),
    ]);
    expect(await decide(A, spoof, 'up')).toMatchObject({ action: 'drop', reason: 'split-horizon' });
    expect(A.fdb.get('02:00:00:00:cc:01')).toEqual({ tunnel: 't2', source: 'static' });
  });
});

describe('decrementTtl', () => {
  it('keeps the IPv4 header checksum valid (the decoder verifies it) and refuses at TTL 1', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 255 }), fc.integer({ min: 0, max: 0xffff }), (ttl, id) => {
        const ip = encodeStack(udp('10.0.0.1', '10.0.0.2', { ttl, identification: id }));
        const out = decrementTtl(ip)!;
        const p = decodeStack(out, { first: 'ipv4' });
        expect(p.issues).toEqual([]);
        expect(p.layers[0]).toMatchObject({ ttl: ttl - 1, identification: id });
      }),
    );
    expect(decrementTtl(encodeStack(udp('10.0.0.1', '10.0.0.2', { ttl: 1 })))).toBeUndefined();
  });
});
