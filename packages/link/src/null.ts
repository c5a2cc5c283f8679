/**
 * The BSD loopback header of LINKTYPE_NULL (0) and LINKTYPE_LOOP (108): one 32-bit address family
 * (tcpdump.org linktypes/LINKTYPE_NULL.html). NULL writes it in the capturing host's byte order, LOOP in
 * network byte order, so a reader has to guess the order.
 *
 * ```text
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |               Address family (host or network order)          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 */
import {
  checkLength,
  type EncodeContext,
  EncodeError,
  type LayerInput,
  type NextRef,
  nextLayer,
  readU32BE,
  readU32LE,
  uintOr,
  writeU32BE,
  writeU32LE,
} from '@wirestack/core';
import { NULL_FAMILY_LAYERS, NULL_HEADER_LEN, NullFamily, NullField, type NullByteOrder } from './constants.js';

/** A LINKTYPE_NULL / LINKTYPE_LOOP header. */
export interface NullHeader {
  readonly layer: 'null';
  /** `null.family`: the address family, read in `byteOrder` (2 IPv4; 10/24/28/30 IPv6). */
  readonly family: number;
  /** The order the 4 bytes are in: `'little'` (NULL from x86/ARM hosts) or `'big'` (LOOP, big-endian hosts). */
  readonly byteOrder: NullByteOrder;
}

/**
 * Decodes a NULL/LOOP header. Both byte orders are read; a known family (2, 10, 24, 28, 30) in either wins.
 * Otherwise the order that gives a value below 0x10000 is taken (little-endian first, as Wireshark assumes
 * host order for small values), else little-endian. Every 4 bytes decode, and re-encode to the same bytes.
 * Throws `DecodeError` (`truncated`) only.
 */
export function decodeNull(buf: Uint8Array, offset = 0, end = buf.length): NullHeader {
  checkLength('null', offset, end, NULL_HEADER_LEN);
  const le = readU32LE(buf, offset + NullField.FAMILY);
  const be = readU32BE(buf, offset + NullField.FAMILY);
  if (NULL_FAMILY_LAYERS[le] !== undefined) return { layer: 'null', family: le, byteOrder: 'little' };
  if (NULL_FAMILY_LAYERS[be] !== undefined) return { layer: 'null', family: be, byteOrder: 'big' };
  if (le < 0x10000) return { layer: 'null', family: le, byteOrder: 'little' };
  if (be < 0x10000) return { layer: 'null', family: be, byteOrder: 'big' };
  return { layer: 'null', family: le, byteOrder: 'little' };
}

/** Bytes a NULL/LOOP header takes: always 4. */
export function nullEncodingLength(_h?: LayerInput<NullHeader>): number {
  return NULL_HEADER_LEN;
}

/** The family that announces the next layer: ipv4 2, ipv6 30 (Darwin, whose lo0 makes most NULL captures); 0 when nothing follows. */
function deriveFamily(ctx: EncodeContext | undefined): number {
  const next = nextLayer(ctx);
  if (!next || next.layer === 'raw' || next.layer === 'padding') return 0;
  if (next.layer === 'ipv4') return NullFamily.INET;
  if (next.layer === 'ipv6') return NullFamily.INET6_DARWIN;
  throw new EncodeError({
    layer: 'null',
    field: 'family',
    message: `no address family announces the next layer '${next.layer}'; give family explicitly`,
  });
}

/**
 * Writes a NULL/LOOP header; returns 4. `byteOrder` defaults to `'little'` (use `'big'` for LINKTYPE_LOOP);
 * `family` left out is derived from the next layer (ipv4 2, ipv6 30). Throws `EncodeError` before writing.
 */
export function encodeNull(h: LayerInput<NullHeader>, buf: Uint8Array, offset = 0, ctx?: EncodeContext): number {
  const order = h.byteOrder ?? 'little';
  if (order !== 'little' && order !== 'big')
    throw new EncodeError({ layer: 'null', field: 'byteOrder', value: order, message: "must be 'little' or 'big'" });
  const family = h.family === undefined ? deriveFamily(ctx) : uintOr('null', 'family', h.family, 32, 0);
  if (order === 'little') writeU32LE(buf, offset + NullField.FAMILY, family);
  else writeU32BE(buf, offset + NullField.FAMILY, family);
  return NULL_HEADER_LEN;
}

const bswap32 = (v: number): number => (((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24)) >>> 0;

/**
 * Where a NULL/LOOP payload goes: the `null.family` table ({@link NULL_FAMILY_LAYERS}) gives ipv4 or ipv6.
 * Like Wireshark, a value that is no family but exceeds 1500 is taken as an EtherType (some writers put
 * one there): a 16-bit value directly, a larger one by the low 16 bits of its big-endian reading
 * (bytes `0f 00 08 00` → 0x0800). Anything else: raw.
 */
export function nullNext(h: NullHeader): NextRef | undefined {
  const layer = NULL_FAMILY_LAYERS[h.family];
  if (layer !== undefined) return { layer };
  if (h.family > 1500 && h.family <= 0xffff) return { table: 'ethertype', value: h.family };
  if (h.family > 0xffff) {
    const low = (h.byteOrder === 'big' ? h.family : bswap32(h.family)) & 0xffff;
    if (low > 1500) return { table: 'ethertype', value: low };
  }
  return undefined;
}
