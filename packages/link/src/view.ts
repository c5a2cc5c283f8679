/** Zero-copy views over Linux cooked-capture headers (LINKTYPE_LINUX_SLL, LINKTYPE_LINUX_SLL2). */
import { readU16BE, readU32BE, toHex, writeU16BE, HeaderView } from '@wirestack/core';
import { LINUX_SLL_HEADER_LEN, LINUX_SLL2_HEADER_LEN, LinuxSll2Field, LinuxSllField, SLL_ADDRESS_FIELD_LEN } from './constants.js';

/**
 * A view over a LINKTYPE_LINUX_SLL header. `new LinuxSllView(buf, off)` is unchecked; `LinuxSllView.from`
 * checks once; `reset` re-points it without allocating.
 */
export class LinuxSllView extends HeaderView {
  /** Throws `DecodeError` unless 16 bytes are present. */
  checkLength(): void {
    this.requireLength('linux-sll', LINUX_SLL_HEADER_LEN);
  }
  get packetType(): number {
    return readU16BE(this.buf, this.offset + LinuxSllField.PACKET_TYPE);
  }
  get arphrdType(): number {
    return readU16BE(this.buf, this.offset + LinuxSllField.ARPHRD_TYPE);
  }
  get addressLength(): number {
    return readU16BE(this.buf, this.offset + LinuxSllField.ADDRESS_LENGTH);
  }
  /** The 8-byte address field as hex (allocates a string). */
  get address(): string {
    const o = this.offset + LinuxSllField.ADDRESS;
    return toHex(this.buf, o, o + SLL_ADDRESS_FIELD_LEN);
  }
  get protocol(): number {
    return readU16BE(this.buf, this.offset + LinuxSllField.PROTOCOL);
  }
  set protocol(v: number) {
    writeU16BE(this.buf, this.offset + LinuxSllField.PROTOCOL, v);
  }
}

/** A view over a LINKTYPE_LINUX_SLL2 header (same conventions as {@link LinuxSllView}). */
export class LinuxSll2View extends HeaderView {
  /** Throws `DecodeError` unless 20 bytes are present. */
  checkLength(): void {
    this.requireLength('linux-sll2', LINUX_SLL2_HEADER_LEN);
  }
  get protocol(): number {
    return readU16BE(this.buf, this.offset + LinuxSll2Field.PROTOCOL);
  }
  set protocol(v: number) {
    writeU16BE(this.buf, this.offset + LinuxSll2Field.PROTOCOL, v);
  }
  get reserved(): number {
    return readU16BE(this.buf, this.offset + LinuxSll2Field.RESERVED);
  }
  get interfaceIndex(): number {
    return readU32BE(this.buf, this.offset + LinuxSll2Field.INTERFACE_INDEX);
  }
  get arphrdType(): number {
    return readU16BE(this.buf, this.offset + LinuxSll2Field.ARPHRD_TYPE);
  }
  get packetType(): number {
    return this.buf[this.offset + LinuxSll2Field.PACKET_TYPE]!;
  }
  get addressLength(): number {
    return this.buf[this.offset + LinuxSll2Field.ADDRESS_LENGTH]!;
  }
  /** The 8-byte address field as hex (allocates a string). */
  get address(): string {
    const o = this.offset + LinuxSll2Field.ADDRESS;
    return toHex(this.buf, o, o + SLL_ADDRESS_FIELD_LEN);
  }
}
