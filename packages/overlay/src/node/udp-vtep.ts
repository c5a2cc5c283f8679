/// <reference types="node" />
/**
 * A user-space VXLAN tunnel endpoint (RFC 7348) over a real UDP socket.
 *
 * Every received datagram is decoded with `decodeStack(bytes, { first: 'vxlan' })` and every sent one is
 * built with `encodeStack([{ layer: 'vxlan', ... }, ...innerFrame])`: no header is read or written by hand.
 *
 * Forwarding follows a kernel VXLAN device with learning on:
 * - the forwarding database (FDB) maps (VNI, inner MAC) to a remote VTEP. Static entries are added with
 *   {@link UdpVtep.addStatic}; learned entries come from received frames (inner source MAC → the outer
 *   source address). A learned entry's port is {@link UdpVtepOptions.remotePort} (4789), because a VTEP
 *   picks its UDP source port per flow (RFC 7348 §5: a hash of the inner headers) and does not listen on
 *   it; set `learnSourcePort` to learn the source port too (user-space peers that send from their
 *   listening socket, several on one address).
 * - unknown unicast, broadcast and multicast frames go to every remote VTEP of the VNI (head-end
 *   replication: {@link UdpVtep.addRemote}, like `bridge fdb append 00:00:00:00:00:00 ... dst`).
 * - frames for an attached {@link VtepPort} (a virtual host) are delivered to it; broadcast and multicast
 *   frames go to every port of the VNI.
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { EventEmitter } from 'node:events';
import type { LayerObject, Registry } from '@wirestack/core';
import { type DecodedPacket, decodeStack, defaultRegistry, encodeStack } from '@wirestack/stack';

/** The IANA VXLAN port (RFC 7348 §5). */
export const VXLAN_UDP_PORT = 4789;

/** The VXLAN flags byte with only the I flag (valid VNI) set. */
export const VXLAN_FLAG_I = 0x08;

/** A UDP endpoint. */
export interface Endpoint {
  readonly address: string;
  readonly port: number;
}

/** One FDB entry. */
export interface FdbEntry {
  readonly vni: number;
  /** Inner MAC, lower-case `aa:bb:cc:dd:ee:ff`. */
  readonly mac: string;
  readonly remote: Endpoint;
  /** Added by {@link UdpVtep.addStatic} (never replaced by learning, never aged out). */
  readonly static: boolean;
  /** When it was added or last refreshed (ms since the epoch). */
  readonly updatedAt: number;
}

/** A datagram the VTEP received or sent, as it was on the wire (UDP payload: VXLAN header and inner frame). */
export interface DatagramRecord {
  readonly direction: 'rx' | 'tx';
  /** The peer: source of a received datagram, destination of a sent one. */
  readonly remote: Endpoint;
  readonly bytes: Uint8Array;
  /** Wall-clock time in nanoseconds since the epoch. */
  readonly timeNs: bigint;
}

/** A frame handed to a {@link VtepPort}. */
export interface InnerFrame {
  readonly vni: number;
  /** The decoded datagram: `layers[0]` is the VXLAN header, `layers[1]` the inner Ethernet header. */
  readonly packet: DecodedPacket;
  /** The inner layers (from the Ethernet header on). */
  readonly layers: readonly LayerObject[];
  /** Outer source of the datagram (undefined for a frame from another port of this VTEP). */
  readonly from: Endpoint | undefined;
}

/** Sends an inner frame (layers from Ethernet on) into the overlay. */
export type FrameSender = (layers: readonly LayerObject[]) => void;

/** Something attached to the VTEP with a MAC address on one VNI (e.g. a {@link VirtualHost}). */
export interface VtepPort {
  readonly vni: number;
  readonly mac: string;
  /** Called once by {@link UdpVtep.attach} with the function the port sends frames with. */
  connect(send: FrameSender): void;
  /** Receives a frame addressed to it (unicast to its MAC, broadcast or multicast). */
  receive(frame: InnerFrame): void;
}

/** Why a datagram or frame was dropped. */
export interface DropEvent {
  readonly direction: 'rx' | 'tx';
  readonly reason: string;
  readonly vni?: number;
  readonly remote?: Endpoint;
  readonly bytes?: Uint8Array;
}

/** Options of {@link UdpVtep.open}. */
export interface UdpVtepOptions {
  /** An already bound socket to use (e.g. from `bindUdpInNetns`); the VTEP closes it on `close()`. */
  socket?: Socket;
  /** Local address to bind when no socket is given (default `0.0.0.0`). */
  address?: string;
  /** Local port to bind when no socket is given (default 4789). */
  port?: number;
  /** Socket type when binding (default `udp4`). */
  type?: 'udp4' | 'udp6';
  /** Destination port of learned remotes (default 4789). */
  remotePort?: number;
  /** Learn the outer source port as well as the address (default false; see the module comment). */
  learnSourcePort?: boolean;
  /** Learn inner source MACs at all (default true). */
  learning?: boolean;
  /** Learned entries older than this are ignored and removed (default 300 000 ms, the kernel's default ageing). */
  ageingMs?: number;
  /** Keep every datagram in {@link UdpVtep.records} (default false; the `datagram` event fires either way). */
  record?: boolean;
  /** Codecs and dispatch tables (default `defaultRegistry()`). */
  registry?: Registry;
}

