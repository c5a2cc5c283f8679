/**
 * The byte writers of the fast output paths (src/fast-summary.ts, src/fast-json.ts): ASCII text, numbers,
 * addresses and times written into a byte buffer as `String`, `macToString`, `formatIpv4`, `formatIpv6` and
 * `recordTimestamp` would print them. Each writes at a position and returns the position after what it wrote;
 * none checks room (the caller reserved it).
 */
import { type CaptureRecord, formatTimestamp } from '@wirestack/pcap';

/** ASCII bytes of a string (the constant pieces of a line). */
export function ascii(s: string): Uint8Array {
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i);
  return b;
}

/** Two lower-case hex digits per byte value. */
const HEX2 = new Uint8Array(512);
/** Decimal digits of 0-255, three slots per value, and how many are used. */
const DEC = new Uint8Array(768);
const DEC_LEN = new Uint8Array(256);
/** Lower-case hex digits. */
const HEX_DIGIT = ascii('0123456789abcdef');
for (let i = 0; i < 256; i++) {
  HEX2[2 * i] = HEX_DIGIT[i >>> 4]!;
  HEX2[2 * i + 1] = HEX_DIGIT[i & 15]!;
  const d = String(i);
  DEC_LEN[i] = d.length;
  for (let j = 0; j < d.length; j++) DEC[3 * i + j] = d.charCodeAt(j);
}

/** Copies the bytes `s` (a constant piece of text). */
export function put(o: Uint8Array, p: number, s: Uint8Array): number {
  const n = s.length;
  // A call to the copying builtin costs about as much as a loop over 16 bytes.
  if (n > 16) {
    o.set(s, p);
    return p + n;
  }
  for (let i = 0; i < n; i++) o[p + i] = s[i]!;
  return p + n;
}

/** Writes a non-negative integer (below 2^53) in decimal; returns the new position. */
export function putUint(o: Uint8Array, p: number, n: number): number {
  if (n < 10) {
    o[p] = 48 + n;
    return p + 1;
  }
  if (n > 0x7fffffff) return putLargeUint(o, p, n);
  // Small integers stay in 32-bit integer arithmetic (a division by 10 becomes a multiplication).
  let x = n | 0;
  const digits =
    x < 100
      ? 2
      : x < 1000
        ? 3
        : x < 10000
          ? 4
          : x < 100000
            ? 5
            : x < 1000000
              ? 6
              : x < 10000000
                ? 7
                : x < 100000000
                  ? 8
                  : x < 1000000000
                    ? 9
                    : 10;
  let q = p + digits;
  while (x >= 10) {
    const y = (x / 10) | 0;
    o[--q] = 48 + x - y * 10;
    x = y;
  }
  o[--q] = 48 + x;
  return p + digits;
}

function putLargeUint(o: Uint8Array, p: number, n: number): number {
  let digits = 1;
  for (let x = n; x >= 10; x = Math.floor(x / 10)) digits++;
  let q = p + digits;
  let x = n;
  while (x >= 10) {
    const y = Math.floor(x / 10);
    o[--q] = 48 + (x - y * 10);
    x = y;
  }
  o[--q] = 48 + x;
  return p + digits;
}

/** Writes `n` (below 2^31) as exactly `width` decimal digits, zero-padded. */
export function putFixed(o: Uint8Array, p: number, n: number, width: number): number {
  let x = n | 0;
  for (let q = p + width - 1; q >= p; q--) {
    const y = (x / 10) | 0;
    o[q] = 48 + x - y * 10;
    x = y;
  }
  return p + width;
}

/** Writes a string whose characters are all below 256 (one byte each; callers pass ASCII). */
export function putLatin1(o: Uint8Array, p: number, s: string): number {
  const n = s.length;
  for (let i = 0; i < n; i++) o[p + i] = s.charCodeAt(i);
  return p + n;
}

/** `aa:bb:cc:dd:ee:ff` of the 6 bytes at `a`. */
export function putMac(o: Uint8Array, p: number, b: Uint8Array, a: number): number {
  let q = p;
  for (let i = 0; i < 6; i++) {
    if (i > 0) o[q++] = 58;
    const v = b[a + i]! << 1;
    o[q] = HEX2[v]!;
    o[q + 1] = HEX2[v + 1]!;
    q += 2;
  }
  return q;
}

/** Dotted quad of the 4 bytes at `a`. */
export function putIpv4(o: Uint8Array, p: number, b: Uint8Array, a: number): number {
  let q = p;
  for (let i = 0; i < 4; i++) {
    if (i > 0) o[q++] = 46;
    const v = b[a + i]!;
    const d = 3 * v;
    const n = DEC_LEN[v]!;
    o[q] = DEC[d]!;
    if (n > 1) o[q + 1] = DEC[d + 1]!;
    if (n > 2) o[q + 2] = DEC[d + 2]!;
    q += n;
  }
  return q;
}

