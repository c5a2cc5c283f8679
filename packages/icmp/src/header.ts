/**
 * ICMP for IPv4 (RFC 792) and ICMPv6 (RFC 4443 §2.1): both start with the same 8 bytes.
 *
 * ```text
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Type      |     Code      |          Checksum             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                     Rest of Header                            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Echo request / reply (RFC 792; RFC 4443 §4.1, §4.2), and the other identifier/sequence types of ICMP
 * (timestamp, information, address mask):
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           Identifier          |        Sequence Number        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Data ...
 * +-+-+-+-+-
 *
 * Errors (ICMP 3, 4, 5, 11, 12; ICMPv6 1-4) quote the offending packet after the 8 bytes:
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  unused / next-hop MTU (RFC 1191) / MTU (RFC 4443 §3.2) / ... |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      As much of the invoking packet as fits ...
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-
 * ```
 */
import {
  checkLength,
  checkUint,
  type EncodeContext,
  EncodeError,
  type FinishContext,
  isHex,
  type LayerInput,
  readU16BE,
  toHex,
  uintOr,
  writeHex,
  writeU16BE,
} from '@wirestack/core';
import { icmpChecksum, icmpv6Checksum } from './checksum.js';
import { ICMP_HEADER_LEN, ICMP_ID_SEQ_TYPES, ICMPV6_ID_SEQ_TYPES, IcmpField, IcmpType, Icmpv6Type } from './constants.js';

/**
 * The fields both versions share (RFC 792, RFC 4443 §2.1). Echo messages (and ICMP's other identifier/sequence
 * types) carry `identifier` and `sequence`; every other type keeps its 4 rest-of-header bytes as `rest` (hex),
 * so the header is lossless whatever the type.
 */
interface IcmpFields {
  /** `icmp.type` / `icmpv6.type`. */
  readonly type: number;
  /** `icmp.code` / `icmpv6.code`. */
  readonly code: number;
  /** Internet checksum (ICMPv6: over the IPv6 pseudo-header too). */
  readonly checksum: number;
  /** `icmp.ident` / `icmpv6.echo.identifier`: present for echo-like types only. */
  readonly identifier?: number;
  /** `icmp.seq` / `icmpv6.echo.sequence_number`: present for echo-like types only. */
  readonly sequence?: number;
  /** The 4 rest-of-header bytes as hex: present for every other type. */
  readonly rest?: string;
}

/** An ICMP header (RFC 792) as the JSON contract writes it. */
export interface IcmpHeader extends IcmpFields {
  readonly layer: 'icmp';
}

/** An ICMPv6 header (RFC 4443 §2.1) as the JSON contract writes it. */
export interface Icmpv6Header extends IcmpFields {
  readonly layer: 'icmpv6';
}

type AnyIcmp = IcmpHeader | Icmpv6Header;
type Id = AnyIcmp['layer'];

const ID_SEQ: Record<Id, ReadonlySet<number>> = { icmp: ICMP_ID_SEQ_TYPES, icmpv6: ICMPV6_ID_SEQ_TYPES };
const DEFAULT_TYPE: Record<Id, number> = { icmp: IcmpType.EchoRequest, icmpv6: Icmpv6Type.EchoRequest };

/** Whether messages of this type carry an identifier and a sequence number (RFC 792; RFC 4443 §4). */
export function icmpHasIdentifier(layer: Id, type: number): boolean {
  return ID_SEQ[layer].has(type);
}

function decode<L extends Id>(layer: L, buf: Uint8Array, offset: number, end: number): Extract<AnyIcmp, { layer: L }> {
  checkLength(layer, offset, end, ICMP_HEADER_LEN);
  const type = buf[offset + IcmpField.TYPE]!;
  const h: { -readonly [K in keyof IcmpHeader]?: unknown } = {
    layer,
    type,
    code: buf[offset + IcmpField.CODE]!,
    checksum: readU16BE(buf, offset + IcmpField.CHECKSUM),
  };
  if (ID_SEQ[layer].has(type)) {
    h.identifier = readU16BE(buf, offset + IcmpField.IDENTIFIER);
    h.sequence = readU16BE(buf, offset + IcmpField.SEQUENCE);
  } else h.rest = toHex(buf, offset + IcmpField.REST, offset + ICMP_HEADER_LEN);
  return h as Extract<AnyIcmp, { layer: L }>;
}

/** Decodes the ICMP header at `offset`, reading nothing at or past `end` (RFC 792). Throws `DecodeError` (`truncated`). */
export function decodeIcmp(buf: Uint8Array, offset = 0, end = buf.length): IcmpHeader {
  return decode('icmp', buf, offset, end);
}

/** Decodes the ICMPv6 header at `offset`, reading nothing at or past `end` (RFC 4443 §2.1). Throws `DecodeError` (`truncated`). */
export function decodeIcmpv6(buf: Uint8Array, offset = 0, end = buf.length): Icmpv6Header {
  return decode('icmpv6', buf, offset, end);
}

