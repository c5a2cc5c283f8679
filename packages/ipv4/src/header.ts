/**
 * IPv4 (RFC 791 §3.1), with DSCP/ECN (RFC 2474, RFC 3168) in the old TOS octet.
 *
 * ```text
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |Version|  IHL  |   DSCP    |ECN|          Total Length         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Identification        |R|D|M|      Fragment Offset    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Time to Live |    Protocol   |         Header Checksum       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                       Source Address                          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Destination Address                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Options (IHL − 5 words)                    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   R: reserved (RFC 3514), D: don't fragment, M: more fragments
 * ```
 */
import {
  checkBool,
  checkHex,
  checkLength,
  checkUint,
  DecodeError,
  type EncodeContext,
  EncodeError,
  type FinishContext,
  type LayerInput,
  nextValue,
  readU16BE,
  toHex,
  uintOr,
  writeHex,
  writeU16BE,
  writeU32BE,
} from '@wirestack/core';
import { formatIpv4, parseIpv4U32 } from './address.js';
import { ipv4Checksum } from './checksum.js';
import {
  IPV4_DEFAULT_TTL,
  IPV4_HEADER_LEN,
  IPV4_MAX_OPTIONS_LEN,
  IPV4_MAX_TOTAL_LENGTH,
  IPV4_PROTOCOL_NONE,
  Ipv4Field,
  Ipv4Flag,
} from './constants.js';

/** An IPv4 header as the JSON contract writes it (RFC 791 §3.1). */
export interface Ipv4Header {
  readonly layer: 'ipv4';
  /** Version (4 bits); 4 on every valid header. */
  readonly version: number;
  /** Internet header length in 32-bit words (4 bits, 5..15). */
  readonly ihl: number;
  /** Differentiated services code point (6 bits, RFC 2474). */
  readonly dscp: number;
  /** Explicit congestion notification (2 bits, RFC 3168). */
  readonly ecn: number;
  /** Header plus payload, in bytes. */
  readonly totalLength: number;
  readonly identification: number;
  readonly dontFragment: boolean;
  readonly moreFragments: boolean;
  /** Fragment offset in 8-octet units (13 bits). */
  readonly fragmentOffset: number;
  readonly ttl: number;
  /** IP protocol number of the payload (IANA). */
  readonly protocol: number;
  readonly checksum: number;
  /** Source address, dotted quad. */
  readonly src: string;
  /** Destination address, dotted quad. */
  readonly dst: string;
  /** Hex of every byte from 20 to `ihl` × 4 (options plus their padding). */
  readonly options: string;
  /**
   * *Extra* (no contract field): the reserved flag bit (RFC 791 §3.1, RFC 3514). Present, as `true`,
   * only when the bit is set, so that decoding is lossless; absent encodes as 0.
   */
  readonly reservedFlag?: true;
}

/**
 * Decodes the IPv4 header at `offset`, reading nothing at or past `end` (RFC 791 §3.1).
 * Throws `DecodeError`: `truncated` (fewer than 20 bytes, or fewer than `ihl` × 4), `bad-version`
 * (version is not 4), `bad-length` (`ihl` below 5).
 */
