/**
 * The ICMP checksum (RFC 792: over the ICMP message) and the ICMPv6 checksum (RFC 4443 §2.3: over the IPv6
 * pseudo-header of RFC 8200 §8.1 and the message), plus the test for messages that cannot be checked because
 * only part of them is present (a fragment, a quote in an ICMP error, a snapshot cut).
 */
import { foldChecksum, ipv6PseudoHeaderSum, type NetworkRef, sumWords } from '@wirestack/core';
import { ipv6PseudoHeaderDstOffset } from '@wirestack/udp';
import { ICMP_HEADER_LEN, ICMPV6_NEXT_HEADER, IcmpField } from './constants.js';

/** Offsets in the IPv4 header (RFC 791 §3.1). */
const IPV4_TOTAL_LENGTH = 2;
const IPV4_FLAGS = 6;
const IPV4_MF_AND_OFFSET_MASK = 0x3fff;
/** Offsets in the IPv6 header (RFC 8200 §3). */
const IPV6_PAYLOAD_LENGTH = 4;
const IPV6_NEXT_HEADER = 6;
const IPV6_SRC = 8;
const IPV6_HEADER_LEN = 40;
/** IPv6 extension headers (RFC 8200 §4). */
const NH_HOP_BY_HOP = 0;
const NH_ROUTING = 43;
const NH_FRAGMENT = 44;
const NH_AH = 51;
const NH_DEST_OPTS = 60;
const FRAGMENT_OFFSET_AND_M = 2;

/** Sum of the message `[offset, end)` with the checksum field taken as zero. */
function messageSum(buf: Uint8Array, offset: number, end: number, acc: number): number {
  const stop = Math.min(end, buf.length);
  let sum = sumWords(buf, offset, offset + IcmpField.CHECKSUM, acc);
  if (stop > offset + IcmpField.REST) sum = sumWords(buf, offset + IcmpField.REST, stop, sum);
  return sum;
}

/**
 * The checksum the ICMP message `[offset, end)` should carry (RFC 792: the one's complement of the one's
 * complement sum of the ICMP message, checksum field as zero). `end` never reaches past the buffer.
 */
export function icmpChecksum(buf: Uint8Array, offset: number, end = buf.length): number {
  return ~foldChecksum(messageSum(buf, offset, end, 0)) & 0xffff;
}

/**
 * The checksum the ICMPv6 message `[offset, end)` should carry (RFC 4443 §2.3): over the IPv6 pseudo-header
 * (RFC 8200 §8.1: source, final destination after any Routing header, upper-layer length `end − offset`, next
 * header 58) and the message, checksum field as zero. `network` is the enclosing IPv6 header; `undefined` when
 * there is none (no pseudo-header exists then).
 */
export function icmpv6Checksum(buf: Uint8Array, offset: number, end: number, network: NetworkRef | undefined): number | undefined {
  if (network?.layer !== 'ipv6') return undefined;
  const length = Math.min(end, buf.length) - offset;
  const sum = ipv6PseudoHeaderSum(
    buf,
    network.offset + IPV6_SRC,
    ipv6PseudoHeaderDstOffset(buf, network.offset, offset),
    ICMPV6_NEXT_HEADER,
    length,
  );
  return ~foldChecksum(messageSum(buf, offset, end, sum)) & 0xffff;
}

/**
 * Whether only part of the ICMP message at `offset` (up to `end`) is present, so its checksum cannot be
 * checked: the enclosing IPv4 datagram is a fragment (MF set or offset > 0), or its total length runs past
 * `end` (a quote inside an ICMP error, a snapshot cut); or the enclosing IPv6 packet's payload length runs
 * past `end`, or a Fragment header before `offset` has M set or an offset. Reads only bytes of the buffer.
 */
export function icmpMessageIncomplete(buf: Uint8Array, offset: number, end: number, network: NetworkRef | undefined): boolean {
  if (end - offset < ICMP_HEADER_LEN) return true;
  if (!network) return false;
  const ip = network.offset;
  if (network.layer === 'ipv4') {
    if (ip + IPV4_FLAGS + 2 > buf.length) return false;
    const totalLength = (buf[ip + IPV4_TOTAL_LENGTH]! << 8) | buf[ip + IPV4_TOTAL_LENGTH + 1]!;
    const flags = ((buf[ip + IPV4_FLAGS]! << 8) | buf[ip + IPV4_FLAGS + 1]!) & IPV4_MF_AND_OFFSET_MASK;
    return flags !== 0 || (totalLength !== 0 && ip + totalLength > end);
  }
  if (network.layer === 'ipv6') {
    if (ip + IPV6_HEADER_LEN > buf.length) return false;
    const payloadLength = (buf[ip + IPV6_PAYLOAD_LENGTH]! << 8) | buf[ip + IPV6_PAYLOAD_LENGTH + 1]!;
    if (payloadLength !== 0 && ip + IPV6_HEADER_LEN + payloadLength > end) return true;
    let nh = buf[ip + IPV6_NEXT_HEADER]!;
    let p = ip + IPV6_HEADER_LEN;
    while (p + 8 <= offset) {
      let len: number;
      if (nh === NH_HOP_BY_HOP || nh === NH_DEST_OPTS || nh === NH_ROUTING) len = (buf[p + 1]! + 1) * 8;
      else if (nh === NH_FRAGMENT) {
        if ((((buf[p + FRAGMENT_OFFSET_AND_M]! << 8) | buf[p + FRAGMENT_OFFSET_AND_M + 1]!) & 0xfff9) !== 0) return true;
        len = 8;
      } else if (nh === NH_AH) len = (buf[p + 1]! + 2) * 4;
      else break;
      nh = buf[p]!;
      p += len;
    }
  }
  return false;
}
