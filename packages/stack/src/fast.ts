/**
 * `StackDecoder`: an allocation-free walk of a packet's layers for hot loops (pcap scans, flow tables).
 *
 * It follows the same dispatch as {@link decodeStack} (the registry's tables and each codec's `next`), but
 * builds no layer objects: each depth gets a reusable slot (layer id, offset, header length, datagram end),
 * and typed accessors read fields straight from the bytes. Two IPv4 layers in one packet have two slots
 * (gopacket's DecodingLayerParser keeps one object per layer type, so an inner IPv4 header overwrites the
 * outer one). The flow key of any IP level is filled into one reusable {@link FlowSlot}; its text form is
 * built only when asked for.
 *
 * Ethernet, VLAN, IPv4, IPv6 and UDP and VXLAN headers of the default codecs take a fast path that reads
 * what the dispatch needs; anything unusual on those (bad version, options that do not fit, a length
 * smaller than the header) and every other layer goes through the codec itself, so the result is the same
 * as `decodeStack`'s layers and spans (without the trailing `raw`/`padding`) on every input.
 */
import {
  type AnyCodec,
  DecodeError,
  type DecodeContext,
  type IssueCode,
  type LayerObject,
  type NextRef,
  type Registry,
} from '@wirestack/core';
import { DEFAULT_LIMITS, DEFAULT_MAX_DEPTH, type DecodeLimits } from './decode.js';
import type { FlowDepth, FlowKey } from './packet.js';
import { defaultRegistry } from './registry.js';

/** Numeric kinds of the layers `StackDecoder` knows by name (`kind(i)`); every other layer is `Other`. */
export const LayerKind = {
  Other: 0,
  Ethernet: 1,
  Vlan: 2,
  Ipv4: 3,
  Ipv6: 4,
  Udp: 5,
  Vxlan: 6,
  Geneve: 7,
  Gre: 8,
  Mpls: 9,
  Ipv6Extension: 10,
} as const;

const KIND_OF: Record<string, number> = {
  ethernet: LayerKind.Ethernet,
  vlan: LayerKind.Vlan,
  ipv4: LayerKind.Ipv4,
  ipv6: LayerKind.Ipv6,
  udp: LayerKind.Udp,
  vxlan: LayerKind.Vxlan,
  geneve: LayerKind.Geneve,
  gre: LayerKind.Gre,
  mpls: LayerKind.Mpls,
  'ipv6-hop-by-hop': LayerKind.Ipv6Extension,
  'ipv6-routing': LayerKind.Ipv6Extension,
  'ipv6-fragment': LayerKind.Ipv6Extension,
  'ipv6-destination-options': LayerKind.Ipv6Extension,
};

/** Which per-packet limit (decodeStack's `limits`) a layer counts against, as meta bits 4-5: 1 IPv6 extension headers, 2 MPLS labels, 3 GRE headers. */
const LIMIT_CLASS: Record<string, number> = {
  'ipv6-hop-by-hop': 1,
  'ipv6-routing': 1,
  'ipv6-fragment': 1,
  'ipv6-destination-options': 1,
  mpls: 2,
  gre: 3,
};

/** Transport protocols whose first 4 bytes are ports (UDP, TCP, SCTP, UDP-Lite, DCCP), as `DecodedPacket.flowKey` reads them. */
function hasPortsAtStart(protocol: number): boolean {
  return protocol === 6 || protocol === 17 || protocol === 132 || protocol === 136 || protocol === 33;
}

/** Options of {@link StackDecoder}. */
export interface StackDecoderOptions {
  /** Dispatch tables (default: a {@link defaultRegistry}). Call {@link StackDecoder.refresh} after changing its bindings. */
  registry?: Registry;
  /** The first layer's id (default `'ethernet'`). */
  first?: string;
  /** Most layers decoded (default 32, as `decodeStack`). */
  maxDepth?: number;
  /** Per-packet limits (defaults as `decodeStack`). */
  limits?: Partial<DecodeLimits>;
}

