/** Zero-copy views over Linux cooked-capture headers (LINKTYPE_LINUX_SLL, LINKTYPE_LINUX_SLL2). */
import { DecodeError, readU16BE, readU32BE, toHex, writeU16BE } from '@wirestack/core';
import { LINUX_SLL_HEADER_LEN, LINUX_SLL2_HEADER_LEN, LinuxSll2Field, LinuxSllField, SLL_ADDRESS_FIELD_LEN } from './constants.js';

function check(layer: string, buf: Uint8Array, offset: number, need: number): void {
  const actual = buf.length - offset;
  if (actual < need) throw new DecodeError({ code: 'truncated', layer, offset, required: need, actual: Math.max(0, actual) });
}

/**
 * A view over a LINKTYPE_LINUX_SLL header. `new LinuxSllView(buf, off)` is unchecked; `LinuxSllView.from`
 * checks once; `reset` re-points it without allocating.
 */
export class LinuxSllView {
  constructor(
    public buf: Uint8Array,
    public offset = 0,
  ) {}
  /** A view after checking that 16 bytes are present. */
  static from(buf: Uint8Array, offset = 0): LinuxSllView {
    const v = new LinuxSllView(buf, offset);
    v.checkLength();
    return v;
  }
  /** Re-points the view (unchecked). */
  reset(buf: Uint8Array, offset = 0): this {
    this.buf = buf;
    this.offset = offset;
    return this;
  }
  /** Throws `DecodeError` unless 16 bytes are present. */
  checkLength(): void {
    check('linux-sll', this.buf, this.offset, LINUX_SLL_HEADER_LEN);
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
export class LinuxSll2View {
  constructor(
    public buf: Uint8Array,
    public offset = 0,
  ) {}
  /** A view after checking that 20 bytes are present. */
  static from(buf: Uint8Array, offset = 0): LinuxSll2View {
    const v = new LinuxSll2View(buf, offset);
    v.checkLength();
    return v;
  }
  /** Re-points the view (unchecked). */
  reset(buf: Uint8Array, offset = 0): this {
    this.buf = buf;
    this.offset = offset;
    return this;
  }
  /** Throws `DecodeError` unless 20 bytes are present. */
  checkLength(): void {
    check('linux-sll2', this.buf, this.offset, LINUX_SLL2_HEADER_LEN);
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
