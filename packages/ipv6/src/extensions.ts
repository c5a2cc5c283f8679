/**
 * IPv6 extension headers (RFC 8200 §4): Hop-by-Hop Options (§4.3), Routing (§4.4), Fragment (§4.5)
 * and Destination Options (§4.6). Each is its own layer; the stack engine walks them one per layer.
 *
 * ```text
 * Hop-by-Hop / Destination Options (length in 8-octet units, not counting the first 8):
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Next Header  |  Hdr Ext Len  |                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
 * .                            Options                            .
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Routing:
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Next Header  |  Hdr Ext Len  |  Routing Type | Segments Left |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * .                       type-specific data                      .
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Fragment:
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Next Header  |   Reserved    |      Fragment Offset    |Res|M|
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         Identification                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 */
import {
  checkBool,
  checkHex,
  checkLength,
  checkUint,
  type EncodeContext,
  EncodeError,
  type LayerInput,
  nextValue,
  readU16BE,
  readU32BE,
  toHex,
  uintOr,
  writeHex,
  writeU16BE,
  writeU32BE,
} from '@wirestack/core';
import {
  IPV6_EXTENSION_MAX_LEN,
  IPV6_EXTENSION_MIN_LEN,
  IPV6_FRAGMENT_HEADER_LEN,
  IPV6_NO_NEXT_HEADER,
  Ipv6FragmentField,
  Ipv6OptionsField,
  Ipv6RoutingField,
} from './constants.js';
import { ipv6OptionPadding } from './options.js';

/** Layer names of the two option-carrying extension headers. */
export type Ipv6OptionsLayer = 'ipv6-hop-by-hop' | 'ipv6-destination-options';

/** A Hop-by-Hop Options header (RFC 8200 §4.3) or a Destination Options header (RFC 8200 §4.6). */
export interface Ipv6OptionsHeader<L extends Ipv6OptionsLayer = Ipv6OptionsLayer> {
  readonly layer: L;
  readonly nextHeader: number;
  /**
   * Every byte after the 2-byte header, padding included, as hex; 2 + its byte length is a multiple of 8.
   * The Hdr Ext Len byte is implied by it. Use `parseIpv6Options` to read the options.
   */
  readonly options: string;
}

/** A Hop-by-Hop Options header (RFC 8200 §4.3). */
export type Ipv6HopByHopHeader = Ipv6OptionsHeader<'ipv6-hop-by-hop'>;
/** A Destination Options header (RFC 8200 §4.6). */
export type Ipv6DestinationOptionsHeader = Ipv6OptionsHeader<'ipv6-destination-options'>;

/** A Routing header (RFC 8200 §4.4; type 4 is the Segment Routing Header, RFC 8754). */
export interface Ipv6RoutingHeader {
  readonly layer: 'ipv6-routing';
  readonly nextHeader: number;
  readonly routingType: number;
  readonly segmentsLeft: number;
  /** Every byte after the first 4, as hex; 4 + its byte length is a multiple of 8. */
  readonly data: string;
}

/** A Fragment header (RFC 8200 §4.5). */
export interface Ipv6FragmentHeader {
  readonly layer: 'ipv6-fragment';
  readonly nextHeader: number;
  /** Offset of the fragment's data in 8-octet units (13 bits). */
  readonly fragmentOffset: number;
  /** The M flag: more fragments follow. */
  readonly moreFragments: boolean;
  readonly identification: number;
  /** Extra (not in the contract table): the 8-bit Reserved field, present only when not zero. */
  readonly reserved?: number;
  /** Extra: the 2-bit Res field, present only when not zero. */
  readonly res?: number;
}

/** Total bytes of a Hop-by-Hop / Destination Options / Routing header from its Hdr Ext Len byte at `offset + 1` (RFC 8200 §4.3). */
export function ipv6ExtensionHeaderLength(buf: Uint8Array, offset: number): number {
  return (buf[offset + 1]! + 1) * 8;
}

function checkExtension(layer: string, buf: Uint8Array, offset: number, end: number): number {
  checkLength(layer, offset, end, IPV6_EXTENSION_MIN_LEN);
  const n = ipv6ExtensionHeaderLength(buf, offset);
  checkLength(layer, offset, end, n);
  return n;
}

function decodeOptions<L extends Ipv6OptionsLayer>(layer: L, buf: Uint8Array, offset: number, end: number): Ipv6OptionsHeader<L> {
  const n = checkExtension(layer, buf, offset, end);
  return { layer, nextHeader: buf[offset]!, options: toHex(buf, offset + Ipv6OptionsField.OPTIONS, offset + n) };
}

