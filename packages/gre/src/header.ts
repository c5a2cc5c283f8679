/**
 * Generic Routing Encapsulation: RFC 2784 (GRE), RFC 2890 (key and sequence number), and the enhanced
 * GRE of PPTP (RFC 2637 §4.1, version 1).
 *
 * ```text
 * Version 0 (RFC 2784 §2.1, RFC 2890 §2; R, s, Recur and Flags are the RFC 1701 bits):
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |C|R|K|S|s|Recur|  Flags  | Ver |         Protocol Type         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      Checksum (optional)      |       Reserved1 (Optional)    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         Key (optional)                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                 Sequence Number (Optional)                    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Version 1, enhanced GRE (RFC 2637 §4.1): the key is payload length (16) + call ID (16).
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |C|R|K|S|s|Recur|A| Flags | Ver |   Protocol Type (0x880b)      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |    Key (HW) Payload Length    |       Key (LW) Call ID        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  Sequence Number (Optional)                   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |               Acknowledgment Number (Optional)                |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 *
 * RFC 1701 source routing (R set) is not supported: decoding it throws `DecodeError` `unsupported`.
 */
import {
  checkBool,
  checkLength,
  checkUint,
  DecodeError,
  type EncodeContext,
  EncodeError,
  type FinishContext,
  internetChecksum,
  type LayerInput,
  nextValue,
  readU16BE,
  readU32BE,
  uintOr,
  writeU16BE,
  writeU32BE,
} from '@wirestack/core';
import { GRE_BASE_LEN, GRE_OPTIONAL_LEN, GRE_PPP_PROTOCOL_TYPE, GreChecksumField, GreField, GreFlag } from './constants.js';

/**
 * A GRE header as the JSON contract writes it (RFC 2784 §2, RFC 2890 §2, RFC 2637 §4.1).
 * Optional wire fields are present only when their flag is set; the lossless extras (RFC 1701 bits,
 * reserved bits) only when non-zero.
 */
export interface GreHeader {
  readonly layer: 'gre';
  /** C bit: the checksum and reserved1 word is present (RFC 2784 §2.2). */
  readonly checksumPresent: boolean;
  /** K bit: the key is present (RFC 2890 §2.1). */
  readonly keyPresent: boolean;
  /** S bit: the sequence number is present (RFC 2890 §2.1). */
  readonly sequencePresent: boolean;
  /** Version (3 bits): 0 GRE, 1 PPTP enhanced GRE (RFC 2784 §2.3.1). */
  readonly version: number;
  /** EtherType of the payload (RFC 2784 §2.4). */
  readonly protocolType: number;
  /** Internet checksum of header and payload (RFC 2784 §2.5); only when `checksumPresent`. */
  readonly checksum?: number;
  /** Key (RFC 2890 §2.1); in version 1 payload length << 16 | call ID (RFC 2637 §4.1). Only when `keyPresent`. */
  readonly key?: number;
  /** Sequence number (RFC 2890 §2.2); only when `sequencePresent`. */
  readonly sequence?: number;
  /** R bit, RFC 1701 routing present. Encode only: decoding a header with it set throws `unsupported`. */
  readonly routingPresent?: boolean;
  /** s bit, RFC 1701 strict source route; present only when set. */
  readonly strictSourceRoute?: boolean;
  /** RFC 1701 recursion control (3 bits); present only when non-zero. */
  readonly recursionControl?: number;
  /** A bit, acknowledgment present (RFC 2637 §4.1); in every version-1 header, never in version 0. */
  readonly acknowledgmentPresent?: boolean;
  /** Remaining reserved flag bits (5 bits in version 0, 4 in version 1); present only when non-zero. */
  readonly flags?: number;
  /** The reserved 16 bits after the checksum (RFC 2784 §2.6); present only when non-zero. */
  readonly reserved1?: number;
  /** Acknowledgment number (RFC 2637 §4.1); only when `acknowledgmentPresent`. */
  readonly acknowledgment?: number;
}

const L = 'gre';

/** Bytes of a GRE header, from its first word (flags and version). */
function lengthFromFlags(word: number): number {
  let n = GRE_BASE_LEN;
  if (word & GreFlag.CHECKSUM) n += GRE_OPTIONAL_LEN;
  if (word & GreFlag.KEY) n += GRE_OPTIONAL_LEN;
  if (word & GreFlag.SEQUENCE) n += GRE_OPTIONAL_LEN;
  if ((word & GreFlag.VERSION_MASK) === 1 && word & GreFlag.ACKNOWLEDGMENT) n += GRE_OPTIONAL_LEN;
  return n;
}

/**
 * Bytes of the GRE header at `offset`, from its flags (RFC 2784 §2.1, RFC 2890 §2). Reads only the
 * first word; throws `DecodeError` `truncated` when fewer than 4 bytes are present.
 */
