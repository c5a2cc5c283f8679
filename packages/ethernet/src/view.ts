/** Zero-copy views over Ethernet II headers and VLAN tags. */
import { macToString, readU16BE, writeU16BE, HeaderView } from '@wirestack/core';
import { ETHERNET_HEADER_LEN, EthernetField, VLAN_HEADER_LEN, VlanField } from './constants.js';

/**
 * A view over an Ethernet II header. `new EthernetView(buf, off)` does not check the length (for
 * writing into fresh buffers); `EthernetView.from` checks once. `reset` re-points it without allocating.
 */
export class EthernetView extends HeaderView {
  /** Throws `DecodeError` unless 14 bytes are present. */
  checkLength(): void {
    this.requireLength('ethernet', ETHERNET_HEADER_LEN);
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
export class VlanView extends HeaderView {
  /** Throws `DecodeError` unless 4 bytes are present. */
  checkLength(): void {
    this.requireLength('vlan', VLAN_HEADER_LEN);
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
