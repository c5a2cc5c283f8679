/** MAC address text: lower-case `aa:bb:cc:dd:ee:ff`, as the JSON contract writes it. */
import { EncodeError } from './errors.js';

const HEX2: string[] = [];
for (let i = 0; i < 256; i++) HEX2.push(i.toString(16).padStart(2, '0'));

/** Formats the 6 bytes at `o` (the caller has checked the length). */
export function macToString(b: Uint8Array, o = 0): string {
  return `${HEX2[b[o]!]}:${HEX2[b[o + 1]!]}:${HEX2[b[o + 2]!]}:${HEX2[b[o + 3]!]}:${HEX2[b[o + 4]!]}:${HEX2[b[o + 5]!]}`;
}

const MAC_RE =
  /^([0-9a-fA-F]{1,2})[:-]([0-9a-fA-F]{1,2})[:-]([0-9a-fA-F]{1,2})[:-]([0-9a-fA-F]{1,2})[:-]([0-9a-fA-F]{1,2})[:-]([0-9a-fA-F]{1,2})$/;

/** True when `s` is a MAC address in colon or dash notation. */
export function isMac(s: unknown): s is string {
  if (typeof s !== 'string') return false;
  if (s.length === 17) {
    let ok = true;
    for (let i = 0; i < 17 && ok; i++) {
      const c = s.charCodeAt(i);
      ok = i % 3 === 2 ? c === 58 || c === 45 : hexNibble(c) >= 0;
    }
    if (ok) return true;
  }
  return MAC_RE.test(s);
}

/** Parses MAC text into 6 bytes written at `o`; throws `EncodeError` naming `layer.field` on bad text. */
export function writeMac(s: string, b: Uint8Array, o: number, layer = 'ethernet', field = 'mac'): void {
  if (typeof s === 'string' && s.length === 17 && writeMacFast(s, b, o)) return;
  const m = MAC_RE.exec(s);
  if (!m) throw new EncodeError({ layer, field, value: s, message: `not a MAC address: ${JSON.stringify(s)}` });
  for (let i = 0; i < 6; i++) b[o + i] = Number.parseInt(m[i + 1]!, 16);
}

/** Parses MAC text into a new 6-byte array. */
export function parseMac(s: string): Uint8Array {
  const b = new Uint8Array(6);
  writeMac(s, b, 0);
  return b;
}

function hexNibble(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 0x20;
  return l >= 97 && l <= 102 ? l - 87 : -1;
}

/** `aa:bb:cc:dd:ee:ff` by character codes (the common case); false, having written nothing, when it does not fit. */
function writeMacFast(s: string, b: Uint8Array, o: number): boolean {
  for (let i = 2; i < 17; i += 3) {
    const sep = s.charCodeAt(i);
    if (sep !== 58 && sep !== 45) return false;
  }
  for (let i = 0; i < 17; i += 3) if (hexNibble(s.charCodeAt(i)) < 0 || hexNibble(s.charCodeAt(i + 1)) < 0) return false;
  for (let k = 0; k < 6; k++) b[o + k] = (hexNibble(s.charCodeAt(k * 3)) << 4) | hexNibble(s.charCodeAt(k * 3 + 1));
  return true;
}
