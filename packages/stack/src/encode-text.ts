/**
 * Text to numbers for the fused encoder (`encode-fast.ts`): MAC addresses, dotted quads and hex.
 *
 * Each parser accepts only the common, strict form and answers -1 for anything else; the fused encoder then
 * hands the whole stack to the generic path, whose parsers give the verdict (other notations, or the
 * `EncodeError`). So these never decide what is valid on their own: they only agree on what they accept.
 *
 * Addresses repeat (the same hosts, and text that came from decoding is the very same string object every
 * time), so MACs and dotted quads go through small direct-mapped caches compared with `===`: the same
 * string object compares by identity, an equal copy by content, a different one usually at its first
 * characters. A slot is picked from the length and the last characters, which is where addresses differ.
 */
import { macValue } from '@wirestack/core';
import { dottedQuadValue } from '@wirestack/ipv4';

/** Hex digit values by character code (ASCII only), -1 for anything else. */
const NIBBLE = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) NIBBLE[48 + i] = i;
for (let i = 0; i < 6; i++) {
  NIBBLE[97 + i] = 10 + i;
  NIBBLE[65 + i] = 10 + i;
}

/** The value of the hex digit with this character code, or -1. */
function nibble(c: number): number {
  return c < 128 ? NIBBLE[c]! : -1;
}

const SLOTS = 1024;
const macKeys: Array<string | undefined> = new Array<string | undefined>(SLOTS).fill(undefined);
const macValues = new Float64Array(SLOTS);

/**
 * The 48-bit value of `aa:bb:cc:dd:ee:ff` (either case, `:` or `-` between pairs), or -1 for any other text
 * (`@wirestack/core`'s `macValue`, which parses the strict form here too, decides those).
 */
export function macNumber(s: string): number {
  if (s.length !== 17) return -1;
  const k =
    (s.charCodeAt(16) ^ (s.charCodeAt(15) << 4) ^ (s.charCodeAt(13) << 2) ^ (s.charCodeAt(12) << 6) ^ (s.charCodeAt(10) << 3)) &
    (SLOTS - 1);
  if (macKeys[k] === s) return macValues[k]!;
  const v = macValue(s);
  if (v >= 0) {
    macKeys[k] = s;
    macValues[k] = v;
  }
  return v;
}

const ipKeys: Array<string | undefined> = new Array<string | undefined>(SLOTS).fill(undefined);
const ipValues = new Float64Array(SLOTS);

/**
 * The 32-bit value of a strict dotted quad (four decimal parts 0..255, no leading zeros), or -1 for any other
 * text (`@wirestack/ipv4`'s `parseIpv4U32` decides those).
 */
export function ipv4Number(s: string): number {
  const n = s.length;
  if (n < 7 || n > 15) return -1;
  const k =
    (s.charCodeAt(n - 1) ^ (s.charCodeAt(n - 2) << 3) ^ (s.charCodeAt(n - 3) << 6) ^ (s.charCodeAt(n - 4) << 2) ^ (n << 7)) & (SLOTS - 1);
  if (ipKeys[k] === s) return ipValues[k]!;
  const v = dottedQuadValue(s);
  if (v >= 0) {
    ipKeys[k] = s;
    ipValues[k] = v;
  }
  return v;
}

/** The sum of the 16-bit big-endian words {@link parseHexInto} wrote last (an odd last byte padded with zero). */
export let hexWordSum = 0;

/**
 * Parses even-length hex (either case) into `out` at `o`; returns the bytes written, or -1 (having written
 * some bytes) when `s` is not such hex. `out` must have room for `s.length / 2` bytes. Sets
 * {@link hexWordSum}, which the checksums of a payload need anyway.
 */
export function parseHexInto(s: string, out: Uint8Array, o: number): number {
  const len = s.length;
  if ((len & 1) !== 0) return -1;
  const n = len >>> 1;
  let sum = 0;
  let i = 0;
  // Two bytes (one word) per turn.
  for (; i + 2 <= n; i += 2) {
    const c = 2 * i;
    const a = nibble(s.charCodeAt(c));
    const b = nibble(s.charCodeAt(c + 1));
    const d = nibble(s.charCodeAt(c + 2));
    const e = nibble(s.charCodeAt(c + 3));
    if ((a | b | d | e) < 0) return -1;
    const hi = (a << 4) | b;
    const lo = (d << 4) | e;
    out[o + i] = hi;
    out[o + i + 1] = lo;
    sum += (hi << 8) | lo;
  }
  if (i < n) {
    const a = nibble(s.charCodeAt(2 * i));
    const b = nibble(s.charCodeAt(2 * i + 1));
    if ((a | b) < 0) return -1;
    out[o + i] = (a << 4) | b;
    sum += ((a << 4) | b) << 8;
  }
  hexWordSum = sum;
  return n;
}
