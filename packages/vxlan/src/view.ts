/** Zero-copy views over VXLAN (RFC 7348 §5) and VXLAN-GPE (draft-ietf-nvo3-vxlan-gpe §3.2) headers. */
import { DecodeError, readU16BE, readU24BE, writeU24BE } from '@wirestack/core';
import { VXLAN_GPE_HEADER_LEN, VXLAN_HEADER_LEN, VxlanField, VxlanGpeField } from './constants.js';

function check(layer: string, buf: Uint8Array, offset: number, need: number): void {
  const actual = buf.length - offset;
  if (actual < need) throw new DecodeError({ code: 'truncated', layer, offset, required: need, actual: Math.max(0, actual) });
}

/**
 * A view over a VXLAN header. `new VxlanView(buf, off)` does not check the length; `VxlanView.from`
 * checks once. `reset` re-points it without allocating. No setter invalidates `checkLength`.
 */
export class VxlanView {
  constructor(
    public buf: Uint8Array,
    public offset = 0,
  ) {}

  /** A view after checking that a whole header is present. */
  static from(buf: Uint8Array, offset = 0): VxlanView {
    const v = new VxlanView(buf, offset);
    v.checkLength();
    return v;
  }

  /** Re-points the view (unchecked). */
  reset(buf: Uint8Array, offset = 0): this {
    this.buf = buf;
    this.offset = offset;
    return this;
  }

  /** Throws `DecodeError` unless 8 bytes are present. */
  checkLength(): void {
    check('vxlan', this.buf, this.offset, VXLAN_HEADER_LEN);
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
export class VxlanGpeView {
  constructor(
    public buf: Uint8Array,
    public offset = 0,
  ) {}

  /** A view after checking that a whole header is present. */
  static from(buf: Uint8Array, offset = 0): VxlanGpeView {
    const v = new VxlanGpeView(buf, offset);
    v.checkLength();
    return v;
  }

  /** Re-points the view (unchecked). */
  reset(buf: Uint8Array, offset = 0): this {
    this.buf = buf;
    this.offset = offset;
    return this;
  }

  /** Throws `DecodeError` unless 8 bytes are present. */
  checkLength(): void {
    check('vxlan-gpe', this.buf, this.offset, VXLAN_GPE_HEADER_LEN);
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