/** Bytes an ICMP or ICMPv6 header takes: always 8 (the body is the next layer). */
export function icmpEncodingLength(_h?: LayerInput<IcmpHeader> | LayerInput<Icmpv6Header>): number {
  return ICMP_HEADER_LEN;
}

/** The length of an ICMP or ICMPv6 header: always 8. */
export function icmpHeaderLength(_buf?: Uint8Array, _offset?: number): number {
  return ICMP_HEADER_LEN;
}

function encode(layer: Id, h: LayerInput<AnyIcmp>, buf: Uint8Array, offset: number): number {
  const type = uintOr(layer, 'type', h.type, 8, DEFAULT_TYPE[layer]);
  const code = uintOr(layer, 'code', h.code, 8, 0);
  const checksum = uintOr(layer, 'checksum', h.checksum, 16, 0);
  let restHex: string | undefined;
  let identifier = 0;
  let sequence = 0;
  if (h.rest !== undefined) {
    if (h.identifier !== undefined || h.sequence !== undefined)
      throw new EncodeError({ layer, field: 'rest', value: h.rest, message: 'give either rest or identifier/sequence, not both' });
    if (typeof h.rest !== 'string' || h.rest.length !== 8 || !isHex(h.rest))
      throw new EncodeError({ layer, field: 'rest', value: h.rest, message: 'must be 4 bytes of hex (8 hex digits)' });
    restHex = h.rest;
  } else {
    identifier = h.identifier === undefined ? 0 : checkUint(layer, 'identifier', h.identifier, 16);
    sequence = h.sequence === undefined ? 0 : checkUint(layer, 'sequence', h.sequence, 16);
  }
  buf[offset + IcmpField.TYPE] = type;
  buf[offset + IcmpField.CODE] = code;
  writeU16BE(buf, offset + IcmpField.CHECKSUM, checksum);
  if (restHex !== undefined) writeHex(restHex, buf, offset + IcmpField.REST);
  else {
    writeU16BE(buf, offset + IcmpField.IDENTIFIER, identifier);
    writeU16BE(buf, offset + IcmpField.SEQUENCE, sequence);
  }
  return ICMP_HEADER_LEN;
}

/**
 * Writes an ICMP header (RFC 792); returns 8. `type` defaults to 8 (echo request), `code` to 0. The rest of
 * header is `rest` (4 bytes of hex) when given, else `identifier` and `sequence` (default 0) whatever the type.
 * `checksum` is written as given, else 0 for {@link finishIcmp}. Every value is checked before any byte is
 * written (`EncodeError` naming the field). Never mutates `h`.
 */
export function encodeIcmp(h: LayerInput<IcmpHeader>, buf: Uint8Array, offset = 0, _ctx?: EncodeContext): number {
  return encode('icmp', h, buf, offset);
}

/** Writes an ICMPv6 header (RFC 4443 §2.1); returns 8. As {@link encodeIcmp}, with `type` defaulting to 128 (echo request). */
export function encodeIcmpv6(h: LayerInput<Icmpv6Header>, buf: Uint8Array, offset = 0, _ctx?: EncodeContext): number {
  return encode('icmpv6', h, buf, offset);
}

/** Switch of the fix-up pass the stack engine may pass on its `FinishContext` (default `true`). */
export interface IcmpFinishSwitches {
  readonly computeChecksums?: boolean;
}

/**
 * The inside-out pass for ICMP: when `h` leaves `checksum` out, writes the checksum of the message from
 * `offset` to `ctx.end` (RFC 792), now that the body (an echo payload, a quoted packet) is in place.
 */
export function finishIcmp(h: LayerInput<IcmpHeader>, buf: Uint8Array, offset: number, ctx: FinishContext & IcmpFinishSwitches): void {
  if (h.checksum !== undefined || ctx.computeChecksums === false) return;
  writeU16BE(buf, offset + IcmpField.CHECKSUM, icmpChecksum(buf, offset, ctx.end));
}

/**
 * The inside-out pass for ICMPv6: when `h` leaves `checksum` out, writes the checksum over the IPv6
 * pseudo-header of `ctx.network` and the message up to `ctx.end` (RFC 4443 §2.3); 0 without an IPv6 header.
 */
export function finishIcmpv6(h: LayerInput<Icmpv6Header>, buf: Uint8Array, offset: number, ctx: FinishContext & IcmpFinishSwitches): void {
  if (h.checksum !== undefined || ctx.computeChecksums === false) return;
  writeU16BE(buf, offset + IcmpField.CHECKSUM, icmpv6Checksum(buf, offset, ctx.end, ctx.network) ?? 0);
}

/** The 4 rest-of-header bytes of a decoded header as a 32-bit number (identifier << 16 | sequence for echo). */
export function icmpRestOfHeader(h: IcmpFields): number {
  if (h.rest !== undefined) return isHex(h.rest) && h.rest.length === 8 ? Number.parseInt(h.rest, 16) >>> 0 : 0;
  return (((h.identifier ?? 0) << 16) | (h.sequence ?? 0)) >>> 0;
}

