/**
 * The `decode --json` packet record written straight from the packet's bytes into output bytes, for the
 * stacks the summary fast path knows (Ethernet, VLAN, IPv4, IPv6, UDP, VXLAN, raw payload, padding, trailer,
 * bad checksums). It walks the layers with the same step functions as src/fast-summary.ts and writes each
 * layer object's fields in the order its codec builds them, so the line is exactly what
 * `packetRecordJson` makes with `JSON.stringify` (test/fast-json.test.ts compares them on every capture).
 * Anything else goes the general way.
 */
import type { Registry } from '@wirestack/core';
import type { CaptureRecord } from '@wirestack/pcap';
import type { ByteWriter } from './io.js';
import {
  Dispatch,
  ETHERNET,
  HEX2,
  IPV4,
  IPV6,
  isPlainTime,
  KEY,
  MAX_DEPTH,
  NONE,
  OTHER,
  put,
  putIpv4,
  putIpv6,
  putLatin1,
  putMac,
  putPlainTime,
  putUint,
  step,
  UDP,
  VLAN,
  Walk,
} from './fast-summary.js';

/** Header bytes kept per depth for the JSON cache (an IPv4 header with options is the longest: 60). */
const SAVED = 64;

function ascii(s: string): Uint8Array {
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i);
  return b;
}

const J_INDEX = ascii('{"index":');
const J_TIMESTAMP = ascii(',"timestamp":"');
const J_CAPLEN = ascii('","capturedLength":');
const J_ORIGLEN = ascii(',"originalLength":');
const J_LINKTYPE = ascii(',"linkType":');
const J_INTERFACE = ascii(',"interface":');
const J_LAYERS = ascii(',"layers":[');
const J_TRAILER = ascii('],"trailer":"');
const J_ISSUES_AFTER_TRAILER = ascii('","issues":[');
const J_ISSUES = ascii('],"issues":[');
const J_END = ascii(']}');

const J_ETHERNET = ascii('{"layer":"ethernet","dst":"');
const J_SRC = ascii('","src":"');
const J_ETHERTYPE_Q = ascii('","etherType":');
const J_VLAN = ascii('{"layer":"vlan","pcp":');
const J_DEI = ascii(',"dei":');
const J_VID = ascii(',"vid":');
const J_ETHERTYPE = ascii(',"etherType":');
const J_IPV4 = ascii('{"layer":"ipv4","version":4,"ihl":');
const J_DSCP = ascii(',"dscp":');
const J_ECN = ascii(',"ecn":');
const J_TOTAL = ascii(',"totalLength":');
const J_IDENT = ascii(',"identification":');
const J_DF_TRUE = ascii(',"dontFragment":true');
const J_DF_FALSE = ascii(',"dontFragment":false');
const J_MF_TRUE = ascii(',"moreFragments":true');
const J_MF_FALSE = ascii(',"moreFragments":false');
const J_FRAGOFF = ascii(',"fragmentOffset":');
const J_TTL = ascii(',"ttl":');
const J_PROTO = ascii(',"protocol":');
const J_CHECKSUM = ascii(',"checksum":');
const J_SRC_Q = ascii(',"src":"');
const J_DST_Q = ascii('","dst":"');
const J_OPTIONS = ascii('","options":"');
const J_RESERVED_FLAG = ascii(',"reservedFlag":true');
const J_IPV6 = ascii('{"layer":"ipv6","version":6,"trafficClass":');
const J_FLOW = ascii(',"flowLabel":');
const J_PAYLEN = ascii(',"payloadLength":');
const J_NH = ascii(',"nextHeader":');
const J_HOP = ascii(',"hopLimit":');
const J_UDP = ascii('{"layer":"udp","srcPort":');
const J_DSTPORT = ascii(',"dstPort":');
const J_LENGTH = ascii(',"length":');
const J_VXLAN = ascii('{"layer":"vxlan","flags":');
const J_VNI = ascii(',"vni":');
const J_RES1 = ascii(',"reserved1":');
const J_RES2 = ascii(',"reserved2":');
const J_RAW = ascii('{"layer":"raw","data":"');
const J_PADDING = ascii('{"layer":"padding","data":"');
const J_STR_END = ascii('"}');
const J_BAD = ascii('{"layerIndex":');
const J_OFFSET = ascii(',"offset":');
const J_BAD_IPV4 = ascii(',"code":"bad-checksum","message":"ipv4 checksum does not match"}');
const J_BAD_UDP = ascii(',"code":"bad-checksum","message":"udp checksum does not match"}');

