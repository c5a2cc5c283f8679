/**
 * A deterministic in-memory network: nodes, point-to-point Ethernet links, static routes. `send()`
 * hands a packet to a node and follows every frame it causes, hop by hop, in FIFO order, calling
 * {@link decide} at each node; the trace records which link carried which bytes and what each node
 * decided. The same trace can be written as a pcapng with one interface per link.
 */
import type { LayerObject } from '@wirestack/core';
import { writePcapng } from '@wirestack/pcap';
import { type DecodedPacket, decodeStack, encodeStack } from '@wirestack/stack';
import { type Decision, decide, ipInEthernet } from './decide.js';
import { type NodeConfig, OverlayNode, type Port } from './model.js';

/** A point-to-point link between two ports. */
export interface Link {
  /** 0-based; the pcapng interface id of the link. */
  index: number;
  name: string;
  a: { node: string; port: string };
  b: { node: string; port: string };
}

/** One frame on one link, and what the receiving node decided. */
export interface Hop {
  /** 1-based step number. */
  step: number;
  /** The step whose decision sent this frame (0 for the packet `send` started with). */
  parent: number;
  link: string;
  from: string;
  to: string;
  /** The frame on the wire. */
  bytes: Uint8Array;
  /** The frame decoded with the stack engine. */
  packet: DecodedPacket;
  /** What `to` decided. */
  decision: Decision;
}

/** The result of {@link Network.send}. */
export interface Trace {
  /** What the sending node decided about its own packet. */
  origin: { node: string; decision: Decision };
  hops: Hop[];
  /** The hops whose decision was a delivery. */
  delivered: Hop[];
  /** The hops whose decision was a drop. */
  dropped: Hop[];
  /** Whether `maxHops` stopped the trace. */
  truncated: boolean;
}

/** Options of {@link Network.send}. */
export interface SendOptions {
  /** Most hops followed (default 64); loops die by TTL long before. */
  maxHops?: number;
}

/** Options of {@link Network.connect}. */
export interface ConnectOptions {
  /** Port role at `a` / at `b` (default 'underlay'). */
  roleA?: Port['role'];
  roleB?: Port['role'];
  /** Port names (default: `to-<peer>`). */
  portA?: string;
  portB?: string;
}

function mac(n: number, side: number): string {
  const b = [0x02, 0x00, (n >> 8) & 0xff, n & 0xff, 0x00, side];
  return b.map((x) => x.toString(16).padStart(2, '0')).join(':');
}

/** The network. */
export class Network {
  readonly nodes = new Map<string, OverlayNode>();
  readonly links: Link[] = [];
  private readonly byPort = new Map<string, Link>();

  /** Adds a node; returns it for configuring its tables. */
  add(config: NodeConfig): OverlayNode {
    if (this.nodes.has(config.name)) throw new Error(`node ${config.name} exists`);
    const n = new OverlayNode(config);
    this.nodes.set(n.name, n);
    return n;
  }

  node(name: string): OverlayNode {
    const n = this.nodes.get(name);
    if (!n) throw new Error(`no node ${name}`);
    return n;
  }

  /** Connects two nodes with a point-to-point Ethernet link; MACs are 02:00:<link>:00:0<side>. */
  connect(a: string, b: string, opts: ConnectOptions = {}): Link {
    const na = this.node(a);
    const nb = this.node(b);
    const index = this.links.length;
    const pa = opts.portA ?? `to-${b}`;
    const pb = opts.portB ?? `to-${a}`;
    const ma = mac(index + 1, 1);
    const mb = mac(index + 1, 2);
    na.addPort({ name: pa, mac: ma, peerMac: mb, role: opts.roleA ?? 'underlay' });
    nb.addPort({ name: pb, mac: mb, peerMac: ma, role: opts.roleB ?? 'underlay' });
    const link: Link = { index, name: `${a}—${b}`, a: { node: a, port: pa }, b: { node: b, port: pb } };
    this.links.push(link);
    this.byPort.set(`${a}\u0000${pa}`, link);
    this.byPort.set(`${b}\u0000${pb}`, link);
    return link;
  }

  /** The port of `node` that faces `peer`. */
  portToward(node: string, peer: string): string {
    for (const l of this.links) {
      if (l.a.node === node && l.b.node === peer) return l.a.port;
      if (l.b.node === node && l.a.node === peer) return l.b.port;
    }
    throw new Error(`${node} has no link to ${peer}`);
  }

