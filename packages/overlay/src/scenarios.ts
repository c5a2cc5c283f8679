/**
 * Named scenarios: small networks with the traffic that shows each kind of overlay at work. Each
 * builds a fresh {@link Network} and sends its packets; `wirestack overlay NAME` prints the traces.
 * Underlay addresses come from 198.18.0.0/15 (RFC 2544 benchmarking), overlay addresses from private
 * and documentation ranges. ESP keys are fixed test keys (never use them for anything real).
 */
import type { LayerObject } from '@wirestack/core';
import { EspSa } from '@wirestack/esp';
import { Network, type Trace } from './network.js';

/** A scenario's network and the traces of the packets it sent. */
export interface ScenarioRun {
  name: string;
  title: string;
  network: Network;
  /** One trace per packet sent, with a caption. */
  traces: Array<{ caption: string; trace: Trace }>;
}

/** A scenario. */
export interface Scenario {
  name: string;
  title: string;
  description: string;
  run(): Promise<ScenarioRun>;
}

const udp = (src: string, dst: string, text: string, extra: Partial<LayerObject> = {}): LayerObject[] => [
  { layer: src.includes(':') ? 'ipv6' : 'ipv4', src, dst, ...extra },
  { layer: 'udp', srcPort: 40000, dstPort: 7 },
  { layer: 'raw', data: Array.from(new TextEncoder().encode(text), (b) => b.toString(16).padStart(2, '0')).join('') },
];

/**
 * Links nodes in a line, in order: the first and last are overlay hosts, each on its gateway's overlay
 * port; every link between is underlay.
 */
function chain(net: Network, names: readonly string[]): void {
  const last = names.length - 2;
  for (let i = 0; i <= last; i++)
    net.connect(names[i]!, names[i + 1]!, i === 0 ? { roleB: 'overlay' } : i === last ? { roleA: 'overlay' } : {});
}

/** Test keying material: 16-byte AES key + 4-byte salt (RFC 4106 §8.1), from a seed byte. */
function testKey(seed: number): Uint8Array {
  return Uint8Array.from({ length: 20 }, (_, i) => (seed * 31 + i * 7) & 0xff);
}

/** The ESP keys of the VPN scenario (exported for tests that decrypt its pcapng with tshark). */
export const VPN_KEYS = {
  aToB: { spi: 0x1001, key: testKey(1) },
  bToA: { spi: 0x2002, key: testKey(2) },
} as const;

async function vpn(): Promise<ScenarioRun> {
  const net = new Network();
  net.add({ name: 'hostA', kind: 'overlay', virtualAddresses: ['10.1.0.10'] });
  const gwA = net.add({ name: 'gwA', kind: 'both', addresses: ['198.18.1.1'], virtualAddresses: ['10.1.0.1'] });
  for (const [n, a] of [
    ['R1', '198.18.1.2'],
    ['R2', '198.18.2.2'],
    ['R3', '198.18.3.2'],
  ] as const)
    net.add({ name: n, kind: 'underlay', addresses: [a] });
  const gwB = net.add({ name: 'gwB', kind: 'both', addresses: ['198.18.4.2'], virtualAddresses: ['10.2.0.1'] });
  net.add({ name: 'hostB', kind: 'overlay', virtualAddresses: ['10.2.0.10'] });
  chain(net, ['hostA', 'gwA', 'R1', 'R2', 'R3', 'gwB', 'hostB']);
  net.route('gwA', '198.18.0.0/15', 'R1').route('gwB', '198.18.0.0/15', 'R3');
  net.route('R1', '198.18.4.0/24', 'R2').route('R1', '198.18.1.0/24', 'gwA');
  net.route('R2', '198.18.4.0/24', 'R3').route('R2', '198.18.1.0/24', 'R1');
  net.route('R3', '198.18.4.0/24', 'gwB').route('R3', '198.18.1.0/24', 'R2');
  const ivA = (seq: number) => Uint8Array.of(0, 0, 0, 0, 0, 0, 0xa0, seq & 0xff);
  const ivB = (seq: number) => Uint8Array.of(0, 0, 0, 0, 0, 0, 0xb0, seq & 0xff);
  const saAB = { spi: VPN_KEYS.aToB.spi, key: VPN_KEYS.aToB.key };
  const saBA = { spi: VPN_KEYS.bToA.spi, key: VPN_KEYS.bToA.key };
  gwA.addTunnel({
    name: 'vpn',
    encapsulation: 'ip',
    local: '198.18.1.1',
    remote: '198.18.4.2',
    esp: { outbound: await EspSa.create({ ...saAB, ivSource: ivA }), inbound: await EspSa.create(saBA) },
  });
  gwB.addTunnel({
    name: 'vpn',
    encapsulation: 'ip',
    local: '198.18.4.2',
    remote: '198.18.1.1',
    esp: { outbound: await EspSa.create({ ...saBA, ivSource: ivB }), inbound: await EspSa.create(saAB) },
  });
  gwA.addOverlayRoute({ prefix: '10.2.0.0/16', tunnel: 'vpn' }).addOverlayRoute({ prefix: '10.1.0.10/32', port: 'to-hostA' });
  gwB.addOverlayRoute({ prefix: '10.1.0.0/16', tunnel: 'vpn' }).addOverlayRoute({ prefix: '10.2.0.10/32', port: 'to-hostB' });
  const traces = [
    { caption: 'hostA → hostB through the ESP tunnel', trace: await net.send('hostA', udp('10.1.0.10', '10.2.0.10', 'ping')) },
    { caption: 'hostB answers', trace: await net.send('hostB', udp('10.2.0.10', '10.1.0.10', 'pong')) },
  ];
  return { name: 'vpn', title: 'Site-to-site VPN over three routers (IP-in-IP in ESP, AES-GCM)', network: net, traces };
}