/**
 * A flow key filled in place by {@link StackDecoder.flow}: numbers and offsets only, no strings.
 * IPv6 addresses are 16 bytes at `src6`/`dst6` in `bytes` (both -1 for IPv4).
 */
export class FlowSlot {
  /** 4 or 6; 0 when the packet has no IP header at the level asked for. */
  ipVersion: 0 | 4 | 6 = 0;
  /** IPv4 source address as an unsigned 32-bit number (0 for IPv6). */
  srcV4 = 0;
  /** IPv4 destination address as an unsigned 32-bit number (0 for IPv6). */
  dstV4 = 0;
  /** Offset of the 16-byte IPv6 source address in `bytes` (-1 for IPv4). */
  src6 = -1;
  /** Offset of the 16-byte IPv6 destination address in `bytes` (-1 for IPv4). */
  dst6 = -1;
  /** Transport protocol (after IPv6 extension headers). */
  protocol = 0;
  /** Whether the transport has ports (`srcPort`/`dstPort` are 0 otherwise). */
  hasPorts = false;
  srcPort = 0;
  dstPort = 0;
  /** The packet the offsets point into. */
  bytes: Uint8Array = EMPTY;
  /** Index (depth) of the IP layer the key was read from, -1 when none. */
  ipIndex = -1;
}

const EMPTY = new Uint8Array(0);

/** Numbers per depth in `slots`: offset, header length, limit, end, codec index. */
const SLOT = 5;
const FAST_MASK = 0x0f;
const LIMIT_MASK = 0x30;
const LIMIT_EXT = 0x10;
const LIMIT_MPLS = 0x20;
const BOUNDS = 0x40;

/** The decode context generic codecs see; `layers` is filled on demand (only when a codec needs the slow path). */
class SlowCtx implements DecodeContext {
  layers: LayerObject[] = [];
  buf: Uint8Array = EMPTY;
  payloadOffset = 0;
  end = 0;
  constructor(readonly registry: Registry) {}
  issue(_code: IssueCode, _message: string, _offset?: number): void {
    // Issues are decodeStack's business; StackDecoder reports only why it stopped (`stopCode`).
  }
}

/**
 * An allocation-free stack walker with one reusable slot per depth (see the module doc).
 * `decode(bytes)` returns the number of layers; then `layerId(i)`, `offset(i)`, `headerLength(i)`,
 * `u8/u16/u32(i, fieldOffset)` and `flow('inner')` read them without allocating.
 */
export class StackDecoder {
  readonly registry: Registry;
  /** Layers decoded by the last `decode`. */
  count = 0;
  /** The bytes of the last `decode`. */
  bytes: Uint8Array = EMPTY;
  /** Offset after the last decoded header: bytes in `[payloadOffset, payloadEnd)` are what `decodeStack` calls `raw`. */
  payloadOffset = 0;
  /** End of the innermost datagram (where `raw` ends; padding and trailer follow). */
  payloadEnd = 0;
  /** Why the walk stopped early: a `DecodeError` code (`truncated`, ...), `too-deep`, `unsupported`; `''` when it simply ran out of layers. */
  stopCode: IssueCode | '' = '';
  /** Depth of the innermost IPv4/IPv6 header of the last `decode`, -1 when none (what `flow('inner')` reads). */
  private innerIp = -1;

  private readonly first: string;
  private readonly maxDepth: number;
  private readonly limits: DecodeLimits;
  private readonly ctx: SlowCtx;

  /**
   * Per-depth slots, {@link SLOT} numbers each: offset, header length, the limit the layer was decoded
   * within, the end of what it encloses, and its codec index. One typed array keeps the hot loop to one base load.
   */
  private readonly slots: Int32Array;
  private materialized = 0;
  private readonly slot = new FlowSlot();