const key = (vni: number, mac: string): string => `${vni}/${mac.toLowerCase()}`;

/** True for a group (broadcast or multicast) MAC: the I/G bit of the first octet. */
export function isGroupMac(mac: string): boolean {
  return (Number.parseInt(mac.slice(0, 2), 16) & 1) === 1;
}

/** Wall clock at load time, advanced by the monotonic clock (nanosecond resolution, never goes back). */
const EPOCH_BASE_NS = BigInt(Date.now()) * 1_000_000n - process.hrtime.bigint();
function nowNs(): bigint {
  return EPOCH_BASE_NS + process.hrtime.bigint();
}

/**
 * A VXLAN tunnel endpoint over one UDP socket. Events: `datagram` ({@link DatagramRecord}, every datagram
 * in and out), `drop` ({@link DropEvent}: also for an exception thrown while handling a datagram), `error`
 * (socket errors, as Node's sockets emit them; and those exceptions, when someone listens).
 */
export class UdpVtep extends EventEmitter {
  /** Every datagram in and out, when `record` is on. */
  readonly records: DatagramRecord[] = [];
  private readonly fdbEntries = new Map<string, FdbEntry>();
  private readonly floods = new Map<number, Endpoint[]>();
  private readonly ports: VtepPort[] = [];
  private readonly registry: Registry;
  private readonly remotePort: number;
  private readonly learnSourcePort: boolean;
  private readonly learning: boolean;
  private readonly ageingMs: number;
  private readonly keepRecords: boolean;
  private closed = false;

