/**
 * ESP (RFC 4303 §2): only the SPI and the sequence number are in clear; everything after them is the
 * encrypted payload (for AES-GCM, RFC 4106 §3: an 8-byte IV, the ciphertext of payload, padding, Pad Length
 * and Next Header, then the 16-byte ICV). Without keys a decoder stops after the header, as Wireshark does.
 *
 * ```text
 * RFC 4303 §2:
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ ----
 * |               Security Parameters Index (SPI)                 | ^Int.
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ |Cov-
 * |                      Sequence Number                          | |ered
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ | ----
 * |                    Payload Data* (variable)                   | |   ^
 * ~                                                               ~ |   |
 * |                                                               | |Conf.
 * +               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ |Cov-
 * |               |     Padding (0-255 bytes)                     | |ered*
 * +-+-+-+-+-+-+-+-+               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ |   |
 * |                               |  Pad Length   | Next Header   | v   v
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ ------
 * |         Integrity Check Value-ICV   (variable)                |
 * ~                                                               ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * AES-GCM payload (RFC 4106 §3):
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                 Initialization Vector (8 octets)              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~ Ciphertext (payload, padding, Pad Length, Next Header)        ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |            Integrity Check Value (16 octets)                  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 */
import { checkLength, type EncodeContext, type LayerInput, readU32BE, uintOr, writeU32BE } from '@wirestack/core';
import { ESP_HEADER_LEN, EspField } from './constants.js';

/** The cleartext ESP header as the JSON contract writes it (RFC 4303 §2.1, §2.2). */
export interface EspHeader {
  readonly layer: 'esp';
  /** Security Parameters Index (32 bits); 0 is reserved and never sent, 1-255 are reserved by IANA (RFC 4303 §2.1). */
  readonly spi: number;
  /** Sequence Number (32 bits, the low half when Extended Sequence Numbers are in use; RFC 4303 §2.2). */
  readonly sequence: number;
}

/** Decodes the 8-byte ESP header at `offset` (RFC 4303 §2). Throws `DecodeError` (`truncated`). */
export function decodeEsp(buf: Uint8Array, offset = 0, end = buf.length): EspHeader {
  checkLength('esp', offset, end, ESP_HEADER_LEN);
  return { layer: 'esp', spi: readU32BE(buf, offset + EspField.SPI), sequence: readU32BE(buf, offset + EspField.SEQUENCE) };
}

/** Bytes the cleartext ESP header takes: always 8. */
export function espEncodingLength(_h?: LayerInput<EspHeader>): number {
  return ESP_HEADER_LEN;
}

/**
 * Writes the 8-byte ESP header; returns 8 (RFC 4303 §2). `spi` defaults to 0 (reserved: give one),
 * `sequence` to 1 (the first packet of an SA, RFC 4303 §3.3.3). Throws `EncodeError` before writing on a
 * value outside 32 bits. The encrypted part is not this function's: append `EspSa.seal` output after the header.
 */
export function encodeEsp(h: LayerInput<EspHeader>, buf: Uint8Array, offset = 0, _ctx?: EncodeContext): number {
  const spi = uintOr('esp', 'spi', h.spi, 32, 0);
  const sequence = uintOr('esp', 'sequence', h.sequence, 32, 1);
  writeU32BE(buf, offset + EspField.SPI, spi);
  writeU32BE(buf, offset + EspField.SEQUENCE, sequence);
  return ESP_HEADER_LEN;
}
