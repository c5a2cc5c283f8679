/** A zero-copy view over an ARP packet (RFC 826). */
import { HeaderView, readU16BE, writeU16BE } from '@wirestack/core';
import { formatArpAddress } from './address.js';
import { ARP_FIXED_LEN, ArpField } from './constants.js';
import { arpLength } from './header.js';

/**
 * A view over an ARP packet. `new ArpView(buf, off)` does not check the length (for writing into fresh
 * buffers); `ArpView.from` checks once that the whole packet (both sizes' worth of addresses) is present.
 * `reset` re-points it without allocating. Setters of `hwSize` and `protoSize` invalidate `checkLength` and
 * move the addresses; no other setter does. Address getters return the contract's text (MAC, dotted quad or hex).
 */
export class ArpView extends HeaderView {
  /** Throws `DecodeError` (`truncated`) unless the 8 fixed bytes and every address byte are present. */
  checkLength(): void {
    this.requireLength('arp', ARP_FIXED_LEN);
    this.requireLength('arp', this.length);
  }

  /** Bytes of the ARP packet: 8 + 2 × (hwSize + protoSize). */
  get length(): number {
    return arpLength(this.hwSize, this.protoSize);
  }
  get hwType(): number {
    return readU16BE(this.buf, this.offset + ArpField.HW_TYPE);
  }
  set hwType(v: number) {
    writeU16BE(this.buf, this.offset + ArpField.HW_TYPE, v);
  }
  get protoType(): number {
    return readU16BE(this.buf, this.offset + ArpField.PROTO_TYPE);
  }
  set protoType(v: number) {
    writeU16BE(this.buf, this.offset + ArpField.PROTO_TYPE, v);
  }
  get hwSize(): number {
    return this.buf[this.offset + ArpField.HW_SIZE]!;
  }
  set hwSize(v: number) {
    this.buf[this.offset + ArpField.HW_SIZE] = v;
  }
  get protoSize(): number {
    return this.buf[this.offset + ArpField.PROTO_SIZE]!;
  }
  set protoSize(v: number) {
    this.buf[this.offset + ArpField.PROTO_SIZE] = v;
  }
  get opcode(): number {
    return readU16BE(this.buf, this.offset + ArpField.OPCODE);
  }
  set opcode(v: number) {
    writeU16BE(this.buf, this.offset + ArpField.OPCODE, v);
  }
  /** Absolute offset of the sender hardware address. */
  get senderMacOffset(): number {
    return this.offset + ArpField.ADDRESSES;
  }
  /** Absolute offset of the sender protocol address. */
  get senderIpOffset(): number {
    return this.senderMacOffset + this.hwSize;
  }
  /** Absolute offset of the target hardware address. */
  get targetMacOffset(): number {
    return this.senderIpOffset + this.protoSize;
  }
  /** Absolute offset of the target protocol address. */
  get targetIpOffset(): number {
    return this.targetMacOffset + this.hwSize;
  }
  get senderMac(): string {
    return formatArpAddress('mac', this.buf, this.senderMacOffset, this.hwSize);
  }
  get senderIp(): string {
    return formatArpAddress('ip', this.buf, this.senderIpOffset, this.protoSize);
  }
  get targetMac(): string {
    return formatArpAddress('mac', this.buf, this.targetMacOffset, this.hwSize);
  }
  get targetIp(): string {
    return formatArpAddress('ip', this.buf, this.targetIpOffset, this.protoSize);
  }
  /** The sender hardware address bytes (zero-copy). */
  get senderMacBytes(): Uint8Array {
    return this.buf.subarray(this.senderMacOffset, this.senderMacOffset + this.hwSize);
  }
  /** The sender protocol address bytes (zero-copy). */
  get senderIpBytes(): Uint8Array {
    return this.buf.subarray(this.senderIpOffset, this.senderIpOffset + this.protoSize);
  }
  /** The target hardware address bytes (zero-copy). */
  get targetMacBytes(): Uint8Array {
    return this.buf.subarray(this.targetMacOffset, this.targetMacOffset + this.hwSize);
  }
  /** The target protocol address bytes (zero-copy). */
  get targetIpBytes(): Uint8Array {
    return this.buf.subarray(this.targetIpOffset, this.targetIpOffset + this.protoSize);
  }
}