  // Codecs and dispatch tables (codec index + 1; 0 = nothing bound).
  private codecs: AnyCodec[] = [];
  /** Codec ids by index (reading `.id` off codec objects of many shapes would be a megamorphic load per layer). */
  private codecIds: string[] = [];
  private index = new Map<AnyCodec, number>();
  /** Per codec index: fast-path kind (bits 0-3), limit class (4-5), bounds a datagram (6), LayerKind (8-15). */
  private meta = new Int32Array(0);
  private ethertype = new Int16Array(65536);
  private ipProto = new Int16Array(256);
  private udpPort = new Int16Array(65536);
  private firstIdx = -1;
  private ethernetIdx = -1;

  constructor(options: StackDecoderOptions = {}) {
    this.registry = options.registry ?? sharedRegistry();
    this.first = options.first ?? 'ethernet';
    this.maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
    this.limits = options.limits ? { ...DEFAULT_LIMITS, ...options.limits } : DEFAULT_LIMITS;
    this.ctx = new SlowCtx(this.registry);
    const n = this.maxDepth + 1;
    this.slots = new Int32Array(n * SLOT);
    this.refresh();
  }

  /** Rebuilds the dispatch tables from the registry (call after `bind`/`unbind`/`replace` on it). */
  refresh(): void {
    const reg = this.registry;
    const defaults = sharedRegistry();
    this.codecs = [];
    this.codecIds = [];
    this.index = new Map();
    for (const c of reg.layers()) this.indexOfCodec(c);
    const k = this.codecs.length;
    this.meta = new Int32Array(k + 64);
    for (let i = 0; i < k; i++) this.describe(i, defaults);
    this.ethertype.fill(0);
    this.ipProto.fill(0);
    this.udpPort.fill(0);
    for (const [v, id] of reg.entries('ethertype')) if (v >= 0 && v < 65536) this.ethertype[v] = this.idxOfId(id) + 1;
    for (const [v, id] of reg.entries('ip.proto')) if (v >= 0 && v < 256) this.ipProto[v] = this.idxOfId(id) + 1;
    for (const [v, id] of reg.entries('udp.port')) if (v >= 0 && v < 65536) this.udpPort[v] = this.idxOfId(id) + 1;
    const first = reg.get(this.first);
    this.firstIdx = first ? this.indexOfCodec(first) : -1;
    const eth = reg.get('ethernet');
    this.ethernetIdx = eth ? this.indexOfCodec(eth) : -1;
  }

  private idxOfId(id: string): number {
    const c = this.registry.get(id);
    return c ? this.indexOfCodec(c) : -1;
  }

  private indexOfCodec(c: AnyCodec): number {
    let i = this.index.get(c);
    if (i === undefined) {
      i = this.codecs.length;
      this.codecs.push(c);
      this.codecIds.push(c.id);
      this.index.set(c, i);
      if (i >= this.meta.length) {
        const m = new Int32Array(this.meta.length * 2 + 16);
        m.set(this.meta);
        this.meta = m;
      }
      this.describe(i, sharedRegistry());
    }
    return i;
  }

  private describe(i: number, defaults: Registry): void {
    const c = this.codecs[i] as AnyCodec;
    const kind = KIND_OF[c.id] ?? LayerKind.Other;
    // The fast path is only taken for the very codec objects of the default registry (a replaced codec goes the slow way).
    const isDefault = defaults.get(c.id) === c;
    const fast = isDefault && kind <= LayerKind.Vxlan ? kind : LayerKind.Other;
    this.meta[i] = fast | ((LIMIT_CLASS[c.id] ?? 0) << 4) | (c.datagramLength ? BOUNDS : 0) | (kind << 8);
  }

