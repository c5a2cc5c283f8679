/** MAC address text: lower-case `aa:bb:cc:dd:ee:ff`, as the JSON contract writes it. */
import { EncodeError } from './errors.js';
import { HEX_DIGIT_CODES as DIGIT } from './hex-digits.js';

const HEX2: string[] = [];
for (let i = 0; i < 256; i++) HEX2.push(i.toString(16).padStart(2, '0'));

/**
 * A small direct-mapped cache of MAC texts (building one costs ~50 ns, finding it ~5): keys are the high 16
 * and low 32 bits. Every slot starts as the all-zero address, which is correct whatever slot it sits in.
 */
const MAC_CACHE = 1024;
const macHi = new Int32Array(MAC_CACHE);
const macLo = new Int32Array(MAC_CACHE);
const macText: string[] = new Array<string>(MAC_CACHE).fill('00:00:00:00:00:00');

/** Formats the 6 bytes at `o` (the caller has checked the length). */
export function macToString(b: Uint8Array, o = 0): string {
  if (!(o >= 0 && o + 6 <= b.length)) return macText6(b, o);
  const hi = (b[o]! << 8) | b[o + 1]!;
  const lo = (b[o + 2]! << 24) | (b[o + 3]! << 16) | (b[o + 4]! << 8) | b[o + 5]!;
  const k = (lo ^ (lo >>> 10) ^ (lo >>> 20) ^ (hi << 2)) & (MAC_CACHE - 1);
  if (macLo[k] === lo && macHi[k] === hi) return macText[k]!;
  const s = macText6(b, o);
  macHi[k] = hi;
  macLo[k] = lo;
  macText[k] = s;
  return s;
}

/** The text of 6 bytes as one flat string (one `fromCharCode` call, no rope of pieces: fast to read back). */
function macText6(b: Uint8Array, o: number): string {
  if (!(o >= 0 && o + 6 <= b.length))
    return `${HEX2[b[o]!]}:${HEX2[b[o + 1]!]}:${HEX2[b[o + 2]!]}:${HEX2[b[o + 3]!]}:${HEX2[b[o + 4]!]}:${HEX2[b[o + 5]!]}`;
  const b0 = b[o]!;
  const b1 = b[o + 1]!;
  const b2 = b[o + 2]!;
  const b3 = b[o + 3]!;
  const b4 = b[o + 4]!;
  const b5 = b[o + 5]!;
  return String.fromCharCode(
    DIGIT[b0 >>> 4]!,
    DIGIT[b0 & 15]!,
    58,
    DIGIT[b1 >>> 4]!,
    DIGIT[b1 & 15]!,
    58,
    DIGIT[b2 >>> 4]!,
    DIGIT[b2 & 15]!,
    58,
    DIGIT[b3 >>> 4]!,
    DIGIT[b3 & 15]!,
    58,
    DIGIT[b4 >>> 4]!,
    DIGIT[b4 & 15]!,
    58,
    DIGIT[b5 >>> 4]!,
    DIGIT[b5 & 15]!,
  );
}

const MAC_RE =
  /^([0-9a-fA-F]{1,2})[:-]([0-9a-fA-F]{1,2})[:-]([0-9a-fA-F]{1,2})[:-]([0-9a-fA-F]{1,2})[:-]([0-9a-fA-F]{1,2})[:-]([0-9a-fA-F]{1,2})$/;

/** True when `s` is a MAC address in colon or dash notation. */
export function isMac(s: unknown): s is string {
  return macValue(s) >= 0;
}

/** Parses MAC text into 6 bytes written at `o`; throws `EncodeError` naming `layer.field` on bad text. */
export function writeMac(s: string, b: Uint8Array, o: number, layer = 'ethernet', field = 'mac'): void {
  const v = macValue(s);
  if (v < 0) throw new EncodeError({ layer, field, value: s, message: `not a MAC address: ${JSON.stringify(s)}` });
  writeMacValue(v, b, o);
}

/** Parses MAC text into a new 6-byte array. */
export function parseMac(s: string): Uint8Array {
  const b = new Uint8Array(6);
  writeMac(s, b, 0);
  return b;
}

/**
 * The 48-bit value of a MAC address in colon or dash notation (`aa:bb:cc:dd:ee:ff`, `a-b-c-d-e-f`), or -1
 * when `s` is not one. With {@link writeMacValue}, encoders validate before writing without allocating.
 */
export function macValue(s: unknown): number {
  if (typeof s !== 'string') return -1;
  if (s.length === 17) {
    // The common case by character codes: six pairs of hex digits with ':' or '-' between them.
    let hi = 0;
    let lo = 0;
    for (let k = 0; k < 6; k++) {
      const i = k * 3;
      if (k > 0) {
        const sep = s.charCodeAt(i - 1);
        if (sep !== 58 && sep !== 45) return macValueSlow(s);
      }
      const a = hexNibble(s.charCodeAt(i));
      const c = hexNibble(s.charCodeAt(i + 1));
      if (a < 0 || c < 0) return -1;
      if (k < 2) hi = (hi << 8) | (a << 4) | c;
      else lo = (lo << 8) | (a << 4) | c;
    }
    return hi * 0x100000000 + (lo >>> 0);
  }
  return macValueSlow(s);
}

function macValueSlow(s: string): number {
  const m = MAC_RE.exec(s);
  if (!m) return -1;
  let v = 0;
  for (let i = 1; i <= 6; i++) v = v * 256 + Number.parseInt(m[i]!, 16);
  return v;
}

/** Writes a 48-bit MAC value (from {@link macValue}) as 6 bytes at `o`. */
export function writeMacValue(v: number, b: Uint8Array, o: number): void {
  const hi = Math.floor(v / 0x100000000);
  const lo = v % 0x100000000;
  b[o] = hi >>> 8;
  b[o + 1] = hi;
  b[o + 2] = lo >>> 24;
  b[o + 3] = lo >>> 16;
  b[o + 4] = lo >>> 8;
  b[o + 5] = lo;
}

function hexNibble(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 0x20;
  return l >= 97 && l <= 102 ? l - 87 : -1;
}
