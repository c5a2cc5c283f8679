/**
 * Internet checksum (RFC 1071) formulations measured against core's `sumWords`.
 *
 * Every function returns the folded 16-bit one's-complement sum of `b[start, end)` (not inverted), so
 * each is a drop-in for `foldChecksum(sumWords(b, start, end))`. RFC 1071 §2: the sum is congruent
 * mod 0xffff whatever the word width (a 32-bit word hi·2^16+lo ≡ hi+lo), and byte-order independent
 * (summing little-endian words gives the byte-swapped sum), which is what the 32-bit readers exploit.
 */

/** Folds any non-negative sum (exact double) to 16 bits with end-around carry. */
export function fold(sum) {
  let s = sum;
  while (s > 0xffff) s = (s % 0x10000) + Math.floor(s / 0x10000);
  return s;
}

function swap16(x) {
  return ((x & 0xff) << 8) | (x >>> 8);
}

/** The reference: 16-bit big-endian words read byte by byte (core's formulation, unrolled by 4). */
export function sumBytes(b, start, end) {
  let sum = 0;
  let i = start;
  const even = end - ((end - start) & 1);
  for (; i + 8 <= even; i += 8) {
    sum += ((b[i] << 8) | b[i + 1]) + ((b[i + 2] << 8) | b[i + 3]) + ((b[i + 4] << 8) | b[i + 5]) + ((b[i + 6] << 8) | b[i + 7]);
  }
  for (; i < even; i += 2) sum += (b[i] << 8) | b[i + 1];
  if (i < end) sum += b[i] << 8;
  return fold(sum);
}

/** 32-bit big-endian words as (b0<<24 | ...) >>> 0 from bytes, summed in a double (no Uint32Array). */
export function sumBytes32(b, start, end) {
  let sum = 0;
  let i = start;
  const n4 = end - ((end - start) & 3);
  for (; i + 16 <= n4; i += 16) {
    sum +=
      (((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0) +
      (((b[i + 4] << 24) | (b[i + 5] << 16) | (b[i + 6] << 8) | b[i + 7]) >>> 0) +
      (((b[i + 8] << 24) | (b[i + 9] << 16) | (b[i + 10] << 8) | b[i + 11]) >>> 0) +
      (((b[i + 12] << 24) | (b[i + 13] << 16) | (b[i + 14] << 8) | b[i + 15]) >>> 0);
  }
  for (; i < n4; i += 4) sum += ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;
  if (i + 1 < end) {
    sum += (b[i] << 8) | b[i + 1];
    i += 2;
  }
  if (i < end) sum += b[i] << 8;
  return fold(sum);
}

// One cached view per ArrayBuffer: building a DataView / Uint32Array costs ~60 ns, more than the sum of a small header.
let dvBuffer = null;
let dv = null;
let u32Buffer = null;
let u32 = null;

/** 32-bit big-endian words read through a DataView (any alignment), summed in a double. */
export function sumDataView(b, start, end) {
  if (b.buffer !== dvBuffer) {
    dvBuffer = b.buffer;
    dv = new DataView(b.buffer);
  }
  const v = dv;
  let sum = 0;
  let i = b.byteOffset + start;
  const e = b.byteOffset + end;
  const n4 = e - ((e - i) & 3);
  for (; i + 16 <= n4; i += 16) sum += v.getUint32(i) + v.getUint32(i + 4) + v.getUint32(i + 8) + v.getUint32(i + 12);
  for (; i < n4; i += 4) sum += v.getUint32(i);
  if (i + 1 < e) {
    sum += v.getUint16(i);
    i += 2;
  }
  if (i < e) sum += v.getUint8(i) << 8;
  return fold(sum);
}

/**
 * 32-bit words through a Uint32Array (native little-endian on every platform Node runs on) over the
 * 4-aligned middle; head and tail bytes go through the byte reader. A little-endian word sum is the
 * byte-swapped big-endian sum (RFC 1071 §2B), so the aligned part is folded and swapped. When the
 * region starts at an odd absolute address the aligned part is shifted by one byte, which swaps it once
 * more: the swaps cancel.
 */
export function sumU32(b, start, end) {
  const abs = b.byteOffset + start;
  const len = end - start;
  if (len < 32) return sumBytes(b, start, end);
  const buf = b.buffer;
  if (buf !== u32Buffer) {
    u32Buffer = buf;
    u32 = new Uint32Array(buf, 0, buf.byteLength >>> 2);
  }
  const head = (4 - (abs & 3)) & 3; // bytes before the first aligned word
  const w0 = (abs + head) >>> 2;
  const words = (len - head) >>> 2;
  const w = u32;
  let s = 0;
  let k = w0;
  const kEnd = w0 + words;
  for (; k + 4 <= kEnd; k += 4) s += w[k] + w[k + 1] + w[k + 2] + w[k + 3];
  for (; k < kEnd; k++) s += w[k];
  // s is the sum of LE words = byte-swapped sum of BE words, as seen from the aligned address.
  let mid = swap16(fold(s));
  // The aligned part starts `head` bytes into the region; an odd head shifts byte lanes by one.
  if (head & 1) mid = swap16(mid);
  let total = mid;
  // Head bytes (0..3) as BE words from `start`.
  if (head) total += sumHead(b, start, start + head);
  // Tail bytes after the last aligned word: they start at (head + 4*words), lane parity = head parity.
  const tailStart = start + head + words * 4;
  if (tailStart < end) {
    const t = sumHead(b, tailStart, end);
    total += head & 1 ? swap16(fold(t)) : t;
  }
  return fold(total);
}

function sumHead(b, s, e) {
  let sum = 0;
  let i = s;
  for (; i + 1 < e; i += 2) sum += (b[i] << 8) | b[i + 1];
  if (i < e) sum += b[i] << 8;
  return sum;
}
