/** The `ipv4` layer codec for registries and stacks (RFC 791). */
import type { LayerCodec } from '@wirestack/core';
import { ipv4ChecksumValid } from './checksum.js';
import { IPV4_HEADER_LEN } from './constants.js';
import { decodeIpv4, encodeIpv4, finishIpv4, type Ipv4Header, ipv4EncodingLength } from './header.js';

/**
 * IPv4 (RFC 791). Reached by EtherType 0x0800 and IP protocol 4 (IP in IP, RFC 2003); points to its
 * payload by `protocol` in the `ip.proto` table, except on non-first fragments (`fragmentOffset` > 0),
 * whose payload is raw.
 */
export const ipv4: LayerCodec<Ipv4Header> = {
  id: 'ipv4',
  network: true,
  minLength: IPV4_HEADER_LEN,
  fields: [
    { name: 'version', kind: 'uint', bits: 4, default: 4 },
    { name: 'ihl', kind: 'uint', bits: 4, derived: true, doc: '5 + options length / 4 (options are zero-padded to a multiple of 4 bytes)' },
    { name: 'dscp', kind: 'uint', bits: 6, default: 0 },
    { name: 'ecn', kind: 'uint', bits: 2, default: 0 },
    { name: 'totalLength', kind: 'uint', bits: 16, derived: true },
    { name: 'identification', kind: 'uint', bits: 16, default: 0 },
    { name: 'dontFragment', kind: 'bool', default: false },
    { name: 'moreFragments', kind: 'bool', default: false },
    { name: 'fragmentOffset', kind: 'uint', bits: 13, default: 0, doc: '8-octet units' },
    { name: 'ttl', kind: 'uint', bits: 8, default: 64 },
    { name: 'protocol', kind: 'uint', bits: 8, derived: true },
    { name: 'checksum', kind: 'uint', bits: 16, derived: true },
    { name: 'src', kind: 'ipv4', default: '0.0.0.0' },
    { name: 'dst', kind: 'ipv4', default: '0.0.0.0' },
    { name: 'options', kind: 'hex', default: '' },
    { name: 'reservedFlag', kind: 'bool', optional: true, doc: 'extra: the reserved flag bit (RFC 3514), present only when set' },
  ],
  binds: [
    { table: 'ethertype', value: 0x0800 },
    { table: 'ip.proto', value: 4 },
  ],
  decode: decodeIpv4,
  headerLength: (h) => h.ihl * 4,
  // Protocol 0 (HOPOPT) is an IPv6 extension header; after IPv4 it announces nothing (Scapy agrees).
  next: (h) => (h.fragmentOffset > 0 || h.protocol === 0 ? undefined : { table: 'ip.proto', value: h.protocol }),
  datagramLength: (h) => h.totalLength,
  verify: (h, buf, offset) => ipv4ChecksumValid(buf, offset, h.ihl),
  encodingLength: ipv4EncodingLength,
  encode: encodeIpv4,
  finish: finishIpv4,
};