/** A 16-bit group in hex without leading zeros. */
function putHex16(o: Uint8Array, p: number, g: number): number {
  let q = p;
  if (g >= 0x1000) o[q++] = HEX_DIGIT[g >>> 12]!;
  if (g >= 0x100) o[q++] = HEX_DIGIT[(g >>> 8) & 15]!;
  if (g >= 0x10) o[q++] = HEX_DIGIT[(g >>> 4) & 15]!;
  o[q++] = HEX_DIGIT[g & 15]!;
  return q;
}

/** The 16 bytes at `a` as `formatIpv6` writes them (RFC 5952: the first longest run of ≥ 2 zero groups as `::`). */
export function putIpv6(o: Uint8Array, p: number, b: Uint8Array, a: number): number {
  let bestStart = -1;
  let bestLen = 1;
  let runStart = -1;
  for (let i = 0; i < 8; i++) {
    if (b[a + 2 * i] === 0 && b[a + 2 * i + 1] === 0) {
      if (runStart < 0) runStart = i;
      const len = i - runStart + 1;
      if (len > bestLen) {
        bestLen = len;
        bestStart = runStart;
      }
    } else runStart = -1;
  }
  let q = p;
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      o[q++] = 58;
      if (i === 0) o[q++] = 58;
      i += bestLen - 1;
      continue;
    }
    q = putHex16(o, q, (b[a + 2 * i]! << 8) | b[a + 2 * i + 1]!);
    if (i < 7) o[q++] = 58;
  }
  return q;
}

/**
 * Whether the record's time is a pcap µs/ns stamp printed as it is stored. A fraction out of range (it
 * would carry into the seconds), other resolutions and pcapng records are not.
 */
export function isPlainTime(rec: CaptureRecord): boolean {
  const d = rec.timestampDigits;
  const frac = rec.timestampLow;
  return rec.format === 'pcap' && ((d === 6 && frac < 1e6) || (d === 9 && frac < 1e9));
}

/** The record's time as {@link formatTimestamp} writes it; a plain one ({@link isPlainTime}) without bigint arithmetic. */
export function recordTimestamp(rec: CaptureRecord): string {
  if (!isPlainTime(rec)) return formatTimestamp(rec.timestampNs, rec.timestampDigits);
  return `${rec.timestampHigh}.${`${(rec.timestampDigits === 6 ? 1e6 : 1e9) + rec.timestampLow}`.slice(1)}`;
}

/** Writes a time for which {@link isPlainTime} holds: the stored seconds, a dot and the zero-padded fraction. */
export function putPlainTime(o: Uint8Array, start: number, rec: CaptureRecord): number {
  let p = putUint(o, start, rec.timestampHigh);
  o[p++] = 46;
  return putFixed(o, p, rec.timestampLow, rec.timestampDigits);
}

/** The two hex digits of each byte value as one big-endian 16-bit number (for 16/32-bit stores). */
const HEX16 = new Uint16Array(256);
for (let i = 0; i < 256; i++) HEX16[i] = (HEX2[2 * i]! << 8) | HEX2[2 * i + 1]!;

/** A DataView over the output batch `hexOut` (made again when the writer moves to another batch). */
let hexView: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));
let hexOut: Uint8Array | undefined;

/**
 * Lower-case hex of `b[start, end)`, as `toHex` writes it. Long runs (trailers, payloads: most of what
 * `--json` writes) store four digit pairs per two 32-bit writes through a DataView, which takes any
 * alignment: about twice as fast as two byte stores per input byte.
 */
export function putHex(o: Uint8Array, p: number, b: Uint8Array, start: number, end: number): number {
  let q = p;
  let i = start;
  if (end - start >= 32) {
    if (o !== hexOut) {
      hexView = new DataView(o.buffer, o.byteOffset, o.byteLength);
      hexOut = o;
    }
    const dv = hexView;
    for (; i + 4 <= end; i += 4) {
      dv.setUint32(q, (HEX16[b[i]!]! << 16) | HEX16[b[i + 1]!]!);
      dv.setUint32(q + 4, (HEX16[b[i + 2]!]! << 16) | HEX16[b[i + 3]!]!);
      q += 8;
    }
  }
  for (; i < end; i++) {
    const v = b[i]! << 1;
    o[q] = HEX2[v]!;
    o[q + 1] = HEX2[v + 1]!;
    q += 2;
  }
  return q;
}
