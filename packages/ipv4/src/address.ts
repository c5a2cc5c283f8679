/** IPv4 address text (dotted quads, RFC 791 §3.2 addresses as the JSON contract writes them). */
import { EncodeError } from '@wirestack/core';
import ipaddr from 'ipaddr.js';

/**
 * Parses a dotted quad (`"192.0.2.1"`) into a 32-bit unsigned number. Only the strict four-part decimal
 * form is accepted (no `"1.2.3"`, hex, octal or leading zeros, no IPv6 text). Throws `EncodeError`
 * naming `layer.field`.
 */
export function parseIpv4U32(text: unknown, layer = 'ipv4', field = 'address'): number {
  if (typeof text === 'string') {
    const fast = dottedQuadValue(text);
    if (fast >= 0) return fast;
  }
  if (typeof text !== 'string' || !ipaddr.IPv4.isValidFourPartDecimal(text))
    throw new EncodeError({ layer, field, value: text, message: `not a dotted-quad IPv4 address: ${JSON.stringify(text)}` });
  const o = ipaddr.IPv4.parse(text).octets;
  return ((o[0]! << 24) | (o[1]! << 16) | (o[2]! << 8) | o[3]!) >>> 0;
}

/** Parses a dotted quad into 4 new bytes (RFC 791 §3.2). Throws `EncodeError` on anything else. */
export function parseIpv4(text: string): Uint8Array {
  const v = parseIpv4U32(text);
  return Uint8Array.of(v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
}

/** A small direct-mapped cache of dotted quads by address; every slot starts as `0.0.0.0`, correct in any slot. */
const CACHE = 1024;
const cacheKey = new Int32Array(CACHE);
const cacheText: string[] = new Array<string>(CACHE).fill('0.0.0.0');

/** Formats the 4 bytes at `off` as a dotted quad (the caller has checked the length). */
export function formatIpv4(buf: Uint8Array, off = 0): string {
  if (!(off >= 0 && off + 4 <= buf.length)) return `${buf[off]!}.${buf[off + 1]!}.${buf[off + 2]!}.${buf[off + 3]!}`;
  const v = (buf[off]! << 24) | (buf[off + 1]! << 16) | (buf[off + 2]! << 8) | buf[off + 3]!;
  const k = (v ^ (v >>> 10) ^ (v >>> 20)) & (CACHE - 1);
  if (cacheKey[k] === v) return cacheText[k]!;
  const s = dottedQuad(buf, off);
  cacheKey[k] = v;
  cacheText[k] = s;
  return s;
}

const quadCodes: number[] = [];

/** The dotted quad of 4 present bytes as one flat string (one `fromCharCode` call: fast to read back, unlike a rope). */
function dottedQuad(buf: Uint8Array, off: number): string {
  const codes = quadCodes;
  codes.length = 0;
  for (let i = 0; i < 4; i++) {
    const v = buf[off + i]!;
    if (i > 0) codes.push(46);
    if (v >= 100) codes.push(48 + ((v / 100) | 0), 48 + (((v / 10) | 0) % 10), 48 + (v % 10));
    else if (v >= 10) codes.push(48 + ((v / 10) | 0), 48 + (v % 10));
    else codes.push(48 + v);
  }
  return String.fromCharCode.apply(null, codes);
}

/**
 * The 32-bit value of a strict dotted quad (four decimal parts 0..255, no leading zeros), read by character
 * codes (no RegExp, no allocation): the common case of encoding. Returns -1 for anything else, which
 * {@link parseIpv4U32} then hands to ipaddr.js for the verdict (other notations, or the error).
 */
export function dottedQuadValue(t: string): number {
  const n = t.length;
  if (n < 7 || n > 15) return -1;
  let value = 0;
  let part = 0;
  let digits = 0;
  let parts = 0;
  for (let i = 0; i <= n; i++) {
    const c = i < n ? t.charCodeAt(i) : 46;
    if (c === 46) {
      if (digits === 0 || part > 255) return -1;
      value = value * 256 + part;
      parts++;
      part = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57) {
      if (digits > 0 && part === 0) return -1; // a leading zero
      part = part * 10 + (c - 48);
      if (++digits > 3) return -1;
    } else return -1;
  }
  return parts === 4 ? value : -1;
}