  /**
   * Walks the layers of `bytes[offset, end)` (offsets stay absolute in `bytes`). Returns the number of
   * layers, which is also `count`. Never throws on bad bytes: `stopCode` says why it stopped early.
   */
  decode(bytes: Uint8Array, offset = 0, end = bytes.length): number {
    this.bytes = bytes;
    this.materialized = 0;
    this.stopCode = '';
    const slots = this.slots;
    const meta = this.meta;
    const maxDepth = this.maxDepth;
    const ethertype = this.ethertype;
    const ipProto = this.ipProto;
    const udpPort = this.udpPort;
    let off = offset;
    let limit = end;
    let ci = this.firstIdx;
    if (ci < 0) this.stopCode = 'unsupported';
    let depth = 0;
    let innerIp = -1;
    let nExt = 0;
    let nMpls = 0;
    let nGre = 0;
    while (ci >= 0) {
      if (depth >= maxDepth) {
        this.stopCode = 'too-deep';
        break;
      }
      const m = meta[ci]!;
      const lc = m & LIMIT_MASK;
      if (lc !== 0) {
        const over =
          lc === LIMIT_EXT
            ? ++nExt > this.limits.ipv6ExtensionHeaders
            : lc === LIMIT_MPLS
              ? ++nMpls > this.limits.mplsLabels
              : ++nGre > this.limits.greHeaders;
        if (over) {
          this.stopCode = 'too-deep';
          break;
        }
      }
      let hl = -1;
      let declared = -1;
      let next = -1;
      const room = limit - off;
      switch (m & FAST_MASK) {
        case 1: // ethernet
          if (room >= 14) {
            hl = 14;
            next = ethertype[(bytes[off + 12]! << 8) | bytes[off + 13]!]! - 1;
          }
          break;
        case 2: // vlan
          if (room >= 4) {
            hl = 4;
            next = ethertype[(bytes[off + 2]! << 8) | bytes[off + 3]!]! - 1;
          }
          break;
        case 3: {
          // ipv4: the usual header; anything odd (bad version, short IHL, total length below the header) goes to the codec
          if (room >= 20) {
            const b0 = bytes[off]!;
            const h = (b0 & 15) << 2;
            const total = (bytes[off + 2]! << 8) | bytes[off + 3]!;
            if (b0 >>> 4 === 4 && h >= 20 && h <= room && total >= h) {
              hl = h;
              declared = total;
              // Non-first fragments stop at the IP layer.
              // Protocol 0 (IPv6 hop-by-hop) announces nothing after IPv4.
              const proto = bytes[off + 9]!;
              next = ((bytes[off + 6]! & 0x1f) | bytes[off + 7]!) === 0 && proto !== 0 ? ipProto[proto]! - 1 : -1;
            }
          }
          break;
        }
        case 4: // ipv6 (payload length 0, a jumbogram, goes to the codec)
          if (room >= 40) {
            const pl = (bytes[off + 4]! << 8) | bytes[off + 5]!;
            if (bytes[off]! >>> 4 === 6 && pl > 0) {
              hl = 40;
              declared = 40 + pl;
              next = ipProto[bytes[off + 6]!]! - 1;
            }
          }
          break;
        case 5: // udp: by destination port, then source port
          if (room >= 8) {
            const len = (bytes[off + 4]! << 8) | bytes[off + 5]!;
            if (len >= 8) {
              hl = 8;
              declared = len;
              const byDst = udpPort[(bytes[off + 2]! << 8) | bytes[off + 3]!]!;
              next = (byDst !== 0 ? byDst : udpPort[(bytes[off]! << 8) | bytes[off + 1]!]!) - 1;
            }
          }
          break;
        case 6: // vxlan
          if (room >= 8) {
            hl = 8;
            next = this.ethernetIdx;
          }
          break;
      }
      if (hl < 0) {
        // Slow path: the codec itself (exact semantics for everything unusual and every other layer).
        this.count = depth;
        hl = this.slowStep(ci, bytes, off, limit);
        if (hl < 0) break;
        declared = this.slowDeclared;
        next = this.slowNext;
      }
      const at = depth * SLOT;
      slots[at] = off;
      slots[at + 1] = hl;
      slots[at + 2] = limit;
      if ((m & BOUNDS) !== 0 && declared >= hl && off + declared <= limit) limit = off + declared;
      slots[at + 3] = limit;
      slots[at + 4] = ci;
      const kind = m >>> 8;
      if (kind === LayerKind.Ipv4 || kind === LayerKind.Ipv6) innerIp = depth;
      depth++;
      off += hl;
      if (next < 0) break;
      ci = next;
      if (off >= limit) break;
    }
    this.count = depth;
    this.innerIp = innerIp;
    this.payloadOffset = off;
    this.payloadEnd = limit;
    return depth;
  }

