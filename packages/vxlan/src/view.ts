/** Zero-copy views over VXLAN (RFC 7348 §5) and VXLAN-GPE (draft-ietf-nvo3-vxlan-gpe §3.2) headers. */
import { readU16BE, readU24BE, writeU24BE, HeaderView } from '@wirestack/core';
import { VXLAN_GPE_HEADER_LEN, VXLAN_HEADER_LEN, VxlanField, VxlanGpeField } from './constants.js';

/**
 * A view over a VXLAN header. `new VxlanView(buf, off)` does not check the length; `VxlanView.from`
 * checks once. `reset` re-points it without allocating. No setter invalidates `checkLength`.
 */
export class VxlanView extends HeaderView {
  /** Throws `DecodeError` unless 8 bytes are present. */
  checkLength(): void {
    this.requireLength('vxlan', VXLAN_HEADER_LEN);
  }

  get flags(): number {
    return this.buf[this.offset + VxlanField.FLAGS]!;
  }
  set flags(v: number) {
    this.buf[this.offset + VxlanField.FLAGS] = v;
  }
  get vni(): number {
    return readU24BE(this.buf, this.offset + VxlanField.VNI);
  }
  set vni(v: number) {
    writeU24BE(this.buf, this.offset + VxlanField.VNI, v);
  }
  /** The 24 reserved bits after the flags (0 when clear). */
  get reserved1(): number {
    return readU24BE(this.buf, this.offset + VxlanField.RESERVED1);
  }
  /** The 8 reserved bits after the VNI (0 when clear). */
  get reserved2(): number {
    return this.buf[this.offset + VxlanField.RESERVED2]!;
  }
  /** The payload, as a subarray (zero-copy). */
  get payload(): Uint8Array {
    return this.buf.subarray(this.offset + VXLAN_HEADER_LEN);
  }
}

/** A view over a VXLAN-GPE header; same contract as {@link VxlanView}. */
export class VxlanGpeView extends HeaderView {
  /** Throws `DecodeError` unless 8 bytes are present. */
  checkLength(): void {
    this.requireLength('vxlan-gpe', VXLAN_GPE_HEADER_LEN);
  }

  get flags(): number {
    return this.buf[this.offset + VxlanGpeField.FLAGS]!;
  }
  set flags(v: number) {
    this.buf[this.offset + VxlanGpeField.FLAGS] = v;
  }
  get nextProtocol(): number {
    return this.buf[this.offset + VxlanGpeField.NEXT_PROTOCOL]!;
  }
  set nextProtocol(v: number) {
    this.buf[this.offset + VxlanGpeField.NEXT_PROTOCOL] = v;
  }
  get vni(): number {
    return readU24BE(this.buf, this.offset + VxlanGpeField.VNI);
  }
  set vni(v: number) {
    writeU24BE(this.buf, this.offset + VxlanGpeField.VNI, v);
  }
  /** The 16 reserved bits after the flags (0 when clear). */
  get reserved1(): number {
    return readU16BE(this.buf, this.offset + VxlanGpeField.RESERVED1);
  }
  /** The 8 reserved bits after the VNI (0 when clear). */
  get reserved2(): number {
    return this.buf[this.offset + VxlanGpeField.RESERVED2]!;
  }
  /** The payload, as a subarray (zero-copy). */
  get payload(): Uint8Array {
    return this.buf.subarray(this.offset + VXLAN_GPE_HEADER_LEN);
  }
}
