/**
 * `decide(node, frame)`: what a node does with an Ethernet frame it receives, exactly as the overlay
 * model says (issue #7):
 *
 * 1. Is the node the underlay's final destination? No → forward along the underlay (outer TTL − 1),
 *    as any router would; an MPLS frame is label-switched (swap, or pop and route).
 * 2. Yes, and the payload is not an encapsulation it terminates → deliver it as an underlay destination.
 * 3. Yes, and it is encapsulated: decapsulate (and decrypt ESP). Is the node the overlay's final
 *    destination? Yes → deliver. No → look up the next overlay hop, decrement the inner TTL/hop limit
 *    (drop at 0, so loops die), re-encapsulate with that hop as the new underlay destination, send on.
 *
 * Frames from an attached overlay-only node (an `overlay` port) enter at step 3's lookup. Bridged L2
 * segments (VXLAN/Geneve with a {@link Bridge}) forward by inner MAC, learning MAC → remote VTEP.
 *
 * Every header is read with `decodeStack` and written with `encodeStack`. Nothing throws: a missing
 * route, a failed decryption or a malformed packet is a `drop` with its reason. The node's state
 * changes only where a real node's would: the forwarding database learns, ESP SAs advance their
 * sequence numbers and replay windows.
 */
import { DecodeError, EncodeError, type LayerObject, toHex } from '@wirestack/core';
import { EspError } from '@wirestack/esp';
import { type DecodedPacket, decodeStack, encodeStack } from '@wirestack/stack';
import type { Bridge, OverlayNode, Port, Tunnel } from './model.js';

/** Why a packet was dropped. */
export type DropReason =
  | 'malformed'
  | 'ttl-exceeded'
  | 'no-underlay-route'
  | 'no-overlay-route'
  | 'no-label-route'
  | 'no-neighbor'
  | 'unknown-sa'
  | 'decrypt-failed'
  | 'replay'
  | 'unprotected'
  | 'not-for-me'
  | 'split-horizon'
  | 'unknown-port'
  /** An ESP dummy packet (Next Header 59, RFC 4303 §2.6): verified, then discarded as the RFC says. */
  | 'esp-dummy'
  /** The packet could not be re-encapsulated: the result would not fit its headers (an IPv4 total length over 65535, say) or the SA is exhausted. */
  | 'encode-failed';

/** A frame the node sends out of one of its ports. */
export interface Emit {
  port: string;
  bytes: Uint8Array;
}

/** What a node does with a frame. */
export type Decision =
  | { action: 'deliver-underlay'; detail: string; packet: DecodedPacket }
  | { action: 'deliver-overlay'; detail: string; inner: Uint8Array; decrypted: boolean }
  | { action: 'forward-underlay'; detail: string; out: Emit[] }
  | { action: 'forward-overlay'; detail: string; out: Emit[]; tunnel?: string; decrypted: boolean }
  | { action: 'drop'; reason: DropReason; detail: string };

const BROADCAST = 'ff:ff:ff:ff:ff:ff';
const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;
const ETHERTYPE_TEB = 0x6558;
const PROTO_IPV4 = 4;
const PROTO_IPV6 = 41;
const PROTO_GRE = 47;
const PROTO_UDP = 17;
const PROTO_ESP = 50;
/** IANA protocol number 143: Ethernet (RFC 8986), the ESP next header for an Ethernet frame. */
const PROTO_ETHERNET = 143;
const VXLAN_PORT = 4789;
const GENEVE_PORT = 6081;

const drop = (reason: DropReason, detail: string): Decision => ({ action: 'drop', reason, detail });

function isMulticastMac(mac: string): boolean {
  return (Number.parseInt(mac.slice(0, 2), 16) & 1) === 1;
}

/** The IP version of a packet from its first nibble (4, 6, or 0 when neither). */
function ipVersion(b: Uint8Array): 4 | 6 | 0 {
  const v = (b[0] ?? 0) >> 4;
  return v === 4 || v === 6 ? v : 0;
}

interface IpInfo {
  version: 4 | 6;
  src: string;
  dst: string;
  ttl: number;
  /** The protocol after the IP header and its IPv6 extension headers. */
  protocol: number;
  /** Offset of the payload in the packet bytes. */
  payloadOffset: number;
  /** End of the datagram. */
  end: number;
}

