/** A zero-copy view over a UDP header (RFC 768). */
import { type NetworkRef, readU16BE, writeU16BE, HeaderView } from '@wirestack/core';
import { udpChecksum } from './checksum.js';
import { UDP_HEADER_LEN, UdpField } from './constants.js';

/**
 * A view over a UDP header. `new UdpView(buf, off)` does not check the length (for writing into fresh
 * buffers); `UdpView.from` checks once. `reset` re-points it without allocating. Getters and setters do no
 * per-field checks; no setter invalidates `checkLength`, every setter but `checksum` invalidates the checksum
 * (call {@link UdpView.fillChecksum}).
 */
export class UdpView extends HeaderView {
  /** Throws `DecodeError` (`truncated`) unless 8 bytes are present. */
  checkLength(): void {
    this.requireLength('udp', UDP_HEADER_LEN);
  }

  get srcPort(): number {
    return readU16BE(this.buf, this.offset + UdpField.SRC_PORT);
  }
  set srcPort(v: number) {
    writeU16BE(this.buf, this.offset + UdpField.SRC_PORT, v);
  }
  get dstPort(): number {
    return readU16BE(this.buf, this.offset + UdpField.DST_PORT);
  }
  set dstPort(v: number) {
    writeU16BE(this.buf, this.offset + UdpField.DST_PORT, v);
  }
  get length(): number {
    return readU16BE(this.buf, this.offset + UdpField.LENGTH);
  }
  set length(v: number) {
    writeU16BE(this.buf, this.offset + UdpField.LENGTH, v);
  }
  get checksum(): number {
    return readU16BE(this.buf, this.offset + UdpField.CHECKSUM);
  }
  set checksum(v: number) {
    writeU16BE(this.buf, this.offset + UdpField.CHECKSUM, v);
  }
  /** The payload as a subarray (zero-copy): up to `length`, or to the end of the buffer when `length` does not fit. */
  get payload(): Uint8Array {
    const start = this.offset + UDP_HEADER_LEN;
    const end = this.offset + this.length;
    return this.buf.subarray(start, end >= start && end <= this.buf.length ? end : this.buf.length);
  }
  /**
   * Recomputes the checksum over the pseudo-header of `network` (the enclosing IPv4/IPv6 header) and writes
   * it; writes 0 ("none") when `network` is undefined. The payload must be in place up to `length`.
   */
  fillChecksum(network: NetworkRef | undefined): this {
    const len = this.length;
    this.checksum = udpChecksum(this.buf, this.offset, len, network, this.offset + len) ?? 0;
    return this;
  }
}
