/** Zero-copy views over ICMP (RFC 792) and ICMPv6 (RFC 4443 §2.1) headers. */
import { HeaderView, type NetworkRef, readU16BE, readU32BE, toHex, writeU16BE, writeU32BE } from '@wirestack/core';
import { icmpChecksum, icmpv6Checksum } from './checksum.js';
import { ICMP_HEADER_LEN, IcmpField } from './constants.js';

/** The getters and setters ICMP and ICMPv6 views share; every setter but `checksum` invalidates the checksum. */
abstract class IcmpBaseView extends HeaderView {
  get type(): number {
    return this.buf[this.offset + IcmpField.TYPE]!;
  }
  set type(v: number) {
    this.buf[this.offset + IcmpField.TYPE] = v;
  }
  get code(): number {
    return this.buf[this.offset + IcmpField.CODE]!;
  }
  set code(v: number) {
    this.buf[this.offset + IcmpField.CODE] = v;
  }
  get checksum(): number {
    return readU16BE(this.buf, this.offset + IcmpField.CHECKSUM);
  }
  set checksum(v: number) {
    writeU16BE(this.buf, this.offset + IcmpField.CHECKSUM, v);
  }
  /** Bytes 4-5 read as an identifier, whatever the type. */
  get identifier(): number {
    return readU16BE(this.buf, this.offset + IcmpField.IDENTIFIER);
  }
  set identifier(v: number) {
    writeU16BE(this.buf, this.offset + IcmpField.IDENTIFIER, v);
  }
  /** Bytes 6-7 read as a sequence number, whatever the type. */
  get sequence(): number {
    return readU16BE(this.buf, this.offset + IcmpField.SEQUENCE);
  }
  set sequence(v: number) {
    writeU16BE(this.buf, this.offset + IcmpField.SEQUENCE, v);
  }
  /** Bytes 4-7 as a 32-bit number (next-hop MTU, Packet Too Big MTU, gateway, pointer, ...). */
  get restOfHeader(): number {
    return readU32BE(this.buf, this.offset + IcmpField.REST);
  }
  set restOfHeader(v: number) {
    writeU32BE(this.buf, this.offset + IcmpField.REST, v);
  }
  /** Bytes 4-7 as hex (the decoded `rest` of non-echo types). */
  get rest(): string {
    return toHex(this.buf, this.offset + IcmpField.REST, this.offset + ICMP_HEADER_LEN);
  }
  /** The body after the 8-byte header, to the end of the buffer (zero-copy). */
  get payload(): Uint8Array {
    return this.buf.subarray(this.offset + ICMP_HEADER_LEN);
  }
}

/**
 * A view over an ICMP header. `new IcmpView(buf, off)` does not check the length (for writing into fresh
 * buffers); `IcmpView.from` checks once. `reset` re-points it without allocating. No setter invalidates
 * `checkLength`; every setter but `checksum` invalidates the checksum (call {@link IcmpView.fillChecksum}).
 */
export class IcmpView extends IcmpBaseView {
  /** Throws `DecodeError` (`truncated`) unless 8 bytes are present. */
  checkLength(): void {
    this.requireLength('icmp', ICMP_HEADER_LEN);
  }
  /** Recomputes and writes the checksum over the message up to `end` (default: the end of the buffer). */
  fillChecksum(end = this.buf.length): this {
    this.checksum = icmpChecksum(this.buf, this.offset, end);
    return this;
  }
}

/** A view over an ICMPv6 header; same contract as {@link IcmpView}. */
export class Icmpv6View extends IcmpBaseView {
  /** Throws `DecodeError` (`truncated`) unless 8 bytes are present. */
  checkLength(): void {
    this.requireLength('icmpv6', ICMP_HEADER_LEN);
  }
  /**
   * Recomputes and writes the checksum over the pseudo-header of `network` (the enclosing IPv6 header) and
   * the message up to `end` (default: the end of the buffer); writes 0 when `network` is not IPv6.
   */
  fillChecksum(network: NetworkRef | undefined, end = this.buf.length): this {
    this.checksum = icmpv6Checksum(this.buf, this.offset, end, network) ?? 0;
    return this;
  }
}
