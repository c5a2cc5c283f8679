/**
 * The layer walk of the fast output paths (src/fast-summary.ts, src/fast-json.ts): the common stacks
 * (Ethernet, VLAN, IPv4, IPv6, UDP, VXLAN) read from the packet's bytes the way `decodeStack` reads them, with
 * the same dispatch tables of the same registry, the same datagram bounds and the same checksum rules, but
 * without building layer objects. Anything else (another layer, an issue other than a bad checksum, a header
 * it would have to look at more closely) stops the walk, and the writer takes the general path.
 *
 * Also here: the cache both writers keep of the text they last wrote at each depth, and the base class that
 * holds the two.
 */
import { foldChecksum, ipv4PseudoHeaderSum, ipv6PseudoHeaderSum, type Registry, sumWords } from '@wirestack/core';
import type { CaptureRecord } from '@wirestack/pcap';
import { defaultRegistry } from '@wirestack/stack';
import type { ByteWriter } from './io.js';
import { firstLayerFor } from './link.js';

/** Layers the fast paths write; `OTHER` is anything else that is bound (the packet goes the general way). */
export const NONE = 0;
export const ETHERNET = 1;
export const VLAN = 2;
export const IPV4 = 3;
export const IPV6 = 4;
export const UDP = 5;
export const VXLAN = 6;
const OTHER = 255;

const KIND_OF_ID: Record<string, number> = { ethernet: ETHERNET, vlan: VLAN, ipv4: IPV4, ipv6: IPV6, udp: UDP, vxlan: VXLAN };

/** decodeStack's default nesting limit: a deeper packet has a `too-deep` issue, so it goes the general way. */
export const MAX_DEPTH = 32;

/** Numbers per depth in the summary text cache's keys: the kind and up to 8 words of fields. */
const KEY = 9;

/**
 * The registry's dispatch tables as layer kinds (for the fast paths), built once: a registry must not
 * change while they are in use.
 */
class Dispatch {
  readonly ethertype = new Uint8Array(65536);
  readonly ipProto = new Uint8Array(256);
  readonly udpPort = new Uint8Array(65536);
  /** Kind of the layer VXLAN announces (`{ layer: 'ethernet' }`). */
  readonly afterVxlan: number;
  private readonly kindById = new Map<string, number>();
  private lastFirst = '';
  private lastFirstKind = OTHER;

  constructor(private readonly registry: Registry) {
    const defaults = defaultRegistry();
    // Only the very codec objects of the default registry are known: a replaced codec goes the general way.
    for (const c of registry.layers()) {
      const k = KIND_OF_ID[c.id];
      this.kindById.set(c.id, k !== undefined && defaults.get(c.id) === c ? k : OTHER);
    }
    this.fill(this.ethertype, 'ethertype');
    this.fill(this.ipProto, 'ip.proto');
    this.fill(this.udpPort, 'udp.port');
    this.afterVxlan = this.kindOf('ethernet');
  }

  /** The kind of the codec with this id; `NONE` when the registry has none (nothing to decode). */
  private kindOf(id: string): number {
    return this.kindById.get(id) ?? NONE;
  }

  private fill(t: Uint8Array, table: 'ethertype' | 'ip.proto' | 'udp.port'): void {
    for (const [v, id] of this.registry.entries(table)) if (Number.isInteger(v) && v >= 0 && v < t.length) t[v] = this.kindOf(id);
  }

  /** The kind of a record's first layer (by its link type, as `decode` picks it); `NONE` or `OTHER` when not a fast one. */
  first(rec: CaptureRecord): number {
    const id = firstLayerFor(rec.linkType, rec.data[0]);
    if (id !== this.lastFirst) {
      this.lastFirst = id;
      this.lastFirstKind = id === 'padding' ? OTHER : this.kindOf(id);
    }
    return this.lastFirstKind;
  }
}

