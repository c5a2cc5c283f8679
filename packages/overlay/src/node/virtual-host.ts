/**
 * A virtual IPv4 host on a VXLAN segment: one MAC, one IPv4 address. It answers ARP requests for its
 * address (RFC 826) and ICMP echo requests (RFC 792), keeps an ARP cache, and sends pings of its own.
 * Frames are contract layer objects (`ethernet`, `arp`, `ipv4`, `icmp`, `raw`), so the stack codecs
 * encode and decode every header. (No Node built-ins are used here; only the VTEP it attaches to needs Node.)
 */
import type { LayerObject } from '@wirestack/core';
import type { FrameSender, InnerFrame, VtepPort } from './udp-vtep.js';

/** EtherTypes and codes used here (IEEE registry; RFC 826; RFC 792). */
const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_ARP = 0x0806;
const ARP_HW_ETHERNET = 1;
const ARP_REQUEST = 1;
const ARP_REPLY = 2;
const IP_PROTO_ICMP = 1;
const ICMP_ECHO_REPLY = 0;
const ICMP_ECHO_REQUEST = 8;
const BROADCAST = 'ff:ff:ff:ff:ff:ff';

/** Options of {@link VirtualHost}. */
export interface VirtualHostOptions {
  /** The VXLAN segment. */
  vni: number;
  /** Its MAC, `aa:bb:cc:dd:ee:ff`. */
  mac: string;
  /** Its IPv4 address. */
  ipv4: string;
  /** TTL of the IPv4 packets it sends (default 64). */
  ttl?: number;
}

/** Counters of what the host did. */
export interface VirtualHostStats {
  arpRequestsAnswered: number;
  arpRepliesReceived: number;
  echoRequestsAnswered: number;
  echoRepliesReceived: number;
  /** Frames for it that it neither answered nor expected. */
  ignored: number;
}

/** Options of {@link VirtualHost.ping}. */
export interface PingOptions {
  /** ICMP identifier (default: a per-host counter). */
  identifier?: number;
  /** ICMP sequence number (default 1). */
  sequence?: number;
  /** Echo data as hex (default 56 bytes, like iputils ping's default size). */
  data?: string;
  /** Give up after this many ms (ARP resolution and reply together; default 2000). */
  timeoutMs?: number;
}

/** The reply to {@link VirtualHost.ping}. */
export interface PingReply {
  /** Round-trip time in ms (from the echo request, after ARP resolution). */
  rttMs: number;
  /** The reply's layers, Ethernet first. */
  layers: readonly LayerObject[];
}

