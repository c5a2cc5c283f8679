/**
 * The summary line of `decode` written straight from the packet's bytes into output bytes, for the common
 * stacks: Ethernet, VLAN, IPv4, IPv6, UDP and VXLAN, with raw payload, padding, trailer and bad checksums.
 *
 * It walks the layers as `decodeStack` does (the same dispatch tables of the same registry, the same
 * datagram bounds and checksum rules) but builds no layer objects and no strings: addresses and numbers
 * are written as ASCII digits into the batch of a {@link ByteWriter}. Whenever the packet holds anything
 * else (another layer, an issue other than a bad checksum, a header it would have to look at more closely)
 * it writes nothing and says so, and the caller takes the general path (`decodeStack` + `summaryLine`).
 * The two paths print byte-identical lines; test/fast-summary.test.ts compares them on every capture.
 */
import { foldChecksum, ipv6PseudoHeaderSum, type Registry, sumWords } from '@wirestack/core';
import type { CaptureRecord } from '@wirestack/pcap';
import { defaultRegistry } from '@wirestack/stack';
import { BYTE_LINE_ROOM, type ByteWriter } from './io.js';
import { firstLayerFor } from './link.js';

/** Layers the fast path writes; `OTHER` is anything else that is bound (the packet goes the general way). */
export const NONE = 0;
export const ETHERNET = 1;
export const VLAN = 2;
export const IPV4 = 3;
export const IPV6 = 4;
export const UDP = 5;
export const VXLAN = 6;
export const OTHER = 255;

const KIND_OF_ID: Record<string, number> = { ethernet: ETHERNET, vlan: VLAN, ipv4: IPV4, ipv6: IPV6, udp: UDP, vxlan: VXLAN };

/** decodeStack's default nesting limit: a deeper packet has a `too-deep` issue, so it goes the general way. */
export const MAX_DEPTH = 32;

/** ASCII bytes of a string (the constant pieces of a line). */
function ascii(s: string): Uint8Array {
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i);
  return b;
}

const ARROW = new TextEncoder().encode(' → ');
const SEP = ascii(' / ');
const T_ETHERNET = ascii('ethernet ');
const T_VLAN = ascii('vlan ');
const T_IPV4 = ascii('ipv4 ');
const T_IPV6 = ascii('ipv6 ');
const T_UDP = ascii('udp ');
const T_VXLAN = ascii('vxlan vni ');
const T_FRAG = ascii(' frag ');
const T_RAW = ascii('raw ');
const T_PADDING = ascii('padding ');
const T_TRAILER = ascii(' + trailer ');
const T_BAD_SUM = ascii(' [bad-checksum ');
const NAME_OF: Uint8Array[] = [];
NAME_OF[IPV4] = ascii('ipv4');
NAME_OF[UDP] = ascii('udp');

/** Two lower-case hex digits per byte value. */
export const HEX2 = new Uint8Array(512);
/** Decimal digits of 0-255, three slots per value, and how many are used. */
const DEC = new Uint8Array(768);
const DEC_LEN = new Uint8Array(256);
/** Lower-case hex digits. */
const HEX_DIGIT = ascii('0123456789abcdef');
for (let i = 0; i < 256; i++) {
  HEX2[2 * i] = HEX_DIGIT[i >>> 4]!;
  HEX2[2 * i + 1] = HEX_DIGIT[i & 15]!;
  const d = String(i);
  DEC_LEN[i] = d.length;
  for (let j = 0; j < d.length; j++) DEC[3 * i + j] = d.charCodeAt(j);
}

export function put(o: Uint8Array, p: number, s: Uint8Array): number {
  const n = s.length;
  // A call to the copying builtin costs about as much as a loop over 16 bytes.
  if (n > 16) {
    o.set(s, p);
    return p + n;
  }
  for (let i = 0; i < n; i++) o[p + i] = s[i]!;
  return p + n;
}

