/** The `ethernet` and `vlan` layer codecs for registries and stacks. */
import type { LayerCodec } from '@wirestack/core';
import { ETHERNET_HEADER_LEN, VLAN_HEADER_LEN } from './constants.js';
import {
  decodeEthernet,
  decodeVlan,
  type EthernetHeader,
  encodeEthernet,
  encodeVlan,
  ethernetEncodingLength,
  type VlanHeader,
  vlanEncodingLength,
} from './header.js';

/** Ethernet II. Reached by EtherType 0x6558 (transparent Ethernet bridging: GRE, Geneve, VXLAN-GPE). */
export const ethernet: LayerCodec<EthernetHeader> = {
  id: 'ethernet',
  minLength: ETHERNET_HEADER_LEN,
  fields: [
    { name: 'dst', kind: 'mac', default: '00:00:00:00:00:00' },
    { name: 'src', kind: 'mac', default: '00:00:00:00:00:00' },
    { name: 'etherType', kind: 'uint', bits: 16, derived: true },
  ],
  binds: [{ table: 'ethertype', value: 0x6558 }],
  decode: decodeEthernet,
  headerLength: () => ETHERNET_HEADER_LEN,
  next: (h) => ({ table: 'ethertype', value: h.etherType }),
  encodingLength: ethernetEncodingLength,
  encode: encodeEthernet,
};

/** An 802.1Q / 802.1ad / 0x9100 tag, any depth. */
export const vlan: LayerCodec<VlanHeader> = {
  id: 'vlan',
  minLength: VLAN_HEADER_LEN,
  fields: [
    { name: 'pcp', kind: 'uint', bits: 3, default: 0 },
    { name: 'dei', kind: 'uint', bits: 1, default: 0 },
    { name: 'vid', kind: 'uint', bits: 12, default: 0 },
    { name: 'etherType', kind: 'uint', bits: 16, derived: true },
  ],
  binds: [
    { table: 'ethertype', value: 0x8100 },
    { table: 'ethertype', value: 0x88a8 },
    { table: 'ethertype', value: 0x9100 },
  ],
  decode: decodeVlan,
  headerLength: () => VLAN_HEADER_LEN,
  next: (h) => ({ table: 'ethertype', value: h.etherType }),
  encodingLength: vlanEncodingLength,
  encode: encodeVlan,
};
