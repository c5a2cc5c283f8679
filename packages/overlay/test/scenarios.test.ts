/**
 * The named scenarios end where they should, hop by hop; their pcapng has one interface per link and
 * one packet per hop; and tshark, given the VPN scenario's keys, decrypts its ESP to the inner packets.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toHex } from '@wirestack/core';
import { readCapture } from '@wirestack/pcap';
import { tsharkEspOptions } from '@wirestack/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { renderTrace, runScenario, SCENARIOS, type ScenarioRun, VPN_KEYS } from '../src/index.js';

async function run(name: string): Promise<ScenarioRun> {
  const r = await runScenario(name);
  if (!r) throw new Error(`no scenario ${name}`);
  return r;
}

const ends = (r: ScenarioRun, i: number) =>
  r.traces[i]!.trace.hops.filter((h) => h.decision.action.startsWith('deliver') || h.decision.action === 'drop').map(
    (h) => `${h.to}:${h.decision.action}`,
  );

describe('scenarios', () => {
  it('every scenario runs, and its traces draw', async () => {
    expect(SCENARIOS.map((s) => s.name)).toEqual(['vpn', '6in4', 'vxlan-pods', 'multihop', 'mpls']);
    for (const s of SCENARIOS) {
      const r = await s.run();
      for (const t of r.traces) {
        expect(t.trace.truncated).toBe(false);
        const text = renderTrace(t.trace, t.caption);
        expect(text).toContain(t.caption);
        expect(text.split('\n').length).toBe(2 + 2 * t.trace.hops.length);
      }
    }
  });

  it('vpn: ESP across three routers that see only the gateways, the inner packet delivered both ways', async () => {
    const r = await run('vpn');
    expect(ends(r, 0)).toEqual(['hostB:deliver-overlay']);
    expect(ends(r, 1)).toEqual(['hostA:deliver-overlay']);
    const hops = r.traces[0]!.trace.hops;
    expect(hops.map((h) => h.to)).toEqual(['gwA', 'R1', 'R2', 'R3', 'gwB', 'hostB']);
    for (const h of hops.slice(1, 5)) {
      expect(h.packet.path).toBe('ethernet/ipv4/esp/raw');
      expect(h.packet.layers[2]).toMatchObject({ spi: VPN_KEYS.aToB.spi, sequence: 1 });
    }
    expect(hops.slice(1, 5).map((h) => h.packet.layers[1]!.ttl)).toEqual([64, 63, 62, 61]);
    expect(hops[5]!.packet.nth('ipv4', -1)).toMatchObject({ src: '10.1.0.10', dst: '10.2.0.10', ttl: 62 });
  });

  it('6in4: protocol 41 across the IPv4 router', async () => {
    const r = await run('6in4');
    expect(ends(r, 0)).toEqual(['v6b:deliver-overlay']);
    const mid = r.traces[0]!.trace.hops.find((h) => h.to === 'R1')!;
    expect(mid.packet.path).toBe('ethernet/ipv4/ipv6/udp/raw');
    expect(mid.packet.tunnels()[0]!.kind).toBe('6in4');
  });

  it('vxlan-pods: flood, then learned unicast', async () => {
    const r = await run('vxlan-pods');
    expect(ends(r, 0).sort()).toEqual(['pod2:deliver-overlay', 'pod3:drop']);
    expect(ends(r, 1)).toEqual(['pod1:deliver-overlay']);
    expect(ends(r, 2)).toEqual(['pod2:deliver-overlay']);
    expect(r.traces[0]!.trace.hops.length).toBe(7);
    expect(r.traces[2]!.trace.hops.length).toBe(4);
    const wire = r.traces[2]!.trace.hops[1]!.packet;
    expect(wire.path).toBe('ethernet/ipv4/udp/vxlan/ethernet/ipv4/udp/raw');
    expect(wire.layers[3]).toMatchObject({ vni: 42 });
    expect(r.network.node('host1').fdb.get(r.network.node('pod2').port('to-host2')!.mac)).toMatchObject({
      tunnel: 'vx-host2',
      source: 'learned',
    });
  });

  it('multihop: GRE to B, VXLAN from B, inner TTL one less per overlay hop; TTL 2 dies at B', async () => {
    const r = await run('multihop');
    expect(ends(r, 0)).toEqual(['podC:deliver-overlay']);
    const h = r.traces[0]!.trace.hops;
    expect(h.find((x) => x.to === 'R1')!.packet.path).toBe('ethernet/ipv4/gre/ipv4/udp/raw');
    expect(h.find((x) => x.to === 'R2')!.packet.path).toBe('ethernet/ipv4/udp/vxlan/ethernet/ipv4/udp/raw');
    expect(h.at(-1)!.packet.layers[1]).toMatchObject({ ttl: 61 });
    expect(r.traces[1]!.trace.dropped.map((x) => [x.to, x.decision.action === 'drop' && x.decision.reason])).toEqual([
      ['B', 'ttl-exceeded'],
    ]);
  });

  it('mpls: push 100, swap 200, swap 300, pop; the way back pops at the penultimate hop', async () => {
    const r = await run('mpls');
    expect(ends(r, 0)).toEqual(['siteB:deliver-overlay']);
    expect(ends(r, 1)).toEqual(['siteA:deliver-overlay']);
    const labels = r.traces[0]!.trace.hops.map((x) => x.packet.layers.find((l) => l.layer === 'mpls')?.label);
    expect(labels).toEqual([undefined, 100, 200, 300, undefined]);
    expect(r.traces[0]!.trace.hops[1]!.packet.path).toBe('ethernet/mpls/ipv4/gre/ethernet/ipv4/udp/raw');
    const back = r.traces[1]!.trace.hops.map((x) => x.packet.layers.find((l) => l.layer === 'mpls')?.label);
    expect(back).toEqual([undefined, 400, 500, undefined, undefined]);
  });

  it('the pcapng has one Ethernet interface per link, one packet per hop, the decision as comment', async () => {
    const r = await run('multihop');
    const bytes = r.network.toPcapng(r.traces.map((t) => t.trace));
    const reader = readCapture(bytes);
    const recs = [...reader];
    expect(reader.format).toBe('pcapng');
    expect(reader.interfaces.map((i) => i.name)).toEqual(r.network.links.map((l) => l.name));
    expect(reader.interfaces.every((i) => i.linkType === 1)).toBe(true);
    const hops = r.traces.flatMap((t) => t.trace.hops);
    expect(recs.length).toBe(hops.length);
    recs.forEach((rec, i) => {
      expect(toHex(rec.data)).toBe(toHex(hops[i]!.bytes));
      expect(rec.comments[0]).toMatch(/^hop \d+: /);
      expect(reader.interfaces[rec.interfaceId]!.name).toBe(hops[i]!.link);
    });
  });
});

const haveTshark = spawnSync('tshark', ['-v'], { encoding: 'utf8' }).status === 0;
if (!haveTshark) console.warn('[overlay] SKIPPING the tshark ESP check: tshark is not installed (apt-get install -y tshark)');
const dir = haveTshark ? mkdtempSync(join(tmpdir(), 'wirestack-overlay-')) : '';
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!haveTshark)('tshark decrypts the VPN scenario', () => {
  it("given the scenario's keys, tshark shows the inner packets of every ESP hop, ICV verified", async () => {
    const r = await run('vpn');
    const file = join(dir, 'vpn.pcapng');
    writeFileSync(file, r.network.toPcapng(r.traces.map((t) => t.trace)));
    const args = [
      '-n',
      '-r',
      file,
      ...tsharkEspOptions([
        { src: '198.18.1.1', dst: '198.18.4.2', ...VPN_KEYS.aToB },
        { src: '198.18.4.2', dst: '198.18.1.1', ...VPN_KEYS.bToA },
      ]),
      '-T',
      'fields',
      '-e',
      'esp.spi',
      '-e',
      'ip.src',
      '-e',
      'ip.dst',
      '-e',
      'udp.dstport',
      '-e',
      'esp.icv_good',
      '-E',
      'separator=|',
    ];
    const t = spawnSync('tshark', args, { encoding: 'utf8' });
    expect(t.status, t.stderr).toBe(0);
    const lines = t.stdout.trim().split('\n');
    const esp = lines.filter((l) => l.split('|')[0] !== '');
    expect(esp.length).toBe(8); // 4 underlay hops each way
    for (const l of esp) {
      const [, src, dst, port, good] = l.split('|');
      // outer and decrypted inner addresses, inner UDP port 7 from the scenario's packet
      expect(src!.split(',').length).toBe(2);
      expect(src).toMatch(/^198\.18\.[14]\.[12],10\.[12]\.0\.10$/);
      expect(dst).toMatch(/^198\.18\.[14]\.[12],10\.[12]\.0\.10$/);
      expect(port).toBe('7');
      expect(good).toBe('1');
    }
  });
});