export function decodeIpv4(buf: Uint8Array, offset = 0, end = buf.length): Ipv4Header {
  checkLength('ipv4', offset, end, IPV4_HEADER_LEN);
  const vi = buf[offset + Ipv4Field.VER_IHL]!;
  const version = vi >>> 4;
  if (version !== 4)
    throw new DecodeError({
      code: 'bad-version',
      layer: 'ipv4',
      field: 'version',
      offset,
      message: `ipv4 at offset ${offset}: version ${version}, expected 4`,
    });
  const ihl = vi & 0x0f;
  if (ihl < 5)
    throw new DecodeError({
      code: 'bad-length',
      layer: 'ipv4',
      field: 'ihl',
      offset,
      message: `ipv4 at offset ${offset}: ihl ${ihl} is below 5`,
    });
  const hl = ihl * 4;
  checkLength('ipv4', offset, end, hl);
  const tos = buf[offset + Ipv4Field.DSCP_ECN]!;
  const ff = readU16BE(buf, offset + Ipv4Field.FLAGS_FRAG);
  const h = {
    layer: 'ipv4' as const,
    version,
    ihl,
    dscp: tos >>> 2,
    ecn: tos & 3,
    totalLength: readU16BE(buf, offset + Ipv4Field.TOTAL_LENGTH),
    identification: readU16BE(buf, offset + Ipv4Field.IDENTIFICATION),
    dontFragment: (ff & Ipv4Flag.DONT_FRAGMENT) !== 0,
    moreFragments: (ff & Ipv4Flag.MORE_FRAGMENTS) !== 0,
    fragmentOffset: ff & Ipv4Flag.FRAGMENT_OFFSET_MASK,
    ttl: buf[offset + Ipv4Field.TTL]!,
    protocol: buf[offset + Ipv4Field.PROTOCOL]!,
    checksum: readU16BE(buf, offset + Ipv4Field.CHECKSUM),
    src: formatIpv4(buf, offset + Ipv4Field.SRC),
    dst: formatIpv4(buf, offset + Ipv4Field.DST),
    options: hl === IPV4_HEADER_LEN ? '' : toHex(buf, offset + IPV4_HEADER_LEN, offset + hl),
  };
  return (ff & Ipv4Flag.RESERVED) !== 0 ? { ...h, reservedFlag: true } : h;
}

/** Bytes of options `encodeIpv4` writes: the given hex zero-padded to a multiple of 4 (RFC 791 §3.1 "padding"). */
function optionsLength(options: string): number {
  const n = options.length >>> 1;
  if (n > IPV4_MAX_OPTIONS_LEN)
    throw new EncodeError({
      layer: 'ipv4',
      field: 'options',
      value: options,
      message: `${n} bytes of options; at most ${IPV4_MAX_OPTIONS_LEN} fit (ihl 15)`,
    });
  return (n + 3) & ~3;
}

/**
 * Bytes `encodeIpv4` writes for `h`: 20 plus the options zero-padded to a multiple of 4 (RFC 791 §3.1).
 * Throws `EncodeError` on bad or too long options.
 */
export function ipv4EncodingLength(h: LayerInput<Ipv4Header>): number {
  return IPV4_HEADER_LEN + optionsLength(checkHex('ipv4', 'options', h.options));
}

/** The length in bytes of the IPv4 header at `offset` (`ihl` × 4), reading only the IHL nibble (RFC 791 §3.1). */
export function ipv4HeaderLength(buf: Uint8Array, offset = 0): number {
  checkLength('ipv4', offset, buf.length, 1);
  return (buf[offset + Ipv4Field.VER_IHL]! & 0x0f) * 4;
}

/**
 * Writes an IPv4 header (RFC 791 §3.1); returns the bytes written. Defaults: version 4, ttl 64, addresses
 * `0.0.0.0`, everything else 0/false/empty. `ihl` is derived as 5 + options / 4 (options that are not a
 * multiple of 4 bytes are zero-padded to one); `protocol` from the next layer in `ctx` (0 when nothing or
 * `raw` follows). `totalLength` and `checksum` are written as given, else as 0 for {@link finishIpv4}.
 * Every value is checked before any byte is written (`EncodeError` naming the field). Never mutates `h`.
 */