/** Writes a non-negative integer (below 2^53) in decimal; returns the new position. */
export function putUint(o: Uint8Array, p: number, n: number): number {
  if (n < 10) {
    o[p] = 48 + n;
    return p + 1;
  }
  if (n > 0x7fffffff) return putLargeUint(o, p, n);
  // Small integers stay in 32-bit integer arithmetic (a division by 10 becomes a multiplication).
  let x = n | 0;
  const digits =
    x < 100
      ? 2
      : x < 1000
        ? 3
        : x < 10000
          ? 4
          : x < 100000
            ? 5
            : x < 1000000
              ? 6
              : x < 10000000
                ? 7
                : x < 100000000
                  ? 8
                  : x < 1000000000
                    ? 9
                    : 10;
  let q = p + digits;
  while (x >= 10) {
    const y = (x / 10) | 0;
    o[--q] = 48 + x - y * 10;
    x = y;
  }
  o[--q] = 48 + x;
  return p + digits;
}

function putLargeUint(o: Uint8Array, p: number, n: number): number {
  let digits = 1;
  for (let x = n; x >= 10; x = Math.floor(x / 10)) digits++;
  let q = p + digits;
  let x = n;
  while (x >= 10) {
    const y = Math.floor(x / 10);
    o[--q] = 48 + (x - y * 10);
    x = y;
  }
  o[--q] = 48 + x;
  return p + digits;
}

/** Writes `n` (below 2^31) as exactly `width` decimal digits, zero-padded. */
export function putFixed(o: Uint8Array, p: number, n: number, width: number): number {
  let x = n | 0;
  for (let q = p + width - 1; q >= p; q--) {
    const y = (x / 10) | 0;
    o[q] = 48 + x - y * 10;
    x = y;
  }
  return p + width;
}

/** Writes a string whose characters are all below 256 (one byte each; callers pass ASCII). */
export function putLatin1(o: Uint8Array, p: number, s: string): number {
  const n = s.length;
  for (let i = 0; i < n; i++) o[p + i] = s.charCodeAt(i);
  return p + n;
}

/** `aa:bb:cc:dd:ee:ff` of the 6 bytes at `a`. */
export function putMac(o: Uint8Array, p: number, b: Uint8Array, a: number): number {
  let q = p;
  for (let i = 0; i < 6; i++) {
    if (i > 0) o[q++] = 58;
    const v = b[a + i]! << 1;
    o[q] = HEX2[v]!;
    o[q + 1] = HEX2[v + 1]!;
    q += 2;
  }
  return q;
}

/** Dotted quad of the 4 bytes at `a`. */
export function putIpv4(o: Uint8Array, p: number, b: Uint8Array, a: number): number {
  let q = p;
  for (let i = 0; i < 4; i++) {
    if (i > 0) o[q++] = 46;
    const v = b[a + i]!;
    const d = 3 * v;
    const n = DEC_LEN[v]!;
    o[q] = DEC[d]!;
    if (n > 1) o[q + 1] = DEC[d + 1]!;
    if (n > 2) o[q + 2] = DEC[d + 2]!;
    q += n;
  }
  return q;
}

/** A 16-bit group in hex without leading zeros. */
function putHex16(o: Uint8Array, p: number, g: number): number {
  let q = p;
  if (g >= 0x1000) o[q++] = HEX_DIGIT[g >>> 12]!;
  if (g >= 0x100) o[q++] = HEX_DIGIT[(g >>> 8) & 15]!;
  if (g >= 0x10) o[q++] = HEX_DIGIT[(g >>> 4) & 15]!;
  o[q++] = HEX_DIGIT[g & 15]!;
  return q;
}

