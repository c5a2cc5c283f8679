/** The `esp` layer codec for registries and stacks. */
import type { LayerCodec } from '@wirestack/core';
import { ESP_HEADER_LEN, ESP_IP_PROTOCOL } from './constants.js';
import { decodeEsp, encodeEsp, type EspHeader, espEncodingLength } from './header.js';

/**
 * ESP (RFC 4303). Reached by IP protocol 50. Without keys nothing after the 8-byte header can be read, so
 * the payload (IV, ciphertext, ICV) is `raw`, as Wireshark shows it; decrypt it with `EspSa.open`.
 * UDP port 4500 (NAT-T, RFC 3948) is deliberately not bound: that port also carries IKE behind a
 * 4-zero-byte non-ESP marker and 1-byte keepalives, which `classifyNatTPayload` tells apart.
 */
export const esp: LayerCodec<EspHeader> = {
  id: 'esp',
  minLength: ESP_HEADER_LEN,
  fields: [
    { name: 'spi', kind: 'uint', bits: 32, default: 0, doc: 'Security Parameters Index; 0 is reserved' },
    { name: 'sequence', kind: 'uint', bits: 32, default: 1, doc: 'sequence number (low 32 bits with ESN)' },
  ],
  binds: [{ table: 'ip.proto', value: ESP_IP_PROTOCOL }],
  decode: decodeEsp,
  headerLength: () => ESP_HEADER_LEN,
  next: () => undefined,
  encodingLength: espEncodingLength,
  encode: encodeEsp,
};