  /** Adds an underlay route on `node`: `prefix` via the neighbour `via` (optionally pushing MPLS labels). */
  route(node: string, prefix: string, via: string, push?: readonly number[]): this {
    this.node(node).addRoute({ prefix, port: this.portToward(node, via), ...(push ? { push } : {}) });
    return this;
  }

  /** Adds an MPLS label route on `node`: swap `label` for `outLabel` (or pop it) toward `via`. */
  label(node: string, label: number, action: 'swap' | 'pop', via: string, outLabel?: number): this {
    this.node(node).addLabelRoute({ label, action, port: this.portToward(node, via), ...(outLabel === undefined ? {} : { outLabel }) });
    return this;
  }

  /**
   * Hands `packet` (an IP packet as bytes or layers, or an Ethernet frame as layers starting with
   * `ethernet`) to node `from` as if an application there sent it, and follows every frame it causes.
   */
  async send(from: string, packet: Uint8Array | readonly LayerObject[], opts: SendOptions = {}): Promise<Trace> {
    const maxHops = opts.maxHops ?? 64;
    const node = this.node(from);
    let bytes = packet instanceof Uint8Array ? packet : encodeStack(packet);
    const isFrame = !(packet instanceof Uint8Array) && packet[0]?.layer === 'ethernet';
    let origin: Decision;
    if (node.kind === 'overlay') {
      // A virtual host hands its packet to the one port it has.
      const port = [...node.ports.values()][0];
      if (!port) origin = { action: 'drop', reason: 'no-underlay-route', detail: `${from} has no port` };
      else {
        if (!isFrame) bytes = ipInEthernet(bytes, port.mac, port.peerMac);
        origin = { action: 'forward-overlay', detail: `sent on ${port.name}`, out: [{ port: port.name, bytes }], decrypted: false };
      }
    } else {
      if (!isFrame) bytes = ipInEthernet(bytes);
      origin = await decide(node, bytes);
    }
    const hops: Hop[] = [];
    const queue: Array<{ parent: number; node: string; decision: Decision }> = [{ parent: 0, node: from, decision: origin }];
    let truncated = false;
    while (queue.length > 0) {
      const { parent, node: at, decision } = queue.shift()!;
      if (decision.action !== 'forward-underlay' && decision.action !== 'forward-overlay') continue;
      for (const e of decision.out) {
        if (hops.length >= maxHops) {
          truncated = true;
          break;
        }
        const link = this.byPort.get(`${at}\u0000${e.port}`);
        if (!link) continue;
        const far = link.a.node === at && link.a.port === e.port ? link.b : link.a;
        const d = await decide(this.node(far.node), e.bytes, far.port);
        const hop: Hop = {
          step: hops.length + 1,
          parent,
          link: link.name,
          from: at,
          to: far.node,
          bytes: e.bytes,
          packet: decodeStack(e.bytes),
          decision: d,
        };
        hops.push(hop);
        queue.push({ parent: hop.step, node: far.node, decision: d });
      }
    }
    return {
      origin: { node: from, decision: origin },
      hops,
      delivered: hops.filter((h) => h.decision.action.startsWith('deliver')),
      dropped: hops.filter((h) => h.decision.action === 'drop'),
      truncated,
    };
  }

  /** The trace as a pcapng: one Ethernet interface per link (named after it), one packet per hop, the decision as its comment. */
  toPcapng(traces: readonly Trace[], startNs = 1_700_000_000_000_000_000n): Uint8Array {
    const records = [];
    let t = startNs;
    for (const tr of traces)
      for (const h of tr.hops) {
        const link = this.links.find((l) => l.name === h.link)!;
        t += 1000n;
        records.push({
          interfaceId: link.index,
          timestampNs: t,
          data: h.bytes,
          comments: [`hop ${h.step}: ${h.from} → ${h.to}: ${summarize(h.decision)}`],
        });
      }
    return writePcapng({
      section: { userAppl: 'wirestack overlay' },
      interfaces: this.links.map((l) => ({
        linkType: 1,
        name: l.name,
        description: `${l.a.node}:${l.a.port} — ${l.b.node}:${l.b.port}`,
        tsresol: 9,
      })),
      records,
    });
  }
}

/** One line for a decision: its action and detail (or drop reason). */
export function summarize(d: Decision): string {
  return d.action === 'drop' ? `drop (${d.reason}): ${d.detail}` : `${d.action}: ${d.detail}`;
}