/** Reads an IP packet's addresses, TTL and payload bounds with the stack codecs; undefined when malformed. */
function readIp(bytes: Uint8Array): { info: IpInfo; pkt: DecodedPacket } | undefined {
  const v = ipVersion(bytes);
  if (v === 0) return undefined;
  const pkt = decodeStack(bytes, { first: v === 4 ? 'ipv4' : 'ipv6', verifyChecksums: true });
  const ip = pkt.layers[0];
  if (!ip || ip.layer !== (v === 4 ? 'ipv4' : 'ipv6')) return undefined;
  if (pkt.issues.some((i) => i.layerIndex === 0 && i.code !== 'bad-checksum')) return undefined;
  let k = 1;
  let protocol = (v === 4 ? ip.protocol : ip.nextHeader) as number;
  while (pkt.layers[k]?.layer.startsWith('ipv6-')) {
    protocol = pkt.layers[k]!.nextHeader as number;
    k++;
  }
  const end = v === 4 ? (ip.totalLength as number) : 40 + (ip.payloadLength as number);
  const payloadOffset = pkt.spans[k]?.offset ?? Math.min(end, bytes.length);
  return {
    info: {
      version: v,
      src: ip.src as string,
      dst: ip.dst as string,
      ttl: (v === 4 ? ip.ttl : ip.hopLimit) as number,
      protocol,
      payloadOffset,
      end: Math.min(end, bytes.length),
    },
    pkt,
  };
}

/**
 * The IP packet with its TTL / hop limit one less (the IPv4 header checksum recomputed by the codec),
 * or undefined when it would reach 0.
 */
export function decrementTtl(ipPacket: Uint8Array): Uint8Array | undefined {
  const r = readIp(ipPacket);
  if (!r || r.info.ttl <= 1) return undefined;
  const ip = { ...(r.pkt.layers[0] as LayerObject) } as Record<string, unknown>;
  if (r.info.version === 4) {
    ip.ttl = r.info.ttl - 1;
    delete ip.checksum;
  } else ip.hopLimit = r.info.ttl - 1;
  const header = encodeStack([ip as LayerObject, { layer: 'raw', data: '' }]);
  const out = ipPacket.slice(0, r.info.end);
  out.set(header.subarray(0, r.pkt.spans[0]!.length), 0);
  return out;
}

/** An Ethernet frame around an IP packet (EtherType from its version); MACs default to zero. */
export function ipInEthernet(ip: Uint8Array, src?: string, dst?: string): Uint8Array {
  const eth: LayerObject = {
    layer: 'ethernet',
    ...(src === undefined ? {} : { src }),
    ...(dst === undefined ? {} : { dst }),
    etherType: ipVersion(ip) === 6 ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4,
  };
  return encodeStack([eth, { layer: 'raw', data: toHex(ip) }]);
}

/** The IP packet framed for the link out of `port`. */
function frameOn(port: Port, ip: Uint8Array): Uint8Array {
  return ipInEthernet(ip, port.mac, port.peerMac);
}

/** A deterministic UDP source port from the inner bytes (RFC 7348 §5: a hash of the inner flow, 49152-65535). */
function entropyPort(inner: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < Math.min(inner.length, 64); i++) h = Math.imul(h ^ (inner[i] as number), 0x01000193);
  return 49152 + ((h >>> 0) % 16384);
}

/** Sends an IP packet along the underlay: longest-prefix route, MPLS push where the route says so. */
function underlayEmit(
  node: OverlayNode,
  ipPacket: Uint8Array,
  detail: string,
  overlay?: { tunnel?: string; decrypted: boolean },
): Decision {
  const r = readIp(ipPacket);
  if (!r) return drop('malformed', 'not an IP packet');
  const route = node.routes.lookup(r.info.dst);
  if (!route) return drop('no-underlay-route', `no underlay route to ${r.info.dst}`);
  const port = node.port(route.port);
  if (!port) return drop('unknown-port', `route to ${r.info.dst} names port ${route.port}, which ${node.name} lacks`);
  let frame: Uint8Array;
  let how = '';
  if (route.push && route.push.length > 0) {
    frame = encodeStack([
      { layer: 'ethernet', dst: port.peerMac, src: port.mac },
      ...route.push.map((label) => ({ layer: 'mpls', label, ttl: 64 })),
      { layer: 'raw', data: toHex(ipPacket) },
    ]);
    how = `, push label${route.push.length > 1 ? 's' : ''} ${route.push.join('/')}`;
  } else frame = frameOn(port, ipPacket);
  const out = [{ port: port.name, bytes: frame }];
  if (overlay) {
    const d: Decision = { action: 'forward-overlay', detail: `${detail}${how}`, out, decrypted: overlay.decrypted };
    if (overlay.tunnel !== undefined) d.tunnel = overlay.tunnel;
    return d;
  }
  return { action: 'forward-underlay', detail: `${detail}${how}`, out };
}