/**
 * A walk through a packet's layers, reused from packet to packet. {@link Walk.layers} fills, per depth, the
 * layer's kind, offset and header length, and whether the fields its summary text shows are those of the
 * last packet walked at that depth (`unchanged`; only the summary uses it). After a walk, `off` and `limit`
 * bound the raw payload, and `bounds` and the bad checksums are what the tail of the line shows.
 *
 * While a layer is read, the step functions read it at `off` within `limit`, and set `hl` (its header
 * length), `next` (the kind it announces) and `same` (they compare and update the keys of its depth).
 */
export class Walk {
  off = 0;
  limit = 0;
  hl = 0;
  next = 0;
  same = false;
  /** The last IP header (UDP's pseudo-header): its kind (`NONE` before any) and offset. */
  netKind = NONE;
  netOff = 0;
  /** Per datagram-bounding layer: its end and the end of what encloses it (as decodeStack's `bounds`). */
  readonly bounds = new Int32Array(2 * MAX_DEPTH);
  nBounds = 0;
  /** Kinds, depths and offsets of the layers with a bad checksum, in order. */
  readonly badSums = new Uint8Array(MAX_DEPTH);
  readonly badDepth = new Int32Array(MAX_DEPTH);
  readonly badOff = new Int32Array(MAX_DEPTH);
  nBad = 0;
  /** Per depth: the kind, offset and header length of the layer there, and whether its summary key is unchanged. */
  readonly kinds = new Uint8Array(MAX_DEPTH);
  readonly offs = new Int32Array(MAX_DEPTH);
  readonly hls = new Int32Array(MAX_DEPTH);
  readonly unchanged = new Uint8Array(MAX_DEPTH);
  /** The summary text cache's keys: per depth, the kind and up to 8 words of the fields the text shows. */
  readonly keys = new Int32Array(MAX_DEPTH * KEY);
  private readonly dispatch: Dispatch;

  /** Built for one registry, which must not change while the walk is in use. */
  constructor(
    registry: Registry,
    private readonly verifyChecksums: boolean,
  ) {
    this.dispatch = new Dispatch(registry);
  }

  /** The kind of a record's first layer (by its link type, as `decode` picks it); `NONE` when the walk does not know it. */
  first(rec: CaptureRecord): number {
    const kind = this.dispatch.first(rec);
    return kind === OTHER ? NONE : kind;
  }

  /**
   * Walks the layers of packet `b` from one of kind `first` (see the class doc); returns how many there are,
   * or -1 when the packet needs the general path.
   */
  layers(b: Uint8Array, first: number): number {
    this.off = 0;
    this.limit = b.length;
    this.nBounds = 0;
    this.nBad = 0;
    this.netKind = NONE;
    const keys = this.keys;
    let kind = first;
    let depth = 0;
    for (;;) {
      if (depth >= MAX_DEPTH) return this.abandon(depth);
      const at = depth * KEY;
      this.same = keys[at] === kind;
      keys[at] = kind;
      if (!step(this, b, at, kind, this.dispatch, this.verifyChecksums)) return this.abandon(depth);
      this.kinds[depth] = kind;
      this.offs[depth] = this.off;
      this.hls[depth] = this.hl;
      this.unchanged[depth] = this.same ? 1 : 0;
      this.off += this.hl;
      depth++;
      const next = this.next;
      if (next === NONE) return depth;
      // Another layer, or one announced with no bytes left (a `truncated` issue): the general path.
      if (next === OTHER || this.off >= this.limit) return this.abandon(depth);
      kind = next;
    }
  }

  /** Forgets the summary keys (the texts they describe are gone): the next walk finds no layer unchanged. */
  forget(): void {
    const keys = this.keys;
    for (let d = 0; d < MAX_DEPTH; d++) keys[d * KEY] = NONE;
  }