export function encodeIpv4(h: LayerInput<Ipv4Header>, buf: Uint8Array, offset = 0, ctx?: EncodeContext): number {
  const options = checkHex('ipv4', 'options', h.options);
  const optLen = optionsLength(options);
  const version = uintOr('ipv4', 'version', h.version, 4, 4);
  const ihl = uintOr('ipv4', 'ihl', h.ihl, 4, 5 + (optLen >>> 2));
  const dscp = uintOr('ipv4', 'dscp', h.dscp, 6, 0);
  const ecn = uintOr('ipv4', 'ecn', h.ecn, 2, 0);
  const totalLength = uintOr('ipv4', 'totalLength', h.totalLength, 16, 0);
  const identification = uintOr('ipv4', 'identification', h.identification, 16, 0);
  const reserved = checkBool('ipv4', 'reservedFlag', h.reservedFlag);
  const df = checkBool('ipv4', 'dontFragment', h.dontFragment);
  const mf = checkBool('ipv4', 'moreFragments', h.moreFragments);
  const fragmentOffset = uintOr('ipv4', 'fragmentOffset', h.fragmentOffset, 13, 0);
  const ttl = uintOr('ipv4', 'ttl', h.ttl, 8, IPV4_DEFAULT_TTL);
  const protocol =
    h.protocol === undefined
      ? nextValue(ctx, 'ip.proto', 'ipv4', 'protocol', IPV4_PROTOCOL_NONE)
      : checkUint('ipv4', 'protocol', h.protocol, 8);
  const checksum = uintOr('ipv4', 'checksum', h.checksum, 16, 0);
  const src = h.src === undefined ? 0 : parseIpv4U32(h.src, 'ipv4', 'src');
  const dst = h.dst === undefined ? 0 : parseIpv4U32(h.dst, 'ipv4', 'dst');

  buf[offset + Ipv4Field.VER_IHL] = (version << 4) | ihl;
  buf[offset + Ipv4Field.DSCP_ECN] = (dscp << 2) | ecn;
  writeU16BE(buf, offset + Ipv4Field.TOTAL_LENGTH, totalLength);
  writeU16BE(buf, offset + Ipv4Field.IDENTIFICATION, identification);
  writeU16BE(
    buf,
    offset + Ipv4Field.FLAGS_FRAG,
    (reserved ? Ipv4Flag.RESERVED : 0) | (df ? Ipv4Flag.DONT_FRAGMENT : 0) | (mf ? Ipv4Flag.MORE_FRAGMENTS : 0) | fragmentOffset,
  );
  buf[offset + Ipv4Field.TTL] = ttl;
  buf[offset + Ipv4Field.PROTOCOL] = protocol;
  writeU16BE(buf, offset + Ipv4Field.CHECKSUM, checksum);
  writeU32BE(buf, offset + Ipv4Field.SRC, src);
  writeU32BE(buf, offset + Ipv4Field.DST, dst);
  if (optLen > 0) {
    const w = writeHex(options, buf, offset + Ipv4Field.OPTIONS);
    buf.fill(0, offset + Ipv4Field.OPTIONS + w, offset + IPV4_HEADER_LEN + optLen);
  }
  return IPV4_HEADER_LEN + optLen;
}

/**
 * Optional switches of the fix-up pass (gopacket's `FixLengths` / `ComputeChecksums`). The stack engine
 * may pass them on its `FinishContext`; both default to `true`.
 */
export interface FinishSwitches {
  readonly fixLengths?: boolean;
  readonly computeChecksums?: boolean;
}

/**
 * The inside-out pass for IPv4 (RFC 791 §3.1): when `h` leaves them out, writes `totalLength` as
 * `ctx.end − offset` and then the header checksum over `ihl` × 4 bytes (as written in `buf`). Given values
 * stay as written. Throws `EncodeError` when the datagram is longer than 65535 bytes.
 */
export function finishIpv4(h: LayerInput<Ipv4Header>, buf: Uint8Array, offset: number, ctx: FinishContext & FinishSwitches): void {
  if (h.totalLength === undefined && ctx.fixLengths !== false) {
    const total = ctx.end - offset;
    if (total > IPV4_MAX_TOTAL_LENGTH)
      throw new EncodeError({
        layer: 'ipv4',
        field: 'totalLength',
        value: total,
        message: `datagram of ${total} bytes exceeds ${IPV4_MAX_TOTAL_LENGTH}`,
      });
    writeU16BE(buf, offset + Ipv4Field.TOTAL_LENGTH, total);
  }
  if (h.checksum === undefined && ctx.computeChecksums !== false) {
    const ihl = buf[offset + Ipv4Field.VER_IHL]! & 0x0f;
    // A deliberately wrong `ihl` must not make the sum read past the buffer.
    const words = Math.min(ihl, (buf.length - offset) >>> 2);
    writeU16BE(buf, offset + Ipv4Field.CHECKSUM, ipv4Checksum(buf, offset, words));
  }
}
