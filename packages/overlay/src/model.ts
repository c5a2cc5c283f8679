/**
 * The overlay node model.
 *
 * ```text
 *   overlay-only          both (tunnel endpoint)        underlay-only         both
 *   ┌────────┐  port  ┌────────────────────────┐  link  ┌──────────┐  link  ┌──────────┐
 *   │ pod    │────────│ virtual IP + underlay IP│────────│ router   │────────│ endpoint │ ...
 *   │ 10.1.. │        │ tunnels, overlay routes │        │ routes,  │        │          │
 *   └────────┘        └────────────────────────┘        │ labels   │        └──────────┘
 *                                                        └──────────┘
 * ```
 *
 * Every link is a point-to-point Ethernet link: a port knows its own MAC and its peer's, so no ARP is
 * needed in the model (the real-peer VTEP in `./node` answers ARP). Underlay routes pick a port by
 * longest prefix; an MPLS ingress route pushes labels; label routes swap or pop. Overlay routes pick a
 * tunnel (or a local port to an attached overlay-only node). A node may bridge one L2 segment (VXLAN or
 * Geneve VNI) with a forwarding database that learns MAC → remote VTEP from traffic and holds static
 * entries.
 */
import type { EspSa } from '@wirestack/esp';
import ipaddr from 'ipaddr.js';

/** underlay: a router or host that knows no overlay; overlay: a virtual host (a pod) with only a virtual address; both: a tunnel endpoint. */
export type NodeKind = 'underlay' | 'overlay' | 'both';

/** How a tunnel carries its payload over the underlay. */
export type Encapsulation =
  /** IPv4 or IPv6 in IPv4/IPv6 (IP protocol 4 or 41, RFC 2003 / RFC 4213). */
  | 'ip'
  /** GRE (RFC 2784/2890) carrying IP (protocol type 0x0800/0x86dd). */
  | 'gre'
  /** GRE carrying Ethernet (transparent Ethernet bridging, 0x6558). */
  | 'gre-eth'
  /** VXLAN (RFC 7348, UDP 4789) carrying Ethernet. */
  | 'vxlan'
  /** Geneve (RFC 8926, UDP 6081) carrying Ethernet. */
  | 'geneve';

/** One end of a point-to-point Ethernet link. */
export interface Port {
  name: string;
  /** This port's MAC. */
  mac: string;
  /** The MAC of the port at the other end of the link. */
  peerMac: string;
  /** 'overlay' ports face attached overlay-only nodes; frames from them are overlay traffic. */
  role: 'underlay' | 'overlay';
}

/** An underlay route: longest prefix match picks the port; `push` makes this node an MPLS ingress (labels outermost first). */
export interface Route {
  prefix: string;
  port: string;
  push?: readonly number[];
}

/** An MPLS label route (LFIB entry): swap the top label, or pop it (penultimate or final hop). */
export interface LabelRoute {
  label: number;
  action: 'swap' | 'pop';
  /** The new label for 'swap'. */
  outLabel?: number;
  port: string;
}

/** ESP protection of a tunnel (RFC 4303): what this node seals with and opens with. */
export interface TunnelEsp {
  outbound: EspSa;
  inbound: EspSa;
}

/** A tunnel: a link between two overlay nodes across the underlay. */
export interface Tunnel {
  name: string;
  encapsulation: Encapsulation;
  /** This node's underlay address (the outer source). */
  local: string;
  /** The far endpoint's underlay address (the outer destination). */
  remote: string;
  /** VXLAN/Geneve VNI. */
  vni?: number;
  /** GRE key. */
  key?: number;
  /** Encrypt the tunnel's packets with ESP (the outer IP protocol becomes 50). */
  esp?: TunnelEsp;
  /** Outer TTL / hop limit (default 64). */
  ttl?: number;
}

/** An overlay route: the next overlay hop (a tunnel) or a local port to an attached overlay-only node. */
export interface OverlayRoute {
  prefix: string;
  tunnel?: string;
  port?: string;
  /** For L2 tunnels routed at L3 (the Flannel model): the inner destination MAC (the next hop's VTEP MAC). */
  nextHopMac?: string;
}

/** A bridged L2 segment (one VNI) with MAC learning. */
export interface Bridge {
  /** The segment's VNI (VXLAN/Geneve); omitted for an Ethernet-over-GRE pseudowire. */
  vni?: number;
  /** Tunnels of the segment: flooding (head-end replication) goes to each. */
  tunnels: readonly string[];
  /** Local overlay ports in the segment. */
  ports: readonly string[];
}

/** Where a MAC lives, as the forwarding database knows it. */
export interface FdbEntry {
  tunnel?: string;
  port?: string;
  /** 'static' entries are configured and never overwritten by learning. */
  source: 'static' | 'learned';
}

