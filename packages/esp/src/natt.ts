/** UDP encapsulation of ESP for NAT traversal (RFC 3948): telling ESP from IKE and keepalives on port 4500. */
import { readU32BE } from '@wirestack/core';
import { ESP_HEADER_LEN } from './constants.js';

/** What a UDP port-4500 payload is (RFC 3948 §2.2, §2.3). */
export type NatTPayloadKind = 'esp' | 'ike' | 'keepalive' | 'invalid';

/**
 * Classifies a UDP payload on port 4500: a single 0xFF octet is a NAT-keepalive (RFC 3948 §2.3); four zero
 * bytes (the non-ESP marker, i.e. SPI 0) start an IKE message (RFC 3948 §2.2); anything else of at least 8
 * bytes is ESP, whose header starts right after the UDP header. Shorter payloads are `invalid`.
 */
export function classifyNatTPayload(buf: Uint8Array, offset = 0, end = buf.length): NatTPayloadKind {
  const n = Math.min(end, buf.length) - offset;
  if (n === 1 && buf[offset] === 0xff) return 'keepalive';
  if (n >= 4 && readU32BE(buf, offset) === 0) return 'ike';
  return n >= ESP_HEADER_LEN ? 'esp' : 'invalid';
}
