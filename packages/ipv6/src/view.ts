/** Zero-copy views over the IPv6 fixed header and its extension headers (RFC 8200 §3, §4). */
import { DecodeError, readU16BE, readU32BE, toHex, writeU16BE, writeU32BE, HeaderView } from '@wirestack/core';
import { formatIpv6 } from './address.js';
import {
  IPV6_EXTENSION_MIN_LEN,
  IPV6_FRAGMENT_HEADER_LEN,
  IPV6_HEADER_LEN,
  Ipv6Field,
  Ipv6FragmentField,
  Ipv6OptionsField,
  Ipv6RoutingField,
} from './constants.js';
import { ipv6ExtensionHeaderLength } from './extensions.js';

/**
 * A view over an IPv6 fixed header (RFC 8200 §3). `new Ipv6View(buf, off)` does not check the length (for
 * writing into fresh buffers); `Ipv6View.from` checks once (and the version). `reset` re-points it
 * without allocating. No setter invalidates `checkLength`; setting `payloadLength` changes where the
 * datagram ends.
 */
export class Ipv6View extends HeaderView {
  /** Throws `DecodeError` unless 40 bytes are present (`truncated`) and the version is 6 (`bad-version`). */
  checkLength(): void {
    this.requireLength('ipv6', IPV6_HEADER_LEN);
    if (this.version !== 6) throw new DecodeError({ code: 'bad-version', layer: 'ipv6', offset: this.offset, field: 'version' });
  }

  get version(): number {
    return this.buf[this.offset + Ipv6Field.VERSION_TC_FLOW]! >>> 4;
  }
  get trafficClass(): number {
    return (readU16BE(this.buf, this.offset + Ipv6Field.VERSION_TC_FLOW) >>> 4) & 0xff;
  }
  get flowLabel(): number {
    return readU32BE(this.buf, this.offset + Ipv6Field.VERSION_TC_FLOW) & 0xfffff;
  }
  set flowLabel(v: number) {
    const w = readU32BE(this.buf, this.offset + Ipv6Field.VERSION_TC_FLOW);
    writeU32BE(this.buf, this.offset + Ipv6Field.VERSION_TC_FLOW, ((w & 0xfff00000) | (v & 0xfffff)) >>> 0);
  }
  get payloadLength(): number {
    return readU16BE(this.buf, this.offset + Ipv6Field.PAYLOAD_LENGTH);
  }
  set payloadLength(v: number) {
    writeU16BE(this.buf, this.offset + Ipv6Field.PAYLOAD_LENGTH, v);
  }
  get nextHeader(): number {
    return this.buf[this.offset + Ipv6Field.NEXT_HEADER]!;
  }
  set nextHeader(v: number) {
    this.buf[this.offset + Ipv6Field.NEXT_HEADER] = v;
  }
  get hopLimit(): number {
    return this.buf[this.offset + Ipv6Field.HOP_LIMIT]!;
  }
  set hopLimit(v: number) {
    this.buf[this.offset + Ipv6Field.HOP_LIMIT] = v;
  }
  /** Source address as RFC 5952 text (allocates a string). */
  get src(): string {
    return formatIpv6(this.buf, this.offset + Ipv6Field.SRC);
  }
  /** Destination address as RFC 5952 text (allocates a string). */
  get dst(): string {
    return formatIpv6(this.buf, this.offset + Ipv6Field.DST);
  }
  /** The 16 source address bytes (zero-copy). */
  get srcBytes(): Uint8Array {
    return this.buf.subarray(this.offset + Ipv6Field.SRC, this.offset + Ipv6Field.SRC + 16);
  }
  /** The 16 destination address bytes (zero-copy). */
  get dstBytes(): Uint8Array {
    return this.buf.subarray(this.offset + Ipv6Field.DST, this.offset + Ipv6Field.DST + 16);
  }
  /** The payload up to Payload Length (clamped to the buffer), as a subarray. */
  get payload(): Uint8Array {
    const start = this.offset + IPV6_HEADER_LEN;
    return this.buf.subarray(start, Math.min(this.buf.length, start + this.payloadLength));
  }
}

/** Shared base of the extension header views: Next Header and the Hdr Ext Len-derived length. */
abstract class ExtensionView extends HeaderView {
  protected abstract readonly layerName: string;

  /** Bytes of the header. */
  abstract get headerLength(): number;

  /** Throws `DecodeError` unless the whole header is present. */
  checkLength(): void {
    this.requireLength(this.layerName, IPV6_EXTENSION_MIN_LEN);
    this.requireLength(this.layerName, this.headerLength);
  }

  get nextHeader(): number {
    return this.buf[this.offset]!;
  }
  set nextHeader(v: number) {
    this.buf[this.offset] = v;
  }
}

/** A view over a Hop-by-Hop (RFC 8200 §4.3) or Destination Options (§4.6) header. */
export class Ipv6OptionsView extends ExtensionView {
  protected readonly layerName = 'ipv6-options';
  /** (Hdr Ext Len + 1) × 8. */
  get headerLength(): number {
    return ipv6ExtensionHeaderLength(this.buf, this.offset);
  }
  /** Options hex (allocates a string). */
  get options(): string {
    return toHex(this.buf, this.offset + Ipv6OptionsField.OPTIONS, this.offset + this.headerLength);
  }
}

/** A view over a Routing header (RFC 8200 §4.4). */
export class Ipv6RoutingView extends ExtensionView {
  protected readonly layerName = 'ipv6-routing';
  /** (Hdr Ext Len + 1) × 8. */
  get headerLength(): number {
    return ipv6ExtensionHeaderLength(this.buf, this.offset);
  }
  get routingType(): number {
    return this.buf[this.offset + Ipv6RoutingField.ROUTING_TYPE]!;
  }
  get segmentsLeft(): number {
    return this.buf[this.offset + Ipv6RoutingField.SEGMENTS_LEFT]!;
  }
  set segmentsLeft(v: number) {
    this.buf[this.offset + Ipv6RoutingField.SEGMENTS_LEFT] = v;
  }
  /** Type-specific data hex (allocates a string). */
  get data(): string {
    return toHex(this.buf, this.offset + Ipv6RoutingField.DATA, this.offset + this.headerLength);
  }
}

/** A view over a Fragment header (RFC 8200 §4.5). */
export class Ipv6FragmentView extends ExtensionView {
  protected readonly layerName = 'ipv6-fragment';
  /** Always 8. */
  get headerLength(): number {
    return IPV6_FRAGMENT_HEADER_LEN;
  }
  /** The 8-bit Reserved field (0 when clear). */
  get reserved(): number {
    return this.buf[this.offset + Ipv6FragmentField.RESERVED]!;
  }
  get fragmentOffset(): number {
    return readU16BE(this.buf, this.offset + Ipv6FragmentField.OFFSET_RES_M) >>> 3;
  }
  /** The 2-bit Res field (0 when clear). */
  get res(): number {
    return (this.buf[this.offset + Ipv6FragmentField.OFFSET_RES_M + 1]! >>> 1) & 3;
  }
  get moreFragments(): boolean {
    return (this.buf[this.offset + Ipv6FragmentField.OFFSET_RES_M + 1]! & 1) === 1;
  }
  get identification(): number {
    return readU32BE(this.buf, this.offset + Ipv6FragmentField.IDENTIFICATION);
  }
}
