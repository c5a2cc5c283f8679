/** The UDP checksum over the IPv4 (RFC 768) or IPv6 (RFC 8200 §8.1) pseudo-header. */
import { foldChecksum, ipv6PseudoHeaderSum, type NetworkRef, sumWords } from '@wirestack/core';

/** Offset of the destination address in the IPv4 header (RFC 791 §3.1). */
const IPV4_DST = 16;
const IPV4_HEADER_LEN = 20;
/** IPv4 loose and strict source route options (RFC 791 §3.1). */
const IPV4_OPT_EOL = 0;
const IPV4_OPT_NOP = 1;
const IPV4_OPT_LSRR = 0x83;
const IPV4_OPT_SSRR = 0x89;
/** Offset of the destination address in the IPv6 header (RFC 8200 §3). */
const IPV6_DST = 24;
const IPV6_NEXT_HEADER = 6;
const IPV6_HEADER_LEN = 40;
/** IPv6 extension headers walked to find a Routing header (RFC 8200 §4). */
const NH_HOP_BY_HOP = 0;
const NH_ROUTING = 43;
const NH_FRAGMENT = 44;
const NH_AH = 51;
const NH_DEST_OPTS = 60;
/** Routing types whose final destination we know: 0 (RFC 5095, deprecated), 2 (RFC 6275), 4 (SRH, RFC 8754). */
const RT_SOURCE_ROUTE = 0;
const RT_MOBILE = 2;
const RT_SEGMENT = 4;

/**
 * Absolute offset of the 4-byte destination address an IPv4 pseudo-header uses: the final destination, which
 * is the last address of a source route option (LSRR/SSRR, RFC 791 §3.1; RFC 1122 §4.1.3.6 via RFC 9293
 * §3.1) whose route is not yet exhausted, else the header's destination. Two source route options (invalid)
 * fall back to the header's destination, as Scapy does. Reads only bytes inside the header and the buffer.
 */
export function ipv4PseudoHeaderDstOffset(buf: Uint8Array, ipOffset: number): number {
  const dflt = ipOffset + IPV4_DST;
  const hl = (buf[ipOffset]! & 0x0f) * 4;
  const end = Math.min(ipOffset + hl, buf.length);
  let found = -1;
  let count = 0;
  for (let i = ipOffset + IPV4_HEADER_LEN; i < end; ) {
    const type = buf[i]!;
    if (type === IPV4_OPT_EOL) break;
    if (type === IPV4_OPT_NOP) {
      i++;
      continue;
    }
    if (i + 1 >= end) break;
    const len = buf[i + 1]!;
    if (len < 2 || i + len > end) break;
    if (type === IPV4_OPT_LSRR || type === IPV4_OPT_SSRR) {
      count++;
      const addresses = (len - 3) >> 2;
      const pointer = len >= 3 ? buf[i + 2]! : 0;
      // pointer > len: the route is used up and the header's destination is already the final one.
      if (addresses > 0 && pointer <= len) found = i + 3 + 4 * (addresses - 1);
    }
    i += len;
  }
  return count === 1 && found >= 0 ? found : dflt;
}

/**
 * Absolute offset of the 16-byte destination address an IPv6 pseudo-header uses (RFC 8200 §8.1): the final
 * destination from the innermost Routing header with segments left before `upperOffset` (type 0/2: the last
 * address; type 4: Segment List[0]), else the header's destination. Walks hop-by-hop, routing, fragment,
 * destination options and AH headers, never past `upperOffset` or the buffer.
 */
export function ipv6PseudoHeaderDstOffset(buf: Uint8Array, ipOffset: number, upperOffset: number): number {
  let dst = ipOffset + IPV6_DST;
  let nh = buf[ipOffset + IPV6_NEXT_HEADER]!;
  let p = ipOffset + IPV6_HEADER_LEN;
  const end = Math.min(upperOffset, buf.length);
  while (p + 8 <= end) {
    let len: number;
    if (nh === NH_HOP_BY_HOP || nh === NH_DEST_OPTS || nh === NH_ROUTING) len = (buf[p + 1]! + 1) * 8;
    else if (nh === NH_FRAGMENT) len = 8;
    else if (nh === NH_AH) len = (buf[p + 1]! + 2) * 4;
    else break;
    if (p + len > end) break;
    if (nh === NH_ROUTING && buf[p + 3]! !== 0 && len >= 24) {
      const type = buf[p + 2]!;
      if (type === RT_SOURCE_ROUTE || type === RT_MOBILE) dst = p + 8 + 16 * (((len - 8) >> 4) - 1);
      else if (type === RT_SEGMENT) dst = p + 8;
    }
    nh = buf[p]!;
    p += len;
  }
  return dst;
}

/**
 * The checksum the UDP header at `offset` should carry (RFC 768; RFC 8200 §8.1 over IPv6), with the
 * checksum field taken as zero. `length` is the upper-layer length of the pseudo-header (normally the UDP
 * `length` field); the data covered is the 8-byte header plus `[offset + 8, end)`, `end` defaulting to
 * `offset + length` (and never past the buffer). `network` names the enclosing IP header (`ipv4` or `ipv6`, at
 * its absolute offset); the pseudo-header's destination is the final one when the packet is source routed
 * ({@link ipv4PseudoHeaderDstOffset}, {@link ipv6PseudoHeaderDstOffset}). Returns `undefined` when `network` is
 * undefined or another layer, since no pseudo-header exists then. A computed 0 is
 * returned as 0xffff (0 on the wire means "no checksum").
 */
export function udpChecksum(
  buf: Uint8Array,
  offset: number,
  length: number,
  network: NetworkRef | undefined,
  end = offset + length,
): number | undefined {
  let sum: number;
  if (network == null) return undefined;
  const layer = network.layer;
  // Offsets written as numbers, not the module's constants: a constant is a context load and check in V8's
  // code, and this runs for every datagram `decodeStack` verifies (where code size costs as much as work).
  if (layer === 'ipv4') {
    const ip = network.offset;
    // Source at bytes 12-15 (RFC 791 §3.1); destination at 16-19 without options (IHL 5), else the final one
    // of a source route. Protocol 17.
    const dst = (buf[ip]! & 0x0f) === 5 ? ip + 16 : ipv4PseudoHeaderDstOffset(buf, ip);
    sum =
      ((buf[ip + 12]! << 8) | buf[ip + 13]!) +
      ((buf[ip + 14]! << 8) | buf[ip + 15]!) +
      ((buf[dst]! << 8) | buf[dst + 1]!) +
      ((buf[dst + 2]! << 8) | buf[dst + 3]!) +
      17 +
      length;
  } else if (layer === 'ipv6')
    // Source at byte 8 of the IPv6 header (RFC 8200 §3); next header 17.
    sum = ipv6PseudoHeaderSum(buf, network.offset + 8, ipv6PseudoHeaderDstOffset(buf, network.offset, offset), 17, length);
  else return undefined;
  // The header without its checksum field (bytes 6-7), then the payload after the 8-byte header.
  sum +=
    ((buf[offset]! << 8) | buf[offset + 1]!) + ((buf[offset + 2]! << 8) | buf[offset + 3]!) + ((buf[offset + 4]! << 8) | buf[offset + 5]!);
  const stop = Math.min(end, buf.length);
  if (stop > offset + 8) sum = sumWords(buf, offset + 8, stop, sum);
  const c = ~foldChecksum(sum) & 0xffff;
  return c === 0 ? 0xffff : c;
}
