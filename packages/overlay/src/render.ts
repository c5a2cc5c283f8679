/**
 * Traces drawn as text: one block per hop, indented by how many hops led to it, so a flood reads as
 * a tree. Each block shows the link, the stack on the wire (with addresses, VNIs, labels, SPIs) and
 * what the receiving node decided.
 */
import type { LayerObject } from '@wirestack/core';
import type { DecodedPacket } from '@wirestack/stack';
import type { Decision } from './decide.js';
import { summarize, type Trace } from './network.js';

/** A short token for one layer: `ipv4 198.18.1.1→198.18.4.2`, `vxlan 42`, `mpls 100`, `esp 0x1001#3`. */
function token(l: LayerObject, bytesOf: number): string {
  switch (l.layer) {
    case 'ethernet':
      return 'eth';
    case 'vlan':
      return `vlan ${l.vid}`;
    case 'ipv4':
    case 'ipv6':
      return `${l.layer} ${l.src}→${l.dst}`;
    case 'udp':
      return `udp ${l.srcPort}→${l.dstPort}`;
    case 'vxlan':
    case 'geneve':
      return `${l.layer} ${l.vni}`;
    case 'gre':
      return l.key === undefined ? 'gre' : `gre key ${l.key}`;
    case 'mpls':
      return `mpls ${l.label}`;
    case 'esp':
      return `esp 0x${(l.spi as number).toString(16)}#${l.sequence}`;
    case 'icmp':
    case 'icmpv6':
      return `${l.layer} ${l.type}/${l.code}`;
    case 'raw':
      return `${bytesOf}B`;
    default:
      return l.layer;
  }
}

/** The stack on the wire as one line. */
export function wireSummary(p: DecodedPacket): string {
  return p.layers
    .filter((l) => l.layer !== 'padding')
    .map((l) => token(l, typeof l.data === 'string' ? l.data.length / 2 : 0))
    .join(' / ');
}

const MARK: Record<Decision['action'], string> = {
  'deliver-underlay': '✔',
  'deliver-overlay': '✔',
  'forward-underlay': '→',
  'forward-overlay': '⇒',
  drop: '✘',
};

/** Draws one trace. */
export function renderTrace(trace: Trace, caption?: string): string {
  const lines: string[] = [];
  if (caption) lines.push(caption);
  const o = trace.origin.decision;
  lines.push(`  ${trace.origin.node} sends: ${summarize(o)}`);
  const depth = new Map<number, number>([[0, 0]]);
  for (const h of trace.hops) {
    const d = (depth.get(h.parent) ?? 0) + 1;
    depth.set(h.step, d);
    const pad = '  '.repeat(d);
    lines.push(`${pad}${String(h.step).padStart(2)}. ${h.from} ──${h.link}──▶ ${h.to}   [${wireSummary(h.packet)}]`);
    lines.push(`${pad}    ${MARK[h.decision.action]} ${h.to}: ${summarize(h.decision)}`);
  }
  if (trace.truncated) lines.push('  … stopped at the hop limit');
  return lines.join('\n');
}
