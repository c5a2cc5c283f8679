/** `wirestack overlay`: lists the scenarios, draws a run, writes its pcapng, answers --json, refuses an unknown name. */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { readCapture } from '@wirestack/pcap';
import { afterAll, describe, expect, it } from 'vitest';
import { run, tempDir } from './helpers.js';

const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('overlay', () => {
  it('lists the scenarios without an argument', async () => {
    const r = await run(['overlay']);
    expect(r.code).toBe(0);
    for (const name of ['vpn', '6in4', 'vxlan-pods', 'multihop', 'mpls']) expect(r.stdout).toContain(`  ${name}`);
  });

  it('draws every scenario hop by hop and writes a pcapng with one interface per link', async () => {
    for (const name of ['vpn', '6in4', 'vxlan-pods', 'multihop', 'mpls']) {
      const file = join(dir, `${name}.pcapng`);
      const r = await run(['overlay', name, '--pcapng', file]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/\d+ packets sent, \d+ hops, \d+ delivered, \d+ dropped/);
      expect(r.stdout).toMatch(/──▶/);
      expect(r.stderr).toContain(`wrote ${file}`);
      const reader = readCapture(new Uint8Array(readFileSync(file)));
      const recs = [...reader];
      const hops = Number(/(\d+) hops/.exec(r.stdout)![1]);
      expect(recs.length).toBe(hops);
      expect(reader.interfaces.length).toBeGreaterThan(2);
    }
  });

  it('vpn draws the ESP hops and the delivery', async () => {
    const r = await run(['overlay', 'vpn']);
    expect(r.stdout).toContain('esp 0x1001#1');
    expect(r.stdout).toContain('✔ hostB: deliver-overlay');
    expect(r.stdout).toContain('→ R2: forward-underlay: route 198.18.4.2, ttl 63→62');
  });

  it('--json gives the traces with the contract layers of every hop', async () => {
    const r = await run(['overlay', 'multihop', '--json']);
    const j = JSON.parse(r.stdout);
    expect(j.scenario).toBe('multihop');
    const hop = j.traces[0].hops.find((h: { to: string }) => h.to === 'R2');
    expect(hop.layers.map((l: { layer: string }) => l.layer)).toEqual([
      'ethernet',
      'ipv4',
      'udp',
      'vxlan',
      'ethernet',
      'ipv4',
      'udp',
      'raw',
    ]);
    expect(j.traces[1].hops.at(-1).decision).toMatchObject({ action: 'drop', reason: 'ttl-exceeded' });
  });

  it('an unknown scenario is a usage error', async () => {
    const r = await run(['overlay', 'nope']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("no scenario 'nope'");
  });
});