/** Decodes a Hop-by-Hop Options header (RFC 8200 §4.3). Throws `DecodeError` (`truncated`). */
export function decodeIpv6HopByHop(buf: Uint8Array, offset = 0, end = buf.length): Ipv6HopByHopHeader {
  return decodeOptions('ipv6-hop-by-hop', buf, offset, end);
}

/** Decodes a Destination Options header (RFC 8200 §4.6). Throws `DecodeError` (`truncated`). */
export function decodeIpv6DestinationOptions(buf: Uint8Array, offset = 0, end = buf.length): Ipv6DestinationOptionsHeader {
  return decodeOptions('ipv6-destination-options', buf, offset, end);
}

/** Validated options hex and the padding that completes it to a multiple of 8 bytes. */
function optionsPlan(layer: string, options: unknown): { hex: string; pad: string; total: number } {
  const hex = checkHex(layer, 'options', options);
  const n = hex.length >>> 1;
  const pad = ipv6OptionPadding((8 - ((n + 2) % 8)) % 8);
  const total = 2 + n + (pad.length >>> 1);
  if (total > IPV6_EXTENSION_MAX_LEN)
    throw new EncodeError({ layer, field: 'options', value: options, message: `${n} bytes of options exceed the 2046 a header can hold` });
  return { hex, pad, total };
}

/**
 * Bytes an options header takes: 2 + options, rounded up to a multiple of 8 (RFC 8200 §4.3). Throws
 * `EncodeError` on bad hex or more than 2046 bytes of options.
 */
export function ipv6OptionsEncodingLength(h: LayerInput<Ipv6OptionsHeader>): number {
  return optionsPlan(h.layer, h.options).total;
}

/**
 * Writes a Hop-by-Hop or Destination Options header (RFC 8200 §4.3, §4.6); returns bytes written.
 * Hdr Ext Len is derived from the options. Options whose length + 2 is not a multiple of 8 are completed
 * with a Pad1 or PadN option (RFC 8200 §4.2), so the header written is always well formed (the decoded
 * `options` then include that padding). `nextHeader` left out is derived from the next layer (59 when none).
 */
export function encodeIpv6Options(h: LayerInput<Ipv6OptionsHeader>, buf: Uint8Array, offset = 0, ctx?: EncodeContext): number {
  const layer = h.layer;
  const nextHeader =
    h.nextHeader === undefined
      ? nextValue(ctx, 'ip.proto', layer, 'nextHeader', IPV6_NO_NEXT_HEADER)
      : checkUint(layer, 'nextHeader', h.nextHeader, 8);
  const { hex, pad, total } = optionsPlan(layer, h.options);
  buf[offset + Ipv6OptionsField.NEXT_HEADER] = nextHeader;
  buf[offset + Ipv6OptionsField.HDR_EXT_LEN] = total / 8 - 1;
  const o = offset + Ipv6OptionsField.OPTIONS + writeHex(hex, buf, offset + Ipv6OptionsField.OPTIONS);
  writeHex(pad, buf, o);
  return total;
}

/** Decodes a Routing header (RFC 8200 §4.4). Throws `DecodeError` (`truncated`). */
export function decodeIpv6Routing(buf: Uint8Array, offset = 0, end = buf.length): Ipv6RoutingHeader {
  const n = checkExtension('ipv6-routing', buf, offset, end);
  return {
    layer: 'ipv6-routing',
    nextHeader: buf[offset + Ipv6RoutingField.NEXT_HEADER]!,
    routingType: buf[offset + Ipv6RoutingField.ROUTING_TYPE]!,
    segmentsLeft: buf[offset + Ipv6RoutingField.SEGMENTS_LEFT]!,
    data: toHex(buf, offset + Ipv6RoutingField.DATA, offset + n),
  };
}

/** Data written when a Routing header's `data` is left out: 4 zero bytes, the smallest well-formed header. */
export const IPV6_ROUTING_DEFAULT_DATA = '00000000';

function routingData(h: LayerInput<Ipv6RoutingHeader>): string {
  const data = checkHex('ipv6-routing', 'data', h.data, IPV6_ROUTING_DEFAULT_DATA);
  const total = 4 + (data.length >>> 1);
  if (total % 8 !== 0 || total > IPV6_EXTENSION_MAX_LEN)
    throw new EncodeError({
      layer: 'ipv6-routing',
      field: 'data',
      value: h.data,
      message: `${data.length >>> 1} bytes: 4 + the data length must be a multiple of 8, at most 2048 (RFC 8200 §4.4)`,
    });
  return data;
}

/**
 * Bytes a Routing header takes: 4 + data (RFC 8200 §4.4). Throws `EncodeError` unless 4 + the data
 * length is a multiple of 8 (at most 2048).
 */
