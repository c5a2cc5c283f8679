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
  return foldChecksum(sumWords(buf, offset, offset + ihl * 4)) === 0xffff;
}