  private slowDeclared = -1;
  private slowNext = -1;

  /** Decodes one layer (at depth `count`) with its codec; returns its header length, or -1 when the walk stops here. */
  private slowStep(ci: number, bytes: Uint8Array, off: number, limit: number): number {
    const codec = this.codecs[ci] as AnyCodec;
    const ctx = this.ctx;
    this.materialize(bytes);
    ctx.buf = bytes;
    let h: LayerObject;
    let hl: number;
    try {
      h = codec.decode(bytes, off, limit, ctx);
      hl = codec.headerLength(h);
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
      this.stopCode = e.code;
      return -1;
    }
    ctx.layers.push(h);
    this.materialized = this.count + 1;
    let end = limit;
    let declared = -1;
    if (codec.datagramLength) {
      const d = codec.datagramLength(h);
      if (d !== undefined) {
        declared = d;
        if (d >= hl && off + d <= limit) end = off + d;
      }
    }
    ctx.payloadOffset = off + hl;
    ctx.end = end;
    // A datagram shorter than its own header stops the walk (decodeStack keeps the payload raw).
    const ref = declared >= 0 && declared < hl ? undefined : codec.next(h, ctx);
    this.slowDeclared = declared;
    this.slowNext = ref ? this.resolveIdx(ref) : -1;
    return hl;
  }

  private resolveIdx(ref: NextRef): number {
    const c = this.registry.resolve(ref);
    return c ? this.indexOfCodec(c) : -1;
  }

  /** Builds the contract objects of the layers walked so far (only when a codec takes the slow path and may look at them). */
  private materialize(bytes: Uint8Array): void {
    const ctx = this.ctx;
    if (this.materialized === 0) ctx.layers.length = 0;
    for (let j = this.materialized; j < this.count; j++) {
      const at = j * SLOT;
      const c = this.codecs[this.slots[at + 4]!] as AnyCodec;
      ctx.layers.push(c.decode(bytes, this.slots[at]!, this.slots[at + 2]!, ctx));
    }
    this.materialized = this.count;
  }

  /** The layer id at depth `i` (the codec's id string: compare with `===`); `''` past the last layer. */
  layerId(i: number): string {
    return i >= 0 && i < this.count ? (this.codecIds[this.slots[i * SLOT + 4]!] as string) : '';
  }
  /** The {@link LayerKind} at depth `i`. */
  kind(i: number): number {
    return this.meta[this.slots[i * SLOT + 4]!]! >>> 8;
  }
  /** Absolute offset of the header at depth `i`. */
  offset(i: number): number {
    return this.slots[i * SLOT]!;
  }
  /** Header length at depth `i`. */
  headerLength(i: number): number {
    return this.slots[i * SLOT + 1]!;
  }
  /** End of what the layer at depth `i` encloses (its datagram end for IPv4/IPv6/UDP). */
  end(i: number): number {
    return this.slots[i * SLOT + 3]!;
  }
  /** Depth of the `nth` layer with this id (0-based; negative counts from the inside), -1 when none. */
  indexOf(id: string, nth = 0): number {
    if (nth >= 0) {
      for (let i = 0, k = 0; i < this.count; i++) if (this.layerId(i) === id && k++ === nth) return i;
    } else {
      for (let i = this.count - 1, k = -1; i >= 0; i--) if (this.layerId(i) === id && k-- === nth) return i;
    }
    return -1;
  }
  /** The byte at `offset(i) + field`. No bounds check: fields inside `headerLength(i)` are always present. */
  u8(i: number, field: number): number {
    return this.bytes[this.slots[i * SLOT]! + field]!;
  }
  /** The big-endian 16-bit value at `offset(i) + field`. */
  u16(i: number, field: number): number {
    const b = this.bytes;
    const o = this.slots[i * SLOT]! + field;
    return (b[o]! << 8) | b[o + 1]!;
  }
  /** The big-endian 24-bit value at `offset(i) + field`. */
  u24(i: number, field: number): number {
    const b = this.bytes;
    const o = this.slots[i * SLOT]! + field;
    return (b[o]! << 16) | (b[o + 1]! << 8) | b[o + 2]!;
  }
  /** The big-endian unsigned 32-bit value at `offset(i) + field`. */
  u32(i: number, field: number): number {
    const b = this.bytes;
    const o = this.slots[i * SLOT]! + field;
    return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
  }
  /** The contract object of the layer at depth `i`, decoded by its codec (allocates; for debugging and rare paths). */
  header(i: number): LayerObject | undefined {
    if (i < 0 || i >= this.count) return undefined;
    this.materialize(this.bytes);
    return this.ctx.layers[i];
  }