export function ipv6RoutingEncodingLength(h: LayerInput<Ipv6RoutingHeader>): number {
  return 4 + (routingData(h).length >>> 1);
}

/**
 * Writes a Routing header (RFC 8200 §4.4); returns bytes written. Hdr Ext Len is derived from `data`
 * (left out: 4 zero bytes, making an 8-byte header). `routingType` and `segmentsLeft` default to 0.
 */
export function encodeIpv6Routing(h: LayerInput<Ipv6RoutingHeader>, buf: Uint8Array, offset = 0, ctx?: EncodeContext): number {
  const nextHeader =
    h.nextHeader === undefined
      ? nextValue(ctx, 'ip.proto', 'ipv6-routing', 'nextHeader', IPV6_NO_NEXT_HEADER)
      : checkUint('ipv6-routing', 'nextHeader', h.nextHeader, 8);
  const routingType = uintOr('ipv6-routing', 'routingType', h.routingType, 8, 0);
  const segmentsLeft = uintOr('ipv6-routing', 'segmentsLeft', h.segmentsLeft, 8, 0);
  const data = routingData(h);
  const total = 4 + (data.length >>> 1);
  buf[offset + Ipv6RoutingField.NEXT_HEADER] = nextHeader;
  buf[offset + Ipv6RoutingField.HDR_EXT_LEN] = total / 8 - 1;
  buf[offset + Ipv6RoutingField.ROUTING_TYPE] = routingType;
  buf[offset + Ipv6RoutingField.SEGMENTS_LEFT] = segmentsLeft;
  writeHex(data, buf, offset + Ipv6RoutingField.DATA);
  return total;
}

/** Decodes a Fragment header (RFC 8200 §4.5). `reserved` / `res` appear only when not zero. Throws `DecodeError` (`truncated`). */
export function decodeIpv6Fragment(buf: Uint8Array, offset = 0, end = buf.length): Ipv6FragmentHeader {
  checkLength('ipv6-fragment', offset, end, IPV6_FRAGMENT_HEADER_LEN);
  const w = readU16BE(buf, offset + Ipv6FragmentField.OFFSET_RES_M);
  const reserved = buf[offset + Ipv6FragmentField.RESERVED]!;
  const res = (w >>> 1) & 3;
  const h: {
    layer: 'ipv6-fragment';
    nextHeader: number;
    fragmentOffset: number;
    moreFragments: boolean;
    identification: number;
    reserved?: number;
    res?: number;
  } = {
    layer: 'ipv6-fragment',
    nextHeader: buf[offset + Ipv6FragmentField.NEXT_HEADER]!,
    fragmentOffset: w >>> 3,
    moreFragments: (w & 1) === 1,
    identification: readU32BE(buf, offset + Ipv6FragmentField.IDENTIFICATION),
  };
  if (reserved !== 0) h.reserved = reserved;
  if (res !== 0) h.res = res;
  return h;
}

/** Bytes a Fragment header takes: always 8 (RFC 8200 §4.5). */
export function ipv6FragmentEncodingLength(_h?: LayerInput<Ipv6FragmentHeader>): number {
  return IPV6_FRAGMENT_HEADER_LEN;
}

/** Writes a Fragment header (RFC 8200 §4.5); returns 8. `reserved` and `res` default to 0. */
export function encodeIpv6Fragment(h: LayerInput<Ipv6FragmentHeader>, buf: Uint8Array, offset = 0, ctx?: EncodeContext): number {
  const nextHeader =
    h.nextHeader === undefined
      ? nextValue(ctx, 'ip.proto', 'ipv6-fragment', 'nextHeader', IPV6_NO_NEXT_HEADER)
      : checkUint('ipv6-fragment', 'nextHeader', h.nextHeader, 8);
  const fragmentOffset = uintOr('ipv6-fragment', 'fragmentOffset', h.fragmentOffset, 13, 0);
  const moreFragments = checkBool('ipv6-fragment', 'moreFragments', h.moreFragments);
  const identification = uintOr('ipv6-fragment', 'identification', h.identification, 32, 0);
  const reserved = uintOr('ipv6-fragment', 'reserved', h.reserved, 8, 0);
  const res = uintOr('ipv6-fragment', 'res', h.res, 2, 0);
  buf[offset + Ipv6FragmentField.NEXT_HEADER] = nextHeader;
  buf[offset + Ipv6FragmentField.RESERVED] = reserved;
  writeU16BE(buf, offset + Ipv6FragmentField.OFFSET_RES_M, (fragmentOffset << 3) | (res << 1) | (moreFragments ? 1 : 0));
  writeU32BE(buf, offset + Ipv6FragmentField.IDENTIFICATION, identification);
  return IPV6_FRAGMENT_HEADER_LEN;
}
