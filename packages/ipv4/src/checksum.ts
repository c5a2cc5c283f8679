/** The IPv4 header checksum (RFC 791 §3.1, computed as in RFC 1071). */
import { foldChecksum, sumWords } from '@wirestack/core';
import { Ipv4Field } from './constants.js';

/**
 * The header checksum the IPv4 header at `offset` should carry, over `ihl` × 4 bytes with the checksum
 * field taken as zero (its current value is ignored). The caller makes sure the bytes are present.
 */
export function ipv4Checksum(buf: Uint8Array, offset: number, ihl: number): number {
  const end = offset + ihl * 4;
  const sum = sumWords(buf, offset, offset + Ipv4Field.CHECKSUM) + sumWords(buf, offset + Ipv4Field.CHECKSUM + 2, end);
  return ~foldChecksum(sum) & 0xffff;
}

/** True when the header at `offset` sums to 0xffff over `ihl` × 4 bytes, checksum included (RFC 1071 §1). */
export function ipv4ChecksumValid(buf: Uint8Array, offset: number, ihl: number): boolean {
  if (ihl !== 5 || offset !== (offset & 0x3fffffff)) return foldChecksum(sumWords(buf, offset, offset + ihl * 4)) === 0xffff;
  // The usual header without options, summed straight (high and low bytes apart): no loop, no call. The
  // offset masked (a no-op here) tells V8 that `o + 19` cannot overflow: no overflow check per read (~20%
  // fewer instructions).
  const o = offset & 0x3fffffff;
  let hi = buf[o]! + buf[o + 2]! + buf[o + 4]! + buf[o + 6]! + buf[o + 8]!;
  hi += buf[o + 10]! + buf[o + 12]! + buf[o + 14]! + buf[o + 16]! + buf[o + 18]!;
  let lo = buf[o + 1]! + buf[o + 3]! + buf[o + 5]! + buf[o + 7]! + buf[o + 9]!;
  lo += buf[o + 11]! + buf[o + 13]! + buf[o + 15]! + buf[o + 17]! + buf[o + 19]!;
  return foldChecksum(hi * 256 + lo) === 0xffff;
}