  private constructor(
    readonly socket: Socket,
    opts: UdpVtepOptions,
  ) {
    super();
    this.registry = opts.registry ?? defaultRegistry();
    this.remotePort = opts.remotePort ?? VXLAN_UDP_PORT;
    this.learnSourcePort = opts.learnSourcePort ?? false;
    this.learning = opts.learning ?? true;
    this.ageingMs = opts.ageingMs ?? 300_000;
    this.keepRecords = opts.record ?? false;
    socket.on('message', (msg: Buffer, rinfo: RemoteInfo) => {
      const from = { address: rinfo.address, port: rinfo.port };
      try {
        this.onDatagram(new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength), from);
      } catch (e) {
        // A throwing port (or encoder) must not take the process down from inside a socket callback.
        this.drop({ direction: 'rx', reason: `handling failed: ${e instanceof Error ? e.message : String(e)}`, remote: from });
        if (this.listenerCount('error') > 0) this.emit('error', e);
      }
    });
    socket.on('error', (e) => this.emit('error', e));
  }

  /** Opens a VTEP on `opts.socket`, or binds a new socket at `opts.address:opts.port`. */
  static async open(opts: UdpVtepOptions = {}): Promise<UdpVtep> {
    let socket = opts.socket;
    if (!socket) {
      const s = createSocket(opts.type ?? 'udp4');
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject);
        s.bind(opts.port ?? VXLAN_UDP_PORT, opts.address ?? '0.0.0.0', () => {
          s.off('error', reject);
          resolve();
        });
      });
      socket = s;
    }
    return new UdpVtep(socket, opts);
  }

  /** The local address and port of the socket. */
  get local(): Endpoint {
    const a = this.socket.address();
    return { address: a.address, port: a.port };
  }

  /** Adds a remote VTEP to the flood list of `vni` (where broadcast, multicast and unknown unicast go). */
  addRemote(vni: number, remote: Endpoint): void {
    const list = this.floods.get(vni) ?? [];
    if (!list.some((r) => r.address === remote.address && r.port === remote.port)) list.push({ ...remote });
    this.floods.set(vni, list);
  }

  /** The flood list of `vni`. */
  remotes(vni: number): readonly Endpoint[] {
    return this.floods.get(vni) ?? [];
  }

  /** Adds (or replaces) a static FDB entry: frames for `mac` on `vni` go to `remote`. */
  addStatic(vni: number, mac: string, remote: Endpoint): void {
    this.fdbEntries.set(key(vni, mac), { vni, mac: mac.toLowerCase(), remote: { ...remote }, static: true, updatedAt: Date.now() });
  }

  /** The FDB entry for (`vni`, `mac`), if any and not aged out. */
  lookup(vni: number, mac: string): FdbEntry | undefined {
    const k = key(vni, mac);
    const e = this.fdbEntries.get(k);
    if (e && !e.static && Date.now() - e.updatedAt > this.ageingMs) {
      this.fdbEntries.delete(k);
      return undefined;
    }
    return e;
  }

  /** Every FDB entry (static and learned), optionally of one VNI. */
  fdb(vni?: number): FdbEntry[] {
    return [...this.fdbEntries.values()].filter((e) => vni === undefined || e.vni === vni);
  }

  /** Attaches a port (a virtual host) on its VNI with its MAC. */
  attach(port: VtepPort): void {
    this.ports.push(port);
    port.connect((layers) => this.sendFrame(port.vni, layers, port));
  }

  /**
   * Sends an inner frame (layers from Ethernet on) on `vni`: to the FDB entry of its destination MAC, else
   * to every remote of the VNI; a copy goes to the other attached ports it is addressed to.
   */
  sendFrame(vni: number, layers: readonly LayerObject[], from?: VtepPort): void {
    const eth = layers[0];
    if (eth?.layer !== 'ethernet' || typeof eth.dst !== 'string') {
      this.drop({ direction: 'tx', reason: 'the inner frame must start with an ethernet layer with a dst MAC', vni });
      return;
    }
    const bytes = encodeStack([{ layer: 'vxlan', flags: VXLAN_FLAG_I, vni }, ...layers], { registry: this.registry });
    const dst = eth.dst;
    const group = isGroupMac(dst);
    const local = this.ports.filter((p) => p !== from && p.vni === vni && (group || p.mac === dst.toLowerCase()));
    if (local.length) {
      // Delivered on a later microtask, as if from the network: a port never re-enters itself while sending.
      const packet = decodeStack(bytes, { first: 'vxlan', registry: this.registry });
      const frame: InnerFrame = { vni, packet, layers: packet.layers.slice(1), from: undefined };
      queueMicrotask(() => {
        for (const p of local) {
          try {
            p.receive(frame);
          } catch (e) {
            this.drop({ direction: 'tx', reason: `local delivery failed: ${e instanceof Error ? e.message : String(e)}`, vni });
          }
        }
      });
      if (!group) return;
    }
    const entry = group ? undefined : this.lookup(vni, dst);
    const targets = entry ? [entry.remote] : this.remotes(vni);
    if (!targets.length && !local.length) {
      this.drop({ direction: 'tx', reason: `no FDB entry for ${dst} and no remote VTEP for VNI ${vni}`, vni, bytes });
      return;
    }
    for (const t of targets) this.sendDatagram(bytes, t);
  }

  /** Sends one VXLAN datagram (VXLAN header and inner frame) as it is. */
  sendDatagram(bytes: Uint8Array, to: Endpoint): void {
    if (this.closed) return;
    this.note({ direction: 'tx', remote: { ...to }, bytes, timeNs: nowNs() });
    this.socket.send(bytes, to.port, to.address, (err) => {
      if (err) this.emit('error', err);
    });
  }

  /** Closes the socket. */
  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }

  private note(r: DatagramRecord): void {
    if (this.keepRecords) this.records.push(r);
    this.emit('datagram', r);
  }

  private drop(e: DropEvent): void {
    this.emit('drop', e);
  }

  private onDatagram(bytes: Uint8Array, from: Endpoint): void {
    // The socket reuses no buffers, but copy anyway so records never alias anything.
    const copy = bytes.slice();
    this.note({ direction: 'rx', remote: from, bytes: copy, timeNs: nowNs() });
    const packet = decodeStack(copy, { first: 'vxlan', registry: this.registry });
    const vx = packet.layers[0];
    const eth = packet.layers[1];
    if (vx?.layer !== 'vxlan') {
      this.drop({
        direction: 'rx',
        reason: `not a VXLAN datagram (${packet.issues[0]?.message ?? packet.path})`,
        remote: from,
        bytes: copy,
      });
      return;
    }
    if (((vx.flags as number) & VXLAN_FLAG_I) === 0) {
      this.drop({ direction: 'rx', reason: 'VXLAN I flag clear (RFC 7348 §5: the frame must be discarded)', remote: from, bytes: copy });
      return;
    }
    const vni = vx.vni as number;
    if (eth?.layer !== 'ethernet') {
      this.drop({ direction: 'rx', reason: `no inner Ethernet frame (${packet.path})`, vni, remote: from, bytes: copy });
      return;
    }
    const src = String(eth.src);
    const dst = String(eth.dst);
    if (this.learning && !isGroupMac(src)) {
      const k = key(vni, src);
      if (!this.fdbEntries.get(k)?.static)
        this.fdbEntries.set(k, {
          vni,
          mac: src,
          remote: { address: from.address, port: this.learnSourcePort ? from.port : this.remotePort },
          static: false,
          updatedAt: Date.now(),
        });
    }
    const group = isGroupMac(dst);
    const targets = this.ports.filter((p) => p.vni === vni && (group || p.mac === dst));
    if (!targets.length) {
      this.drop({ direction: 'rx', reason: `no port for ${dst} on VNI ${vni}`, vni, remote: from, bytes: copy });
      return;
    }
    const frame: InnerFrame = { vni, packet, layers: packet.layers.slice(1), from };
    for (const p of targets) p.receive(frame);
  }
}
