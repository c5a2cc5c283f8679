/** Zero-copy views over Ethernet II headers and VLAN tags. */
import { DecodeError, macToString, readU16BE, writeU16BE } from '@wirestack/core';
import { ETHERNET_HEADER_LEN, EthernetField, VLAN_HEADER_LEN, VlanField } from './constants.js';

/**
 * A view over an Ethernet II header. `new EthernetView(buf, off)` does not check the length (for
 * writing into fresh buffers); `EthernetView.from` checks once. `reset` re-points it without allocating.
 */
export class EthernetView {
  constructor(
    public buf: Uint8Array,
    public offset = 0,
  ) {}

  /** A view after checking that a whole header is present. */
  static from(buf: Uint8Array, offset = 0): EthernetView {
    const v = new EthernetView(buf, offset);
    v.checkLength();
    return v;
  }

  /** Re-points the view (unchecked). */
  reset(buf: Uint8Array, offset = 0): this {
    this.buf = buf;
    this.offset = offset;
    return this;
  }

  /** Throws `DecodeError` unless 14 bytes are present. */
  checkLength(): void {
    const actual = this.buf.length - this.offset;
    if (actual < ETHERNET_HEADER_LEN)
      throw new DecodeError({
        code: 'truncated',
        layer: 'ethernet',
        offset: this.offset,
        required: ETHERNET_HEADER_LEN,
        actual: Math.max(0, actual),
      });
  }

  /** Destination MAC as text (allocates a string). */
  get dst(): string {
    return macToString(this.buf, this.offset + EthernetField.DST);
  }
  /** Source MAC as text (allocates a string). */
  get src(): string {
    return macToString(this.buf, this.offset + EthernetField.SRC);
  }
  get etherType(): number {
    return readU16BE(this.buf, this.offset + EthernetField.ETHER_TYPE);
  }
  set etherType(v: number) {
    writeU16BE(this.buf, this.offset + EthernetField.ETHER_TYPE, v);
  }
  /** The payload, as a subarray (zero-copy). */
  get payload(): Uint8Array {
    return this.buf.subarray(this.offset + ETHERNET_HEADER_LEN);
  }
}

/** A view over a VLAN tag (the 4 bytes after the TPID). */
export class VlanView {
  constructor(
    public buf: Uint8Array,
    public offset = 0,
  ) {}

  /** A view after checking that a whole tag is present. */
  static from(buf: Uint8Array, offset = 0): VlanView {
    const v = new VlanView(buf, offset);
    v.checkLength();
    return v;
  }

  /** Re-points the view (unchecked). */
  reset(buf: Uint8Array, offset = 0): this {
    this.buf = buf;
    this.offset = offset;
    return this;
  }

  /** Throws `DecodeError` unless 4 bytes are present. */
  checkLength(): void {
    const actual = this.buf.length - this.offset;
    if (actual < VLAN_HEADER_LEN)
      throw new DecodeError({
        code: 'truncated',
        layer: 'vlan',
        offset: this.offset,
        required: VLAN_HEADER_LEN,
        actual: Math.max(0, actual),
      });
  }

  get pcp(): number {
    return this.buf[this.offset + VlanField.TCI]! >>> 5;
  }
  get dei(): number {
    return (this.buf[this.offset + VlanField.TCI]! >>> 4) & 1;
  }
  get vid(): number {
    return readU16BE(this.buf, this.offset + VlanField.TCI) & 0x0fff;
  }
  set vid(v: number) {
    const tci = readU16BE(this.buf, this.offset + VlanField.TCI);
    writeU16BE(this.buf, this.offset + VlanField.TCI, (tci & 0xf000) | (v & 0x0fff));
  }
  get etherType(): number {
    return readU16BE(this.buf, this.offset + VlanField.ETHER_TYPE);
  }
  set etherType(v: number) {
    writeU16BE(this.buf, this.offset + VlanField.ETHER_TYPE, v);
  }
}
