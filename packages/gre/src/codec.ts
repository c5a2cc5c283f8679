/** The `gre` layer codec for registries and stacks. */
import type { LayerCodec } from '@wirestack/core';
import { GRE_BASE_LEN, GRE_IP_PROTOCOL, GRE_OPTIONAL_LEN } from './constants.js';
import { decodeGre, encodeGre, finishGre, type GreHeader, greEncodingLength, verifyGreChecksum } from './header.js';

/**
 * GRE (RFC 2784, RFC 2890) and PPTP's enhanced GRE (RFC 2637 §4.1). Reached by IP protocol 47; its
 * protocol type is an EtherType, so version 0 dispatches through the `ethertype` table. Version 1
 * (PPP) payloads are raw.
 */
export const gre: LayerCodec<GreHeader> = {
  id: 'gre',
  minLength: GRE_BASE_LEN,
  fields: [
    { name: 'checksumPresent', kind: 'bool', derived: true },
    { name: 'keyPresent', kind: 'bool', derived: true },
    { name: 'sequencePresent', kind: 'bool', derived: true },
    { name: 'version', kind: 'uint', bits: 3, default: 0 },
    { name: 'protocolType', kind: 'uint', bits: 16, derived: true },
    { name: 'checksum', kind: 'uint', bits: 16, derived: true, optional: true },
    { name: 'key', kind: 'uint', bits: 32, optional: true },
    { name: 'sequence', kind: 'uint', bits: 32, optional: true },
    { name: 'routingPresent', kind: 'bool', optional: true, doc: 'RFC 1701 R bit; decoding it is unsupported' },
    { name: 'strictSourceRoute', kind: 'bool', optional: true, doc: 'RFC 1701 s bit, only when set' },
    { name: 'recursionControl', kind: 'uint', bits: 3, optional: true, doc: 'RFC 1701 recursion control, only when non-zero' },
    { name: 'acknowledgmentPresent', kind: 'bool', optional: true, doc: 'version 1 A bit (RFC 2637)' },
    { name: 'flags', kind: 'uint', bits: 5, optional: true, doc: 'reserved flag bits (4 bits in version 1), only when non-zero' },
    { name: 'reserved1', kind: 'uint', bits: 16, optional: true, doc: 'reserved word after the checksum, only when non-zero' },
    { name: 'acknowledgment', kind: 'uint', bits: 32, optional: true, doc: 'version 1 acknowledgment number (RFC 2637)' },
  ],
  binds: [{ table: 'ip.proto', value: GRE_IP_PROTOCOL }],
  decode: decodeGre,
  headerLength: (h) =>
    GRE_BASE_LEN +
    GRE_OPTIONAL_LEN * (+h.checksumPresent + +h.keyPresent + +h.sequencePresent + +(h.version === 1 && h.acknowledgmentPresent === true)),
  next: (h) => (h.version === 0 ? { table: 'ethertype', value: h.protocolType } : undefined),
  verify: (h, buf, offset, ctx) => verifyGreChecksum(h, buf, offset, ctx.end),
  encodingLength: greEncodingLength,
  encode: encodeGre,
  finish: finishGre,
};
