/**
 * ARP address text (RFC 826 leaves the address formats to the hardware and protocol): 6-byte hardware
 * addresses as MAC text, 4-byte protocol addresses as dotted quads, any other size as lower-case hex.
 */
import { EncodeError, isHex, isMac, macToString, toHex, writeHex, writeMac } from '@wirestack/core';
import { ARP_IPV4_SIZE, ARP_MAC_SIZE } from './constants.js';

/** Which address an ARP field holds: hardware (`mac`) or protocol (`ip`). */
export type ArpAddressKind = 'mac' | 'ip';

/** Formats `size` address bytes at `o` as the contract writes them (the caller has checked the length). */
export function formatArpAddress(kind: ArpAddressKind, buf: Uint8Array, o: number, size: number): string {
  if (kind === 'mac' && size === ARP_MAC_SIZE) return macToString(buf, o);
  if (kind === 'ip' && size === ARP_IPV4_SIZE) return `${buf[o]!}.${buf[o + 1]!}.${buf[o + 2]!}.${buf[o + 3]!}`;
  return toHex(buf, o, o + size);
}

/** A strict dotted quad (four decimal parts 0..255, no leading zeros) as 4 bytes, or undefined. */
function parseDottedQuad(s: string): number[] | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  const out: number[] = [];
  for (const p of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p)) return undefined;
    const v = Number(p);
    if (v > 255) return undefined;
    out.push(v);
  }
  return out;
}

/**
 * Bytes the address text takes: 6 for MAC text (hardware addresses), 4 for a dotted quad (protocol
 * addresses), else its hex length. Throws `EncodeError` naming `arp.field` on anything else.
 */
export function arpAddressSize(kind: ArpAddressKind, field: string, v: unknown): number {
  if (typeof v === 'string') {
    if (kind === 'mac' && isMac(v)) return ARP_MAC_SIZE;
    if (kind === 'ip' && v.includes('.') && parseDottedQuad(v)) return ARP_IPV4_SIZE;
    if (isHex(v) && v.length <= 510) return v.length >>> 1;
  }
  throw new EncodeError({
    layer: 'arp',
    field,
    value: v,
    message:
      kind === 'mac'
        ? `must be MAC text (aa:bb:cc:dd:ee:ff) or lower-case hex, got ${JSON.stringify(v)}`
        : `must be a dotted-quad IPv4 address or lower-case hex, got ${JSON.stringify(v)}`,
  });
}

/** Writes address text validated by {@link arpAddressSize} at `o`. */
export function writeArpAddress(kind: ArpAddressKind, field: string, v: string, buf: Uint8Array, o: number): void {
  if (kind === 'mac' && isMac(v)) writeMac(v, buf, o, 'arp', field);
  else if (kind === 'ip' && v.includes('.')) buf.set(parseDottedQuad(v)!, o);
  else writeHex(v, buf, o);
}

/** The canonical text of an address (MAC text lower-cased, dashes to colons); throws `EncodeError` when malformed. */
export function canonicalArpAddress(kind: ArpAddressKind, field: string, v: unknown): string {
  const n = arpAddressSize(kind, field, v);
  const b = new Uint8Array(n);
  writeArpAddress(kind, field, v as string, b, 0);
  return formatArpAddress(kind, b, 0, n);
}
