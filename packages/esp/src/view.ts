/** A zero-copy view over the cleartext ESP header (RFC 4303 §2). */
import { HeaderView, readU32BE, writeU32BE } from '@wirestack/core';
import { ESP_HEADER_LEN, EspField } from './constants.js';

/**
 * A view over an ESP header. `new EspView(buf, off)` does not check the length; `EspView.from` checks
 * once. `reset` re-points it without allocating. No setter invalidates `checkLength`.
 */
export class EspView extends HeaderView {
  /** Throws `DecodeError` unless 8 bytes are present. */
  checkLength(): void {
    this.requireLength('esp', ESP_HEADER_LEN);
  }

  /** Security Parameters Index (RFC 4303 §2.1). */
  get spi(): number {
    return readU32BE(this.buf, this.offset + EspField.SPI);
  }
  set spi(v: number) {
    writeU32BE(this.buf, this.offset + EspField.SPI, v);
  }
  /** Sequence Number (RFC 4303 §2.2). */
  get sequence(): number {
    return readU32BE(this.buf, this.offset + EspField.SEQUENCE);
  }
  set sequence(v: number) {
    writeU32BE(this.buf, this.offset + EspField.SEQUENCE, v);
  }
  /** Everything after the header (IV, ciphertext, ICV), as a subarray (zero-copy). */
  get payload(): Uint8Array {
    return this.buf.subarray(this.offset + ESP_HEADER_LEN);
  }
}