async function sixInFour(): Promise<ScenarioRun> {
  const net = new Network();
  net.add({ name: 'v6a', kind: 'overlay', virtualAddresses: ['2001:db8:a::10'] });
  const gwA = net.add({ name: 'gwA', kind: 'both', addresses: ['198.18.10.1'], virtualAddresses: ['2001:db8:a::1'] });
  net.add({ name: 'R1', kind: 'underlay', addresses: ['198.18.10.2'] });
  const gwB = net.add({ name: 'gwB', kind: 'both', addresses: ['198.18.11.2'], virtualAddresses: ['2001:db8:b::1'] });
  net.add({ name: 'v6b', kind: 'overlay', virtualAddresses: ['2001:db8:b::10'] });
  chain(net, ['v6a', 'gwA', 'R1', 'gwB', 'v6b']);
  net.route('gwA', '0.0.0.0/0', 'R1').route('gwB', '0.0.0.0/0', 'R1');
  net.route('R1', '198.18.10.0/24', 'gwA').route('R1', '198.18.11.0/24', 'gwB');
  gwA.addTunnel({ name: 'sit', encapsulation: 'ip', local: '198.18.10.1', remote: '198.18.11.2' });
  gwB.addTunnel({ name: 'sit', encapsulation: 'ip', local: '198.18.11.2', remote: '198.18.10.1' });
  gwA.addOverlayRoute({ prefix: '2001:db8:b::/48', tunnel: 'sit' }).addOverlayRoute({ prefix: '2001:db8:a::10/128', port: 'to-v6a' });
  gwB.addOverlayRoute({ prefix: '2001:db8:a::/48', tunnel: 'sit' }).addOverlayRoute({ prefix: '2001:db8:b::10/128', port: 'to-v6b' });
  const traces = [
    {
      caption: 'IPv6 across an IPv4-only router (protocol 41)',
      trace: await net.send('v6a', udp('2001:db8:a::10', '2001:db8:b::10', 'hello v6')),
    },
  ];
  return { name: '6in4', title: '6in4: IPv6 islands joined over IPv4 (RFC 4213)', network: net, traces };
}