  /** Depth of the `pick`-th IP header (0-based from the outside), -1 when none; `ips` counts them when `pick` < 0. */
  private ipDepth(pick: number): number {
    const slots = this.slots;
    const meta = this.meta;
    for (let i = 0, k = 0; i < this.count; i++) {
      const kind = meta[slots[i * SLOT + 4]!]! >>> 8;
      if ((kind === LayerKind.Ipv4 || kind === LayerKind.Ipv6) && k++ === pick) return i;
    }
    return -1;
  }

  private ipCount(): number {
    let n = 0;
    for (let i = 0; i < this.count; i++) {
      const kind = this.kind(i);
      if (kind === LayerKind.Ipv4 || kind === LayerKind.Ipv6) n++;
    }
    return n;
  }

  /**
   * Fills the reusable {@link FlowSlot} with the flow key of an IP level (default the innermost), the same key
   * as `DecodedPacket.flowKey`. Returns `undefined` when the packet has no IP header at that level.
   */
  flow(depth: FlowDepth = 'inner'): FlowSlot | undefined {
    const s = this.slot;
    const i =
      depth === 'inner' ? this.innerIp : depth === 'outer' ? this.ipDepth(0) : this.ipDepth(depth < 0 ? this.ipCount() + depth : depth);
    if (i < 0) {
      s.ipVersion = 0;
      s.ipIndex = -1;
      return undefined;
    }
    const b = this.bytes;
    const slots = this.slots;
    const meta = this.meta;
    const count = this.count;
    const o = slots[i * SLOT]!;
    s.bytes = b;
    s.ipIndex = i;
    let protocol: number;
    let frag = false;
    if (meta[slots[i * SLOT + 4]!]! >>> 8 === LayerKind.Ipv4) {
      s.ipVersion = 4;
      s.srcV4 = ((b[o + 12]! << 24) | (b[o + 13]! << 16) | (b[o + 14]! << 8) | b[o + 15]!) >>> 0;
      s.dstV4 = ((b[o + 16]! << 24) | (b[o + 17]! << 16) | (b[o + 18]! << 8) | b[o + 19]!) >>> 0;
      s.src6 = -1;
      s.dst6 = -1;
      protocol = b[o + 9]!;
      frag = ((b[o + 6]! & 0x1f) | b[o + 7]!) !== 0;
    } else {
      s.ipVersion = 6;
      s.srcV4 = 0;
      s.dstV4 = 0;
      s.src6 = o + 8;
      s.dst6 = o + 24;
      protocol = b[o + 6]!;
    }
    let j = i + 1;
    let kind = j < count ? meta[slots[j * SLOT + 4]!]! >>> 8 : LayerKind.Other;
    while (j < count && kind === LayerKind.Ipv6Extension) {
      protocol = b[slots[j * SLOT]!]!;
      j++;
      kind = j < count ? meta[slots[j * SLOT + 4]!]! >>> 8 : LayerKind.Other;
    }
    s.protocol = protocol;
    s.hasPorts = false;
    s.srcPort = 0;
    s.dstPort = 0;
    if (j < count) {
      if (kind === LayerKind.Udp) {
        const u = slots[j * SLOT]!;
        s.hasPorts = true;
        s.srcPort = (b[u]! << 8) | b[u + 1]!;
        s.dstPort = (b[u + 2]! << 8) | b[u + 3]!;
      }
    } else if (this.payloadOffset < this.payloadEnd) {
      // The next layer is `raw`: read the ports of a known transport, as DecodedPacket.flowKey does.
      const u = this.payloadOffset;
      if (!frag && this.payloadEnd - u >= 4 && hasPortsAtStart(protocol)) {
        s.hasPorts = true;
        s.srcPort = (b[u]! << 8) | b[u + 1]!;
        s.dstPort = (b[u + 2]! << 8) | b[u + 3]!;
      }
    }
    return s;
  }