/** The 16 bytes at `a` as `formatIpv6` writes them (RFC 5952: the first longest run of ≥ 2 zero groups as `::`). */
export function putIpv6(o: Uint8Array, p: number, b: Uint8Array, a: number): number {
  let bestStart = -1;
  let bestLen = 1;
  let runStart = -1;
  for (let i = 0; i < 8; i++) {
    if (b[a + 2 * i] === 0 && b[a + 2 * i + 1] === 0) {
      if (runStart < 0) runStart = i;
      const len = i - runStart + 1;
      if (len > bestLen) {
        bestLen = len;
        bestStart = runStart;
      }
    } else runStart = -1;
  }
  let q = p;
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      o[q++] = 58;
      if (i === 0) o[q++] = 58;
      i += bestLen - 1;
      continue;
    }
    q = putHex16(o, q, (b[a + 2 * i]! << 8) | b[a + 2 * i + 1]!);
    if (i < 7) o[q++] = 58;
  }
  return q;
}

/** Whether the record's time is a pcap µs/ns stamp printed as it is stored (see `recordTimestamp`). */
export function isPlainTime(rec: CaptureRecord): boolean {
  const d = rec.timestampDigits;
  const frac = rec.timestampLow;
  return rec.format === 'pcap' && ((d === 6 && frac < 1e6) || (d === 9 && frac < 1e9));
}

/** Writes a time for which {@link isPlainTime} holds: the stored seconds, a dot and the zero-padded fraction. */
export function putPlainTime(o: Uint8Array, start: number, rec: CaptureRecord): number {
  let p = putUint(o, start, rec.timestampHigh);
  o[p++] = 46;
  return putFixed(o, p, rec.timestampLow, rec.timestampDigits);
}

/** Marks that the fast path cannot write this packet (nothing of it is kept). */
const FALLBACK = -1;

/** Numbers per depth in the text cache's keys: the kind and up to 8 words of fields. */
export const KEY = 9;

/** Writes the summary of one layer (a kind the fast path knows, whose header is all there). */
function layerText(o: Uint8Array, start: number, b: Uint8Array, off: number, kind: number): number {
  let p = start;
  switch (kind) {
    case ETHERNET:
      p = put(o, p, T_ETHERNET);
      p = putMac(o, p, b, off + 6);
      p = put(o, p, ARROW);
      return putMac(o, p, b, off);
    case VLAN:
      p = put(o, p, T_VLAN);
      return putUint(o, p, ((b[off]! << 8) | b[off + 1]!) & 0x0fff);
    case IPV4: {
      p = put(o, p, T_IPV4);
      p = putIpv4(o, p, b, off + 12);
      p = put(o, p, ARROW);
      p = putIpv4(o, p, b, off + 16);
      const ff = (b[off + 6]! << 8) | b[off + 7]!;
      const fragOffset = ff & 0x1fff;
      const more = (ff & 0x2000) !== 0;
      if (fragOffset > 0 || more) {
        p = put(o, p, T_FRAG);
        p = putUint(o, p, fragOffset);
        if (more) o[p++] = 43;
      }
      return p;
    }
    case IPV6:
      p = put(o, p, T_IPV6);
      p = putIpv6(o, p, b, off + 8);
      p = put(o, p, ARROW);
      return putIpv6(o, p, b, off + 24);
    case UDP:
      p = put(o, p, T_UDP);
      p = putUint(o, p, (b[off]! << 8) | b[off + 1]!);
      p = put(o, p, ARROW);
      return putUint(o, p, (b[off + 2]! << 8) | b[off + 3]!);
    default:
      // VXLAN
      p = put(o, p, T_VXLAN);
      return putUint(o, p, (b[off + 4]! << 16) | (b[off + 5]! << 8) | b[off + 6]!);
  }
}

/**
 * The registry's dispatch tables as layer kinds (for the fast paths), built once: a registry must not
 * change while they are in use.
 */
export class Dispatch {
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
 * Writes `decode` summary lines from bytes for the common stacks (see the module doc). Built for one
 * registry, which must not change while it is in use.
 */
export class FastSummary {
  private readonly dispatch: Dispatch;
  private readonly walk = new Walk();
  /** Text cache (see `layers`): per depth, where the text of the last layer written there is in `cacheBuf`. */
  private readonly segStart = new Int32Array(MAX_DEPTH);
  private readonly segEnd = new Int32Array(MAX_DEPTH);
  private cacheBuf: Uint8Array | undefined;
  /**
   * Where the last line written here ends: the batch only grows (other lines are appended after it), so
   * cached texts are valid while the batch is the same and its end is not before this.
   */
  private cacheEnd = 0;

