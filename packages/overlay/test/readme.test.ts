/** The README's example, as written there (minus the file write). */
import { expect, it } from 'vitest';
import { Network, renderTrace } from '../src/index.js';

it('README: a pod behind A reaches B through a GRE tunnel across R', async () => {
  const net = new Network();
  net.add({ name: 'podA', kind: 'overlay', virtualAddresses: ['10.1.0.10'] });
  const A = net.add({ name: 'A', kind: 'both', addresses: ['198.18.1.1'] });
  net.add({ name: 'R', kind: 'underlay', addresses: ['198.18.0.1'] });
  const B = net.add({ name: 'B', kind: 'both', addresses: ['198.18.2.1'], virtualAddresses: ['10.2.0.1'] });
  net.connect('podA', 'A', { roleB: 'overlay' });
  net.connect('A', 'R');
  net.connect('R', 'B');
  net.route('A', '198.18.0.0/15', 'R').route('R', '198.18.2.0/24', 'B').route('R', '198.18.1.0/24', 'A');
  A.addTunnel({ name: 't', encapsulation: 'gre', key: 1, local: '198.18.1.1', remote: '198.18.2.1' });
  B.addTunnel({ name: 't', encapsulation: 'gre', key: 1, local: '198.18.2.1', remote: '198.18.1.1' });
  A.addOverlayRoute({ prefix: '10.2.0.0/16', tunnel: 't' });

  const trace = await net.send('podA', [
    { layer: 'ipv4', src: '10.1.0.10', dst: '10.2.0.1' },
    { layer: 'udp', srcPort: 1, dstPort: 2 },
  ]);
  expect(renderTrace(trace)).toContain('✔ B: deliver-overlay');
  expect(trace.hops.map((h) => h.packet.path)).toEqual(['ethernet/ipv4/udp', 'ethernet/ipv4/gre/ipv4/udp', 'ethernet/ipv4/gre/ipv4/udp']);
  expect(net.toPcapng([trace]).length).toBeGreaterThan(100);
});
