/** The `ipv6` layer codec and the four extension header codecs, for registries and stacks (RFC 8200). */
import type { LayerCodec, LayerInput, NextRef } from '@wirestack/core';
import { IPV6_EXTENSION_MIN_LEN, IPV6_FRAGMENT_HEADER_LEN, IPV6_HEADER_LEN } from './constants.js';
import {
  decodeIpv6DestinationOptions,
  decodeIpv6Fragment,
  decodeIpv6HopByHop,
  decodeIpv6Routing,
  encodeIpv6Fragment,
  encodeIpv6Options,
  encodeIpv6Routing,
  type Ipv6DestinationOptionsHeader,
  type Ipv6FragmentHeader,
  type Ipv6HopByHopHeader,
  type Ipv6RoutingHeader,
  ipv6FragmentEncodingLength,
  ipv6OptionsEncodingLength,
  ipv6RoutingEncodingLength,
} from './extensions.js';
import { decodeIpv6, encodeIpv6, finishIpv6, type Ipv6Header, ipv6DatagramLength, ipv6EncodingLength } from './header.js';

const byNextHeader = (h: { nextHeader: number }): NextRef => ({ table: 'ip.proto', value: h.nextHeader });

/** IPv6 (RFC 8200 §3). Reached by EtherType 0x86dd and IP protocol 41 (6in4 / 6in6, RFC 4213 / RFC 2473). */
export const ipv6: LayerCodec<Ipv6Header> = {
  id: 'ipv6',
  minLength: IPV6_HEADER_LEN,
  network: true,
  fields: [
    { name: 'version', kind: 'uint', bits: 4, default: 6 },
    { name: 'trafficClass', kind: 'uint', bits: 8, default: 0 },
    { name: 'flowLabel', kind: 'uint', bits: 20, default: 0 },
    { name: 'payloadLength', kind: 'uint', bits: 16, derived: true },
    { name: 'nextHeader', kind: 'uint', bits: 8, derived: true, doc: '59 (no next header) when nothing or raw follows' },
    { name: 'hopLimit', kind: 'uint', bits: 8, default: 64 },
    { name: 'src', kind: 'ipv6', default: '::' },
    { name: 'dst', kind: 'ipv6', default: '::' },
  ],
  binds: [
    { table: 'ethertype', value: 0x86dd },
    { table: 'ip.proto', value: 41 },
  ],
  decode: decodeIpv6,
  headerLength: () => IPV6_HEADER_LEN,
  next: byNextHeader,
  datagramLength: ipv6DatagramLength,
  encodingLength: ipv6EncodingLength,
  encode: encodeIpv6,
  finish: finishIpv6,
};

const optionsFields = [
  { name: 'nextHeader', kind: 'uint', bits: 8, derived: true },
  {
    name: 'options',
    kind: 'hex',
    default: '',
    doc: 'every byte after the 2-byte header, padding included; padded with Pad1/PadN to a multiple of 8 when encoding',
  },
] as const;

/** Hop-by-Hop Options header (RFC 8200 §4.3). Reached by Next Header 0. */
export const ipv6HopByHop: LayerCodec<Ipv6HopByHopHeader> = {
  id: 'ipv6-hop-by-hop',
  minLength: IPV6_EXTENSION_MIN_LEN,
  fields: optionsFields,
  binds: [{ table: 'ip.proto', value: 0 }],
  decode: decodeIpv6HopByHop,
  headerLength: (h) => 2 + (h.options.length >>> 1),
  next: byNextHeader,
  encodingLength: ipv6OptionsEncodingLength,
  encode: (h: LayerInput<Ipv6HopByHopHeader>, buf, offset = 0, ctx) => encodeIpv6Options(h, buf, offset, ctx),
};

/** Destination Options header (RFC 8200 §4.6). Reached by Next Header 60. */
export const ipv6DestinationOptions: LayerCodec<Ipv6DestinationOptionsHeader> = {
  id: 'ipv6-destination-options',
  minLength: IPV6_EXTENSION_MIN_LEN,
  fields: optionsFields,
  binds: [{ table: 'ip.proto', value: 60 }],
  decode: decodeIpv6DestinationOptions,
  headerLength: (h) => 2 + (h.options.length >>> 1),
  next: byNextHeader,
  encodingLength: ipv6OptionsEncodingLength,
  encode: (h: LayerInput<Ipv6DestinationOptionsHeader>, buf, offset = 0, ctx) => encodeIpv6Options(h, buf, offset, ctx),
};

/** Routing header (RFC 8200 §4.4). Reached by Next Header 43. */
export const ipv6Routing: LayerCodec<Ipv6RoutingHeader> = {
  id: 'ipv6-routing',
  minLength: IPV6_EXTENSION_MIN_LEN,
  fields: [
    { name: 'nextHeader', kind: 'uint', bits: 8, derived: true },
    { name: 'routingType', kind: 'uint', bits: 8, default: 0 },
    { name: 'segmentsLeft', kind: 'uint', bits: 8, default: 0 },
    { name: 'data', kind: 'hex', default: '00000000', doc: 'every byte after the first 4; 4 + its length must be a multiple of 8' },
  ],
  binds: [{ table: 'ip.proto', value: 43 }],
  decode: decodeIpv6Routing,
  headerLength: (h) => 4 + (h.data.length >>> 1),
  next: byNextHeader,
  encodingLength: ipv6RoutingEncodingLength,
  encode: encodeIpv6Routing,
};

/** Fragment header (RFC 8200 §4.5). Reached by Next Header 44; a non-first fragment's payload is raw. */
export const ipv6Fragment: LayerCodec<Ipv6FragmentHeader> = {
  id: 'ipv6-fragment',
  minLength: IPV6_FRAGMENT_HEADER_LEN,
  fields: [
    { name: 'nextHeader', kind: 'uint', bits: 8, derived: true },
    { name: 'fragmentOffset', kind: 'uint', bits: 13, default: 0, doc: '8-octet units' },
    { name: 'moreFragments', kind: 'bool', default: false },
    { name: 'identification', kind: 'uint', bits: 32, default: 0 },
    { name: 'reserved', kind: 'uint', bits: 8, optional: true, default: 0, doc: 'the 8-bit Reserved field; present only when not zero' },
    { name: 'res', kind: 'uint', bits: 2, optional: true, default: 0, doc: 'the 2-bit Res field; present only when not zero' },
  ],
  binds: [{ table: 'ip.proto', value: 44 }],
  decode: decodeIpv6Fragment,
  headerLength: () => IPV6_FRAGMENT_HEADER_LEN,
  next: (h) => (h.fragmentOffset > 0 ? undefined : byNextHeader(h)),
  encodingLength: ipv6FragmentEncodingLength,
  encode: encodeIpv6Fragment,
};
