/**
 * The Internet checksum (RFC 1071), pseudo-header sums for IPv4 (RFC 768) and IPv6 (RFC 8200 §8.1),
 * and the incremental update of RFC 1624.
 */

/**
 * Adds the 16-bit big-endian words of `b[start, end)` to `acc` without folding (an odd final byte is
 * padded with zero). The result can exceed 16 bits; fold with {@link foldChecksum}.
 */
export function sumWords(b: Uint8Array, start: number, end: number, acc = 0): number {
  const even = end - ((end - start) & 1);
  // Long ranges read 32-bit words; short ones (headers, small datagrams) stay in this small, inlinable loop.
  if (even - start >= 128) return sumWordsLong(b, start, end, acc);
  // Whole offsets below 2^30 (all but absurd ones): masked with 0x3fffffff, V8 knows that `i + 7` cannot
  // overflow and drops an overflow check and a sign extension from every read (~10% fewer instructions).
  if (start !== (start & 0x3fffffff) || end !== (end & 0x3fffffff) || start > end) return sumWordsAny(b, start, end, acc);
  // The high and the low bytes of the words summed apart (no shift per word, two independent additions), and
  // unrolled by 4 words: the same total as summing the words one by one, about 20% faster.
  const stop = even & 0x3fffffff;
  let hi = 0;
  let lo = 0;
  let i = start & 0x3fffffff;
  for (; i + 8 <= stop; i = (i + 8) & 0x3fffffff) {
    hi += b[i]! + b[i + 2]! + b[i + 4]! + b[i + 6]!;
    lo += b[i + 1]! + b[i + 3]! + b[i + 5]! + b[i + 7]!;
  }
  for (; i < stop; i = (i + 2) & 0x3fffffff) {
    hi += b[i]!;
    lo += b[i + 1]!;
  }
  if (i < end) hi += b[i]!;
  return acc + hi * 256 + lo;
}

/** {@link sumWords} for any offsets (negative, fractional, 2^30 and beyond): the same sums, word by word. */
function sumWordsAny(b: Uint8Array, start: number, end: number, acc: number): number {
  const even = end - ((end - start) & 1);
  let hi = 0;
  let lo = 0;
  let i = start;
  for (; i < even; i += 2) {
    hi += b[i]!;
    lo += b[i + 1]!;
  }
  if (i < end) hi += b[i]!;
  return acc + hi * 256 + lo;
}

/** The DataView of the last buffer summed (a new DataView costs more than summing a short range). */
let lastBuffer: ArrayBufferLike | undefined;
let lastView: DataView | undefined;

function sumWordsLong(b: Uint8Array, start: number, end: number, acc: number): number {
  let sum = acc;
  const even = end - ((end - start) & 1);
  // 32-bit big-endian words through a DataView (unaligned reads are fine). A 32-bit word is congruent to the
  // sum of its two halves modulo 0xffff, so the folded result is the same.
  const buffer = b.buffer;
  let dv = lastView;
  if (buffer !== lastBuffer || dv === undefined) {
    dv = new DataView(buffer);
    lastBuffer = buffer;
    lastView = dv;
  }
  const base = b.byteOffset;
  let i = start;
  // A resizable buffer may have shrunk under the cached view: fall back to bytes for what it cannot reach.
  const stop = Math.min(even, dv.byteLength - base);
  for (; i + 16 <= stop; i += 16) {
    const o = base + i;
    sum += dv.getUint32(o) + dv.getUint32(o + 4) + dv.getUint32(o + 8) + dv.getUint32(o + 12);
  }
  for (; i + 4 <= stop; i += 4) sum += dv.getUint32(base + i);
  for (; i < even; i += 2) sum += (b[i]! << 8) | b[i + 1]!;
  if (i < end) sum += b[i]! << 8;
  return sum;
}

/** Folds a sum of 16-bit words into 16 bits with end-around carry. */
export function foldChecksum(sum: number): number {
  let s = sum;
  // Sums past 32 bits (ranges over about 128 KiB) fold in floating point first; below that, integer shifts (the
  // float division and rounding took ~5% of the benchmark packet's outer IPv4 header check and two UDP checksums).
  while (s > 0xffffffff) s = (s % 0x10000) + Math.floor(s / 0x10000);
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return s;
}

/** The Internet checksum (one's complement of the one's complement sum) of `b[start, end)` plus `initial`. */
export function internetChecksum(b: Uint8Array, start = 0, end = b.length, initial = 0): number {
  return ~foldChecksum(sumWords(b, start, end, initial)) & 0xffff;
}

/** Sum of the IPv4 pseudo-header: source and destination (4 bytes each at the given offsets), protocol and length. */
export function ipv4PseudoHeaderSum(b: Uint8Array, srcOffset: number, dstOffset: number, protocol: number, length: number): number {
  return sumWords(b, srcOffset, srcOffset + 4) + sumWords(b, dstOffset, dstOffset + 4) + protocol + length;
}

/** Sum of the IPv6 pseudo-header: source and destination (16 bytes each), upper-layer length (32 bits) and next header. */
export function ipv6PseudoHeaderSum(b: Uint8Array, srcOffset: number, dstOffset: number, nextHeader: number, length: number): number {
  return (
    sumWords(b, srcOffset, srcOffset + 16) +
    sumWords(b, dstOffset, dstOffset + 16) +
    Math.floor(length / 0x10000) +
    (length & 0xffff) +
    nextHeader
  );
}

/**
 * RFC 1624 eqn. 3: the new checksum after a 16-bit word of the covered data changes from `oldWord`
 * to `newWord`: HC' = ~(~HC + ~m + m').
 */
export function updateChecksum(checksum: number, oldWord: number, newWord: number): number {
  return ~foldChecksum((~checksum & 0xffff) + (~oldWord & 0xffff) + (newWord & 0xffff)) & 0xffff;
}