  /** Gives up on a packet: the keys its first `depth` layers left describe texts that are not written. */
  private abandon(depth: number): number {
    const keys = this.keys;
    for (let d = 0; d <= depth && d < MAX_DEPTH; d++) keys[d * KEY] = NONE;
    return -1;
  }

  /**
   * After a walk: the first of the datagrams whose padding is shown (they are shown from the last, the
   * innermost, down to this one). Empty pads at the outer end are left out, as decodeStack does.
   */
  firstPad(): number {
    const bounds = this.bounds;
    const nb = this.nBounds >>> 1;
    let i = 1;
    while (i < nb && bounds[2 * i] === bounds[2 * i + 1]) i++;
    return i;
  }

  /** After a walk: where the outermost datagram ends (a trailer follows), or `length` when no layer bounds one. */
  outerEnd(length: number): number {
    return this.nBounds > 0 ? this.bounds[0]! : length;
  }

  /** Ends the current datagram at `off + length` (the caller checked it fits). */
  bound(length: number): void {
    const end = this.off + length;
    this.bounds[this.nBounds++] = end;
    this.bounds[this.nBounds++] = this.limit;
    this.limit = end;
  }

  /** Records a bad checksum of the layer of this kind whose key starts at `at` (at `off`). */
  bad(kind: number, at: number): void {
    const i = this.nBad++;
    this.badSums[i] = kind;
    this.badDepth[i] = at / KEY;
    this.badOff[i] = this.off;
  }

  /** Compares one key word at `at` with `v` and stores `v`. */
  key(at: number, v: number): void {
    if (this.keys[at] !== v) {
      this.keys[at] = v;
      this.same = false;
    }
  }
}

/**
 * Reads the layer of this kind at `w.off` (see {@link Walk}); false when the packet needs the general path.
 * Each layer is read by its own small step function: V8 optimizes small functions soon, and a short
 * capture is over before one large function would be.
 */
function step(w: Walk, b: Uint8Array, at: number, kind: number, d: Dispatch, verify: boolean): boolean {
  switch (kind) {
    case ETHERNET:
      return stepEthernet(w, b, at, d.ethertype);
    case VLAN:
      return stepVlan(w, b, at, d.ethertype);
    case IPV4:
      return stepIpv4(w, b, at, d.ipProto, verify);
    case IPV6:
      return stepIpv6(w, b, at, d.ipProto);
    case UDP:
      return stepUdp(w, b, at, d.udpPort, verify);
    case VXLAN:
      return stepVxlan(w, b, at, d.afterVxlan);
    default:
      return false;
  }
}

function stepEthernet(w: Walk, b: Uint8Array, at: number, ethertype: Uint8Array): boolean {
  const off = w.off;
  if (w.limit - off < 14) return false;
  w.key(at + 1, (b[off]! << 24) | (b[off + 1]! << 16) | (b[off + 2]! << 8) | b[off + 3]!);
  w.key(at + 2, (b[off + 4]! << 24) | (b[off + 5]! << 16) | (b[off + 6]! << 8) | b[off + 7]!);
  w.key(at + 3, (b[off + 8]! << 24) | (b[off + 9]! << 16) | (b[off + 10]! << 8) | b[off + 11]!);
  w.hl = 14;
  w.next = ethertype[(b[off + 12]! << 8) | b[off + 13]!]!;
  return true;
}

function stepVlan(w: Walk, b: Uint8Array, at: number, ethertype: Uint8Array): boolean {
  const off = w.off;
  if (w.limit - off < 4) return false;
  w.key(at + 1, ((b[off]! << 8) | b[off + 1]!) & 0x0fff);
  w.hl = 4;
  w.next = ethertype[(b[off + 2]! << 8) | b[off + 3]!]!;
  return true;
}

