/** The `icmp` (RFC 792) and `icmpv6` (RFC 4443) layer codecs for registries and stacks. */
import type { DecodeContext, LayerCodec } from '@wirestack/core';
import { icmpChecksum, icmpMessageIncomplete, icmpv6Checksum } from './checksum.js';
import { ICMP_ERROR_TYPES, ICMP_HEADER_LEN, ICMP_PROTOCOL, ICMPV6_ERROR_TYPES, ICMPV6_NEXT_HEADER } from './constants.js';
import {
  decodeIcmp,
  decodeIcmpv6,
  encodeIcmp,
  encodeIcmpv6,
  finishIcmp,
  finishIcmpv6,
  type IcmpHeader,
  type Icmpv6Header,
  icmpEncodingLength,
} from './header.js';

const hasBody = (ctx: DecodeContext): boolean => ctx.end > ctx.payloadOffset;

/**
 * ICMP (RFC 792). Reached by IP protocol 1. The body of an error (destination unreachable, source quench,
 * redirect, time exceeded, parameter problem) is the quoted IPv4 packet, decoded as `ipv4` (as Wireshark
 * does); every other body is raw. The checksum covers the message to the end of the IP datagram; it is not
 * checked when only part of the message is present (a fragment, a quote inside another error).
 */
export const icmp: LayerCodec<IcmpHeader> = {
  id: 'icmp',
  minLength: ICMP_HEADER_LEN,
  fields: [
    {
      name: 'type',
      kind: 'uint',
      bits: 8,
      default: 8,
      doc: '8 echo request, 0 echo reply, 3 unreachable, 11 time exceeded (icmpTypeName)',
    },
    { name: 'code', kind: 'uint', bits: 8, default: 0, doc: 'icmpCodeName' },
    { name: 'checksum', kind: 'uint', bits: 16, derived: true, doc: 'over the ICMP message' },
    { name: 'identifier', kind: 'uint', bits: 16, optional: true, default: 0, doc: 'types 0, 8, 13-18 only' },
    { name: 'sequence', kind: 'uint', bits: 16, optional: true, default: 0, doc: 'types 0, 8, 13-18 only' },
    { name: 'rest', kind: 'hex', optional: true, default: '00000000', doc: 'the 4 rest-of-header bytes of every other type' },
  ],
  binds: [{ table: 'ip.proto', value: ICMP_PROTOCOL }],
  decode: decodeIcmp,
  headerLength: () => ICMP_HEADER_LEN,
  next: (h, ctx) => (ICMP_ERROR_TYPES.has(h.type) && hasBody(ctx) ? { layer: 'ipv4', quoted: true } : undefined),
  verify: (h, buf, offset, vctx) =>
    icmpMessageIncomplete(buf, offset, vctx.end, vctx.network) || icmpChecksum(buf, offset, vctx.end) === h.checksum,
  encodingLength: icmpEncodingLength,
  encode: encodeIcmp,
  finish: finishIcmp,
};

/**
 * ICMPv6 (RFC 4443). Reached by IPv6 next header 58. The body of an error (destination unreachable, packet
 * too big, time exceeded, parameter problem) is the quoted IPv6 packet, decoded as `ipv6`; every other body
 * (echo data, Neighbor Discovery) is raw. The checksum covers the IPv6 pseudo-header and the message.
 */
export const icmpv6: LayerCodec<Icmpv6Header> = {
  id: 'icmpv6',
  minLength: ICMP_HEADER_LEN,
  fields: [
    {
      name: 'type',
      kind: 'uint',
      bits: 8,
      default: 128,
      doc: '128 echo request, 129 echo reply, 135 neighbor solicitation (icmpv6TypeName)',
    },
    { name: 'code', kind: 'uint', bits: 8, default: 0, doc: 'icmpv6CodeName' },
    { name: 'checksum', kind: 'uint', bits: 16, derived: true, doc: 'over the IPv6 pseudo-header and the message' },
    { name: 'identifier', kind: 'uint', bits: 16, optional: true, default: 0, doc: 'types 128, 129 only' },
    { name: 'sequence', kind: 'uint', bits: 16, optional: true, default: 0, doc: 'types 128, 129 only' },
    { name: 'rest', kind: 'hex', optional: true, default: '00000000', doc: 'the 4 rest-of-header bytes of every other type' },
  ],
  binds: [{ table: 'ip.proto', value: ICMPV6_NEXT_HEADER }],
  decode: decodeIcmpv6,
  headerLength: () => ICMP_HEADER_LEN,
  next: (h, ctx) => (ICMPV6_ERROR_TYPES.has(h.type) && hasBody(ctx) ? { layer: 'ipv6', quoted: true } : undefined),
  verify: (h, buf, offset, vctx) => {
    if (icmpMessageIncomplete(buf, offset, vctx.end, vctx.network)) return true;
    const c = icmpv6Checksum(buf, offset, vctx.end, vctx.network);
    return c === undefined || c === h.checksum;
  },
  encodingLength: icmpEncodingLength,
  encode: encodeIcmpv6,
  finish: finishIcmpv6,
};