  /**
   * `timestamp` prints a record's time where it is not a plain pcap µs/ns stamp (the decode command's
   * `recordTimestamp`; passed in so that this module does not import the command back).
   */
  constructor(
    registry: Registry,
    private readonly verifyChecksums: boolean,
    private readonly timestamp: (rec: CaptureRecord) => string,
  ) {
    this.dispatch = new Dispatch(registry);
  }

  /**
   * Writes the summary line of record `rec` (packet number `index`) and its newline into `out`; returns
   * false, having written nothing, when the packet needs the general path.
   */
  write(out: ByteWriter, index: number, rec: CaptureRecord): boolean {
    const bytes = rec.data;
    const first = this.dispatch.first(rec);
    if (first === NONE || first === OTHER) return false;
    // Times other than a plain pcap µs/ns stamp are printed by `formatTimestamp` (a string; rare).
    const plainTime = isPlainTime(rec);
    const ts = plainTime ? '' : this.timestamp(rec);
    out.reserve(BYTE_LINE_ROOM + ts.length);
    const o = out.buf;
    let p = putUint(o, out.pos, index);
    o[p++] = 32;
    p = plainTime ? putPlainTime(o, p, rec) : putLatin1(o, p, ts);
    o[p++] = 32;
    p = this.layers(o, p, bytes, first);
    if (p === FALLBACK) return false;
    o[p++] = 10;
    out.pos = p;
    return true;
  }

  /**
   * Writes the layers, raw payload, padding, trailer and checksum issues; returns the new position or
   * {@link FALLBACK}.
   *
   * The text of a layer depends on a few of its fields only (addresses, ports, VNI, ...), which are most
   * often the same as in the previous packet at the same depth (a tunnel's outer headers, a flow's
   * addresses): each depth keeps those fields as its key and where its text sits in the output batch, and a
   * layer with an unchanged key is copied from there. Runs of copied layers that were adjacent become one copy.
   *
   * Each layer is read by its own small step function: V8 optimizes small functions soon, and a short
   * capture is over before one large function would be.
   */
  private layers(o: Uint8Array, start: number, b: Uint8Array, first: number): number {
    const w = this.walk;
    const keys = w.keys;
    const segStart = this.segStart;
    const segEnd = this.segEnd;
    if (o !== this.cacheBuf || start < this.cacheEnd) {
      // A new batch (or bytes taken back from this one): the cached texts are gone.
      this.cacheBuf = o;
      for (let d = 0; d < MAX_DEPTH; d++) keys[d * KEY] = NONE;
    }
    w.off = 0;
    w.limit = b.length;
    w.nBounds = 0;
    w.nBad = 0;
    w.netKind = NONE;
    let p = start;
    let kind = first;
    let depth = 0;
    /** A copy of earlier text not made yet: `pendLen` bytes from `pendSrc` go to `pendDst`. */
    let pendSrc = 0;
    let pendDst = 0;
    let pendLen = 0;
    for (;;) {
      if (depth >= MAX_DEPTH) return this.abandon(depth);
      const at = depth * KEY;
      w.same = keys[at] === kind;
      keys[at] = kind;
      if (!step(w, b, at, kind, this.dispatch, this.verifyChecksums)) return this.abandon(depth);
      const begin = p;
      if (w.same) {
        const from = segStart[depth]!;
        const len = segEnd[depth]! - from;
        if (pendLen > 0 && from === pendSrc + pendLen) pendLen += len;
        else {
          if (pendLen > 0) o.copyWithin(pendDst, pendSrc, pendSrc + pendLen);
          pendSrc = from;
          pendDst = p;
          pendLen = len;
        }
        p += len;
      } else {
        if (depth > 0) p = put(o, p, SEP);
        p = layerText(o, p, b, w.off, kind);
      }
      segStart[depth] = begin;
      segEnd[depth] = p;
      w.off += w.hl;
      depth++;
      const next = w.next;
      if (next === NONE) break;
      if (next === OTHER) return this.abandon(depth);
      // A layer announced with no bytes left is a `truncated` issue (every layer here has a minimum length).
      if (w.off >= w.limit) return this.abandon(depth);
      kind = next;
    }
    if (pendLen > 0) o.copyWithin(pendDst, pendSrc, pendSrc + pendLen);
    p = tail(o, p, b, w);
    this.cacheEnd = p;
    return p;
  }

