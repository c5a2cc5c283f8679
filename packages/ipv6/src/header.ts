/**
 * The IPv6 fixed header (RFC 8200 §3).
 *
 * ```text
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |Version| Traffic Class |           Flow Label                  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Payload Length        |  Next Header  |   Hop Limit   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                                                               |
 * +                                                               +
 * |                                                               |
 * +                         Source Address                        +
 * |                                                               |
 * +                                                               +
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                                                               |
 * +                                                               +
 * |                                                               |
 * +                      Destination Address                      +
 * |                                                               |
 * +                                                               +
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 */
import {
  checkLength,
  checkUint,
  DecodeError,
  type EncodeContext,
  EncodeError,
  type FinishContext,
  type LayerInput,
  nextValue,
  readU16BE,
  readU32BE,
  uintOr,
  writeU16BE,
  writeU32BE,
} from '@wirestack/core';
import { formatIpv6, parseIpv6, writeIpv6 } from './address.js';
import { IPV6_HEADER_LEN, IPV6_NO_NEXT_HEADER, Ipv6Field } from './constants.js';

/** An IPv6 fixed header as the JSON contract writes it (RFC 8200 §3). */
export interface Ipv6Header {
  readonly layer: 'ipv6';
  /** Always 6 when decoded (anything else is a `bad-version` error); any 4-bit value may be encoded. */
  readonly version: number;
  /** Traffic Class (8 bits: DSCP and ECN, RFC 2474 / RFC 3168). */
  readonly trafficClass: number;
  /** Flow Label (20 bits, RFC 6437). */
  readonly flowLabel: number;
  /** Bytes after the 40-byte header, extension headers included; 0 for a jumbogram (RFC 2675). */
  readonly payloadLength: number;
  /** Protocol of the next header (IANA protocol numbers; 59 = no next header). */
  readonly nextHeader: number;
  readonly hopLimit: number;
  /** Source address, RFC 5952 text. */
  readonly src: string;
  /** Destination address, RFC 5952 text. */
  readonly dst: string;
}

/** Decodes an IPv6 fixed header at `offset` (RFC 8200 §3). Throws `DecodeError` (`truncated`, `bad-version`). */
export function decodeIpv6(buf: Uint8Array, offset = 0, end = buf.length): Ipv6Header {
  checkLength('ipv6', offset, end, IPV6_HEADER_LEN);
  const w = readU32BE(buf, offset + Ipv6Field.VERSION_TC_FLOW);
  const version = w >>> 28;
  if (version !== 6)
    throw new DecodeError({
      code: 'bad-version',
      layer: 'ipv6',
      offset,
      field: 'version',
      message: `ipv6.version at offset ${offset}: expected 6, got ${version}`,
    });
  return {
    layer: 'ipv6',
    version,
    trafficClass: (w >>> 20) & 0xff,
    flowLabel: w & 0xfffff,
    payloadLength: readU16BE(buf, offset + Ipv6Field.PAYLOAD_LENGTH),
    nextHeader: buf[offset + Ipv6Field.NEXT_HEADER]!,
    hopLimit: buf[offset + Ipv6Field.HOP_LIMIT]!,
    src: formatIpv6(buf, offset + Ipv6Field.SRC),
    dst: formatIpv6(buf, offset + Ipv6Field.DST),
  };
}

/** Bytes an IPv6 fixed header takes: always 40 (RFC 8200 §3). */
export function ipv6EncodingLength(_h?: LayerInput<Ipv6Header>): number {
  return IPV6_HEADER_LEN;
}

/**
 * Writes an IPv6 fixed header (RFC 8200 §3); returns 40. `nextHeader` left out is derived from the next
 * layer in `ctx` (59 when nothing or `raw` follows); `payloadLength` left out is written as 0 and filled
 * in by {@link finishIpv6}. Validates every value (EncodeError) before writing any byte.
 */
export function encodeIpv6(h: LayerInput<Ipv6Header>, buf: Uint8Array, offset = 0, ctx?: EncodeContext): number {
  const version = uintOr('ipv6', 'version', h.version, 4, 6);
  const trafficClass = uintOr('ipv6', 'trafficClass', h.trafficClass, 8, 0);
  const flowLabel = uintOr('ipv6', 'flowLabel', h.flowLabel, 20, 0);
  const payloadLength = uintOr('ipv6', 'payloadLength', h.payloadLength, 16, 0);
  const nextHeader =
    h.nextHeader === undefined
      ? nextValue(ctx, 'ip.proto', 'ipv6', 'nextHeader', IPV6_NO_NEXT_HEADER)
      : checkUint('ipv6', 'nextHeader', h.nextHeader, 8);
  const hopLimit = uintOr('ipv6', 'hopLimit', h.hopLimit, 8, 64);
  const src = parseIpv6(h.src ?? '::', 'ipv6', 'src');
  const dst = parseIpv6(h.dst ?? '::', 'ipv6', 'dst');
  writeU32BE(buf, offset + Ipv6Field.VERSION_TC_FLOW, ((version << 28) | (trafficClass << 20) | flowLabel) >>> 0);
  writeU16BE(buf, offset + Ipv6Field.PAYLOAD_LENGTH, payloadLength);
  buf[offset + Ipv6Field.NEXT_HEADER] = nextHeader;
  buf[offset + Ipv6Field.HOP_LIMIT] = hopLimit;
  writeIpv6(src, buf, offset + Ipv6Field.SRC);
  writeIpv6(dst, buf, offset + Ipv6Field.DST);
  return IPV6_HEADER_LEN;
}

/**
 * Inside-out pass (RFC 8200 §3): writes Payload Length = bytes from the end of the fixed header to
 * `ctx.end` when `h.payloadLength` was left out. A payload over 65535 bytes needs a jumbogram
 * (RFC 2675: Payload Length 0 plus a Jumbo Payload option), which is never made implicitly: it throws
 * `EncodeError`; give `payloadLength: 0` and the option yourself.
 */
export function finishIpv6(h: LayerInput<Ipv6Header>, buf: Uint8Array, offset: number, ctx: FinishContext): void {
  if (h.payloadLength !== undefined) return;
  const n = ctx.end - offset - IPV6_HEADER_LEN;
  if (n < 0 || n > 0xffff)
    throw new EncodeError({
      layer: 'ipv6',
      field: 'payloadLength',
      value: n,
      message: `a payload of ${n} bytes does not fit in 16 bits; for a jumbogram give payloadLength: 0 and a Jumbo Payload option (RFC 2675)`,
    });
  writeU16BE(buf, offset + Ipv6Field.PAYLOAD_LENGTH, n);
}

/**
 * The datagram length the header declares: 40 + Payload Length (RFC 8200 §3). `undefined` (unknown) when
 * Payload Length is 0 and a Hop-by-Hop header follows: that is how a jumbogram (RFC 2675 §2) announces
 * itself, its real length being in the Hop-by-Hop header's Jumbo Payload option.
 */
export function ipv6DatagramLength(h: Ipv6Header): number | undefined {
  if (h.payloadLength === 0 && h.nextHeader === 0) return undefined;
  return IPV6_HEADER_LEN + h.payloadLength;
}