/** Builds the outer IP packet of a tunnel around `inner` (an IP packet, or an Ethernet frame for L2 tunnels), sealing it with ESP when the tunnel says so. */
async function encapsulate(t: Tunnel, inner: Uint8Array, innerIsEthernet: boolean): Promise<Uint8Array> {
  const v6 = t.remote.includes(':');
  const ip: LayerObject = v6
    ? { layer: 'ipv6', src: t.local, dst: t.remote, hopLimit: t.ttl ?? 64 }
    : { layer: 'ipv4', src: t.local, dst: t.remote, ttl: t.ttl ?? 64 };
  const data = toHex(inner);
  let layers: LayerObject[];
  let protocol: number;
  switch (t.encapsulation) {
    case 'ip':
      protocol = ipVersion(inner) === 6 ? PROTO_IPV6 : PROTO_IPV4;
      layers = [
        { ...ip, [v6 ? 'nextHeader' : 'protocol']: protocol },
        { layer: 'raw', data },
      ];
      break;
    case 'gre':
    case 'gre-eth': {
      protocol = PROTO_GRE;
      const protocolType = innerIsEthernet ? ETHERTYPE_TEB : ipVersion(inner) === 6 ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4;
      const gre: LayerObject = t.key === undefined ? { layer: 'gre', protocolType } : { layer: 'gre', protocolType, key: t.key };
      layers = [ip, gre, { layer: 'raw', data }];
      break;
    }
    case 'vxlan':
      protocol = PROTO_UDP;
      layers = [
        ip,
        { layer: 'udp', srcPort: entropyPort(inner), dstPort: VXLAN_PORT },
        { layer: 'vxlan', vni: t.vni ?? 0 },
        { layer: 'raw', data },
      ];
      break;
    case 'geneve':
      protocol = PROTO_UDP;
      layers = [
        ip,
        { layer: 'udp', srcPort: entropyPort(inner), dstPort: GENEVE_PORT },
        { layer: 'geneve', vni: t.vni ?? 0, protocolType: ETHERTYPE_TEB },
        { layer: 'raw', data },
      ];
      break;
  }
  const plain = encodeStack(layers);
  if (!t.esp) return plain;
  // ESP (RFC 4303): everything after the outer IP header is sealed; its protocol becomes the ESP next header.
  const ipLen = v6 ? 40 : 20;
  const sealed = await t.esp.outbound.seal(plain.subarray(ipLen), protocol);
  return encodeStack([
    { ...ip, [v6 ? 'nextHeader' : 'protocol']: PROTO_ESP },
    { layer: 'raw', data: toHex(sealed) },
  ]);
}

interface Ingress {
  port?: Port;
  tunnel?: Tunnel;
  decrypted: boolean;
}

