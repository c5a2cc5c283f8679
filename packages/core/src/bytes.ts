/**
 * Big-endian byte readers and writers over `Uint8Array`.
 *
 * These are the only place in wirestack where bytes are read without a bounds check: every codec
 * checks the header length once (`checkLength`) and then reads with these helpers, as smoltcp's
 * `check_len` does. Reads past the end would yield `undefined` (then NaN), so never call them
 * before the length check.
 */
import { HEX_DIGIT_CODES as DIGIT } from './hex-digits.js';

/** Reads an unsigned 8-bit value. */
export function readU8(b: Uint8Array, o: number): number {
  return b[o]!;
}

/** Reads an unsigned 16-bit big-endian value. */
export function readU16BE(b: Uint8Array, o: number): number {
  return (b[o]! << 8) | b[o + 1]!;
}

/** Reads an unsigned 24-bit big-endian value. */
export function readU24BE(b: Uint8Array, o: number): number {
  return (b[o]! << 16) | (b[o + 1]! << 8) | b[o + 2]!;
}

/** Reads an unsigned 32-bit big-endian value (always non-negative). */
export function readU32BE(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
}

/** Reads an unsigned 16-bit little-endian value. */
export function readU16LE(b: Uint8Array, o: number): number {
  return b[o]! | (b[o + 1]! << 8);
}