export function greHeaderLength(buf: Uint8Array, offset = 0, end = buf.length): number {
  checkLength(L, offset, end, GRE_BASE_LEN);
  return lengthFromFlags(readU16BE(buf, offset + GreField.FLAGS));
}

/**
 * Decodes a GRE header at `offset` (RFC 2784, RFC 2890, RFC 2637 §4.1). Throws `DecodeError`:
 * `truncated`, `bad-version` (versions other than 0 and 1), `unsupported` (RFC 1701 routing).
 */
export function decodeGre(buf: Uint8Array, offset = 0, end = buf.length): GreHeader {
  checkLength(L, offset, end, GRE_BASE_LEN);
  const word = readU16BE(buf, offset + GreField.FLAGS);
  const version = word & GreFlag.VERSION_MASK;
  if (version > 1)
    throw new DecodeError({
      code: 'bad-version',
      layer: L,
      offset,
      field: 'version',
      message: `gre at offset ${offset}: version ${version} is not 0 or 1`,
    });
  if (word & GreFlag.ROUTING)
    throw new DecodeError({
      code: 'unsupported',
      layer: L,
      offset,
      field: 'routingPresent',
      message: `gre at offset ${offset}: RFC 1701 source routing is not supported`,
    });
  checkLength(L, offset, end, lengthFromFlags(word));
  const checksumPresent = (word & GreFlag.CHECKSUM) !== 0;
  const keyPresent = (word & GreFlag.KEY) !== 0;
  const sequencePresent = (word & GreFlag.SEQUENCE) !== 0;
  const h: { -readonly [K in keyof GreHeader]: GreHeader[K] } = {
    layer: L,
    checksumPresent,
    keyPresent,
    sequencePresent,
    version,
    protocolType: readU16BE(buf, offset + GreField.PROTOCOL_TYPE),
  };
  let o = offset + GreField.OPTIONAL;
  let reserved1 = 0;
  if (checksumPresent) {
    h.checksum = readU16BE(buf, o + GreChecksumField.CHECKSUM);
    reserved1 = readU16BE(buf, o + GreChecksumField.RESERVED1);
    o += GRE_OPTIONAL_LEN;
  }
  if (keyPresent) {
    h.key = readU32BE(buf, o);
    o += GRE_OPTIONAL_LEN;
  }
  if (sequencePresent) {
    h.sequence = readU32BE(buf, o);
    o += GRE_OPTIONAL_LEN;
  }
  if (word & GreFlag.STRICT_SOURCE_ROUTE) h.strictSourceRoute = true;
  const recursion = (word & GreFlag.RECURSION_MASK) >>> GreFlag.RECURSION_SHIFT;
  if (recursion) h.recursionControl = recursion;
  const ackPresent = version === 1 && (word & GreFlag.ACKNOWLEDGMENT) !== 0;
  if (version === 1) h.acknowledgmentPresent = ackPresent;
  const flags = (word >>> GreFlag.FLAGS_SHIFT) & (version === 1 ? 0x0f : 0x1f);
  if (flags) h.flags = flags;
  if (reserved1) h.reserved1 = reserved1;
  if (ackPresent) h.acknowledgment = readU32BE(buf, o);
  return h;
}

/** A GRE input with every value checked and every flag resolved; what encode writes. */
interface GrePlan {
  word: number;
  protocolType: number | undefined;
  checksum: number;
  reserved1: number;
  key: number;
  sequence: number;
  acknowledgment: number;
  length: number;
}

/** Whether the encoder writes a checksum for `h`: `checksumPresent`, or else whether `checksum` is given. */
function wantsChecksum(h: LayerInput<GreHeader>): boolean {
  return h.checksumPresent === undefined ? h.checksum !== undefined : h.checksumPresent === true;
}

/** Resolves a present flag from its explicit value and the presence of its field; a flag given false with its field given is an error. */
function presence(flagName: string, flag: unknown, fieldName: string, field: unknown): boolean {
  const given = checkBool(L, flagName, flag, field !== undefined);
  if (!given && field !== undefined)
    throw new EncodeError({ layer: L, field: fieldName, value: field, message: `${fieldName} is given but ${flagName} is false` });
  return given;
}