/** Step 3's lookup: the inner IP packet is delivered here, or goes on to the next overlay hop. */
async function routeInner(node: OverlayNode, ip: Uint8Array, from: Ingress): Promise<Decision> {
  const r = readIp(ip);
  if (!r) return drop('malformed', 'inner packet is not IP');
  const { dst } = r.info;
  if (node.ownsVirtual(dst))
    return { action: 'deliver-overlay', detail: `inner ${r.info.src} → ${dst} is for ${node.name}`, inner: ip, decrypted: from.decrypted };
  const route = node.overlayRoutes.lookup(dst);
  if (!route) return drop('no-overlay-route', `no overlay route to ${dst}`);
  const next = decrementTtl(ip);
  if (!next) return drop('ttl-exceeded', `inner TTL of ${r.info.src} → ${dst} ran out at ${node.name}`);
  const ttlNote = `inner ttl ${r.info.ttl}→${r.info.ttl - 1}`;
  if (route.port !== undefined) {
    const port = node.port(route.port);
    if (!port) return drop('unknown-port', `overlay route names port ${route.port}`);
    return {
      action: 'forward-overlay',
      detail: `${from.tunnel ? `decapsulated from ${from.tunnel.name}; ` : ''}to attached ${dst} on ${port.name} (${ttlNote})`,
      out: [{ port: port.name, bytes: frameOn(port, next) }],
      decrypted: from.decrypted,
    };
  }
  const t = route.tunnel === undefined ? undefined : node.tunnels.get(route.tunnel);
  if (!t) return drop('no-overlay-route', `overlay route to ${dst} names tunnel ${route.tunnel}, which ${node.name} lacks`);
  let payload = next;
  const l2 = t.encapsulation === 'vxlan' || t.encapsulation === 'geneve' || t.encapsulation === 'gre-eth';
  if (l2) {
    if (!route.nextHopMac || !node.overlayMac) return drop('no-neighbor', `no MAC for the next hop on L2 tunnel ${t.name}`);
    payload = ipInEthernet(next, node.overlayMac, route.nextHopMac);
  }
  const outer = await encapsulate(t, payload, l2);
  const verb = from.tunnel ? `re-encapsulated from ${from.tunnel.name} into` : 'encapsulated into';
  return underlayEmit(node, outer, `${verb} ${t.name} (${describe(t)}) to ${t.remote}, ${ttlNote}`, {
    tunnel: t.name,
    decrypted: from.decrypted,
  });
}

/** Short text for a tunnel's encapsulation. */
export function describe(t: Tunnel): string {
  const base =
    t.encapsulation === 'vxlan'
      ? `vxlan vni ${t.vni ?? 0}`
      : t.encapsulation === 'geneve'
        ? `geneve vni ${t.vni ?? 0}`
        : t.encapsulation === 'ip'
          ? 'ip-in-ip'
          : `${t.encapsulation}${t.key === undefined ? '' : ` key ${t.key}`}`;
  return t.esp ? `${base} + esp spi 0x${t.esp.outbound.spi.toString(16)}` : base;
}

const segment = (b: Bridge): string => (b.vni === undefined ? 'bridged' : `bridged vni ${b.vni}`);

function learn(node: OverlayNode, mac: string, where: { tunnel: string } | { port: string }): void {
  const m = mac.toLowerCase();
  if (isMulticastMac(m)) return;
  const e = node.fdb.get(m);
  if (e?.source === 'static') return;
  node.fdb.set(m, { ...where, source: 'learned' });
}

/** Bridges an Ethernet frame within a segment: by FDB entry, or flooded (head-end replication). */
async function bridgeForward(node: OverlayNode, bridge: Bridge, frame: Uint8Array, dstMac: string, from: Ingress): Promise<Decision> {
  const dst = dstMac.toLowerCase();
  const entry = isMulticastMac(dst) ? undefined : node.fdb.get(dst);
  const out: Emit[] = [];
  const notes: string[] = [];
  const toTunnel = async (name: string): Promise<Decision | undefined> => {
    const t = node.tunnels.get(name);
    if (!t) return drop('no-overlay-route', `bridge names tunnel ${name}, which ${node.name} lacks`);
    const d = underlayEmit(node, await encapsulate(t, frame, true), '', { tunnel: t.name, decrypted: from.decrypted });
    if (d.action !== 'forward-overlay') return d;
    out.push(...d.out);
    notes.push(`${t.name} (${describe(t)}) to ${t.remote}`);
    return undefined;
  };
  if (entry) {
    if (entry.port !== undefined) {
      if (from.port?.name === entry.port) return drop('split-horizon', `${dst} is on the port it came from`);
      out.push({ port: entry.port, bytes: frame });
      notes.push(`port ${entry.port}`);
    } else if (entry.tunnel !== undefined) {
      if (from.tunnel)
        return drop('split-horizon', `${dst} is behind tunnel ${entry.tunnel}; frames from a tunnel are not sent into another`);
      const bad = await toTunnel(entry.tunnel);
      if (bad) return bad;
    }
    return {
      action: 'forward-overlay',
      detail: `${segment(bridge)}: ${dst} ${entry.source} → ${notes.join(', ')}`,
      out,
      decrypted: from.decrypted,
      ...(entry.tunnel !== undefined ? { tunnel: entry.tunnel } : {}),
    };
  }
  for (const p of bridge.ports)
    if (p !== from.port?.name) {
      out.push({ port: p, bytes: frame });
      notes.push(`port ${p}`);
    }
  if (!from.tunnel)
    for (const name of bridge.tunnels) {
      const bad = await toTunnel(name);
      if (bad) return bad;
    }
  if (out.length === 0) return drop('no-overlay-route', `nowhere to flood ${dst} (${segment(bridge)})`);
  return {
    action: 'forward-overlay',
    detail: `${segment(bridge)}: ${dst} unknown, flooded → ${notes.join(', ')}`,
    out,
    decrypted: from.decrypted,
  };
}

