/**
 * Linux cooked-capture pseudo-headers: LINKTYPE_LINUX_SLL (113) and LINKTYPE_LINUX_SLL2 (276)
 * (tcpdump.org linktypes/LINKTYPE_LINUX_SLL.html, LINKTYPE_LINUX_SLL2.html). Every field is big-endian.
 *
 * ```text
 * LINUX_SLL (16 bytes):
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          Packet type          |        ARPHRD_ type           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Link-layer address length    |                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
 * |             Link-layer address (8 bytes)                      |
 * +                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                               |         Protocol type         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * LINUX_SLL2 (20 bytes):
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Protocol type         |      Reserved (MBZ)           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                       Interface index                         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          ARPHRD_ type         |  Packet type  | Address length|
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |             Link-layer address (8 bytes)                      |
 * +                                                               +
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 */
import {
  checkHex,
  checkLength,
  checkUint,
  type EncodeContext,
  EncodeError,
  type LayerInput,
  type NextRef,
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
  ArphrdType,
  LINUX_SLL_HEADER_LEN,
  LINUX_SLL2_HEADER_LEN,
  LinuxSll2Field,
  LinuxSllField,
  SLL_ADDRESS_FIELD_LEN,
  SLL_MIN_ETHERTYPE,
} from './constants.js';

/** A LINKTYPE_LINUX_SLL header (field names are Wireshark's `sll.*`, camelCased). */
export interface LinuxSllHeader {
  readonly layer: 'linux-sll';
  /** `sll.pkttype`: 0 to us, 1 broadcast, 2 multicast, 3 to another host, 4 sent by us. */
  readonly packetType: number;
  /** `sll.hatype`: the Linux ARPHRD_ type of the interface (1 Ethernet, 772 loopback, ...). */
  readonly arphrdType: number;
  /** `sll.halen`: how many bytes of `address` are meaningful. */
  readonly addressLength: number;
  /** All 8 bytes of the address field as hex (`sll.src.*` is the first `addressLength`, `sll.unused` the rest). */
  readonly address: string;
  /** `sll.etype` (an EtherType, ≥ 0x0600) or `sll.ltype` (a Linux pseudo-protocol, below 0x0600). */
  readonly protocol: number;
}

/** A LINKTYPE_LINUX_SLL2 header. */
export interface LinuxSll2Header {
  readonly layer: 'linux-sll2';
  /** `sll.etype` / `sll.ltype`, as in SLL. */
  readonly protocol: number;
  /** The reserved (must be zero) 16 bits, kept as found. */
  readonly reserved: number;
  /** `sll.ifindex`: the Linux interface index. */
  readonly interfaceIndex: number;
  /** `sll.hatype`. */
  readonly arphrdType: number;
  /** `sll.pkttype` (8 bits here). */
  readonly packetType: number;
  /** `sll.halen` (8 bits here). */
  readonly addressLength: number;
  /** All 8 bytes of the address field as hex. */
  readonly address: string;
}

/** EtherType written when nothing follows an SLL header (as for Ethernet: 0x9000). */
export const SLL_PROTOCOL_NONE = 0x9000;

/**
 * Where an SLL / SLL2 payload goes. Netlink captures (ARPHRD_NETLINK, 824) and protocol values below
 * 0x0600 (Linux pseudo-protocols: 0x0001 Novell 802.3, 0x0003 frames with their own link header,
 * 0x0004 802.2 LLC, 0x0007 PPP HDLC, 0x000c CAN, ...) carry no EtherType-framed payload: raw. Anything
 * else is an EtherType (for ARPHRD_IPGRE the GRE protocol type, which is one too).
 */
export function sllNext(arphrdType: number, protocol: number): NextRef | undefined {
  if (arphrdType === ArphrdType.NETLINK || protocol < SLL_MIN_ETHERTYPE) return undefined;
  return { table: 'ethertype', value: protocol };
}

/** Validated address hex, zero-padded on the right to the 8-byte field. */
function addressField(layer: string, v: unknown): string {
  const hex = checkHex(layer, 'address', v);
  if (hex.length > 2 * SLL_ADDRESS_FIELD_LEN)
    throw new EncodeError({ layer, field: 'address', value: v, message: `at most ${SLL_ADDRESS_FIELD_LEN} bytes` });
  return hex.padEnd(2 * SLL_ADDRESS_FIELD_LEN, '0');
}

function deriveProtocol(layer: string, h: { protocol?: number | undefined }, ctx: EncodeContext | undefined): number {
  return h.protocol === undefined
    ? nextValue(ctx, 'ethertype', layer, 'protocol', SLL_PROTOCOL_NONE)
    : checkUint(layer, 'protocol', h.protocol, 16);
}

/** Decodes a LINKTYPE_LINUX_SLL header. Throws `DecodeError` (`truncated`). */
export function decodeLinuxSll(buf: Uint8Array, offset = 0, end = buf.length): LinuxSllHeader {
  checkLength('linux-sll', offset, end, LINUX_SLL_HEADER_LEN);
  return {
    layer: 'linux-sll',
    packetType: readU16BE(buf, offset + LinuxSllField.PACKET_TYPE),
    arphrdType: readU16BE(buf, offset + LinuxSllField.ARPHRD_TYPE),
    addressLength: readU16BE(buf, offset + LinuxSllField.ADDRESS_LENGTH),
    address: toHex(buf, offset + LinuxSllField.ADDRESS, offset + LinuxSllField.ADDRESS + SLL_ADDRESS_FIELD_LEN),
    protocol: readU16BE(buf, offset + LinuxSllField.PROTOCOL),
  };
}