/** Lower-case hex of `b[start, end)`, as `toHex` writes it. */
function putHex(o: Uint8Array, p: number, b: Uint8Array, start: number, end: number): number {
  let q = p;
  for (let i = start; i < end; i++) {
    const v = b[i]! << 1;
    o[q] = HEX2[v]!;
    o[q + 1] = HEX2[v + 1]!;
    q += 2;
  }
  return q;
}

function u16(b: Uint8Array, o: number): number {
  return (b[o]! << 8) | b[o + 1]!;
}

/** A count a record carries, printed by a template literal in `packetRecordJson`: fast only for plain non-negative integers. */
function isCount(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 0;
}

/** The JSON object of one layer (its header is all there: the walk checked it). */
function layerJson(o: Uint8Array, start: number, b: Uint8Array, off: number, hl: number, kind: number): number {
  let p = start;
  switch (kind) {
    case ETHERNET:
      p = put(o, p, J_ETHERNET);
      p = putMac(o, p, b, off);
      p = put(o, p, J_SRC);
      p = putMac(o, p, b, off + 6);
      p = put(o, p, J_ETHERTYPE_Q);
      p = putUint(o, p, u16(b, off + 12));
      break;
    case VLAN: {
      const tci = u16(b, off);
      p = put(o, p, J_VLAN);
      p = putUint(o, p, tci >>> 13);
      p = put(o, p, J_DEI);
      p = putUint(o, p, (tci >>> 12) & 1);
      p = put(o, p, J_VID);
      p = putUint(o, p, tci & 0x0fff);
      p = put(o, p, J_ETHERTYPE);
      p = putUint(o, p, u16(b, off + 2));
      break;
    }
    case IPV4: {
      const tos = b[off + 1]!;
      const ff = u16(b, off + 6);
      p = put(o, p, J_IPV4);
      p = putUint(o, p, b[off]! & 15);
      p = put(o, p, J_DSCP);
      p = putUint(o, p, tos >>> 2);
      p = put(o, p, J_ECN);
      p = putUint(o, p, tos & 3);
      p = put(o, p, J_TOTAL);
      p = putUint(o, p, u16(b, off + 2));
      p = put(o, p, J_IDENT);
      p = putUint(o, p, u16(b, off + 4));
      p = put(o, p, (ff & 0x4000) !== 0 ? J_DF_TRUE : J_DF_FALSE);
      p = put(o, p, (ff & 0x2000) !== 0 ? J_MF_TRUE : J_MF_FALSE);
      p = put(o, p, J_FRAGOFF);
      p = putUint(o, p, ff & 0x1fff);
      p = put(o, p, J_TTL);
      p = putUint(o, p, b[off + 8]!);
      p = put(o, p, J_PROTO);
      p = putUint(o, p, b[off + 9]!);
      p = put(o, p, J_CHECKSUM);
      p = putUint(o, p, u16(b, off + 10));
      p = put(o, p, J_SRC_Q);
      p = putIpv4(o, p, b, off + 12);
      p = put(o, p, J_DST_Q);
      p = putIpv4(o, p, b, off + 16);
      p = put(o, p, J_OPTIONS);
      p = putHex(o, p, b, off + 20, off + hl);
      o[p++] = 34;
      // The reserved flag is an extra field, added after the others only when set.
      if ((ff & 0x8000) !== 0) p = put(o, p, J_RESERVED_FLAG);
      break;
    }
    case IPV6: {
      p = put(o, p, J_IPV6);
      p = putUint(o, p, ((b[off]! & 15) << 4) | (b[off + 1]! >>> 4));
      p = put(o, p, J_FLOW);
      p = putUint(o, p, ((b[off + 1]! & 15) << 16) | u16(b, off + 2));
      p = put(o, p, J_PAYLEN);
      p = putUint(o, p, u16(b, off + 4));
      p = put(o, p, J_NH);
      p = putUint(o, p, b[off + 6]!);
      p = put(o, p, J_HOP);
      p = putUint(o, p, b[off + 7]!);
      p = put(o, p, J_SRC_Q);
      p = putIpv6(o, p, b, off + 8);
      p = put(o, p, J_DST_Q);
      p = putIpv6(o, p, b, off + 24);
      o[p++] = 34;
      break;
    }
    case UDP:
      p = put(o, p, J_UDP);
      p = putUint(o, p, u16(b, off));
      p = put(o, p, J_DSTPORT);
      p = putUint(o, p, u16(b, off + 2));
      p = put(o, p, J_LENGTH);
      p = putUint(o, p, u16(b, off + 4));
      p = put(o, p, J_CHECKSUM);
      p = putUint(o, p, u16(b, off + 6));
      break;
    default: {
      // VXLAN: the reserved fields are extras, present only when non-zero.
      p = put(o, p, J_VXLAN);
      p = putUint(o, p, b[off]!);
      p = put(o, p, J_VNI);
      p = putUint(o, p, (b[off + 4]! << 16) | u16(b, off + 5));
      const r1 = (b[off + 1]! << 16) | u16(b, off + 2);
      if (r1 !== 0) {
        p = put(o, p, J_RES1);
        p = putUint(o, p, r1);
      }
      if (b[off + 7]! !== 0) {
        p = put(o, p, J_RES2);
        p = putUint(o, p, b[off + 7]!);
      }
    }
  }
  o[p++] = 125;
  return p;
}

