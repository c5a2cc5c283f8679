/**
 * ARP (RFC 826), for any hardware and protocol address sizes.
 *
 * ```text
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Hardware Type         |         Protocol Type         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  HW Addr Len  | Proto Addr Len|            Opcode             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |        Sender Hardware Address (HW Addr Len bytes)            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |        Sender Protocol Address (Proto Addr Len bytes)         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |        Target Hardware Address (HW Addr Len bytes)            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |        Target Protocol Address (Proto Addr Len bytes)         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 *
 * Ethernet/IPv4 ARP is 28 bytes; a frame pads it to 60, and those bytes are not ARP's (see `datagramLength`
 * of the codec: they become the packet's trailer, or a `padding` layer inside a tunnel).
 */
import {
  checkLength,
  checkUint,
  DecodeError,
  type EncodeContext,
  EncodeError,
  type LayerInput,
  readU16BE,
  uintOr,
  writeU16BE,
} from '@wirestack/core';
import { type ArpAddressKind, arpAddressSize, canonicalArpAddress, formatArpAddress, writeArpAddress } from './address.js';
import { ARP_FIXED_LEN, ARP_IPV4_SIZE, ARP_MAC_SIZE, ArpField, ArpHardwareType, ArpOpcode } from './constants.js';

/**
 * An ARP packet as a plain, lossless object (RFC 826). Field names are Wireshark's `arp.*` names,
 * camelCased. Hardware addresses of 6 bytes are MAC text and protocol addresses of 4 bytes dotted quads;
 * addresses of any other size are lower-case hex, so nothing is lost.
 */
export interface ArpHeader {
  readonly layer: 'arp';
  /** `arp.hw.type`: 1 Ethernet. */
  readonly hwType: number;
  /** `arp.proto.type`: an EtherType, 0x0800 IPv4. */
  readonly protoType: number;
  /** `arp.hw.size`: bytes in each hardware address. */
  readonly hwSize: number;
  /** `arp.proto.size`: bytes in each protocol address. */
  readonly protoSize: number;
  /** `arp.opcode`: 1 request, 2 reply (see `arpOpcodeName`). */
  readonly opcode: number;
  /** `arp.src.hw_mac`: sender hardware address. */
  readonly senderMac: string;
  /** `arp.src.proto_ipv4`: sender protocol address. */
  readonly senderIp: string;
  /** `arp.dst.hw_mac`: target hardware address. */
  readonly targetMac: string;
  /** `arp.dst.proto_ipv4`: target protocol address. */
  readonly targetIp: string;
}

/** Bytes an ARP packet with these address sizes takes: 8 + 2 × (hwSize + protoSize) (RFC 826). */
export function arpLength(hwSize: number, protoSize: number): number {
  return ARP_FIXED_LEN + 2 * (hwSize + protoSize);
}

/** The length in bytes of the ARP packet at `offset`, read from its two size bytes. Throws `DecodeError` (`truncated`). */
export function arpHeaderLength(buf: Uint8Array, offset = 0, end = buf.length): number {
  checkLength('arp', offset, end, ARP_FIXED_LEN);
  return arpLength(buf[offset + ArpField.HW_SIZE]!, buf[offset + ArpField.PROTO_SIZE]!);
}

/** Decodes the ARP packet at `offset`, reading nothing at or past `end` (RFC 826). Throws `DecodeError` (`truncated`). */
export function decodeArp(buf: Uint8Array, offset = 0, end = buf.length): ArpHeader {
  checkLength('arp', offset, end, ARP_FIXED_LEN);
  const hl = buf[offset + ArpField.HW_SIZE]!;
  const pl = buf[offset + ArpField.PROTO_SIZE]!;
  const n = arpLength(hl, pl);
  if (end - offset < n) throw new DecodeError({ code: 'truncated', layer: 'arp', offset, required: n, actual: Math.max(0, end - offset) });
  let o = offset + ArpField.ADDRESSES;
  const senderMac = formatArpAddress('mac', buf, o, hl);
  o += hl;
  const senderIp = formatArpAddress('ip', buf, o, pl);
  o += pl;
  const targetMac = formatArpAddress('mac', buf, o, hl);
  o += hl;
  const targetIp = formatArpAddress('ip', buf, o, pl);
  return {
    layer: 'arp',
    hwType: readU16BE(buf, offset + ArpField.HW_TYPE),
    protoType: readU16BE(buf, offset + ArpField.PROTO_TYPE),
    hwSize: hl,
    protoSize: pl,
    opcode: readU16BE(buf, offset + ArpField.OPCODE),
    senderMac,
    senderIp,
    targetMac,
    targetIp,
  };
}

interface Sizes {
  hwSize: number;
  protoSize: number;
}

/**
 * One address size: `hwSize`/`protoSize` when given (each given address must then be that long), else the
 * size of the sender address, else the target's, else `dflt`. The two addresses must agree.
 */
function sizeOf(h: LayerInput<ArpHeader>, kind: ArpAddressKind, sizeField: 'hwSize' | 'protoSize', dflt: number): number {
  const [a, b] = kind === 'mac' ? (['senderMac', 'targetMac'] as const) : (['senderIp', 'targetIp'] as const);
  const given = h[sizeField] === undefined ? undefined : checkUint('arp', sizeField, h[sizeField], 8);
  let size = given;
  for (const f of [a, b]) {
    const v = h[f];
    if (v === undefined) continue;
    const n = arpAddressSize(kind, f, v);
    if (size === undefined) size = n;
    else if (n !== size)
      throw new EncodeError({
        layer: 'arp',
        field: f,
        value: v,
        message: `is ${n} bytes, but ${given !== undefined ? `${sizeField} is ${given}` : `the other address is ${size} bytes`}`,
      });
  }
  return size ?? dflt;
}