interface Waiter<T> {
  resolve(v: T): void;
  reject(e: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

/** An IPv4 host that lives inside a VTEP (see {@link UdpVtep.attach}). */
export class VirtualHost implements VtepPort {
  readonly vni: number;
  readonly mac: string;
  readonly ipv4: string;
  readonly stats: VirtualHostStats = {
    arpRequestsAnswered: 0,
    arpRepliesReceived: 0,
    echoRequestsAnswered: 0,
    echoRepliesReceived: 0,
    ignored: 0,
  };
  /** IPv4 address → MAC, learned from every ARP packet that names a sender. */
  readonly arpCache = new Map<string, string>();
  private readonly ttl: number;
  private send: FrameSender | undefined;
  private ipId = 0;
  private nextIdentifier = 0x5753; // "WS"
  private readonly arpWaiters = new Map<string, Array<Waiter<string>>>();
  private readonly echoWaiters = new Map<string, Waiter<PingReply> & { sentAt: number }>();

  constructor(opts: VirtualHostOptions) {
    this.vni = opts.vni;
    this.mac = opts.mac.toLowerCase();
    this.ipv4 = opts.ipv4;
    this.ttl = opts.ttl ?? 64;
  }

  connect(send: FrameSender): void {
    this.send = send;
  }

  receive(frame: InnerFrame): void {
    const [eth, l3, l4, body] = frame.layers;
    if (eth?.layer !== 'ethernet') return;
    if (l3?.layer === 'arp') {
      this.onArp(l3);
      return;
    }
    if (l3?.layer === 'ipv4' && l3.dst === this.ipv4 && l4?.layer === 'icmp' && frame.packet.ok) {
      if (l4.type === ICMP_ECHO_REQUEST && l4.code === 0) {
        this.stats.echoRequestsAnswered++;
        this.transmit([
          { layer: 'ethernet', dst: eth.src, src: this.mac, etherType: ETHERTYPE_IPV4 },
          { layer: 'ipv4', ttl: this.ttl, identification: this.nextIpId(), src: this.ipv4, dst: l3.src, protocol: IP_PROTO_ICMP },
          { layer: 'icmp', type: ICMP_ECHO_REPLY, code: 0, identifier: l4.identifier, sequence: l4.sequence },
          ...(body?.layer === 'raw' ? [{ layer: 'raw', data: body.data }] : []),
        ]);
        return;
      }
      if (l4.type === ICMP_ECHO_REPLY) {
        const k = `${l3.src}/${l4.identifier}/${l4.sequence}`;
        const w = this.echoWaiters.get(k);
        if (w) {
          this.echoWaiters.delete(k);
          clearTimeout(w.timer);
          this.stats.echoRepliesReceived++;
          w.resolve({ rttMs: performance.now() - w.sentAt, layers: frame.layers });
          return;
        }
      }
    }
    this.stats.ignored++;
  }

  /** Resolves `ip` to a MAC: from the ARP cache, else by broadcasting an ARP request. */
  resolve(ip: string, timeoutMs = 2000): Promise<string> {
    const known = this.arpCache.get(ip);
    if (known) return Promise.resolve(known);
    return new Promise<string>((resolve, reject) => {
      const list = this.arpWaiters.get(ip) ?? [];
      const w: Waiter<string> = {
        resolve,
        reject,
        timer: setTimeout(() => {
          const l = this.arpWaiters.get(ip);
          if (l)
            this.arpWaiters.set(
              ip,
              l.filter((x) => x !== w),
            );
          reject(new Error(`ARP: no reply for ${ip} within ${timeoutMs} ms`));
        }, timeoutMs),
      };
      list.push(w);
      this.arpWaiters.set(ip, list);
      this.transmit([
        { layer: 'ethernet', dst: BROADCAST, src: this.mac, etherType: ETHERTYPE_ARP },
        this.arp(ARP_REQUEST, '00:00:00:00:00:00', ip),
      ]);
    });
  }

  /** Sends one ICMP echo request to `dst` (after ARP resolution) and waits for the matching reply. */
  async ping(dst: string, opts: PingOptions = {}): Promise<PingReply> {
    const timeoutMs = opts.timeoutMs ?? 2000;
    const start = performance.now();
    const mac = await this.resolve(dst, timeoutMs);
    const identifier = opts.identifier ?? this.nextIdentifier++ & 0xffff;
    const sequence = opts.sequence ?? 1;
    const data = opts.data ?? defaultEchoData();
    const k = `${dst}/${identifier}/${sequence}`;
    const left = Math.max(1, timeoutMs - (performance.now() - start));
    return new Promise<PingReply>((resolve, reject) => {
      this.echoWaiters.set(k, {
        resolve,
        reject,
        sentAt: performance.now(),
        timer: setTimeout(() => {
          this.echoWaiters.delete(k);
          reject(new Error(`ping ${dst}: no echo reply (id ${identifier}, seq ${sequence}) within ${timeoutMs} ms`));
        }, left),
      });
      this.transmit([
        { layer: 'ethernet', dst: mac, src: this.mac, etherType: ETHERTYPE_IPV4 },
        { layer: 'ipv4', ttl: this.ttl, identification: this.nextIpId(), dontFragment: true, src: this.ipv4, dst, protocol: IP_PROTO_ICMP },
        { layer: 'icmp', type: ICMP_ECHO_REQUEST, code: 0, identifier, sequence },
        { layer: 'raw', data },
      ]);
    });
  }

  private onArp(a: LayerObject): void {
    if (a.hwType !== ARP_HW_ETHERNET || a.protoType !== ETHERTYPE_IPV4 || a.hwSize !== 6 || a.protoSize !== 4) {
      this.stats.ignored++;
      return;
    }
    const senderIp = String(a.senderIp);
    const senderMac = String(a.senderMac);
    // RFC 826 "Packet reception": update the sender's entry if known; add it when the request is for us.
    const forUs = a.targetIp === this.ipv4;
    if (senderIp !== '0.0.0.0' && (forUs || this.arpCache.has(senderIp) || this.arpWaiters.has(senderIp)))
      this.arpCache.set(senderIp, senderMac);
    if (a.opcode === ARP_REPLY) {
      this.stats.arpRepliesReceived++;
      const waiters = this.arpWaiters.get(senderIp);
      if (waiters) {
        this.arpWaiters.delete(senderIp);
        for (const w of waiters) {
          clearTimeout(w.timer);
          w.resolve(senderMac);
        }
      }
      return;
    }
    if (a.opcode === ARP_REQUEST && forUs) {
      this.stats.arpRequestsAnswered++;
      this.transmit([
        { layer: 'ethernet', dst: senderMac, src: this.mac, etherType: ETHERTYPE_ARP },
        this.arp(ARP_REPLY, senderMac, senderIp),
      ]);
      return;
    }
    this.stats.ignored++;
  }

  private arp(opcode: number, targetMac: string, targetIp: string): LayerObject {
    return {
      layer: 'arp',
      hwType: ARP_HW_ETHERNET,
      protoType: ETHERTYPE_IPV4,
      hwSize: 6,
      protoSize: 4,
      opcode,
      senderMac: this.mac,
      senderIp: this.ipv4,
      targetMac,
      targetIp,
    };
  }

  private nextIpId(): number {
    this.ipId = (this.ipId + 1) & 0xffff;
    return this.ipId;
  }

  private transmit(layers: LayerObject[]): void {
    if (!this.send) throw new Error('VirtualHost: not attached to a VTEP (call vtep.attach(host) first)');
    this.send(layers);
  }
}

/** iputils ping's default payload shape: an 8-byte timestamp slot (zero here), then bytes 0x10..0x3f (56 bytes in all). */
function defaultEchoData(): string {
  let s = '0000000000000000';
  for (let i = 0x10; i < 0x10 + 48; i++) s += i.toString(16).padStart(2, '0');
  return s;
}