async function vxlanPods(): Promise<ScenarioRun> {
  const net = new Network();
  net.add({ name: 'R', kind: 'underlay', addresses: ['198.18.20.254'] });
  const hosts = [1, 2, 3].map((i) => net.add({ name: `host${i}`, kind: 'both', addresses: [`198.18.2${i}.1`], virtualAddresses: [] }));
  for (const [i, h] of hosts.entries()) {
    const n = i + 1;
    net.add({ name: `pod${n}`, kind: 'overlay', virtualAddresses: [`10.244.0.${n}`] });
    net.connect(`pod${n}`, h.name, { roleB: 'overlay' });
    net.connect(h.name, 'R');
    net.route(h.name, '198.18.0.0/15', 'R');
    net.route('R', `198.18.2${n}.0/24`, h.name);
  }
  for (const h of hosts) {
    const others = hosts.filter((o) => o !== h);
    for (const o of others)
      h.addTunnel({ name: `vx-${o.name}`, encapsulation: 'vxlan', vni: 42, local: h.addresses[0]!, remote: o.addresses[0]! });
    h.addBridge({ vni: 42, tunnels: others.map((o) => `vx-${o.name}`), ports: [`to-pod${h.name.slice(4)}`] });
  }
  const podMac = (n: number) => net.node(`pod${n}`).port(`to-host${n}`)!.mac;
  const frame = (a: number, b: number, text: string): LayerObject[] => [
    { layer: 'ethernet', src: podMac(a), dst: podMac(b) },
    ...udp(`10.244.0.${a}`, `10.244.0.${b}`, text),
  ];
  const traces = [
    {
      caption: 'pod1 → pod2: host1 has not learned pod2 yet, so it floods to both VTEPs',
      trace: await net.send('pod1', frame(1, 2, 'hi pod2')),
    },
    {
      caption: 'pod2 answers: host2 learned pod1 behind host1 and sends it one copy',
      trace: await net.send('pod2', frame(2, 1, 'hi pod1')),
    },
    { caption: 'pod1 → pod2 again: both directions are learned now', trace: await net.send('pod1', frame(1, 2, 'again')) },
  ];
  return { name: 'vxlan-pods', title: 'VXLAN pods on three hosts: one L2 segment (VNI 42) with MAC learning', network: net, traces };
}

async function multihop(): Promise<ScenarioRun> {
  const net = new Network();
  net.add({ name: 'podA', kind: 'overlay', virtualAddresses: ['10.0.1.10'] });
  const A = net.add({ name: 'A', kind: 'both', addresses: ['198.18.30.1'], virtualAddresses: ['10.0.1.1'] });
  net.add({ name: 'R1', kind: 'underlay', addresses: ['198.18.30.2'] });
  const B = net.add({
    name: 'B',
    kind: 'both',
    addresses: ['198.18.31.1'],
    virtualAddresses: ['10.0.2.1'],
    overlayMac: '02:00:00:00:0b:01',
  });
  net.add({ name: 'R2', kind: 'underlay', addresses: ['198.18.31.2'] });
  const C = net.add({
    name: 'C',
    kind: 'both',
    addresses: ['198.18.32.1'],
    virtualAddresses: ['10.0.3.1'],
    overlayMac: '02:00:00:00:0c:01',
  });
  net.add({ name: 'podC', kind: 'overlay', virtualAddresses: ['10.0.3.10'] });
  chain(net, ['podA', 'A', 'R1', 'B', 'R2', 'C', 'podC']);
  net.route('A', '198.18.0.0/15', 'R1');
  net.route('R1', '198.18.30.0/24', 'A').route('R1', '198.18.31.1/32', 'B');
  net.route('B', '198.18.30.0/24', 'R1').route('B', '198.18.32.0/24', 'R2');
  net.route('R2', '198.18.32.0/24', 'C').route('R2', '198.18.31.0/24', 'B');
  net.route('C', '198.18.0.0/15', 'R2');
  A.addTunnel({ name: 'gre-AB', encapsulation: 'gre', key: 100, local: '198.18.30.1', remote: '198.18.31.1' });
  B.addTunnel({ name: 'gre-AB', encapsulation: 'gre', key: 100, local: '198.18.31.1', remote: '198.18.30.1' });
  B.addTunnel({ name: 'vx-BC', encapsulation: 'vxlan', vni: 77, local: '198.18.31.1', remote: '198.18.32.1' });
  C.addTunnel({ name: 'vx-BC', encapsulation: 'vxlan', vni: 77, local: '198.18.32.1', remote: '198.18.31.1' });
  A.addOverlayRoute({ prefix: '10.0.0.0/16', tunnel: 'gre-AB' }).addOverlayRoute({ prefix: '10.0.1.10/32', port: 'to-podA' });
  B.addOverlayRoute({ prefix: '10.0.3.0/24', tunnel: 'vx-BC', nextHopMac: '02:00:00:00:0c:01' });
  B.addOverlayRoute({ prefix: '10.0.1.0/24', tunnel: 'gre-AB' });
  C.addOverlayRoute({ prefix: '10.0.0.0/16', tunnel: 'vx-BC', nextHopMac: '02:00:00:00:0b:01' }).addOverlayRoute({
    prefix: '10.0.3.10/32',
    port: 'to-podC',
  });
  const traces = [
    {
      caption: 'podA → podC: GRE to B, which re-encapsulates into VXLAN toward C (inner TTL − 1 at each overlay hop)',
      trace: await net.send('podA', udp('10.0.1.10', '10.0.3.10', 'two overlay hops')),
    },
    {
      caption: 'a packet with inner TTL 2 dies at the second overlay hop',
      trace: await net.send('podA', udp('10.0.1.10', '10.0.3.10', 'ttl', { ttl: 2 })),
    },
  ];
  return { name: 'multihop', title: 'Multi-hop overlay: GRE, then re-encapsulated into VXLAN in the middle', network: net, traces };
}