  /** Gives up on a packet: the texts its first `depth` layers left after the batch's end are not kept. */
  private abandon(depth: number): number {
    const keys = this.walk.keys;
    for (let d = 0; d <= depth && d < MAX_DEPTH; d++) keys[d * KEY] = NONE;
    return FALLBACK;
  }
}

/**
 * Where a walk through a packet's layers is (reused from packet to packet). The step functions read the
 * layer at `off` within `limit`, and set `hl` (its header length), `next` (the kind it announces) and
 * `same` (whether the fields its text shows are those cached at its depth; they update the cache).
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
  /** The text cache's keys: per depth, the kind and up to 8 words of the fields the text shows. */
  readonly keys = new Int32Array(MAX_DEPTH * KEY);

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

/** Reads the layer of this kind at `w.off` (see {@link Walk}); false when the packet needs the general path. */
export function step(w: Walk, b: Uint8Array, at: number, kind: number, d: Dispatch, verify: boolean): boolean {
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

/** After the layers: the raw payload, padding of inner datagrams, the trailer and the checksum issues. */
function tail(o: Uint8Array, start: number, b: Uint8Array, w: Walk): number {
  let p = start;
  if (w.off < w.limit) {
    p = put(o, p, SEP);
    p = put(o, p, T_RAW);
    p = putUint(o, p, w.limit - w.off);
    o[p++] = 66;
  }
  // Padding of inner datagrams, innermost first; empty pads at the outer end are left out (as decodeStack does).
  const bounds = w.bounds;
  const nb = w.nBounds >>> 1;
  let lastPad = 1;
  while (lastPad < nb && bounds[2 * lastPad] === bounds[2 * lastPad + 1]) lastPad++;
  for (let i = nb - 1; i >= lastPad; i--) {
    p = put(o, p, SEP);
    p = put(o, p, T_PADDING);
    p = putUint(o, p, bounds[2 * i + 1]! - bounds[2 * i]!);
    o[p++] = 66;
  }
  const outerEnd = nb > 0 ? bounds[0]! : b.length;
  if (outerEnd < b.length) {
    p = put(o, p, T_TRAILER);
    p = putUint(o, p, b.length - outerEnd);
    o[p++] = 66;
  }
  for (let i = 0; i < w.nBad; i++) {
    p = put(o, p, T_BAD_SUM);
    p = put(o, p, NAME_OF[w.badSums[i]!]!);
    o[p++] = 93;
  }
  return p;
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
    sum =
      ((b[netOff + 12]! << 8) | b[netOff + 13]!) +
      ((b[netOff + 14]! << 8) | b[netOff + 15]!) +
      ((b[netOff + 16]! << 8) | b[netOff + 17]!) +
      ((b[netOff + 18]! << 8) | b[netOff + 19]!) +
      17 +
      length;
  } else {
    if (off !== netOff + 40) return -1;
    sum = ipv6PseudoHeaderSum(b, netOff + 8, netOff + 24, 17, length);
  }
  sum += ((b[off]! << 8) | b[off + 1]!) + ((b[off + 2]! << 8) | b[off + 3]!) + ((b[off + 4]! << 8) | b[off + 5]!);
  if (length > 8) sum = sumWords(b, off + 8, off + length, sum);
  return sum;
}