function stepIpv4(w: Walk, b: Uint8Array, at: number, ipProto: Uint8Array, verify: boolean): boolean {
  const off = w.off;
  const room = w.limit - off;
  if (room < 20) return false;
  const vi = b[off]!;
  const hl = (vi & 15) << 2;
  if (vi >>> 4 !== 4 || hl < 20 || hl > room) return false;
  const declared = (b[off + 2]! << 8) | b[off + 3]!;
  // Shorter than its header (bad-length) or cut short (truncated): issues, so the general path.
  if (declared < hl || declared > room) return false;
  w.bound(declared);
  if (verify && foldChecksum(sumWords(b, off, off + hl)) !== 0xffff) w.bad(IPV4, at);
  w.netKind = IPV4;
  w.netOff = off;
  w.key(at + 1, (b[off + 12]! << 24) | (b[off + 13]! << 16) | (b[off + 14]! << 8) | b[off + 15]!);
  w.key(at + 2, (b[off + 16]! << 24) | (b[off + 17]! << 16) | (b[off + 18]! << 8) | b[off + 19]!);
  // More fragments and the fragment offset (the flag bits the text shows).
  const frag = ((b[off + 6]! << 8) | b[off + 7]!) & 0x3fff;
  w.key(at + 3, frag);
  w.hl = hl;
  const proto = b[off + 9]!;
  w.next = (frag & 0x1fff) > 0 || proto === 0 ? NONE : ipProto[proto]!;
  return true;
}

function stepIpv6(w: Walk, b: Uint8Array, at: number, ipProto: Uint8Array): boolean {
  const off = w.off;
  if (w.limit - off < 40 || b[off]! >>> 4 !== 6) return false;
  const payload = (b[off + 4]! << 8) | b[off + 5]!;
  const nh = b[off + 6]!;
  // A jumbogram (payload length 0 before a hop-by-hop header) declares no length: rare, general path.
  if ((payload === 0 && nh === 0) || 40 + payload > w.limit - off) return false;
  w.bound(40 + payload);
  w.netKind = IPV6;
  w.netOff = off;
  for (let i = 0; i < 8; i++) {
    const a = off + 8 + 4 * i;
    w.key(at + 1 + i, (b[a]! << 24) | (b[a + 1]! << 16) | (b[a + 2]! << 8) | b[a + 3]!);
  }
  w.hl = 40;
  w.next = ipProto[nh]!;
  return true;
}

function stepUdp(w: Walk, b: Uint8Array, at: number, udpPort: Uint8Array, verify: boolean): boolean {
  const off = w.off;
  if (w.limit - off < 8) return false;
  const length = (b[off + 4]! << 8) | b[off + 5]!;
  if (length < 8 || length > w.limit - off) return false;
  w.bound(length);
  const checksum = (b[off + 6]! << 8) | b[off + 7]!;
  if (verify && checksum !== 0 && w.netKind !== NONE) {
    const sum = udpSum(b, off, length, w.netKind, w.netOff);
    if (sum < 0) return false;
    let c = ~foldChecksum(sum) & 0xffff;
    if (c === 0) c = 0xffff;
    if (c !== checksum) w.bad(UDP, at);
  }
  const src = (b[off]! << 8) | b[off + 1]!;
  const dst = (b[off + 2]! << 8) | b[off + 3]!;
  w.key(at + 1, (src << 16) | dst);
  w.hl = 8;
  // By destination port, then by source port, as the codec's `next` does.
  const next = udpPort[dst]!;
  w.next = next !== NONE ? next : udpPort[src]!;
  return true;
}

function stepVxlan(w: Walk, b: Uint8Array, at: number, afterVxlan: number): boolean {
  const off = w.off;
  if (w.limit - off < 8) return false;
  w.key(at + 1, (b[off + 4]! << 16) | (b[off + 5]! << 8) | b[off + 6]!);
  w.hl = 8;
  w.next = afterVxlan;
  return true;
}

/**
 * The UDP checksum sum before folding (pseudo-header, header without its checksum, payload), as the udp
 * codec computes it; -1 where the pseudo-header needs more than the fixed IP header (IPv4 options may
 * hold a source route, IPv6 extension headers a routing header): the general path then.
 */