/** An inner Ethernet frame from a tunnel or a local port. */
async function handleFrame(node: OverlayNode, frame: Uint8Array, from: Ingress): Promise<Decision> {
  const pkt = decodeStack(frame);
  const eth = pkt.layers[0];
  if (eth?.layer !== 'ethernet' || pkt.spans.length < 1) return drop('malformed', 'inner frame is not Ethernet');
  const src = eth.src as string;
  const dst = eth.dst as string;
  const bridge = from.tunnel
    ? node.bridges.find((b) => b.tunnels.includes(from.tunnel!.name))
    : from.port
      ? node.bridges.find((b) => b.ports.includes(from.port!.name))
      : undefined;
  if (bridge) learn(node, src, from.tunnel ? { tunnel: from.tunnel.name } : { port: from.port!.name });
  const forMe = dst === node.overlayMac || (from.port !== undefined && dst === from.port.mac);
  if (forMe || (!bridge && dst === BROADCAST)) {
    const ipStart = pkt.spans[1]?.offset;
    if (ipStart === undefined) return drop('malformed', 'frame to this node carries nothing');
    return routeInner(node, frame.subarray(ipStart), from);
  }
  if (!bridge) return drop('not-for-me', `inner frame to ${dst} is not for ${node.name}`);
  return bridgeForward(node, bridge, frame, dst, from);
}

/** The tunnel that matches what arrived, if this node terminates it. */
function findTunnel(node: OverlayNode, outerSrc: string, match: (t: Tunnel) => boolean): Tunnel | undefined {
  for (const t of node.tunnels.values()) if (sameAddress(t.remote, outerSrc) && match(t)) return t;
  return undefined;
}

function sameAddress(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase() || a.replace(/^::ffff:/, '') === b;
}

