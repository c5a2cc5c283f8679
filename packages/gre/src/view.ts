/** A zero-copy view over a GRE header (RFC 2784, RFC 2890, RFC 2637 §4.1). */
import { readU16BE, readU32BE, writeU16BE, writeU32BE, HeaderView } from '@wirestack/core';
import { GRE_BASE_LEN, GRE_OPTIONAL_LEN, GreField, GreFlag } from './constants.js';

/**
 * A view over a GRE header. `new GreView(buf, off)` does not check the length; `GreView.from` checks
 * once that the whole header (as its flags say) is present. `reset` re-points it without allocating.
 * Getters of optional fields return `undefined` when the flag is clear. Changing the flag word
 * (`flagsWord`) moves the optional fields and invalidates `checkLength`.
 */
export class GreView extends HeaderView {
  /** Throws `DecodeError` `truncated` unless the header its flags announce is present. */
  checkLength(): void {
    this.requireLength('gre', GRE_BASE_LEN);
    this.requireLength('gre', this.headerLength);
  }

  /** The first 16-bit word: every flag bit and the version. */
  get flagsWord(): number {
    return readU16BE(this.buf, this.offset + GreField.FLAGS);
  }
  set flagsWord(v: number) {
    writeU16BE(this.buf, this.offset + GreField.FLAGS, v);
  }
  get checksumPresent(): boolean {
    return (this.flagsWord & GreFlag.CHECKSUM) !== 0;
  }
  get keyPresent(): boolean {
    return (this.flagsWord & GreFlag.KEY) !== 0;
  }
  get sequencePresent(): boolean {
    return (this.flagsWord & GreFlag.SEQUENCE) !== 0;
  }
  get acknowledgmentPresent(): boolean {
    return this.version === 1 && (this.flagsWord & GreFlag.ACKNOWLEDGMENT) !== 0;
  }
  get version(): number {
    return this.flagsWord & GreFlag.VERSION_MASK;
  }
  get protocolType(): number {
    return readU16BE(this.buf, this.offset + GreField.PROTOCOL_TYPE);
  }
  set protocolType(v: number) {
    writeU16BE(this.buf, this.offset + GreField.PROTOCOL_TYPE, v);
  }
  /** Bytes of the header, from its flags. */
  get headerLength(): number {
    return (
      GRE_BASE_LEN + GRE_OPTIONAL_LEN * (+this.checksumPresent + +this.keyPresent + +this.sequencePresent + +this.acknowledgmentPresent)
    );
  }

  private at(n: number): number {
    return this.offset + GreField.OPTIONAL + GRE_OPTIONAL_LEN * n;
  }
  get checksum(): number | undefined {
    return this.checksumPresent ? readU16BE(this.buf, this.at(0)) : undefined;
  }
  /** Writes the checksum; the checksum flag must already be set. */
  set checksum(v: number | undefined) {
    if (v !== undefined && this.checksumPresent) writeU16BE(this.buf, this.at(0), v);
  }
  get key(): number | undefined {
    return this.keyPresent ? readU32BE(this.buf, this.at(+this.checksumPresent)) : undefined;
  }
  /** Writes the key; the key flag must already be set. */
  set key(v: number | undefined) {
    if (v !== undefined && this.keyPresent) writeU32BE(this.buf, this.at(+this.checksumPresent), v);
  }
  get sequence(): number | undefined {
    return this.sequencePresent ? readU32BE(this.buf, this.at(+this.checksumPresent + +this.keyPresent)) : undefined;
  }
  /** Writes the sequence number; the sequence flag must already be set. */
  set sequence(v: number | undefined) {
    if (v !== undefined && this.sequencePresent) writeU32BE(this.buf, this.at(+this.checksumPresent + +this.keyPresent), v);
  }
  get acknowledgment(): number | undefined {
    return this.acknowledgmentPresent
      ? readU32BE(this.buf, this.at(+this.checksumPresent + +this.keyPresent + +this.sequencePresent))
      : undefined;
  }
  /** The payload, as a subarray (zero-copy). */
  get payload(): Uint8Array {
    return this.buf.subarray(this.offset + this.headerLength);
  }
}
