/**
 * The `decode --json` packet record written straight from the packet's bytes into output bytes, for the
 * stacks the summary fast path knows (Ethernet, VLAN, IPv4, IPv6, UDP, VXLAN, raw payload, padding, trailer,
 * bad checksums). The layers are walked by src/fast-walk.ts, as for the summary, and each layer object's
 * fields are written in the order its codec builds them, so the line is exactly what `packetRecordJson`
 * makes with `JSON.stringify` (test/fast-paths.test.ts compares them on every capture). Anything else goes
 * the general way.
 */
import { readU16BE } from '@wirestack/core';
import type { CaptureRecord } from '@wirestack/pcap';
import type { ByteWriter } from './io.js';
import { ETHERNET, FastWriter, IPV4, IPV6, MAX_DEPTH, NONE, UDP, VLAN } from './fast-walk.js';
import {
  ascii,
  isPlainTime,
  put,
  putHex,
  putIpv4,
  putIpv6,
  putLatin1,
  putMac,
  putPlainTime,
  putUint,
  recordTimestamp,
} from './fast-write.js';

/** Header bytes kept per depth for the JSON cache (an IPv4 header with options is the longest: 60). */
const SAVED = 64;

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
      p = putUint(o, p, readU16BE(b, off + 12));
      break;
    case VLAN: {
      const tci = readU16BE(b, off);
      p = put(o, p, J_VLAN);
      p = putUint(o, p, tci >>> 13);
      p = put(o, p, J_DEI);
      p = putUint(o, p, (tci >>> 12) & 1);
      p = put(o, p, J_VID);
      p = putUint(o, p, tci & 0x0fff);
      p = put(o, p, J_ETHERTYPE);
      p = putUint(o, p, readU16BE(b, off + 2));
      break;
    }
    case IPV4: {
      const tos = b[off + 1]!;
      const ff = readU16BE(b, off + 6);
      p = put(o, p, J_IPV4);
      p = putUint(o, p, b[off]! & 15);
      p = put(o, p, J_DSCP);
      p = putUint(o, p, tos >>> 2);
      p = put(o, p, J_ECN);
      p = putUint(o, p, tos & 3);
      p = put(o, p, J_TOTAL);
      p = putUint(o, p, readU16BE(b, off + 2));
      p = put(o, p, J_IDENT);
      p = putUint(o, p, readU16BE(b, off + 4));
      p = put(o, p, (ff & 0x4000) !== 0 ? J_DF_TRUE : J_DF_FALSE);
      p = put(o, p, (ff & 0x2000) !== 0 ? J_MF_TRUE : J_MF_FALSE);
      p = put(o, p, J_FRAGOFF);
      p = putUint(o, p, ff & 0x1fff);
      p = put(o, p, J_TTL);
      p = putUint(o, p, b[off + 8]!);
      p = put(o, p, J_PROTO);
      p = putUint(o, p, b[off + 9]!);
      p = put(o, p, J_CHECKSUM);
      p = putUint(o, p, readU16BE(b, off + 10));
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
      p = putUint(o, p, ((b[off + 1]! & 15) << 16) | readU16BE(b, off + 2));
      p = put(o, p, J_PAYLEN);
      p = putUint(o, p, readU16BE(b, off + 4));
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
      p = putUint(o, p, readU16BE(b, off));
      p = put(o, p, J_DSTPORT);
      p = putUint(o, p, readU16BE(b, off + 2));
      p = put(o, p, J_LENGTH);
      p = putUint(o, p, readU16BE(b, off + 4));
      p = put(o, p, J_CHECKSUM);
      p = putUint(o, p, readU16BE(b, off + 6));
      break;
    default: {
      // VXLAN: the reserved fields are extras, present only when non-zero.
      p = put(o, p, J_VXLAN);
      p = putUint(o, p, b[off]!);
      p = put(o, p, J_VNI);
      p = putUint(o, p, (b[off + 4]! << 16) | readU16BE(b, off + 5));
      const r1 = (b[off + 1]! << 16) | readU16BE(b, off + 2);
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
export class FastJson extends FastWriter {
  /**
   * A layer object's JSON depends only on its kind and its header bytes, which are often those of the
   * previous packet at the same depth (Ethernet, VLAN and tunnel headers): per depth, the kind, length and
   * bytes of the last header written, whose JSON the cache holds.
   */
  private readonly savedKind = new Uint8Array(MAX_DEPTH);
  private readonly savedHl = new Int32Array(MAX_DEPTH);
  private readonly savedHdr = new Uint8Array(MAX_DEPTH * SAVED);

  write(out: ByteWriter, index: number, rec: CaptureRecord): boolean {
    const b = rec.data;
    const w = this.walk;
    const first = w.first(rec);
    if (first === NONE) return false;
    if (!isCount(rec.capturedLength) || !isCount(rec.originalLength) || !isCount(rec.linkType) || !isCount(rec.interfaceId)) return false;
    const depth = w.layers(b, first);
    if (depth < 0) return false;
    const plainTime = isPlainTime(rec);
    const ts = plainTime ? '' : recordTimestamp(rec);
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
    // Padding of inner datagrams, innermost first.
    const bounds = w.bounds;
    for (let i = (w.nBounds >>> 1) - 1, end = w.firstPad(); i >= end; i--) {
      if (n++ > 0) o[p++] = 44;
      p = put(o, p, J_PADDING);
      p = putHex(o, p, b, bounds[2 * i]!, bounds[2 * i + 1]!);
      p = put(o, p, J_STR_END);
    }
    const outerEnd = w.outerEnd(b.length);
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
    this.cache.close(p);
    return true;
  }

  /** Writes the layer objects, copying those whose header is the same as last time at their depth. */
  private layerObjects(o: Uint8Array, start: number, b: Uint8Array, depth: number): number {
    const w = this.walk;
    const savedKind = this.savedKind;
    const savedHl = this.savedHl;
    const saved = this.savedHdr;
    const cache = this.cache;
    if (!cache.open(o, start)) savedKind.fill(NONE);
    let p = start;
    for (let i = 0; i < depth; i++) {
      const kind = w.kinds[i]!;
      const off = w.offs[i]!;
      const hl = w.hls[i]!;
      const at = i * SAVED;
      let same = savedKind[i] === kind && savedHl[i] === hl;
      for (let k = 0; same && k < hl; k++) same = saved[at + k] === b[off + k];
      if (same) p = cache.copy(o, i, p);
      else {
        const begin = p;
        if (i > 0) o[p++] = 44;
        p = layerJson(o, p, b, off, hl, kind);
        savedKind[i] = kind;
        savedHl[i] = hl;
        for (let k = 0; k < hl; k++) saved[at + k] = b[off + k]!;
        cache.keep(i, begin, p);
      }
    }
    cache.flush(o);
    return p;
  }
}