/** The next-hop MTU of an ICMP "fragmentation needed" message (type 3 code 4, RFC 1191 §4), else undefined. */
export function icmpNextHopMtu(h: IcmpHeader): number | undefined {
  return h.type === IcmpType.DestinationUnreachable && h.code === 4 ? icmpRestOfHeader(h) & 0xffff : undefined;
}

/** The MTU of an ICMPv6 Packet Too Big message (type 2, RFC 4443 §3.2), else undefined. */
export function icmpv6Mtu(h: Icmpv6Header): number | undefined {
  return h.type === Icmpv6Type.PacketTooBig ? icmpRestOfHeader(h) : undefined;
}

/** The rest-of-header hex for a 32-bit value (for building errors: `rest: icmpRest(mtu)`). */
export function icmpRest(value: number): string {
  const v = checkUint('icmp', 'rest', value, 32);
  const b = new Uint8Array(4);
  b[0] = v >>> 24;
  b[1] = (v >>> 16) & 0xff;
  b[2] = (v >>> 8) & 0xff;
  b[3] = v & 0xff;
  return toHex(b);
}

/** What {@link echoRequest} takes. */
export interface EchoRequestInit {
  /** Identifier (default 0). */
  readonly identifier?: number;
  /** Sequence number (default 0). */
  readonly sequence?: number;
  /** 4 for ICMP (default), 6 for ICMPv6. */
  readonly version?: 4 | 6;
}

/** An echo message to encode: every field but the checksum, which the encoder computes over the payload. */
export type IcmpEcho = Omit<IcmpHeader, 'checksum' | 'rest'> & {
  readonly identifier: number;
  readonly sequence: number;
  readonly checksum?: number;
};
/** An ICMPv6 echo message to encode (checksum computed by the encoder over the pseudo-header and payload). */
export type Icmpv6Echo = Omit<Icmpv6Header, 'checksum' | 'rest'> & {
  readonly identifier: number;
  readonly sequence: number;
  readonly checksum?: number;
};

/**
 * An echo request (ICMP type 8, RFC 792; ICMPv6 type 128 with `version: 6`, RFC 4443 §4.1) without a
 * checksum, for `encodeStack` to fill in. The payload is the next (`raw`) layer.
 */
export function echoRequest(init?: EchoRequestInit & { readonly version?: 4 }): IcmpEcho;
export function echoRequest(init: EchoRequestInit & { readonly version: 6 }): Icmpv6Echo;
export function echoRequest(init: EchoRequestInit = {}): IcmpEcho | Icmpv6Echo {
  const layer = init.version === 6 ? 'icmpv6' : 'icmp';
  if (init.version !== undefined && init.version !== 4 && init.version !== 6)
    throw new EncodeError({ layer, field: 'version', value: init.version, message: 'must be 4 or 6' });
  const identifier = init.identifier === undefined ? 0 : checkUint(layer, 'identifier', init.identifier, 16);
  const sequence = init.sequence === undefined ? 0 : checkUint(layer, 'sequence', init.sequence, 16);
  return layer === 'icmp'
    ? { layer, type: IcmpType.EchoRequest, code: 0, identifier, sequence }
    : { layer, type: Icmpv6Type.EchoRequest, code: 0, identifier, sequence };
}

/**
 * The echo reply to an echo request (RFC 792: type 0; RFC 4443 §4.2: type 129), with the request's identifier
 * and sequence number, code 0, and no checksum (the encoder computes it). The reply's payload must be the
 * request's payload. Throws `EncodeError` when `request` is not an echo request.
 */
export function echoReply(request: Pick<IcmpHeader, 'layer' | 'type'> & Partial<IcmpFields>): IcmpEcho;
export function echoReply(request: Pick<Icmpv6Header, 'layer' | 'type'> & Partial<IcmpFields>): Icmpv6Echo;
export function echoReply(request: Pick<AnyIcmp, 'layer' | 'type'> & Partial<IcmpFields>): IcmpEcho | Icmpv6Echo {
  const layer = request.layer;
  const want = layer === 'icmp' ? IcmpType.EchoRequest : layer === 'icmpv6' ? Icmpv6Type.EchoRequest : undefined;
  if (want === undefined || request.type !== want)
    throw new EncodeError({
      layer: typeof layer === 'string' ? layer : 'icmp',
      field: 'type',
      value: request.type,
      message: `echoReply needs an echo request (icmp type 8 or icmpv6 type 128), got ${String(layer)} type ${String(request.type)}`,
    });
  const identifier = request.identifier === undefined ? 0 : checkUint(layer, 'identifier', request.identifier, 16);
  const sequence = request.sequence === undefined ? 0 : checkUint(layer, 'sequence', request.sequence, 16);
  return layer === 'icmp'
    ? { layer, type: IcmpType.EchoReply, code: 0, identifier, sequence }
    : { layer, type: Icmpv6Type.EchoReply, code: 0, identifier, sequence };
}
