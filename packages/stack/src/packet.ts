/** The result of `decodeStack`: layers plus tunnel-aware accessors (inner headers made trivial to reach). */
import { type LayerObject, readU16BE, toHex } from '@wirestack/core';

/** A non-fatal problem found while decoding, as the JSON contract writes it. */
export interface Issue {
  /** Index in `layers` of the layer the issue is about (for a layer that failed, the `raw` that replaced it). */
  layerIndex: number;
  /** Absolute byte offset in the packet. */
  offset: number;
  code: string;
  message: string;
}

/** Where a layer's header sits in the packet. */
export interface LayerSpan {
  offset: number;
  /** Header bytes (for `raw`/`padding`: all of their bytes). */
  length: number;
}

/** Kinds of encapsulation `tunnels()` reports. */
export type TunnelKind = 'vxlan' | 'vxlan-gpe' | 'geneve' | 'gre' | 'mpls' | 'ip-in-ip' | '6in4' | '4in6' | '6in6' | (string & {});

/** One level of encapsulation. */
export interface Tunnel {
  kind: TunnelKind;
  /** 1 for the outermost tunnel. */
  depth: number;
  /** Index of the first layer that belongs to the tunnel itself (the VXLAN header, the first MPLS label, the inner IP header for IP-in-IP). */
  headerIndex: number;
  /** Index of the first inner layer. */
  innerIndex: number;
  /** Layers up to (excluding) the inner part. */
  outer: LayerObject[];
  /** The encapsulated layers. */
  inner: LayerObject[];
  /** The tunnel's identifier where it has one: VXLAN/Geneve VNI, GRE key, the bottom MPLS label. */
  id?: number;
}

/** A flow key: addresses, protocol, ports (when the transport has them). */
export interface FlowKey {
  ipVersion: 4 | 6;
  src: string;
  dst: string;
  protocol: number;
  srcPort?: number;
  dstPort?: number;
}

/** Which IP level `flowKey` reads: the outermost, the innermost, or the n-th IP header (0-based; negative from the inside). */
export type FlowDepth = 'outer' | 'inner' | number;

const IP = new Set(['ipv4', 'ipv6']);
const IP_EXT = new Set(['ipv6-hop-by-hop', 'ipv6-routing', 'ipv6-fragment', 'ipv6-destination-options']);
const TUNNEL_HEADERS = new Set(['vxlan', 'vxlan-gpe', 'geneve', 'gre']);

/** A decoded packet. `layers` are the contract objects; `toJSON()` gives the contract's `layers`/`trailer`/`issues`. */
export class DecodedPacket {
  /** Spans as pairs (offset, length) per layer; the `LayerSpan` objects are built on first use of `spans`. */
  readonly #packed: ArrayLike<number>;
  #spans: LayerSpan[] | undefined;

  constructor(
    /** Decoded layers, outermost first (ending with `raw` and `padding` layers where present). */
    readonly layers: LayerObject[],
    /** Where each layer sits in `bytes`: `LayerSpan` objects, or (offset, length) numbers in pairs. */
    spans: LayerSpan[] | ArrayLike<number>,
    readonly issues: Issue[],
    /** Hex of the bytes after the outermost datagram (Ethernet padding, FCS), `undefined` when none. */
    readonly trailer: string | undefined,
    /** The packet bytes (not copied). */
    readonly bytes: Uint8Array,
    /** Bytes of the trailer (default: half the length of `trailer`'s hex). */
    trailerLength?: number,
  ) {
    this.trailerLength = trailerLength ?? (trailer === undefined ? 0 : trailer.length >>> 1);
    if (spans.length === 0 || typeof spans[0] === 'number') this.#packed = spans as ArrayLike<number>;
    else {
      const objects = spans as LayerSpan[];
      const packed: number[] = [];
      for (const s of objects) packed.push(s.offset, s.length);
      this.#spans = objects;
      this.#packed = packed;
    }
  }