async function mplsUnderlay(): Promise<ScenarioRun> {
  const net = new Network();
  net.add({ name: 'siteA', kind: 'overlay', virtualAddresses: ['192.0.2.10'] });
  const PE1 = net.add({ name: 'PE1', kind: 'both', addresses: ['198.18.40.1'] });
  net.add({ name: 'P1', kind: 'underlay', addresses: ['198.18.40.2'] });
  net.add({ name: 'P2', kind: 'underlay', addresses: ['198.18.41.2'] });
  const PE2 = net.add({ name: 'PE2', kind: 'both', addresses: ['198.18.42.1'] });
  net.add({ name: 'siteB', kind: 'overlay', virtualAddresses: ['192.0.2.20'] });
  chain(net, ['siteA', 'PE1', 'P1', 'P2', 'PE2', 'siteB']);
  // PE1 → PE2: push 100, P1 swaps to 200, P2 swaps to 300, PE2 pops it and terminates the GRE.
  net.route('PE1', '198.18.42.0/24', 'P1', [100]);
  net.label('P1', 100, 'swap', 'P2', 200).label('P2', 200, 'swap', 'PE2', 300).label('PE2', 300, 'pop', 'P2');
  // PE2 → PE1: push 400, P2 swaps to 500, P1 pops (penultimate hop popping), PE1 gets plain IP.
  net.route('PE2', '198.18.40.0/24', 'P2', [400]);
  net.label('P2', 400, 'swap', 'P1', 500).label('P1', 500, 'pop', 'PE1');
  PE1.addTunnel({ name: 'pw', encapsulation: 'gre-eth', local: '198.18.40.1', remote: '198.18.42.1' });
  PE2.addTunnel({ name: 'pw', encapsulation: 'gre-eth', local: '198.18.42.1', remote: '198.18.40.1' });
  PE1.addBridge({ tunnels: ['pw'], ports: ['to-siteA'] });
  PE2.addBridge({ tunnels: ['pw'], ports: ['to-siteB'] });
  const macA = net.node('siteA').port('to-PE1')!.mac;
  const macB = net.node('siteB').port('to-PE2')!.mac;
  const traces = [
    {
      caption: 'siteA → siteB: Ethernet in GRE in IPv4, label-switched by P1 and P2',
      trace: await net.send('siteA', [{ layer: 'ethernet', src: macA, dst: macB }, ...udp('192.0.2.10', '192.0.2.20', 'over mpls')]),
    },
    {
      caption: 'siteB answers: the return LSP pops at P1 (penultimate hop)',
      trace: await net.send('siteB', [{ layer: 'ethernet', src: macB, dst: macA }, ...udp('192.0.2.20', '192.0.2.10', 'back')]),
    },
  ];
  return { name: 'mpls', title: 'Ethernet over GRE over IPv4 across an MPLS core (push, swap, pop)', network: net, traces };
}

/** Every scenario, by name. */
export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'vpn',
    title: 'Site-to-site VPN over three routers',
    description: 'IP-in-IP in ESP (AES-GCM, RFC 4106) between two gateways',
    run: vpn,
  },
  { name: '6in4', title: '6in4', description: 'IPv6 over an IPv4 underlay (protocol 41)', run: sixInFour },
  { name: 'vxlan-pods', title: 'VXLAN pods on three hosts', description: 'one L2 segment, flooding then learned unicast', run: vxlanPods },
  {
    name: 'multihop',
    title: 'Multi-hop overlay',
    description: 'GRE then VXLAN: re-encapsulation at an overlay hop; TTL kills a packet',
    run: multihop,
  },
  { name: 'mpls', title: 'Ethernet over IP over MPLS', description: 'GRE pseudowire across label-switching routers', run: mplsUnderlay },
];

/** Runs a scenario by name (undefined when there is none). */
export async function runScenario(name: string): Promise<ScenarioRun | undefined> {
  const s = SCENARIOS.find((x) => x.name === name);
  return s ? s.run() : undefined;
}
