/** Turning `EspSa.seal` output into layers for `encodeStack`. */
import { toHex } from '@wirestack/core';
import { ESP_HEADER_LEN } from './constants.js';
import { decodeEsp } from './header.js';

/** What {@link espLayers} returns: plain layer objects `encodeStack` accepts. */
export type EspStackLayers = [{ layer: 'esp'; spi: number; sequence: number }, { layer: 'raw'; data: string }];

/**
 * The `esp` header and the `raw` rest (IV, ciphertext, ICV) of sealed ESP bytes, to append to outer layers:
 * `encodeStack([eth, ipv4, ...espLayers(await sa.seal(inner, 4))], { registry })` with a registry that has
 * `esp` (the outer `protocol` is then derived as 50). Throws `DecodeError` when `sealed` is under 8 bytes.
 */
export function espLayers(sealed: Uint8Array): EspStackLayers {
  const { spi, sequence } = decodeEsp(sealed);
  return [
    { layer: 'esp', spi, sequence },
    { layer: 'raw', data: toHex(sealed, ESP_HEADER_LEN) },
  ];
}
