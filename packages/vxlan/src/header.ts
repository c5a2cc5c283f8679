/**
 * VXLAN (RFC 7348 §5) and VXLAN-GPE (draft-ietf-nvo3-vxlan-gpe §3.2).
 *
 * ```text
 * VXLAN (RFC 7348 §5):
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |R|R|R|R|I|R|R|R|            Reserved                           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                VXLAN Network Identifier (VNI) |   Reserved    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * VXLAN-GPE (draft-ietf-nvo3-vxlan-gpe §3.2):
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |R|R|Ver|I|P|B|O|       Reserved                |Next Protocol  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                VXLAN Network Identifier (VNI) |   Reserved    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 */
import {
  checkLength,
  checkUint,
  type EncodeContext,
  type LayerInput,
  nextValue,
  readU16BE,
  readU24BE,
  uintOr,
  writeU16BE,
  writeU24BE,
} from '@wirestack/core';
import { VXLAN_GPE_DEFAULT_FLAGS, VXLAN_GPE_HEADER_LEN, VXLAN_HEADER_LEN, VxlanField, VxlanGpeField } from './constants.js';

/** A VXLAN header as the JSON contract writes it (RFC 7348 §5). */
export interface VxlanHeader {
  readonly layer: 'vxlan';
  /** The whole flags byte; 0x08 is the I bit (VNI valid). */
  readonly flags: number;
  /** VXLAN Network Identifier (24 bits). */
  readonly vni: number;
  /** The 24 reserved bits after the flags; present only when non-zero (lossless). */
  readonly reserved1?: number;
  /** The 8 reserved bits after the VNI; present only when non-zero (lossless). */
  readonly reserved2?: number;
}

/** A VXLAN-GPE header (draft-ietf-nvo3-vxlan-gpe §3.2). */
export interface VxlanGpeHeader {
  readonly layer: 'vxlan-gpe';
  /** The whole flags byte: |R|R|Ver|I|P|B|O| (default 0x0c: I and P). */
  readonly flags: number;
  /** Next protocol (8 bits): 1 IPv4, 2 IPv6, 3 Ethernet, 4 NSH, 5 MPLS. */
  readonly nextProtocol: number;
  /** VXLAN Network Identifier (24 bits). */
  readonly vni: number;
  /** The 16 reserved bits after the flags; present only when non-zero (lossless). */
  readonly reserved1?: number;
  /** The 8 reserved bits after the VNI; present only when non-zero (lossless). */
  readonly reserved2?: number;
}

/** Decodes a VXLAN header at `offset` (RFC 7348 §5). Throws `DecodeError` (`truncated`). */
export function decodeVxlan(buf: Uint8Array, offset = 0, end = buf.length): VxlanHeader {
  checkLength('vxlan', offset, end, VXLAN_HEADER_LEN);
  const h: { -readonly [K in keyof VxlanHeader]: VxlanHeader[K] } = {
    layer: 'vxlan',
    flags: buf[offset + VxlanField.FLAGS]!,
    vni: readU24BE(buf, offset + VxlanField.VNI),
  };
  const reserved1 = readU24BE(buf, offset + VxlanField.RESERVED1);
  const reserved2 = buf[offset + VxlanField.RESERVED2]!;
  if (reserved1) h.reserved1 = reserved1;
  if (reserved2) h.reserved2 = reserved2;
  return h;
}

/** Bytes a VXLAN header takes: always 8. */
export function vxlanEncodingLength(_h?: LayerInput<VxlanHeader>): number {
  return VXLAN_HEADER_LEN;
}

/** Writes a VXLAN header; returns 8 (RFC 7348 §5). Throws `EncodeError` before writing on a bad value (VNI ≥ 2^24, ...). */
export function encodeVxlan(h: LayerInput<VxlanHeader>, buf: Uint8Array, offset = 0, _ctx?: EncodeContext): number {
  const flags = uintOr('vxlan', 'flags', h.flags, 8, 0x08);
  const vni = uintOr('vxlan', 'vni', h.vni, 24, 0);
  const reserved1 = uintOr('vxlan', 'reserved1', h.reserved1, 24, 0);
  const reserved2 = uintOr('vxlan', 'reserved2', h.reserved2, 8, 0);
  buf[offset + VxlanField.FLAGS] = flags;
  writeU24BE(buf, offset + VxlanField.RESERVED1, reserved1);
  writeU24BE(buf, offset + VxlanField.VNI, vni);
  buf[offset + VxlanField.RESERVED2] = reserved2;
  return VXLAN_HEADER_LEN;
}

/** Decodes a VXLAN-GPE header at `offset` (draft-ietf-nvo3-vxlan-gpe §3.2). Throws `DecodeError` (`truncated`). */
export function decodeVxlanGpe(buf: Uint8Array, offset = 0, end = buf.length): VxlanGpeHeader {
  checkLength('vxlan-gpe', offset, end, VXLAN_GPE_HEADER_LEN);
  const h: { -readonly [K in keyof VxlanGpeHeader]: VxlanGpeHeader[K] } = {
    layer: 'vxlan-gpe',
    flags: buf[offset + VxlanGpeField.FLAGS]!,
    nextProtocol: buf[offset + VxlanGpeField.NEXT_PROTOCOL]!,
    vni: readU24BE(buf, offset + VxlanGpeField.VNI),
  };
  const reserved1 = readU16BE(buf, offset + VxlanGpeField.RESERVED1);
  const reserved2 = buf[offset + VxlanGpeField.RESERVED2]!;
  if (reserved1) h.reserved1 = reserved1;
  if (reserved2) h.reserved2 = reserved2;
  return h;
}

/** Bytes a VXLAN-GPE header takes: always 8. */
export function vxlanGpeEncodingLength(_h?: LayerInput<VxlanGpeHeader>): number {
  return VXLAN_GPE_HEADER_LEN;
}

/**
 * Writes a VXLAN-GPE header; returns 8 (draft-ietf-nvo3-vxlan-gpe §3.2). `nextProtocol` is derived from
 * the next layer through the `vxlan-gpe.np` table (0 when nothing follows). Throws `EncodeError` before
 * writing on a bad value.
 */
export function encodeVxlanGpe(h: LayerInput<VxlanGpeHeader>, buf: Uint8Array, offset = 0, ctx?: EncodeContext): number {
  const flags = uintOr('vxlan-gpe', 'flags', h.flags, 8, VXLAN_GPE_DEFAULT_FLAGS);
  const vni = uintOr('vxlan-gpe', 'vni', h.vni, 24, 0);
  const reserved1 = uintOr('vxlan-gpe', 'reserved1', h.reserved1, 16, 0);
  const reserved2 = uintOr('vxlan-gpe', 'reserved2', h.reserved2, 8, 0);
  const nextProtocol =
    h.nextProtocol === undefined
      ? nextValue(ctx, 'vxlan-gpe.np', 'vxlan-gpe', 'nextProtocol', 0)
      : checkUint('vxlan-gpe', 'nextProtocol', h.nextProtocol, 8);
  buf[offset + VxlanGpeField.FLAGS] = flags;
  writeU16BE(buf, offset + VxlanGpeField.RESERVED1, reserved1);
  buf[offset + VxlanGpeField.NEXT_PROTOCOL] = nextProtocol;
  writeU24BE(buf, offset + VxlanGpeField.VNI, vni);
  buf[offset + VxlanGpeField.RESERVED2] = reserved2;
  return VXLAN_GPE_HEADER_LEN;
}
