/** The `vxlan` and `vxlan-gpe` layer codecs, and the opt-in Linux port binding. */
import type { LayerCodec, Registry } from '@wirestack/core';
import { LINUX_VXLAN_PORT, VXLAN_GPE_HEADER_LEN, VXLAN_GPE_PORT, VXLAN_HEADER_LEN, VXLAN_PORT } from './constants.js';
import {
  decodeVxlan,
  decodeVxlanGpe,
  encodeVxlan,
  encodeVxlanGpe,
  type VxlanGpeHeader,
  type VxlanHeader,
  vxlanEncodingLength,
  vxlanGpeEncodingLength,
} from './header.js';

/** VXLAN (RFC 7348). Reached by UDP port 4789; the payload is always an Ethernet frame. */
export const vxlan: LayerCodec<VxlanHeader> = {
  id: 'vxlan',
  minLength: VXLAN_HEADER_LEN,
  fields: [
    { name: 'flags', kind: 'uint', bits: 8, default: 0x08 },
    { name: 'vni', kind: 'uint', bits: 24, default: 0 },
    { name: 'reserved1', kind: 'uint', bits: 24, optional: true, doc: 'reserved bits after the flags, only when non-zero' },
    { name: 'reserved2', kind: 'uint', bits: 8, optional: true, doc: 'reserved bits after the VNI, only when non-zero' },
  ],
  binds: [{ table: 'udp.port', value: VXLAN_PORT }],
  decode: decodeVxlan,
  headerLength: () => VXLAN_HEADER_LEN,
  next: () => ({ layer: 'ethernet' }),
  encodingLength: vxlanEncodingLength,
  encode: encodeVxlan,
};

/** VXLAN-GPE (draft-ietf-nvo3-vxlan-gpe). Reached by UDP port 4790; dispatches on `nextProtocol` through `vxlan-gpe.np`. */
export const vxlanGpe: LayerCodec<VxlanGpeHeader> = {
  id: 'vxlan-gpe',
  minLength: VXLAN_GPE_HEADER_LEN,
  fields: [
    { name: 'flags', kind: 'uint', bits: 8, default: 0x0c },
    { name: 'nextProtocol', kind: 'uint', bits: 8, derived: true },
    { name: 'vni', kind: 'uint', bits: 24, default: 0 },
    { name: 'reserved1', kind: 'uint', bits: 16, optional: true, doc: 'reserved bits after the flags, only when non-zero' },
    { name: 'reserved2', kind: 'uint', bits: 8, optional: true, doc: 'reserved bits after the VNI, only when non-zero' },
  ],
  binds: [{ table: 'udp.port', value: VXLAN_GPE_PORT }],
  decode: decodeVxlanGpe,
  headerLength: () => VXLAN_GPE_HEADER_LEN,
  next: (h) => ({ table: 'vxlan-gpe.np', value: h.nextProtocol }),
  encodingLength: vxlanGpeEncodingLength,
  encode: encodeVxlanGpe,
};

/**
 * Binds UDP port 8472 (the pre-IANA Linux default) to `vxlan` in `registry` (adding the codec when
 * missing) and returns it. Port 4789 stays the one encoders write. RFC 7348 §5 names 4789.
 */
export function bindLinuxVxlanPort(registry: Registry): Registry {
  return registry.bind('udp.port', LINUX_VXLAN_PORT, registry.has('vxlan') ? 'vxlan' : vxlan);
}
