/** A zero-copy view over an IPv4 header (RFC 791 §3.1). */
import { DecodeError, readU16BE, readU32BE, toHex, writeU16BE, HeaderView } from '@wirestack/core';
import { formatIpv4 } from './address.js';
import { ipv4Checksum, ipv4ChecksumValid } from './checksum.js';
import { IPV4_HEADER_LEN, Ipv4Field, Ipv4Flag } from './constants.js';

/**
 * A view over an IPv4 header. `new Ipv4View(buf, off)` does not check anything (for writing into fresh
 * buffers); `Ipv4View.from` runs {@link Ipv4View.checkLength} once. `reset` re-points it without allocating.
 * Getters and setters do no per-field checks. None of the setters changes version or IHL, so none of them
 * invalidates `checkLength`; every setter except `checksum` invalidates the header checksum (call
 * {@link Ipv4View.fillChecksum} afterwards).
 */
export class Ipv4View extends HeaderView {
  /**
   * Throws `DecodeError` unless 20 bytes are present (`truncated`), the version is 4 (`bad-version`),
   * IHL is at least 5 (`bad-length`) and `ihl` × 4 bytes are present (`truncated`): the checks of `decodeIpv4`.
   */
  checkLength(): void {
    const { buf, offset } = this;
    this.requireLength('ipv4', IPV4_HEADER_LEN);
    const vi = buf[offset + Ipv4Field.VER_IHL]!;
    if (vi >>> 4 !== 4) throw new DecodeError({ code: 'bad-version', layer: 'ipv4', field: 'version', offset });
    const ihl = vi & 0x0f;
    if (ihl < 5) throw new DecodeError({ code: 'bad-length', layer: 'ipv4', field: 'ihl', offset });
    this.requireLength('ipv4', ihl * 4);
  }

  get version(): number {
    return this.buf[this.offset + Ipv4Field.VER_IHL]! >>> 4;
  }
  /** Header length in 32-bit words. */
  get ihl(): number {
    return this.buf[this.offset + Ipv4Field.VER_IHL]! & 0x0f;
  }
  /** Header length in bytes (`ihl` × 4). */
  get headerLength(): number {
    return (this.buf[this.offset + Ipv4Field.VER_IHL]! & 0x0f) * 4;
  }
  get dscp(): number {
    return this.buf[this.offset + Ipv4Field.DSCP_ECN]! >>> 2;
  }
  get ecn(): number {
    return this.buf[this.offset + Ipv4Field.DSCP_ECN]! & 3;
  }
  get totalLength(): number {
    return readU16BE(this.buf, this.offset + Ipv4Field.TOTAL_LENGTH);
  }
  set totalLength(v: number) {
    writeU16BE(this.buf, this.offset + Ipv4Field.TOTAL_LENGTH, v);
  }
  get identification(): number {
    return readU16BE(this.buf, this.offset + Ipv4Field.IDENTIFICATION);
  }
  set identification(v: number) {
    writeU16BE(this.buf, this.offset + Ipv4Field.IDENTIFICATION, v);
  }
  /** The reserved flag bit (RFC 3514), as a boolean (the decoded object only carries it when set). */
  get reservedFlag(): boolean {
    return (this.buf[this.offset + Ipv4Field.FLAGS_FRAG]! & (Ipv4Flag.RESERVED >>> 8)) !== 0;
  }
  get dontFragment(): boolean {
    return (this.buf[this.offset + Ipv4Field.FLAGS_FRAG]! & (Ipv4Flag.DONT_FRAGMENT >>> 8)) !== 0;
  }
  get moreFragments(): boolean {
    return (this.buf[this.offset + Ipv4Field.FLAGS_FRAG]! & (Ipv4Flag.MORE_FRAGMENTS >>> 8)) !== 0;
  }
  /** Fragment offset in 8-octet units. */
  get fragmentOffset(): number {
    return readU16BE(this.buf, this.offset + Ipv4Field.FLAGS_FRAG) & Ipv4Flag.FRAGMENT_OFFSET_MASK;
  }
  get ttl(): number {
    return this.buf[this.offset + Ipv4Field.TTL]!;
  }
  set ttl(v: number) {
    this.buf[this.offset + Ipv4Field.TTL] = v;
  }
  get protocol(): number {
    return this.buf[this.offset + Ipv4Field.PROTOCOL]!;
  }
  get checksum(): number {
    return readU16BE(this.buf, this.offset + Ipv4Field.CHECKSUM);
  }
  set checksum(v: number) {
    writeU16BE(this.buf, this.offset + Ipv4Field.CHECKSUM, v);
  }
  /** Source address as a dotted quad (allocates a string). */
  get src(): string {
    return formatIpv4(this.buf, this.offset + Ipv4Field.SRC);
  }
  /** Destination address as a dotted quad (allocates a string). */
  get dst(): string {
    return formatIpv4(this.buf, this.offset + Ipv4Field.DST);
  }
  /** Source address as an unsigned 32-bit number (no allocation). */
  get srcU32(): number {
    return readU32BE(this.buf, this.offset + Ipv4Field.SRC);
  }
  /** Destination address as an unsigned 32-bit number (no allocation). */
  get dstU32(): number {
    return readU32BE(this.buf, this.offset + Ipv4Field.DST);
  }
  /** Hex of the options bytes (20 to `ihl` × 4; allocates a string). */
  get options(): string {
    return toHex(this.buf, this.offset + IPV4_HEADER_LEN, this.offset + this.headerLength);
  }
  /** The checksum the header should carry (computed; the stored one is ignored). */
  computeChecksum(): number {
    return ipv4Checksum(this.buf, this.offset, this.ihl);
  }
  /** Recomputes the header checksum and writes it (after changing `ttl` and the like). */
  fillChecksum(): this {
    this.checksum = ipv4Checksum(this.buf, this.offset, this.ihl);
    return this;
  }
  /** True when the stored header checksum is correct. */
  checksumValid(): boolean {
    return ipv4ChecksumValid(this.buf, this.offset, this.ihl);
  }
  /**
   * The payload as a subarray (zero-copy): from the end of the header to `totalLength`, or to the end of
   * the buffer when `totalLength` is shorter than the header or longer than the buffer.
   */
  get payload(): Uint8Array {
    const start = this.offset + this.headerLength;
    const tl = this.offset + this.totalLength;
    return this.buf.subarray(start, tl >= start && tl <= this.buf.length ? tl : this.buf.length);
  }
}