/** A node's configuration. */
export interface NodeConfig {
  name: string;
  kind: NodeKind;
  /** Underlay addresses (underlay and both). */
  addresses?: readonly string[];
  /** Virtual (overlay) addresses (overlay and both). */
  virtualAddresses?: readonly string[];
  /** This node's own MAC on an L2 overlay segment (its VTEP MAC: frames to it are routed, Flannel model). */
  overlayMac?: string;
}

interface Prefixed {
  net: [ipaddr.IPv4 | ipaddr.IPv6, number];
}

function parsePrefix(prefix: string): [ipaddr.IPv4 | ipaddr.IPv6, number] {
  if (prefix.includes('/')) return ipaddr.parseCIDR(prefix);
  const a = ipaddr.parse(prefix);
  return [a, a.kind() === 'ipv4' ? 32 : 128];
}

/** Longest-prefix-match table over IPv4 and IPv6 prefixes. */
export class PrefixTable<T> {
  private readonly entries: Array<Prefixed & { value: T }> = [];

  add(prefix: string, value: T): void {
    this.entries.push({ net: parsePrefix(prefix), value });
    this.entries.sort((a, b) => b.net[1] - a.net[1]);
  }

  /** The value of the longest prefix containing `address`, or undefined. */
  lookup(address: string): T | undefined {
    let a: ipaddr.IPv4 | ipaddr.IPv6;
    try {
      a = ipaddr.parse(address);
    } catch {
      return undefined;
    }
    for (const e of this.entries) if (e.net[0].kind() === a.kind() && a.match(e.net)) return e.value;
    return undefined;
  }

  get size(): number {
    return this.entries.length;
  }
}

function normalize(addr: string): string {
  return ipaddr.parse(addr).toNormalizedString();
}

/** A node: its configuration and its tables. Build with the methods, or let `Network` do it. */
export class OverlayNode {
  readonly name: string;
  readonly kind: NodeKind;
  readonly addresses: string[];
  readonly virtualAddresses: string[];
  overlayMac: string | undefined;
  readonly ports = new Map<string, Port>();
  readonly routes = new PrefixTable<Route>();
  readonly labels = new Map<number, LabelRoute>();
  readonly tunnels = new Map<string, Tunnel>();
  readonly overlayRoutes = new PrefixTable<OverlayRoute>();
  readonly bridges: Bridge[] = [];
  /** The forwarding database: inner MAC (lower case) → where it lives. */
  readonly fdb = new Map<string, FdbEntry>();
  private readonly own = new Set<string>();
  private readonly ownVirtual = new Set<string>();

  constructor(config: NodeConfig) {
    this.name = config.name;
    this.kind = config.kind;
    this.addresses = [...(config.addresses ?? [])];
    this.virtualAddresses = [...(config.virtualAddresses ?? [])];
    this.overlayMac = config.overlayMac?.toLowerCase();
    for (const a of this.addresses) this.own.add(normalize(a));
    for (const a of this.virtualAddresses) this.ownVirtual.add(normalize(a));
  }

  addPort(port: Port): this {
    this.ports.set(port.name, { ...port, mac: port.mac.toLowerCase(), peerMac: port.peerMac.toLowerCase() });
    return this;
  }
  addRoute(route: Route): this {
    this.routes.add(route.prefix, route);
    return this;
  }
  addLabelRoute(route: LabelRoute): this {
    this.labels.set(route.label, route);
    return this;
  }
  addTunnel(tunnel: Tunnel): this {
    this.tunnels.set(tunnel.name, tunnel);
    return this;
  }
  addOverlayRoute(route: OverlayRoute): this {
    this.overlayRoutes.add(route.prefix, route);
    return this;
  }
  addBridge(bridge: Bridge): this {
    this.bridges.push(bridge);
    return this;
  }
  /** A static forwarding entry: `mac` lives behind `tunnel` or on local `port`. */
  addStaticMac(mac: string, where: { tunnel: string } | { port: string }): this {
    this.fdb.set(mac.toLowerCase(), { ...where, source: 'static' });
    return this;
  }

  /** True when `address` is one of this node's underlay addresses. */
  ownsUnderlay(address: string): boolean {
    try {
      return this.own.has(normalize(address));
    } catch {
      return false;
    }
  }
  /** True when `address` is one of this node's virtual addresses. */
  ownsVirtual(address: string): boolean {
    try {
      return this.ownVirtual.has(normalize(address));
    } catch {
      return false;
    }
  }
  /** The port's MAC and its peer's, or undefined. */
  port(name: string): Port | undefined {
    return this.ports.get(name);
  }
}
