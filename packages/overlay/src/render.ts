/**
 * Traces drawn as text: one block per hop; a chain of hops stays in one column and each branch of a
 * flood is indented, so a flood reads as a tree. Each block shows the sender and receiver (links are
 * point-to-point), the stack on the wire (addresses, VNIs, labels, SPIs) and what the receiver decided.
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
  // A chain stays in one column; where a node sends several frames (a flood), each branch is indented.
  const children = new Map<number, number>();
  for (const h of trace.hops) children.set(h.parent, (children.get(h.parent) ?? 0) + 1);
  const depth = new Map<number, number>([[0, 1]]);
  for (const h of trace.hops) {
    const d = (depth.get(h.parent) ?? 1) + ((children.get(h.parent) ?? 0) > 1 ? 1 : 0);
    depth.set(h.step, d);
    const pad = '  '.repeat(d);
    lines.push(`${pad}${String(h.step).padStart(2)}. ${h.from} ──▶ ${h.to}   [${wireSummary(h.packet)}]`);
    lines.push(`${pad}    ${MARK[h.decision.action]} ${h.to}: ${summarize(h.decision)}`);
  }
  if (trace.truncated) lines.push('  … stopped at the hop limit');
  return lines.join('\n');
}