/** Reads an unsigned 32-bit little-endian value. */
export function readU32LE(b: Uint8Array, o: number): number {
  return (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
}

/** Writes an unsigned 8-bit value. */
export function writeU8(b: Uint8Array, o: number, v: number): void {
  b[o] = v;
}

/** Writes an unsigned 16-bit big-endian value. */
export function writeU16BE(b: Uint8Array, o: number, v: number): void {
  b[o] = v >>> 8;
  b[o + 1] = v;
}

/** Writes an unsigned 24-bit big-endian value. */
export function writeU24BE(b: Uint8Array, o: number, v: number): void {
  b[o] = v >>> 16;
  b[o + 1] = v >>> 8;
  b[o + 2] = v;
}

/** Writes an unsigned 32-bit big-endian value. */
export function writeU32BE(b: Uint8Array, o: number, v: number): void {
  b[o] = v >>> 24;
  b[o + 1] = v >>> 16;
  b[o + 2] = v >>> 8;
  b[o + 3] = v;
}

/** Writes an unsigned 16-bit little-endian value. */
export function writeU16LE(b: Uint8Array, o: number, v: number): void {
  b[o] = v;
  b[o + 1] = v >>> 8;
}

/** Writes an unsigned 32-bit little-endian value. */
export function writeU32LE(b: Uint8Array, o: number, v: number): void {
  b[o] = v;
  b[o + 1] = v >>> 8;
  b[o + 2] = v >>> 16;
  b[o + 3] = v >>> 24;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const HEX: string[] = [];
for (let i = 0; i < 256; i++) HEX.push(i.toString(16).padStart(2, '0'));

const HEX_CODES = new Uint16Array(256);
for (let i = 0; i < 256; i++) {
  const h = i.toString(16).padStart(2, '0');
  // Two ASCII codes packed little-endian, so one Uint16 store writes both characters in order.
  HEX_CODES[i] = h.charCodeAt(0) | (h.charCodeAt(1) << 8);
}
let latin1: TextDecoder | undefined;

/** Per byte count up to 48, a reused array of that many pairs of character codes (for one `fromCharCode` call). */
const CODE_ARRAYS: number[][] = [];
for (let n = 0; n <= 48; n++) CODE_ARRAYS.push(new Array<number>(2 * n).fill(48));

/**
 * Lower-case hex without separators (`""` for an empty range), as the JSON contract writes opaque bytes.
 * Up to 16 bytes the result is a flat string (not a rope of pieces), so reading it back character by character is fast.
 */
export function toHex(b: Uint8Array, start = 0, end = b.length): string {
  const n = end - start;
  if (n <= 6) {
    // Up to 12 characters: V8 copies short concatenations into flat strings anyway.
    let s = '';
    for (let i = start; i < end; i++) s += HEX[b[i]!]!;
    return s;
  }
  if (n <= 48) {
    // Whole 16-byte blocks (16-byte payloads, keys, IVs): a call with a fixed argument list is about twice as fast
    // as `apply` over an array; one block is flat, two or three make a rope, still faster to build and read back.
    if ((n & 15) === 0) {
      let s = hex16(b, start);
      for (let i = start + 16; i < end; i += 16) s += hex16(b, i);
      return s;
    }
    const codes = CODE_ARRAYS[n]!;
    for (let i = 0; i < n; i++) {
      const v = b[start + i]!;
      codes[2 * i] = DIGIT[v >>> 4]!;
      codes[2 * i + 1] = DIGIT[v & 15]!;
    }
    return String.fromCharCode.apply(null, codes);
  }
  // Long ranges: fill ASCII bytes and decode once (linear; string concatenation is slow here).
  const out = new Uint16Array(n);
  for (let i = 0; i < n; i++) out[i] = HEX_CODES[b[start + i]!]!;
  latin1 ??= new TextDecoder('latin1');
  const bytes = new Uint8Array(out.buffer);
  if (LITTLE_ENDIAN) return latin1.decode(bytes);
  for (let i = 0; i < bytes.length; i += 2) {
    const t = bytes[i]!;
    bytes[i] = bytes[i + 1]!;
    bytes[i + 1] = t;
  }
  return latin1.decode(bytes);
}

/** The hex of the 16 bytes at `o`, in one `fromCharCode` call with a fixed argument list. */
function hex16(b: Uint8Array, o: number): string {
  const d = DIGIT;
  const b0 = b[o]!;
  const b1 = b[o + 1]!;
  const b2 = b[o + 2]!;
  const b3 = b[o + 3]!;
  const b4 = b[o + 4]!;
  const b5 = b[o + 5]!;
  const b6 = b[o + 6]!;
  const b7 = b[o + 7]!;
  const b8 = b[o + 8]!;
  const b9 = b[o + 9]!;
  const b10 = b[o + 10]!;
  const b11 = b[o + 11]!;
  const b12 = b[o + 12]!;
  const b13 = b[o + 13]!;
  const b14 = b[o + 14]!;
  const b15 = b[o + 15]!;
  // biome-ignore format: one pair of digits per byte
  return String.fromCharCode(
    d[b0 >>> 4]!, d[b0 & 15]!, d[b1 >>> 4]!, d[b1 & 15]!, d[b2 >>> 4]!, d[b2 & 15]!, d[b3 >>> 4]!, d[b3 & 15]!,
    d[b4 >>> 4]!, d[b4 & 15]!, d[b5 >>> 4]!, d[b5 & 15]!, d[b6 >>> 4]!, d[b6 & 15]!, d[b7 >>> 4]!, d[b7 & 15]!,
    d[b8 >>> 4]!, d[b8 & 15]!, d[b9 >>> 4]!, d[b9 & 15]!, d[b10 >>> 4]!, d[b10 & 15]!, d[b11 >>> 4]!, d[b11 & 15]!,
    d[b12 >>> 4]!, d[b12 & 15]!, d[b13 >>> 4]!, d[b13 & 15]!, d[b14 >>> 4]!, d[b14 & 15]!, d[b15 >>> 4]!, d[b15 & 15]!,
  );
}

/** True when `s` is an even-length string of hex digits. */
export function isHex(s: string): boolean {
  if (typeof s !== 'string' || (s.length & 1) !== 0) return false;
  for (let i = 0; i < s.length; i++) if (nibble(s.charCodeAt(i)) < 0) return false;
  return true;
}

/** The value of one hex digit's character code, or -1. */
function nibble(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 0x20;
  return l >= 97 && l <= 102 ? l - 87 : -1;
}

/** Parses hex (case-insensitive, even length, no separators). Throws `TypeError` on bad text; codecs wrap it. */
export function fromHex(s: string): Uint8Array {
  if (!isHex(s)) throw new TypeError(`not an even-length hex string: ${JSON.stringify(s.slice(0, 40))}`);
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = (nibble(s.charCodeAt(2 * i)) << 4) | nibble(s.charCodeAt(2 * i + 1));
  return out;
}

/** Writes hex text into `b` at `o`; returns bytes written. The text must already be validated. */
export function writeHex(s: string, b: Uint8Array, o: number): number {
  const n = s.length >>> 1;
  for (let i = 0; i < n; i++) b[o + i] = (nibble(s.charCodeAt(2 * i)) << 4) | nibble(s.charCodeAt(2 * i + 1));
  return n;
}

/** Concatenates byte arrays into one new array. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** A `DataView` over exactly the bytes of `b` (honours `byteOffset`). */
export function dataView(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}