/** Validates an input and resolves its flags (never writes). */
function plan(h: LayerInput<GreHeader>): GrePlan {
  const version = uintOr(L, 'version', h.version, 3, 0);
  const c = presence('checksumPresent', h.checksumPresent, 'checksum', h.checksum);
  const k = presence('keyPresent', h.keyPresent, 'key', h.key);
  const s = presence('sequencePresent', h.sequencePresent, 'sequence', h.sequence);
  const r = checkBool(L, 'routingPresent', h.routingPresent);
  const ssr = checkBool(L, 'strictSourceRoute', h.strictSourceRoute);
  const recursion = uintOr(L, 'recursionControl', h.recursionControl, 3, 0);
  if (version !== 1 && (checkBool(L, 'acknowledgmentPresent', h.acknowledgmentPresent) || h.acknowledgment !== undefined))
    throw new EncodeError({
      layer: L,
      field: 'acknowledgmentPresent',
      value: h.acknowledgmentPresent,
      message: 'acknowledgments exist only in version 1 (RFC 2637)',
    });
  const a = presence('acknowledgmentPresent', h.acknowledgmentPresent, 'acknowledgment', h.acknowledgment);
  const flags = uintOr(L, 'flags', h.flags, version === 1 ? 4 : 5, 0);
  const reserved1 = uintOr(L, 'reserved1', h.reserved1, 16, 0);
  if (!c && reserved1 !== 0)
    throw new EncodeError({ layer: L, field: 'reserved1', value: h.reserved1, message: 'reserved1 is only written with the checksum' });
  const protocolType = h.protocolType === undefined ? undefined : checkUint(L, 'protocolType', h.protocolType, 16);
  const checksum = uintOr(L, 'checksum', h.checksum, 16, 0);
  const key = uintOr(L, 'key', h.key, 32, 0);
  const sequence = uintOr(L, 'sequence', h.sequence, 32, 0);
  const acknowledgment = uintOr(L, 'acknowledgment', h.acknowledgment, 32, 0);
  const word =
    (c ? GreFlag.CHECKSUM : 0) |
    (r ? GreFlag.ROUTING : 0) |
    (k ? GreFlag.KEY : 0) |
    (s ? GreFlag.SEQUENCE : 0) |
    (ssr ? GreFlag.STRICT_SOURCE_ROUTE : 0) |
    (recursion << GreFlag.RECURSION_SHIFT) |
    (a ? GreFlag.ACKNOWLEDGMENT : 0) |
    (flags << GreFlag.FLAGS_SHIFT) |
    version;
  return { word, protocolType, checksum, reserved1, key, sequence, acknowledgment, length: lengthFromFlags(word) };
}

/** Bytes `encodeGre` writes for `h`: 4 plus 4 per optional field. Throws `EncodeError` on bad values. */
export function greEncodingLength(h: LayerInput<GreHeader>): number {
  return plan(h).length;
}

/**
 * Writes a GRE header; returns bytes written (RFC 2784 §2, RFC 2890 §2, RFC 2637 §4.1). Flags follow the
 * fields given; `protocolType` is derived from the next layer (PPP 0x880b for version 1 when nothing
 * follows, else 0); a checksum left out is written as 0 and computed by {@link finishGre}.
 * Throws `EncodeError` before writing on a bad value.
 */
export function encodeGre(h: LayerInput<GreHeader>, buf: Uint8Array, offset = 0, ctx?: EncodeContext): number {
  const p = plan(h);
  const version = p.word & GreFlag.VERSION_MASK;
  const protocolType = p.protocolType ?? nextValue(ctx, 'ethertype', L, 'protocolType', version === 1 ? GRE_PPP_PROTOCOL_TYPE : 0);
  writeU16BE(buf, offset + GreField.FLAGS, p.word);
  writeU16BE(buf, offset + GreField.PROTOCOL_TYPE, protocolType);
  let o = offset + GreField.OPTIONAL;
  if (p.word & GreFlag.CHECKSUM) {
    writeU16BE(buf, o + GreChecksumField.CHECKSUM, p.checksum);
    writeU16BE(buf, o + GreChecksumField.RESERVED1, p.reserved1);
    o += GRE_OPTIONAL_LEN;
  }
  if (p.word & GreFlag.KEY) {
    writeU32BE(buf, o, p.key);
    o += GRE_OPTIONAL_LEN;
  }
  if (p.word & GreFlag.SEQUENCE) {
    writeU32BE(buf, o, p.sequence);
    o += GRE_OPTIONAL_LEN;
  }
  if (version === 1 && p.word & GreFlag.ACKNOWLEDGMENT) {
    writeU32BE(buf, o, p.acknowledgment);
    o += GRE_OPTIONAL_LEN;
  }
  return o - offset;
}

/**
 * The inside-out pass: when the checksum is present but was left out, computes it over the GRE header
 * and payload up to `ctx.end` (RFC 2784 §2.5).
 */
export function finishGre(h: LayerInput<GreHeader>, buf: Uint8Array, offset: number, ctx: FinishContext): void {
  if (!wantsChecksum(h) || h.checksum !== undefined) return;
  const at = offset + GreField.OPTIONAL + GreChecksumField.CHECKSUM;
  writeU16BE(buf, at, 0);
  writeU16BE(buf, at, internetChecksum(buf, offset, ctx.end));
}

/** Whether the checksum of a decoded header is right over `[offset, end)` (true when it has none). RFC 2784 §2.5. */
export function verifyGreChecksum(h: GreHeader, buf: Uint8Array, offset: number, end: number): boolean {
  if (!h.checksumPresent) return true;
  if (end > buf.length || end - offset < GRE_BASE_LEN + GRE_OPTIONAL_LEN) return false;
  return internetChecksum(buf, offset, end) === 0;
}