/** Writes `decode --json` packet records from bytes for the common stacks (see the module doc). */
export class FastJson {
  private readonly dispatch: Dispatch;
  private readonly walk = new Walk();
  private readonly kinds = new Uint8Array(MAX_DEPTH);
  private readonly offs = new Int32Array(MAX_DEPTH);
  private readonly hls = new Int32Array(MAX_DEPTH);
  /**
   * A layer object's JSON depends only on its kind and its header bytes, which are often those of the
   * previous packet at the same depth (Ethernet, VLAN and tunnel headers): per depth, the kind, length and
   * bytes of the last header written and where its JSON sits in `cacheBuf` (as the summary's text cache).
   */
  private readonly savedKind = new Uint8Array(MAX_DEPTH);
  private readonly savedHl = new Int32Array(MAX_DEPTH);
  private readonly savedHdr = new Uint8Array(MAX_DEPTH * SAVED);
  private readonly segStart = new Int32Array(MAX_DEPTH);
  private readonly segEnd = new Int32Array(MAX_DEPTH);
  private cacheBuf: Uint8Array | undefined;
  /** Where the last record written here ends (cached JSON is valid while the batch only grew past it). */
  private cacheEnd = 0;

  /** `timestamp` prints a record's time (the decode command's `recordTimestamp`). */
  constructor(
    registry: Registry,
    private readonly verifyChecksums: boolean,
    private readonly timestamp: (rec: CaptureRecord) => string,
  ) {
    this.dispatch = new Dispatch(registry);
  }

  /** Writes the record's JSON line and its newline into `out`; returns false, having written nothing, when it needs the general path. */
  write(out: ByteWriter, index: number, rec: CaptureRecord): boolean {
    const b = rec.data;
    const first = this.dispatch.first(rec);
    if (first === NONE || first === OTHER) return false;
    if (!isCount(rec.capturedLength) || !isCount(rec.originalLength) || !isCount(rec.linkType) || !isCount(rec.interfaceId)) return false;
    const depth = this.layers(b, first);
    if (depth < 0) return false;
    const w = this.walk;
    const plainTime = isPlainTime(rec);
    const ts = plainTime ? '' : this.timestamp(rec);
    // Room for the hex of every byte (two characters each) and, per layer, its object, a padding and an issue.
    out.reserve(2 * b.length + ts.length + 2048 + 1024 * depth);
    const o = out.buf;
    let p = put(o, out.pos, J_INDEX);
    p = putUint(o, p, index);
    p = put(o, p, J_TIMESTAMP);
    p = plainTime ? putPlainTime(o, p, rec) : putLatin1(o, p, ts);
    p = put(o, p, J_CAPLEN);
    p = putUint(o, p, rec.capturedLength);
    p = put(o, p, J_ORIGLEN);
    p = putUint(o, p, rec.originalLength);
    p = put(o, p, J_LINKTYPE);
    p = putUint(o, p, rec.linkType);
    p = put(o, p, J_INTERFACE);
    p = putUint(o, p, rec.interfaceId);
    p = put(o, p, J_LAYERS);
    p = this.layerObjects(o, p, b, depth);
    let n = depth;
    if (w.off < w.limit) {
      if (n++ > 0) o[p++] = 44;
      p = put(o, p, J_RAW);
      p = putHex(o, p, b, w.off, w.limit);
      p = put(o, p, J_STR_END);
    }
    // Padding of inner datagrams, innermost first; empty pads at the outer end are left out (as decodeStack does).
    const bounds = w.bounds;
    const nb = w.nBounds >>> 1;
    let lastPad = 1;
    while (lastPad < nb && bounds[2 * lastPad] === bounds[2 * lastPad + 1]) lastPad++;
    for (let i = nb - 1; i >= lastPad; i--) {
      if (n++ > 0) o[p++] = 44;
      p = put(o, p, J_PADDING);
      p = putHex(o, p, b, bounds[2 * i]!, bounds[2 * i + 1]!);
      p = put(o, p, J_STR_END);
    }
    const outerEnd = nb > 0 ? bounds[0]! : b.length;
    if (outerEnd < b.length) {
      p = put(o, p, J_TRAILER);
      p = putHex(o, p, b, outerEnd, b.length);
      p = put(o, p, J_ISSUES_AFTER_TRAILER);
    } else p = put(o, p, J_ISSUES);
    for (let i = 0; i < w.nBad; i++) {
      if (i > 0) o[p++] = 44;
      p = put(o, p, J_BAD);
      p = putUint(o, p, w.badDepth[i]!);
      p = put(o, p, J_OFFSET);
      p = putUint(o, p, w.badOff[i]!);
      p = put(o, p, w.badSums[i] === IPV4 ? J_BAD_IPV4 : J_BAD_UDP);
    }
    p = put(o, p, J_END);
    o[p++] = 10;
    out.pos = p;
    this.cacheEnd = p;
    return true;
  }