function sizes(h: LayerInput<ArpHeader>): Sizes {
  return { hwSize: sizeOf(h, 'mac', 'hwSize', ARP_MAC_SIZE), protoSize: sizeOf(h, 'ip', 'protoSize', ARP_IPV4_SIZE) };
}

/** Bytes `encodeArp` writes for `h`: 8 + 2 × (hwSize + protoSize). Throws `EncodeError` on malformed addresses. */
export function arpEncodingLength(h: LayerInput<ArpHeader>): number {
  const s = sizes(h);
  return arpLength(s.hwSize, s.protoSize);
}

/**
 * Writes an ARP packet (RFC 826); returns its length. `hwSize`/`protoSize` are derived from the addresses
 * when left out (MAC text 6, dotted quad 4, hex its length; 6 and 4 when no address is given); missing
 * addresses are zero. Defaults: `hwType` 1 (Ethernet), `protoType` 0x0800, `opcode` 1 (request). Every value
 * is checked before any byte is written (`EncodeError` naming the field). Never mutates `h`.
 */
export function encodeArp(h: LayerInput<ArpHeader>, buf: Uint8Array, offset = 0, _ctx?: EncodeContext): number {
  const { hwSize, protoSize } = sizes(h);
  const hwType = uintOr('arp', 'hwType', h.hwType, 16, ArpHardwareType.Ethernet);
  const protoType = uintOr('arp', 'protoType', h.protoType, 16, 0x0800);
  const opcode = uintOr('arp', 'opcode', h.opcode, 16, ArpOpcode.Request);
  const n = arpLength(hwSize, protoSize);
  writeU16BE(buf, offset + ArpField.HW_TYPE, hwType);
  writeU16BE(buf, offset + ArpField.PROTO_TYPE, protoType);
  buf[offset + ArpField.HW_SIZE] = hwSize;
  buf[offset + ArpField.PROTO_SIZE] = protoSize;
  writeU16BE(buf, offset + ArpField.OPCODE, opcode);
  let o = offset + ArpField.ADDRESSES;
  const put = (kind: ArpAddressKind, field: 'senderMac' | 'senderIp' | 'targetMac' | 'targetIp', size: number) => {
    const v = h[field];
    if (v === undefined) buf.fill(0, o, o + size);
    else writeArpAddress(kind, field, v, buf, o);
    o += size;
  };
  put('mac', 'senderMac', hwSize);
  put('ip', 'senderIp', protoSize);
  put('mac', 'targetMac', hwSize);
  put('ip', 'targetIp', protoSize);
  return n;
}

/** What {@link arpRequest} needs: who asks, and for which address. */
export interface ArpRequestInit {
  /** The asker's MAC (written as sender hardware address, and used by the reply as its target). */
  readonly senderMac: string;
  /** The asker's IPv4 address. */
  readonly senderIp: string;
  /** The IPv4 address whose MAC is asked for. */
  readonly targetIp: string;
  /** The target hardware address of the request (default `00:00:00:00:00:00`, RFC 5227 §2.1.1 and common practice). */
  readonly targetMac?: string;
}

/**
 * An Ethernet/IPv4 ARP request (RFC 826 "who has targetIp? tell senderIp"), as a complete header object with
 * canonical address text. Throws `EncodeError` on malformed addresses.
 */
export function arpRequest(init: ArpRequestInit): ArpHeader {
  return {
    layer: 'arp',
    hwType: ArpHardwareType.Ethernet,
    protoType: 0x0800,
    hwSize: ARP_MAC_SIZE,
    protoSize: ARP_IPV4_SIZE,
    opcode: ArpOpcode.Request,
    senderMac: macText('senderMac', init.senderMac),
    senderIp: ipText('senderIp', init.senderIp),
    targetMac: macText('targetMac', init.targetMac ?? '00:00:00:00:00:00'),
    targetIp: ipText('targetIp', init.targetIp),
  };
}

/**
 * The reply to an ARP request (RFC 826, "Packet Reception"): opcode 2, sender = (`myMac`, the requested
 * address), target = the requester's addresses; hardware/protocol types and sizes as in the request.
 * `myMac` must have the request's hardware address size. Throws `EncodeError` on a malformed `myMac`.
 */
export function arpReply(
  request: LayerInput<ArpHeader> & Pick<ArpHeader, 'senderMac' | 'senderIp' | 'targetIp'>,
  myMac: string,
): ArpHeader {
  const s = sizes(request);
  const mac = canonicalArpAddress('mac', 'senderMac', myMac);
  const reply = {
    layer: 'arp' as const,
    hwType: request.hwType ?? ArpHardwareType.Ethernet,
    protoType: request.protoType ?? 0x0800,
    hwSize: s.hwSize,
    protoSize: s.protoSize,
    opcode: ArpOpcode.Reply,
    senderMac: mac,
    senderIp: canonicalArpAddress('ip', 'senderIp', request.targetIp),
    targetMac: canonicalArpAddress('mac', 'targetMac', request.senderMac),
    targetIp: canonicalArpAddress('ip', 'targetIp', request.senderIp),
  };
  sizes(reply); // myMac must fit the request's hardware size
  return reply;
}

function macText(field: string, v: string): string {
  const t = canonicalArpAddress('mac', field, v);
  if (t.length !== 17) throw new EncodeError({ layer: 'arp', field, value: v, message: 'must be a 6-byte MAC address' });
  return t;
}

function ipText(field: string, v: string): string {
  const t = canonicalArpAddress('ip', field, v);
  if (!t.includes('.')) throw new EncodeError({ layer: 'arp', field, value: v, message: 'must be a dotted-quad IPv4 address' });
  return t;
}