/** Step 2/3: the node is the underlay destination; `payload` follows the outer IP header with `protocol`. */
async function terminate(
  node: OverlayNode,
  protocol: number,
  payload: Uint8Array,
  outer: IpInfo,
  packet: DecodedPacket,
  esp?: Tunnel,
): Promise<Decision> {
  const decrypted = esp !== undefined;
  const underlay = (): Decision =>
    esp
      ? drop('malformed', `ESP from ${outer.src} decrypted to protocol ${protocol}, which no tunnel here terminates`)
      : { action: 'deliver-underlay', detail: `${outer.src} → ${outer.dst} protocol ${protocol} is for ${node.name}`, packet };
  const requireEsp = (t: Tunnel): Decision | undefined =>
    t.esp && !decrypted ? drop('unprotected', `tunnel ${t.name} requires ESP; a cleartext packet came from ${outer.src}`) : undefined;
  if (protocol === PROTO_ESP) {
    if (payload.length < 8) return drop('malformed', 'ESP shorter than its header');
    const spi = ((payload[0]! << 24) | (payload[1]! << 16) | (payload[2]! << 8) | payload[3]!) >>> 0;
    const t = findTunnel(node, outer.src, (x) => x.esp?.inbound.spi === spi);
    if (!t?.esp) return drop('unknown-sa', `no security association for SPI 0x${spi.toString(16)} from ${outer.src}`);
    try {
      const opened = await t.esp.inbound.open(payload);
      if (opened.dummy)
        return drop('esp-dummy', `ESP SPI 0x${spi.toString(16)} #${opened.sequence}: a dummy (traffic flow confidentiality) packet`);
      return terminate(node, opened.nextHeader, opened.payload, outer, packet, t);
    } catch (e) {
      if (e instanceof EspError) {
        const reason = (e as EspError & { reason?: string }).reason;
        return drop(reason === 'replay' ? 'replay' : 'decrypt-failed', `ESP SPI 0x${spi.toString(16)}: ${e.message}`);
      }
      throw e;
    }
  }
  if (protocol === PROTO_IPV4 || protocol === PROTO_IPV6) {
    const t = findTunnel(node, outer.src, (x) => x.encapsulation === 'ip');
    if (!t) return underlay();
    return requireEsp(t) ?? routeInner(node, payload, { tunnel: t, decrypted });
  }
  if (protocol === PROTO_ETHERNET && esp) return handleFrame(node, payload, { tunnel: esp, decrypted });
  if (protocol === PROTO_GRE) {
    const p = decodeStack(payload, { first: 'gre' });
    const gre = p.layers[0];
    if (gre?.layer !== 'gre' || p.spans.length < 2) return drop('malformed', 'GRE header malformed');
    const key = gre.key as number | undefined;
    const type = gre.protocolType as number;
    const t = findTunnel(node, outer.src, (x) => (x.encapsulation === 'gre' || x.encapsulation === 'gre-eth') && x.key === key);
    if (!t) return underlay();
    const bad = requireEsp(t);
    if (bad) return bad;
    const inner = payload.subarray(p.spans[1]!.offset);
    if (type === ETHERTYPE_TEB) return handleFrame(node, inner, { tunnel: t, decrypted });
    if (type === ETHERTYPE_IPV4 || type === ETHERTYPE_IPV6) return routeInner(node, inner, { tunnel: t, decrypted });
    return drop('malformed', `GRE protocol type 0x${type.toString(16)} is not carried by tunnel ${t.name}`);
  }
  if (protocol === PROTO_UDP) {
    if (payload.length < 8) return drop('malformed', 'UDP shorter than its header');
    const dstPort = (payload[2]! << 8) | payload[3]!;
    if (dstPort !== VXLAN_PORT && dstPort !== GENEVE_PORT) return underlay();
    const kind = dstPort === VXLAN_PORT ? 'vxlan' : 'geneve';
    const p = decodeStack(payload, { first: 'udp' });
    const hdr = p.layers[1];
    if (!hdr || hdr.layer !== kind || p.spans.length < 3) return drop('malformed', `${kind} header malformed`);
    const vni = hdr.vni as number;
    const t = findTunnel(node, outer.src, (x) => x.encapsulation === kind && (x.vni ?? 0) === vni);
    if (!t) {
      const known = [...node.tunnels.values()].some((x) => x.encapsulation === kind && (x.vni ?? 0) === vni);
      // a VTEP of the VNI that does not know this remote yet: with a bridge, the remote is learned as a tunnel-less peer is not modelled
      return known ? drop('unknown-sa', `${kind} vni ${vni} from ${outer.src}: not a configured remote VTEP`) : underlay();
    }
    const bad = requireEsp(t);
    if (bad) return bad;
    return handleFrame(node, payload.subarray(p.spans[2]!.offset), { tunnel: t, decrypted });
  }
  return underlay();
}

/** MPLS label switching: swap the top label, or pop it and route what is under it. */
async function labelSwitch(node: OverlayNode, frame: Uint8Array, pkt: DecodedPacket): Promise<Decision> {
  const top = pkt.layers[1]!;
  const label = top.label as number;
  const lr = node.labels.get(label);
  if (!lr) return drop('no-label-route', `no label route for label ${label}`);
  const ttl = (top.ttl as number) - 1;
  if (ttl <= 0) return drop('ttl-exceeded', `MPLS TTL of label ${label} ran out`);
  const port = node.port(lr.port);
  if (!port) return drop('unknown-port', `label route names port ${lr.port}`);
  const rest = frame.subarray(pkt.spans[1]!.offset + 4, frame.length - (pkt.trailer ? pkt.trailer.length / 2 : 0));
  if (lr.action === 'swap') {
    if (lr.outLabel === undefined) return drop('no-label-route', `swap for label ${label} has no out label`);
    const bytes = encodeStack([
      { layer: 'ethernet', dst: port.peerMac, src: port.mac },
      { layer: 'mpls', label: lr.outLabel, tc: top.tc, ttl, bottomOfStack: top.bottomOfStack },
      { layer: 'raw', data: toHex(rest) },
    ]);
    return { action: 'forward-underlay', detail: `swap label ${label} → ${lr.outLabel}`, out: [{ port: port.name, bytes }] };
  }
  if (!top.bottomOfStack) {
    const bytes = encodeStack([
      { layer: 'ethernet', dst: port.peerMac, src: port.mac, etherType: 0x8847 },
      { layer: 'raw', data: toHex(rest) },
    ]);
    return { action: 'forward-underlay', detail: `pop label ${label}`, out: [{ port: port.name, bytes }] };
  }
  const r = readIp(rest);
  if (!r) return drop('malformed', `under label ${label}: not an IP packet`);
  const ip = rest.subarray(0, r.info.end);
  if (node.ownsUnderlay(r.info.dst)) {
    const d = await terminate(node, r.info.protocol, ip.subarray(r.info.payloadOffset), r.info, r.pkt);
    if (d.action === 'deliver-underlay' || d.action === 'drop') return d;
    return { ...d, detail: `pop label ${label}; ${d.detail}` };
  }
  // penultimate hop popping: the IP packet goes to the port the label route names
  const bytes = frameOn(port, ip);
  return { action: 'forward-underlay', detail: `pop label ${label} (penultimate hop)`, out: [{ port: port.name, bytes }] };
}