  /** Bytes after the outermost datagram (0 when there is no trailer), also when `trailer` was left as `''` (`opaqueHex: false`). */
  readonly trailerLength: number;

  /** Where each layer sits in `bytes`. */
  get spans(): LayerSpan[] {
    if (this.#spans === undefined) {
      const p = this.#packed;
      const out: LayerSpan[] = [];
      for (let i = 0; i + 1 < p.length; i += 2) out.push({ offset: p[i]!, length: p[i + 1]! });
      this.#spans = out;
    }
    return this.#spans;
  }

  /** True when no issue was recorded. */
  get ok(): boolean {
    return this.issues.length === 0;
  }

  /** The last layer with this name (the innermost), typed by the caller. */
  innermost<T extends LayerObject = LayerObject>(layer: string): T | undefined {
    for (let i = this.layers.length - 1; i >= 0; i--) if (this.layers[i]!.layer === layer) return this.layers[i] as T;
    return undefined;
  }

  /** The first layer with this name (the outermost). */
  outermost<T extends LayerObject = LayerObject>(layer: string): T | undefined {
    return this.layers.find((l) => l.layer === layer) as T | undefined;
  }

  /** The n-th layer with this name, 0-based; negative counts from the inside (`nth('ipv4', -1)` is the innermost IPv4). */
  nth<T extends LayerObject = LayerObject>(layer: string, n: number): T | undefined {
    const idx = this.indexesOf(layer);
    const i = n < 0 ? idx.length + n : n;
    const k = idx[i];
    return k === undefined ? undefined : (this.layers[k] as T);
  }

  /** Indexes in `layers` of every layer with this name. */
  indexesOf(layer: string): number[] {
    const out: number[] = [];
    this.layers.forEach((l, i) => {
      if (l.layer === layer) out.push(i);
    });
    return out;
  }

  /** Layer names outermost first, e.g. `ethernet/ipv4/udp/vxlan/ethernet/ipv4/raw`. */
  get path(): string {
    return this.layers.map((l) => l.layer).join('/');
  }

  /** Each encapsulation level, outermost first, with its outer and inner part and its kind. */
  tunnels(): Tunnel[] {
    const out: Tunnel[] = [];
    const L = this.layers;
    let lastIp: string | undefined;
    for (let i = 0; i < L.length; i++) {
      const name = L[i]!.layer;
      let kind: TunnelKind | undefined;
      let innerIndex = i + 1;
      let id: number | undefined;
      if (TUNNEL_HEADERS.has(name)) {
        kind = name;
        const h = L[i]!;
        if (typeof h.vni === 'number') id = h.vni;
        else if (typeof h.key === 'number') id = h.key;
      } else if (name === 'mpls') {
        kind = 'mpls';
        let j = i;
        while (j + 1 < L.length && L[j + 1]!.layer === 'mpls') j++;
        id = L[j]!.label as number;
        innerIndex = j + 1;
        if (L[innerIndex]?.layer === 'mpls-cw') innerIndex++;
      } else if (IP.has(name) && lastIp !== undefined) {
        const prev = L[i - 1]?.layer;
        if (prev !== undefined && (IP.has(prev) || IP_EXT.has(prev))) {
          kind = lastIp === 'ipv4' ? (name === 'ipv4' ? 'ip-in-ip' : '6in4') : name === 'ipv4' ? '4in6' : '6in6';
          innerIndex = i;
        }
      }
      if (IP.has(name)) lastIp = name;
      if (kind === undefined) continue;
      const t: Tunnel = {
        kind,
        depth: out.length + 1,
        headerIndex: i,
        innerIndex,
        outer: L.slice(0, innerIndex),
        inner: L.slice(innerIndex),
      };
      if (id !== undefined) t.id = id;
      out.push(t);
      if (kind === 'mpls') i = innerIndex - 1;
    }
    return out;
  }

