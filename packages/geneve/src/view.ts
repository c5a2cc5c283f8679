/** A zero-copy view over a Geneve header (RFC 8926 §3.4). */
import { readU16BE, readU24BE, writeU16BE, writeU24BE, HeaderView } from '@wirestack/core';
import { GENEVE_HEADER_LEN, GeneveField, GeneveFlag } from './constants.js';

/**
 * A view over a Geneve header. `new GeneveView(buf, off)` does not check the length; `GeneveView.from`
 * checks once that the fixed header and the options it announces are present. `reset` re-points it
 * without allocating. Options are exposed as raw bytes (`optionBytes`); decode them with `decodeGeneve`.
 */
export class GeneveView extends HeaderView {
  /** Throws `DecodeError` `truncated` unless the fixed header and its options are present. */
  checkLength(): void {
    this.requireLength('geneve', GENEVE_HEADER_LEN);
    this.requireLength('geneve', this.headerLength);
  }

  get version(): number {
    return this.buf[this.offset + GeneveField.VER_OPT_LEN]! >>> GeneveFlag.VERSION_SHIFT;
  }
  /** Options length in 4-byte units. */
  get optionsLength(): number {
    return this.buf[this.offset + GeneveField.VER_OPT_LEN]! & GeneveFlag.OPT_LEN_MASK;
  }
  get oam(): boolean {
    return (this.buf[this.offset + GeneveField.FLAGS]! & GeneveFlag.OAM) !== 0;
  }
  get critical(): boolean {
    return (this.buf[this.offset + GeneveField.FLAGS]! & GeneveFlag.CRITICAL) !== 0;
  }
  get protocolType(): number {
    return readU16BE(this.buf, this.offset + GeneveField.PROTOCOL_TYPE);
  }
  set protocolType(v: number) {
    writeU16BE(this.buf, this.offset + GeneveField.PROTOCOL_TYPE, v);
  }
  get vni(): number {
    return readU24BE(this.buf, this.offset + GeneveField.VNI);
  }
  set vni(v: number) {
    writeU24BE(this.buf, this.offset + GeneveField.VNI, v);
  }
  /** Bytes of the header, options included. */
  get headerLength(): number {
    return GENEVE_HEADER_LEN + this.optionsLength * 4;
  }
  /** The options block, as a subarray (zero-copy). */
  get optionBytes(): Uint8Array {
    return this.buf.subarray(this.offset + GeneveField.OPTIONS, this.offset + this.headerLength);
  }
  /** The payload, as a subarray (zero-copy). */
  get payload(): Uint8Array {
    return this.buf.subarray(this.offset + this.headerLength);
  }
}