function udpSum(b: Uint8Array, off: number, length: number, netKind: number, netOff: number): number {
  let sum: number;
  if (netKind === IPV4) {
    if ((b[netOff]! & 15) !== 5) return -1;
    sum = ipv4PseudoHeaderSum(b, netOff + 12, netOff + 16, 17, length);
  } else {
    if (off !== netOff + 40) return -1;
    sum = ipv6PseudoHeaderSum(b, netOff + 8, netOff + 24, 17, length);
  }
  sum += ((b[off]! << 8) | b[off + 1]!) + ((b[off + 2]! << 8) | b[off + 3]!) + ((b[off + 4]! << 8) | b[off + 5]!);
  if (length > 8) sum = sumWords(b, off + 8, off + length, sum);
  return sum;
}

/**
 * Where the text a writer last wrote for each depth sits in its output batch. A layer's text is most often
 * the same as that of the previous packet at its depth (a tunnel's outer headers, a flow's addresses), and
 * is then copied from there; copies of texts that were adjacent become one copy. The texts are valid while
 * the batch is the same and only grows past the last record (other lines are appended after it).
 */
export class TextCache {
  private readonly start = new Int32Array(MAX_DEPTH);
  private readonly end = new Int32Array(MAX_DEPTH);
  private buf: Uint8Array | undefined;
  /** Where the last record written ends. */
  private last = 0;
  /** A copy not made yet: `pendLen` bytes from `pendSrc` go to `pendDst`. */
  private pendSrc = 0;
  private pendDst = 0;
  private pendLen = 0;

  /**
   * Starts a record's layers at `at` of batch `o`; false when the texts kept so far are gone (a new batch,
   * or bytes taken back from this one), and the caller must then forget what it knew of them.
   */
  open(o: Uint8Array, at: number): boolean {
    this.pendLen = 0;
    if (o === this.buf && at >= this.last) return true;
    this.buf = o;
    return false;
  }

  /** Puts the text kept for `depth` at `p` (the copy may wait to join the next one); returns the new position. */
  copy(o: Uint8Array, depth: number, p: number): number {
    const from = this.start[depth]!;
    const len = this.end[depth]! - from;
    if (this.pendLen > 0 && from === this.pendSrc + this.pendLen) this.pendLen += len;
    else {
      if (this.pendLen > 0) o.copyWithin(this.pendDst, this.pendSrc, this.pendSrc + this.pendLen);
      this.pendSrc = from;
      this.pendDst = p;
      this.pendLen = len;
    }
    this.start[depth] = p;
    this.end[depth] = p + len;
    return p + len;
  }

  /** Keeps `[begin, end)` as the text of `depth`. */
  keep(depth: number, begin: number, end: number): void {
    this.start[depth] = begin;
    this.end[depth] = end;
  }

  /** Ends the record's layers: makes the copy still waiting. */
  flush(o: Uint8Array): void {
    if (this.pendLen > 0) o.copyWithin(this.pendDst, this.pendSrc, this.pendSrc + this.pendLen);
    this.pendLen = 0;
  }

  /** Notes where the record ends (bytes written before it stay as they are). */
  close(end: number): void {
    this.last = end;
  }
}

/**
 * A fast writer (the summary's or the JSON one): a walk and a text cache for one registry, which must not
 * change while it is in use.
 */
export abstract class FastWriter {
  protected readonly walk: Walk;
  protected readonly cache = new TextCache();

  constructor(registry: Registry, verifyChecksums: boolean) {
    this.walk = new Walk(registry, verifyChecksums);
  }

  /**
   * Writes the line of record `rec` (packet number `index`) and its newline into `out`; returns false,
   * having written nothing, when the packet needs the general path.
   */
  abstract write(out: ByteWriter, index: number, rec: CaptureRecord): boolean;
}