  /** Indexes of the IP headers that start a level (IPv6 extension headers are part of their IPv6 level). */
  ipIndexes(): number[] {
    const out: number[] = [];
    this.layers.forEach((l, i) => {
      if (IP.has(l.layer)) out.push(i);
    });
    return out;
  }

  /**
   * The flow key at an IP level: addresses, the transport protocol (after IPv6 extension headers) and the
   * ports of UDP, TCP, SCTP, UDP-Lite and DCCP (read from the bytes when no codec decoded them). `undefined` when
   * there is no IP header at that level.
   */
  flowKey(opts: { depth?: FlowDepth } = {}): FlowKey | undefined {
    const ips = this.ipIndexes();
    const d = opts.depth ?? 'inner';
    const pick = d === 'outer' ? 0 : d === 'inner' ? ips.length - 1 : d < 0 ? ips.length + d : d;
    const i = ips[pick];
    if (i === undefined) return undefined;
    const ip = this.layers[i]!;
    let j = i + 1;
    let protocol = (ip.layer === 'ipv4' ? ip.protocol : ip.nextHeader) as number;
    while (j < this.layers.length && IP_EXT.has(this.layers[j]!.layer)) {
      protocol = this.layers[j]!.nextHeader as number;
      j++;
    }
    const key: FlowKey = { ipVersion: ip.layer === 'ipv4' ? 4 : 6, src: ip.src as string, dst: ip.dst as string, protocol };
    const next = this.layers[j];
    if (next?.layer === 'udp') {
      key.srcPort = next.srcPort as number;
      key.dstPort = next.dstPort as number;
    } else if (next && (protocol === 6 || protocol === 17 || protocol === 132 || protocol === 136 || protocol === 33)) {
      const at = this.#packed[2 * j]!;
      const frag = ip.layer === 'ipv4' && (ip.fragmentOffset as number) > 0;
      if (!frag && next.layer === 'raw' && this.#packed[2 * j + 1]! >= 4) {
        key.srcPort = readU16BE(this.bytes, at);
        key.dstPort = readU16BE(this.bytes, at + 2);
      }
    }
    return key;
  }

  /** `spans[i].length` without building the span objects: header bytes of layer `i` (raw/padding: all their bytes); 0 past the end. */
  layerLength(i: number): number {
    const p = this.#packed;
    return Number.isInteger(i) && i >= 0 && 2 * i + 1 < p.length ? p[2 * i + 1]! : 0;
  }

  /** `spans[i].offset` without building the span objects; 0 past the end. */
  layerOffset(i: number): number {
    const p = this.#packed;
    return Number.isInteger(i) && i >= 0 && 2 * i + 1 < p.length ? p[2 * i]! : 0;
  }

  /** The bytes of layer `i`'s header (zero-copy). */
  headerBytes(i: number): Uint8Array {
    const p = this.#packed;
    if (!(Number.isInteger(i) && i >= 0 && 2 * i + 1 < p.length)) return new Uint8Array(0);
    return this.bytes.subarray(p[2 * i]!, p[2 * i]! + p[2 * i + 1]!);
  }

  /** The bytes after layer `i`'s header up to the end of the packet (zero-copy). */
  payloadOf(i: number): Uint8Array {
    const p = this.#packed;
    if (!(Number.isInteger(i) && i >= 0 && 2 * i + 1 < p.length)) return new Uint8Array(0);
    return this.bytes.subarray(p[2 * i]! + p[2 * i + 1]!);
  }

  /** The contract's JSON shape: `{ layers, trailer?, issues }`. */
  toJSON(): { layers: LayerObject[]; trailer?: string; issues: Issue[] } {
    return this.trailer === undefined
      ? { layers: this.layers, issues: this.issues }
      : { layers: this.layers, trailer: this.trailer, issues: this.issues };
  }

  /** Hex of the whole packet. */
  toHex(): string {
    return toHex(this.bytes);
  }
}
