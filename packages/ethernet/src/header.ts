/**
 * Ethernet II (IEEE 802.3 clause 3.2.6 with an EtherType) and IEEE 802.1Q/802.1ad VLAN tags.
 *
 * ```text
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                   Destination MAC address                     |
 * +                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                               |                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
 * |                     Source MAC address                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           EtherType           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * VLAN tag (the TPID 0x8100 / 0x88a8 / 0x9100 is the EtherType before it):
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | PCP |D|        VID            |     Encapsulated EtherType    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 */
import {
  checkLength,
  checkUint,
  EncodeError,
  type EncodeContext,
  type LayerInput,
  macToString,
  macValue,
  nextLayer,
  nextValue,
  readU16BE,
  uintOr,
  writeMacValue,
  writeU16BE,
} from '@wirestack/core';
import { ETHERNET_HEADER_LEN, ETHERTYPE_NONE, EthernetField, VLAN_HEADER_LEN, VlanField } from './constants.js';

/** An Ethernet II header as the JSON contract writes it. */
export interface EthernetHeader {
  readonly layer: 'ethernet';
  /** Destination MAC, lower-case `aa:bb:cc:dd:ee:ff`. */
  readonly dst: string;
  /** Source MAC. */
  readonly src: string;
  /** EtherType of the payload (values ≤ 1500 are an IEEE 802.3 length). */
  readonly etherType: number;
}

/** An 802.1Q / 802.1ad tag. */
export interface VlanHeader {
  readonly layer: 'vlan';
  /** Priority code point (3 bits). */
  readonly pcp: number;
  /** Drop eligible indicator (1 bit, 0 or 1). */
  readonly dei: number;
  /** VLAN identifier (12 bits). */
  readonly vid: number;
  /** EtherType of what the tag encloses. */
  readonly etherType: number;
}

/** Decodes an Ethernet II header at `offset`. Throws `DecodeError` (`truncated`). */
export function decodeEthernet(buf: Uint8Array, offset = 0, end = buf.length): EthernetHeader {
  checkLength('ethernet', offset, end, ETHERNET_HEADER_LEN);
  return {
    layer: 'ethernet',
    dst: macToString(buf, offset + EthernetField.DST),
    src: macToString(buf, offset + EthernetField.SRC),
    etherType: readU16BE(buf, offset + EthernetField.ETHER_TYPE),
  };
}

/** Bytes an Ethernet II header takes: always 14. */
export function ethernetEncodingLength(_h?: LayerInput<EthernetHeader>): number {
  return ETHERNET_HEADER_LEN;
}

/** The EtherType that announces the next layer; an outer tag of a QinQ pair gets 0x88a8. */
function deriveEtherType(layer: string, ctx: EncodeContext | undefined): number {
  const next = nextLayer(ctx);
  if (ctx && next?.layer === 'vlan' && ctx.layers[ctx.index + 2]?.layer === 'vlan') return 0x88a8;
  return nextValue(ctx, 'ethertype', layer, 'etherType', ETHERTYPE_NONE);
}

/**
 * Writes an Ethernet II header; returns 14. A missing `etherType` is derived from the next layer in
 * `ctx` (0x9000 when nothing follows). Throws `EncodeError` before writing on a bad value.
 */
export function encodeEthernet(h: LayerInput<EthernetHeader>, buf: Uint8Array, offset = 0, ctx?: EncodeContext): number {
  const etherType = h.etherType === undefined ? deriveEtherType('ethernet', ctx) : checkUint('ethernet', 'etherType', h.etherType, 16);
  const dst = h.dst == null ? 0 : macValue(h.dst);
  if (dst < 0) throw new EncodeError({ layer: 'ethernet', field: 'dst', value: h.dst, message: 'not a MAC address' });
  const src = h.src == null ? 0 : macValue(h.src);
  if (src < 0) throw new EncodeError({ layer: 'ethernet', field: 'src', value: h.src, message: 'not a MAC address' });
  writeMacValue(dst, buf, offset + EthernetField.DST);
  writeMacValue(src, buf, offset + EthernetField.SRC);
  writeU16BE(buf, offset + EthernetField.ETHER_TYPE, etherType);
  return ETHERNET_HEADER_LEN;
}

/** Decodes a VLAN tag at `offset` (after the TPID). Throws `DecodeError` (`truncated`). */
export function decodeVlan(buf: Uint8Array, offset = 0, end = buf.length): VlanHeader {
  checkLength('vlan', offset, end, VLAN_HEADER_LEN);
  const tci = readU16BE(buf, offset + VlanField.TCI);
  return {
    layer: 'vlan',
    pcp: tci >>> 13,
    dei: (tci >>> 12) & 1,
    vid: tci & 0x0fff,
    etherType: readU16BE(buf, offset + VlanField.ETHER_TYPE),
  };
}

/** Bytes a VLAN tag takes after its TPID: always 4. */
export function vlanEncodingLength(_h?: LayerInput<VlanHeader>): number {
  return VLAN_HEADER_LEN;
}

/** Writes a VLAN tag; returns 4. Throws `EncodeError` before writing on a bad value. */
export function encodeVlan(h: LayerInput<VlanHeader>, buf: Uint8Array, offset = 0, ctx?: EncodeContext): number {
  const pcp = uintOr('vlan', 'pcp', h.pcp, 3, 0);
  const dei = uintOr('vlan', 'dei', h.dei, 1, 0);
  const vid = uintOr('vlan', 'vid', h.vid, 12, 0);
  const etherType = h.etherType === undefined ? deriveEtherType('vlan', ctx) : checkUint('vlan', 'etherType', h.etherType, 16);
  writeU16BE(buf, offset + VlanField.TCI, (pcp << 13) | (dei << 12) | vid);
  writeU16BE(buf, offset + VlanField.ETHER_TYPE, etherType);
  return VLAN_HEADER_LEN;
}