  /** `decode` then `flow('inner')`: the innermost flow key of a packet (the slot has `ipVersion` 0 when there is none). */
  innerFlow(bytes: Uint8Array, offset = 0, end = bytes.length): FlowSlot {
    this.decode(bytes, offset, end);
    this.flow('inner');
    return this.slot;
  }

  /** The last filled {@link FlowSlot}. */
  get flowSlot(): FlowSlot {
    return this.slot;
  }

  /** The flow key of an IP level as `DecodedPacket.flowKey` returns it (allocates strings). */
  flowKey(depth: FlowDepth = 'inner'): FlowKey | undefined {
    const s = this.flow(depth);
    if (!s) return undefined;
    const key: FlowKey =
      s.ipVersion === 4
        ? { ipVersion: 4, src: ipv4Text(s.srcV4), dst: ipv4Text(s.dstV4), protocol: s.protocol }
        : { ipVersion: 6, src: ipv6Text(s.bytes, s.src6), dst: ipv6Text(s.bytes, s.dst6), protocol: s.protocol };
    if (s.hasPorts) {
      key.srcPort = s.srcPort;
      key.dstPort = s.dstPort;
    }
    return key;
  }

  /**
   * The last filled flow slot as text, built only now: `proto 17 10.0.0.1:1234 > 10.0.0.2:80`, IPv6 addresses
   * in brackets when ports follow; `''` when the slot is empty.
   */
  flowKeyString(): string {
    const s = this.slot;
    if (s.ipVersion === 0) return '';
    const v6 = s.ipVersion === 6;
    const src = v6 ? ipv6Text(s.bytes, s.src6) : ipv4Text(s.srcV4);
    const dst = v6 ? ipv6Text(s.bytes, s.dst6) : ipv4Text(s.dstV4);
    if (!s.hasPorts) return `proto ${s.protocol} ${src} > ${dst}`;
    return v6
      ? `proto ${s.protocol} [${src}]:${s.srcPort} > [${dst}]:${s.dstPort}`
      : `proto ${s.protocol} ${src}:${s.srcPort} > ${dst}:${s.dstPort}`;
  }
}

let shared: Registry | undefined;
/** The module's private default registry (never handed out, so never mutated). */
function sharedRegistry(): Registry {
  shared ??= defaultRegistry();
  return shared;
}

/** Dotted-quad text of an unsigned 32-bit IPv4 address. */
function ipv4Text(a: number): string {
  return `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`;
}

/** RFC 5952 text of the 16-byte IPv6 address at `o` (longest run of ≥ 2 zero groups compressed, first on a tie). */
function ipv6Text(b: Uint8Array, o: number): string {
  const g: number[] = [];
  for (let i = 0; i < 8; i++) g.push((b[o + 2 * i]! << 8) | b[o + 2 * i + 1]!);
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (x: number): string => x.toString(16);
  if (best < 0) return g.map(hex).join(':');
  return `${g.slice(0, best).map(hex).join(':')}::${g
    .slice(best + bestLen)
    .map(hex)
    .join(':')}`;
}
