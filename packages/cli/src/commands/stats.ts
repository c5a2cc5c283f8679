/** `wirestack stats FILE...`: protocol hierarchy, tunnel statistics and the top inner flows. */
import { ipProtocolName } from '@wirestack/core';
import type { DecodedPacket, FlowKey } from '@wirestack/stack';
import { type CliStreams, LineWriter } from '../io.js';
import { buildRegistry } from '../registry.js';
import { forEachPacket } from './common.js';

/** Options of `stats`. */
export interface StatsOptions {
  json?: boolean;
  top?: number;
  verifyChecksums?: boolean;
  decodeAs?: string[];
  mplsPayload?: string;
  mplsControlWord?: boolean;
}

/** A node of the protocol hierarchy: packets and bytes of every packet whose stack path passes here. */
export interface HierarchyNode {
  layer: string;
  packets: number;
  bytes: number;
  children: HierarchyNode[];
}

/** Packets and bytes of one tunnel identifier. */
export interface TunnelStat {
  kind: string;
  id: number;
  packets: number;
  bytes: number;
}

/** Packets and bytes of one inner flow. */
export interface FlowStat {
  flow: string;
  key: FlowKey;
  packets: number;
  bytes: number;
}

/** The whole `stats --json` object. */
export interface StatsResult {
  packets: number;
  bytes: number;
  hierarchy: HierarchyNode[];
  tunnels: TunnelStat[];
  flows: FlowStat[];
  issues: Record<string, number>;
}

/** A flow as text: `udp 10.0.0.1:1234 → 10.0.0.2:80` (IPv6 addresses in brackets). */
export function flowText(k: FlowKey): string {
  const proto = k.protocol === 17 ? 'udp' : k.protocol === 6 ? 'tcp' : ipProtocolName(k.protocol).toLowerCase();
  const host = (a: string, p: number | undefined): string => {
    const h = k.ipVersion === 6 && p !== undefined ? `[${a}]` : a;
    return p === undefined ? h : `${h}:${p}`;
  };
  return `${proto} ${host(k.src, k.srcPort)} → ${host(k.dst, k.dstPort)}`;
}

interface MutableNode {
  layer: string;
  packets: number;
  bytes: number;
  children: Map<string, MutableNode>;
}

function freeze(m: Map<string, MutableNode>): HierarchyNode[] {
  return [...m.values()].map((n) => ({ layer: n.layer, packets: n.packets, bytes: n.bytes, children: freeze(n.children) }));
}

/** Accumulates statistics packet by packet. */
export class StatsCollector {
  packets = 0;
  bytes = 0;
  private readonly root = new Map<string, MutableNode>();
  private readonly tunnels = new Map<string, TunnelStat>();
  private readonly flows = new Map<string, FlowStat>();
  private readonly issues = new Map<string, number>();

  add(pkt: DecodedPacket, bytes: number): void {
    this.packets++;
    this.bytes += bytes;
    let level = this.root;
    for (const l of pkt.layers) {
      if (l.layer === 'padding') continue;
      let n = level.get(l.layer);
      if (!n) {
        n = { layer: l.layer, packets: 0, bytes: 0, children: new Map() };
        level.set(l.layer, n);
      }
      n.packets++;
      n.bytes += bytes;
      level = n.children;
    }
    for (const t of pkt.tunnels()) {
      if (t.id === undefined) continue;
      const key = `${t.kind}\0${t.id}`;
      let s = this.tunnels.get(key);
      if (!s) {
        s = { kind: t.kind, id: t.id, packets: 0, bytes: 0 };
        this.tunnels.set(key, s);
      }
      s.packets++;
      s.bytes += bytes;
    }
    const k = pkt.flowKey({ depth: 'inner' });
    if (k) {
      const text = flowText(k);
      let f = this.flows.get(text);
      if (!f) {
        f = { flow: text, key: k, packets: 0, bytes: 0 };
        this.flows.set(text, f);
      }
      f.packets++;
      f.bytes += bytes;
    }
    for (const i of pkt.issues) this.issues.set(i.code, (this.issues.get(i.code) ?? 0) + 1);
  }

  result(top: number): StatsResult {
    const tunnels = [...this.tunnels.values()].sort((a, b) => (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : a.id - b.id));
    const flows = [...this.flows.values()]
      .sort((a, b) => b.packets - a.packets || b.bytes - a.bytes || (a.flow < b.flow ? -1 : 1))
      .slice(0, top);
    return {
      packets: this.packets,
      bytes: this.bytes,
      hierarchy: freeze(this.root),
      tunnels,
      flows,
      issues: Object.fromEntries([...this.issues].sort()),
    };
  }
}

/** The text report (protocol hierarchy like `tshark -z io,phs`, then tunnels and flows). */
export function statsText(r: StatsResult, top: number): string[] {
  const out: string[] = [];
  const rule = '='.repeat(72);
  out.push(rule, 'Protocol Hierarchy Statistics', `packets: ${r.packets}  bytes: ${r.bytes}`, '');
  const walk = (nodes: HierarchyNode[], depth: number): void => {
    for (const n of nodes) {
      const name = `${'  '.repeat(depth)}${n.layer}`;
      out.push(`${name.padEnd(40)} packets:${String(n.packets).padEnd(9)} bytes:${n.bytes}`);
      walk(n.children, depth + 1);
    }
  };
  walk(r.hierarchy, 0);
  out.push(rule, '', 'Tunnels');
  if (r.tunnels.length === 0) out.push('  (none)');
  else {
    out.push(`  ${'kind'.padEnd(10)} ${'id'.padStart(10)} ${'packets'.padStart(10)} ${'bytes'.padStart(12)}`);
    for (const t of r.tunnels)
      out.push(`  ${t.kind.padEnd(10)} ${String(t.id).padStart(10)} ${String(t.packets).padStart(10)} ${String(t.bytes).padStart(12)}`);
  }
  out.push('', `Inner flows (top ${top} by packets)`);
  if (r.flows.length === 0) out.push('  (none)');
  else {
    out.push(`  ${'packets'.padStart(10)} ${'bytes'.padStart(12)}  flow`);
    for (const f of r.flows) out.push(`  ${String(f.packets).padStart(10)} ${String(f.bytes).padStart(12)}  ${f.flow}`);
  }
  const issues = Object.entries(r.issues);
  if (issues.length) {
    out.push('', 'Issues');
    for (const [code, n] of issues) out.push(`  ${code.padEnd(14)} ${n}`);
  }
  return out;
}

/** Runs `stats`; returns the exit status. */
export async function runStats(files: string[], opts: StatsOptions, streams: CliStreams): Promise<number> {
  const registry = buildRegistry(opts, 'stats');
  const top = opts.top ?? 10;
  const out = new LineWriter(streams.stdout);
  const acc = new StatsCollector();
  const res = await forEachPacket(
    files.length ? files : ['-'],
    streams,
    // Statistics read layer names, tunnels, flow keys and issues, never the hex of raw bytes.
    {
      registry,
      verifyChecksums: opts.verifyChecksums ?? true,
      progress: opts.json !== true && streams.stderr.isTTY === true,
      opaqueHex: false,
    },
    (v) => acc.add(v.pkt, v.rec.capturedLength),
  );
  const r = acc.result(top);
  if (opts.json) out.line(JSON.stringify(r));
  else for (const l of statsText(r, top)) out.line(l);
  await out.end();
  return res.code;
}
