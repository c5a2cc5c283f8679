/**
 * UDP (RFC 768), with the IPv6 pseudo-header of RFC 8200 §8.1.
 *
 * ```text
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          Source Port          |       Destination Port        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |            Length             |           Checksum            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 */
import {
  checkLength,
  type EncodeContext,
  EncodeError,
  type FinishContext,
  type LayerInput,
  type LayerObject,
  nextLayer,
  nextValue,
  readU16BE,
  uintOr,
  writeU16BE,
} from '@wirestack/core';
import { udpChecksum } from './checksum.js';
import { TUNNEL_SOURCE_PORT_COUNT, TUNNEL_SOURCE_PORT_MIN, UDP_HEADER_LEN, UDP_MAX_LENGTH, UdpField } from './constants.js';

/** A UDP header as the JSON contract writes it (RFC 768). */
export interface UdpHeader {
  readonly layer: 'udp';
  readonly srcPort: number;
  readonly dstPort: number;
  /** Header plus payload, in bytes. */
  readonly length: number;
  /** Checksum over the pseudo-header, header and payload; 0 means "none". */
  readonly checksum: number;
}

/** Decodes the UDP header at `offset`, reading nothing at or past `end` (RFC 768). Throws `DecodeError` (`truncated`). */
export function decodeUdp(buf: Uint8Array, offset = 0, end = buf.length): UdpHeader {
  checkLength('udp', offset, end, UDP_HEADER_LEN);
  return {
    layer: 'udp',
    srcPort: readU16BE(buf, offset + UdpField.SRC_PORT),
    dstPort: readU16BE(buf, offset + UdpField.DST_PORT),
    length: readU16BE(buf, offset + UdpField.LENGTH),
    checksum: readU16BE(buf, offset + UdpField.CHECKSUM),
  };
}

/** Bytes a UDP header takes: always 8 (RFC 768). */
export function udpEncodingLength(_h?: LayerInput<UdpHeader>): number {
  return UDP_HEADER_LEN;
}

/** The length in bytes of a UDP header: always 8 (RFC 768). */
export function udpHeaderLength(_buf?: Uint8Array, _offset?: number): number {
  return UDP_HEADER_LEN;
}

/** Fields of the inner layers that identify a flow, in the order they are hashed. */
const FLOW_FIELDS = ['src', 'dst', 'srcPort', 'dstPort', 'protocol', 'nextHeader'] as const;

const utf8 = new TextEncoder();

/**
 * The source port for a UDP tunnel (RFC 7348 §5): a hash of the inner flow in the dynamic range
 * 49152..65535. `layers` are the layers inside the tunnel (after the vxlan/geneve/mpls layer). The text
 * hashed joins with `|` the values of `src`, `dst`, `srcPort`, `dstPort`, `protocol`, `nextHeader` that each
 * layer gives, in that order, layer after layer; the hash is 32-bit FNV-1a over its UTF-8 bytes, and the port
 * is 49152 + hash mod 16384. The same inner flow always gets the same port.
 */
export function udpTunnelSourcePort(layers: readonly LayerObject[]): number {
  const parts: string[] = [];
  for (const l of layers) for (const f of FLOW_FIELDS) if (l[f] !== undefined) parts.push(String(l[f]));
  const bytes = utf8.encode(parts.join('|'));
  let hash = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) hash = Math.imul(hash ^ bytes[i]!, 0x01000193) >>> 0;
  return TUNNEL_SOURCE_PORT_MIN + (hash % TUNNEL_SOURCE_PORT_COUNT);
}

/** The derived source port: a flow hash when the next layer is a tunnel with a `udp.port` binding, else 0. */
function deriveSrcPort(ctx: EncodeContext | undefined): number {
  const next = nextLayer(ctx);
  if (!ctx || !next || ctx.registry.valueFor('udp.port', next.layer) === undefined) return 0;
  return udpTunnelSourcePort(ctx.layers.slice(ctx.index + 2));
}

/**
 * Writes a UDP header (RFC 768); returns 8. `dstPort` is derived from the next layer's `udp.port` binding
 * (0 when nothing or `raw` follows); `srcPort` from {@link udpTunnelSourcePort} when the next layer is a tunnel,
 * else 0. `length` and `checksum` are written as given, else as 0 for {@link finishUdp}. Every value is checked
 * before any byte is written (`EncodeError` naming the field). Never mutates `h`.
 */
export function encodeUdp(h: LayerInput<UdpHeader>, buf: Uint8Array, offset = 0, ctx?: EncodeContext): number {
  const dstPort = h.dstPort === undefined ? nextValue(ctx, 'udp.port', 'udp', 'dstPort', 0) : uintOr('udp', 'dstPort', h.dstPort, 16, 0);
  const srcPort = h.srcPort === undefined ? deriveSrcPort(ctx) : uintOr('udp', 'srcPort', h.srcPort, 16, 0);
  const length = uintOr('udp', 'length', h.length, 16, 0);
  const checksum = uintOr('udp', 'checksum', h.checksum, 16, 0);
  writeU16BE(buf, offset + UdpField.SRC_PORT, srcPort);
  writeU16BE(buf, offset + UdpField.DST_PORT, dstPort);
  writeU16BE(buf, offset + UdpField.LENGTH, length);
  writeU16BE(buf, offset + UdpField.CHECKSUM, checksum);
  return UDP_HEADER_LEN;
}

/**
 * Optional switches of the fix-up pass (gopacket's `FixLengths` / `ComputeChecksums`). The stack engine
 * may pass them on its `FinishContext`; both default to `true`.
 */
export interface UdpFinishSwitches {
  readonly fixLengths?: boolean;
  readonly computeChecksums?: boolean;
}

/**
 * The inside-out pass for UDP: when `h` leaves them out, writes `length` as `ctx.end − offset` (RFC 768) and
 * then the checksum over the pseudo-header of `ctx.network` (IPv4, RFC 768; IPv6, RFC 8200 §8.1) with the
 * `length` field as the upper-layer length, covering the datagram up to `min(offset + length, ctx.end)`.
 * Without an IPv4/IPv6 network header the checksum is 0 ("none"); a computed 0 is written as 0xffff.
 * Throws `EncodeError` when the datagram is longer than 65535 bytes.
 */
export function finishUdp(h: LayerInput<UdpHeader>, buf: Uint8Array, offset: number, ctx: FinishContext & UdpFinishSwitches): void {
  if (h.length === undefined && ctx.fixLengths !== false) {
    const length = ctx.end - offset;
    if (length > UDP_MAX_LENGTH)
      throw new EncodeError({
        layer: 'udp',
        field: 'length',
        value: length,
        message: `datagram of ${length} bytes exceeds ${UDP_MAX_LENGTH}`,
      });
    writeU16BE(buf, offset + UdpField.LENGTH, length);
  }
  if (h.checksum === undefined && ctx.computeChecksums !== false) {
    const length = readU16BE(buf, offset + UdpField.LENGTH);
    const c = udpChecksum(buf, offset, length, ctx.network, Math.min(offset + length, ctx.end));
    writeU16BE(buf, offset + UdpField.CHECKSUM, c ?? 0);
  }
}