/** Bytes a LINKTYPE_LINUX_SLL header takes: always 16. */
export function linuxSllEncodingLength(_h?: LayerInput<LinuxSllHeader>): number {
  return LINUX_SLL_HEADER_LEN;
}

/**
 * Writes a LINKTYPE_LINUX_SLL header; returns 16. Defaults: packetType 0, arphrdType 1 (Ethernet),
 * addressLength 6, address zero (a shorter address is zero-padded to 8 bytes). `protocol` left out is
 * the EtherType of the next layer (0x9000 when nothing follows). Throws `EncodeError` before writing.
 */
export function encodeLinuxSll(h: LayerInput<LinuxSllHeader>, buf: Uint8Array, offset = 0, ctx?: EncodeContext): number {
  const packetType = uintOr('linux-sll', 'packetType', h.packetType, 16, 0);
  const arphrdType = uintOr('linux-sll', 'arphrdType', h.arphrdType, 16, ArphrdType.ETHER);
  const addressLength = uintOr('linux-sll', 'addressLength', h.addressLength, 16, 6);
  const address = addressField('linux-sll', h.address);
  const protocol = deriveProtocol('linux-sll', h, ctx);
  writeU16BE(buf, offset + LinuxSllField.PACKET_TYPE, packetType);
  writeU16BE(buf, offset + LinuxSllField.ARPHRD_TYPE, arphrdType);
  writeU16BE(buf, offset + LinuxSllField.ADDRESS_LENGTH, addressLength);
  writeHex(address, buf, offset + LinuxSllField.ADDRESS);
  writeU16BE(buf, offset + LinuxSllField.PROTOCOL, protocol);
  return LINUX_SLL_HEADER_LEN;
}

/** Decodes a LINKTYPE_LINUX_SLL2 header. Throws `DecodeError` (`truncated`). */
export function decodeLinuxSll2(buf: Uint8Array, offset = 0, end = buf.length): LinuxSll2Header {
  checkLength('linux-sll2', offset, end, LINUX_SLL2_HEADER_LEN);
  return {
    layer: 'linux-sll2',
    protocol: readU16BE(buf, offset + LinuxSll2Field.PROTOCOL),
    reserved: readU16BE(buf, offset + LinuxSll2Field.RESERVED),
    interfaceIndex: readU32BE(buf, offset + LinuxSll2Field.INTERFACE_INDEX),
    arphrdType: readU16BE(buf, offset + LinuxSll2Field.ARPHRD_TYPE),
    packetType: buf[offset + LinuxSll2Field.PACKET_TYPE]!,
    addressLength: buf[offset + LinuxSll2Field.ADDRESS_LENGTH]!,
    address: toHex(buf, offset + LinuxSll2Field.ADDRESS, offset + LinuxSll2Field.ADDRESS + SLL_ADDRESS_FIELD_LEN),
  };
}

/** Bytes a LINKTYPE_LINUX_SLL2 header takes: always 20. */
export function linuxSll2EncodingLength(_h?: LayerInput<LinuxSll2Header>): number {
  return LINUX_SLL2_HEADER_LEN;
}

/**
 * Writes a LINKTYPE_LINUX_SLL2 header; returns 20. Defaults as {@link encodeLinuxSll}, plus reserved 0 and
 * interfaceIndex 0. Throws `EncodeError` before writing.
 */
export function encodeLinuxSll2(h: LayerInput<LinuxSll2Header>, buf: Uint8Array, offset = 0, ctx?: EncodeContext): number {
  const protocol = deriveProtocol('linux-sll2', h, ctx);
  const reserved = uintOr('linux-sll2', 'reserved', h.reserved, 16, 0);
  const interfaceIndex = uintOr('linux-sll2', 'interfaceIndex', h.interfaceIndex, 32, 0);
  const arphrdType = uintOr('linux-sll2', 'arphrdType', h.arphrdType, 16, ArphrdType.ETHER);
  const packetType = uintOr('linux-sll2', 'packetType', h.packetType, 8, 0);
  const addressLength = uintOr('linux-sll2', 'addressLength', h.addressLength, 8, 6);
  const address = addressField('linux-sll2', h.address);
  writeU16BE(buf, offset + LinuxSll2Field.PROTOCOL, protocol);
  writeU16BE(buf, offset + LinuxSll2Field.RESERVED, reserved);
  writeU32BE(buf, offset + LinuxSll2Field.INTERFACE_INDEX, interfaceIndex);
  writeU16BE(buf, offset + LinuxSll2Field.ARPHRD_TYPE, arphrdType);
  buf[offset + LinuxSll2Field.PACKET_TYPE] = packetType;
  buf[offset + LinuxSll2Field.ADDRESS_LENGTH] = addressLength;
  writeHex(address, buf, offset + LinuxSll2Field.ADDRESS);
  return LINUX_SLL2_HEADER_LEN;
}