/**
 * What `node` does with the Ethernet `frame` it received on port `ingress` (omit it for a frame the
 * node originates). Never throws on bad input: a malformed frame is a `drop`.
 */
export async function decide(node: OverlayNode, frame: Uint8Array, ingress?: string): Promise<Decision> {
  try {
    return await decideInner(node, frame, ingress);
  } catch (e) {
    if (e instanceof DecodeError) return drop('malformed', e.message);
    if (e instanceof EncodeError) return drop('encode-failed', e.message);
    throw e;
  }
}

async function decideInner(node: OverlayNode, frame: Uint8Array, ingressName?: string): Promise<Decision> {
  const ingress = ingressName === undefined ? undefined : node.port(ingressName);
  if (ingressName !== undefined && !ingress) return drop('unknown-port', `${node.name} has no port ${ingressName}`);
  const pkt = decodeStack(frame);
  const eth = pkt.layers[0];
  if (eth?.layer !== 'ethernet' || pkt.layers.length < 2) return drop('malformed', 'not an Ethernet frame with a payload');
  // Overlay traffic from an attached overlay-only node enters at the overlay lookup.
  if (ingress?.role === 'overlay') return handleFrame(node, frame, { port: ingress, decrypted: false });
  if (node.kind === 'overlay') {
    // A virtual host: the frame carries its virtual destination and nothing else.
    const second = pkt.layers[1]!;
    if (second.layer !== 'ipv4' && second.layer !== 'ipv6') return drop('malformed', 'not an IP packet');
    const dst = second.dst as string;
    if (node.ownsVirtual(dst))
      return {
        action: 'deliver-overlay',
        detail: `${second.src} → ${dst} is for ${node.name}`,
        inner: frame.subarray(pkt.spans[1]!.offset),
        decrypted: false,
      };
    return drop('not-for-me', `${dst} is not ${node.name}'s address`);
  }
  if (pkt.layers[1]!.layer === 'mpls') return labelSwitch(node, frame, pkt);
  const ipBytes = frame.subarray(pkt.spans[1]!.offset);
  const r = readIp(ipBytes);
  if (!r) return drop('malformed', 'not an IP packet');
  if (r.pkt.issues.some((i) => i.layerIndex === 0 && i.code === 'bad-checksum')) return drop('malformed', 'bad IPv4 header checksum');
  // Step 1: not the underlay destination → forward, as any router would.
  if (!node.ownsUnderlay(r.info.dst)) {
    const ip = ipBytes.subarray(0, r.info.end);
    // A packet this node originates (no ingress) is not decremented.
    const next = ingress === undefined ? ip : decrementTtl(ip);
    if (!next) return drop('ttl-exceeded', `TTL of ${r.info.src} → ${r.info.dst} ran out at ${node.name}`);
    if (node.kind === 'both' && ingress === undefined && node.overlayRoutes.lookup(r.info.dst))
      return routeInner(node, ip, { decrypted: false });
    return underlayEmit(node, next, `route ${r.info.dst}${ingress === undefined ? '' : `, ttl ${r.info.ttl}→${r.info.ttl - 1}`}`);
  }
  // Steps 2 and 3.
  return terminate(node, r.info.protocol, ipBytes.subarray(r.info.payloadOffset, r.info.end), r.info, pkt);
}
