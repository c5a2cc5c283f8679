/**
 * The summary line of `decode` written straight from the packet's bytes into output bytes, for the common
 * stacks: Ethernet, VLAN, IPv4, IPv6, UDP and VXLAN, with raw payload, padding, trailer and bad checksums.
 *
 * The layers are walked by src/fast-walk.ts (as `decodeStack` walks them, without building layer objects),
 * and no strings are built: addresses and numbers are written as ASCII digits into the batch of a
 * {@link ByteWriter}. Whenever the packet holds anything else the walk stops, this writes nothing and says
 * so, and the caller takes the general path (`decodeStack` + `summaryLine`). The two paths print
 * byte-identical lines; test/fast-paths.test.ts compares them on every capture.
 */
import type { CaptureRecord } from '@wirestack/pcap';
import { BYTE_LINE_ROOM, type ByteWriter } from './io.js';
import { ETHERNET, FastWriter, IPV4, IPV6, NONE, UDP, VLAN, type Walk } from './fast-walk.js';
import { ascii, isPlainTime, put, putIpv4, putIpv6, putLatin1, putMac, putPlainTime, putUint, recordTimestamp } from './fast-write.js';

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
 * Writes `decode` summary lines from bytes for the common stacks (see the module doc). Built for one
 * registry, which must not change while it is in use.
 */
export class FastSummary extends FastWriter {
  write(out: ByteWriter, index: number, rec: CaptureRecord): boolean {
    const b = rec.data;
    const w = this.walk;
    const first = w.first(rec);
    if (first === NONE) return false;
    // Times other than a plain pcap µs/ns stamp are printed by `recordTimestamp` (a string; rare).
    const plainTime = isPlainTime(rec);
    const ts = plainTime ? '' : recordTimestamp(rec);
    out.reserve(BYTE_LINE_ROOM + ts.length);
    const o = out.buf;
    let p = putUint(o, out.pos, index);
    o[p++] = 32;
    p = plainTime ? putPlainTime(o, p, rec) : putLatin1(o, p, ts);
    o[p++] = 32;
    const cache = this.cache;
    // The batch changed (or bytes were taken back from it) since the cached texts were written: they are gone.
    if (!cache.open(o, p)) w.forget();
    const depth = w.layers(b, first);
    if (depth < 0) return false;
    // The text of a layer depends on a few of its fields only (addresses, ports, VNI, ...): the walk keeps
    // those fields per depth as its key, and a layer whose key did not change is copied from its last text.
    const kinds = w.kinds;
    const offs = w.offs;
    const unchanged = w.unchanged;
    for (let d = 0; d < depth; d++) {
      if (unchanged[d] !== 0) p = cache.copy(o, d, p);
      else {
        const begin = p;
        if (d > 0) p = put(o, p, SEP);
        p = layerText(o, p, b, offs[d]!, kinds[d]!);
        cache.keep(d, begin, p);
      }
    }
    cache.flush(o);
    p = tail(o, p, b, w);
    cache.close(p);
    o[p++] = 10;
    out.pos = p;
    return true;
  }
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
  // Padding of inner datagrams, innermost first.
  const bounds = w.bounds;
  for (let i = (w.nBounds >>> 1) - 1, end = w.firstPad(); i >= end; i--) {
    p = put(o, p, SEP);
    p = put(o, p, T_PADDING);
    p = putUint(o, p, bounds[2 * i + 1]! - bounds[2 * i]!);
    o[p++] = 66;
  }
  const outerEnd = w.outerEnd(b.length);
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
