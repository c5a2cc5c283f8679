/**
 * IPv6 address text (RFC 4291 §2.2) in and out. Output is RFC 5952 §4 text, identical to ipaddr.js's
 * `toRFC5952String` (which the JSON contract names); parsing goes through ipaddr.js.
 */
import { EncodeError } from '@wirestack/core';
import ipaddr from 'ipaddr.js';
import { IPV6_ADDRESS_LEN } from './constants.js';

/**
 * Formats the 16 bytes at `off` as RFC 5952 text (RFC 5952 §4: lower case, no leading zeros, the
 * longest run of two or more zero groups — the first on a tie — replaced by `::`). IPv4-mapped and
 * IPv4-compatible addresses are printed in hex groups (`::ffff:102:304`), as ipaddr.js prints them.
 * The caller has checked that 16 bytes are present.
 */
export function formatIpv6(buf: Uint8Array, off = 0): string {
  let bestStart = -1;
  let bestLen = 1;
  let runStart = -1;
  for (let i = 0; i < 8; i++) {
    const zero = buf[off + 2 * i] === 0 && buf[off + 2 * i + 1] === 0;
    if (zero) {
      if (runStart < 0) runStart = i;
      const len = i - runStart + 1;
      if (len > bestLen) {
        bestLen = len;
        bestStart = runStart;
      }
    } else runStart = -1;
  }
  let s = '';
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      s += i === 0 ? '::' : ':';
      i += bestLen - 1;
      continue;
    }
    s += ((buf[off + 2 * i]! << 8) | buf[off + 2 * i + 1]!).toString(16);
    if (i < 7) s += ':';
  }
  return s;
}

const EMBEDDED_IPV4 = /^(.*:)(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/**
 * Rewrites a trailing dotted quad (RFC 4291 §2.2 form 3) as two hex groups. ipaddr.js reads `::a.b.c.d`
 * as the IPv4-mapped `::ffff:a.b.c.d`; RFC 4291 §2.5.5.1 makes it the IPv4-compatible `::` + a.b.c.d,
 * so the quad is converted here and ipaddr.js only ever sees hex groups.
 */
function hexifyEmbeddedIpv4(text: string): string | undefined {
  const m = EMBEDDED_IPV4.exec(text);
  if (!m) return text;
  const q = [m[2], m[3], m[4], m[5]].map(Number);
  if (q.some((x) => x > 255)) return undefined;
  return `${m[1]}${((q[0]! << 8) | q[1]!).toString(16)}:${((q[2]! << 8) | q[3]!).toString(16)}`;
}

/** Parses IPv6 text, or returns `undefined` when it is not a plain IPv6 address (zone ids are refused). */
export function tryParseIpv6(text: unknown): Uint8Array | undefined {
  if (typeof text !== 'string' || !text.includes(':')) return undefined;
  const t = hexifyEmbeddedIpv4(text);
  if (t === undefined) return undefined;
  let a: ipaddr.IPv6;
  try {
    a = ipaddr.IPv6.parse(t);
  } catch {
    return undefined;
  }
  if (a.zoneId !== undefined) return undefined;
  return Uint8Array.from(a.toByteArray());
}

/**
 * Parses IPv6 text (any RFC 4291 §2.2 form, including embedded IPv4) into 16 bytes. Throws `EncodeError`
 * naming `layer.field` on anything else, including a zone id (`fe80::1%eth0`), which has no wire form.
 */
export function parseIpv6(text: string, layer = 'ipv6', field = 'address'): Uint8Array {
  const b = tryParseIpv6(text);
  if (!b) throw new EncodeError({ layer, field, value: text, message: `not an IPv6 address: ${JSON.stringify(text)}` });
  return b;
}

/** Writes the 16 bytes of a parsed address at `off`. */
export function writeIpv6(addr: Uint8Array, buf: Uint8Array, off: number): void {
  buf.set(addr.subarray(0, IPV6_ADDRESS_LEN), off);
}
