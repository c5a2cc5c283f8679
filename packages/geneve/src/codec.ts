/** The `geneve` layer codec for registries and stacks. */
import type { LayerCodec } from '@wirestack/core';
import { GENEVE_HEADER_LEN, GENEVE_PORT } from './constants.js';
import { decodeGeneve, encodeGeneve, type GeneveHeader, geneveEncodingLength } from './header.js';

/** Geneve (RFC 8926). Reached by UDP port 6081; dispatches on `protocolType` through the `ethertype` table. */
export const geneve: LayerCodec<GeneveHeader> = {
  id: 'geneve',
  minLength: GENEVE_HEADER_LEN,
  fields: [
    { name: 'version', kind: 'uint', bits: 2, default: 0 },
    { name: 'optionsLength', kind: 'uint', bits: 6, derived: true },
    { name: 'oam', kind: 'bool', default: false },
    { name: 'critical', kind: 'bool', default: false },
    { name: 'protocolType', kind: 'uint', bits: 16, derived: true },
    { name: 'vni', kind: 'uint', bits: 24, default: 0 },
    { name: 'options', kind: 'json', default: [], doc: '[{ class, type, data, reserved? }]' },
    { name: 'reserved1', kind: 'uint', bits: 6, optional: true, doc: 'reserved bits after O and C, only when non-zero' },
    { name: 'reserved2', kind: 'uint', bits: 8, optional: true, doc: 'reserved bits after the VNI, only when non-zero' },
  ],
  binds: [{ table: 'udp.port', value: GENEVE_PORT }],
  decode: (buf, offset, end) => decodeGeneve(buf, offset, end),
  headerLength: (h) => GENEVE_HEADER_LEN + h.optionsLength * 4,
  next: (h) => ({ table: 'ethertype', value: h.protocolType }),
  encodingLength: geneveEncodingLength,
  encode: encodeGeneve,
};