  /** Writes the layer objects, copying those whose header is the same as last time at their depth. */
  private layerObjects(o: Uint8Array, start: number, b: Uint8Array, depth: number): number {
    const savedKind = this.savedKind;
    const savedHl = this.savedHl;
    const saved = this.savedHdr;
    const segStart = this.segStart;
    const segEnd = this.segEnd;
    if (o !== this.cacheBuf || start < this.cacheEnd) {
      this.cacheBuf = o;
      savedKind.fill(NONE);
    }
    let p = start;
    /** A copy of earlier JSON not made yet: `pendLen` bytes from `pendSrc` go to `pendDst`. */
    let pendSrc = 0;
    let pendDst = 0;
    let pendLen = 0;
    for (let i = 0; i < depth; i++) {
      const kind = this.kinds[i]!;
      const off = this.offs[i]!;
      const hl = this.hls[i]!;
      const at = i * SAVED;
      let same = savedKind[i] === kind && savedHl[i] === hl;
      for (let k = 0; same && k < hl; k++) same = saved[at + k] === b[off + k];
      const begin = p;
      if (same) {
        const from = segStart[i]!;
        const len = segEnd[i]! - from;
        if (pendLen > 0 && from === pendSrc + pendLen) pendLen += len;
        else {
          if (pendLen > 0) o.copyWithin(pendDst, pendSrc, pendSrc + pendLen);
          pendSrc = from;
          pendDst = p;
          pendLen = len;
        }
        p += len;
      } else {
        if (i > 0) o[p++] = 44;
        p = layerJson(o, p, b, off, hl, kind);
        savedKind[i] = kind;
        savedHl[i] = hl;
        for (let k = 0; k < hl; k++) saved[at + k] = b[off + k]!;
      }
      segStart[i] = begin;
      segEnd[i] = p;
    }
    if (pendLen > 0) o.copyWithin(pendDst, pendSrc, pendSrc + pendLen);
    return p;
  }

  /** Walks the layers (kinds, offsets, header lengths); returns how many, or -1 for the general path. */
  private layers(b: Uint8Array, first: number): number {
    const w = this.walk;
    w.off = 0;
    w.limit = b.length;
    w.nBounds = 0;
    w.nBad = 0;
    w.netKind = NONE;
    let kind = first;
    let depth = 0;
    for (;;) {
      if (depth >= MAX_DEPTH) return -1;
      if (!step(w, b, depth * KEY, kind, this.dispatch, this.verifyChecksums)) return -1;
      this.kinds[depth] = kind;
      this.offs[depth] = w.off;
      this.hls[depth] = w.hl;
      w.off += w.hl;
      depth++;
      const next = w.next;
      if (next === NONE) return depth;
      // Another layer, or one announced with no bytes left (a `truncated` issue): the general path.
      if (next === OTHER || w.off >= w.limit) return -1;
      kind = next;
    }
  }
}
