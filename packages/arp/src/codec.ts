/** The `arp` layer codec for registries and stacks (RFC 826). */
import type { LayerCodec } from '@wirestack/core';
import { ARP_ETHERTYPE, ARP_FIXED_LEN, RARP_ETHERTYPE } from './constants.js';
import { type ArpHeader, arpEncodingLength, arpLength, decodeArp, encodeArp } from './header.js';

/**
 * ARP (RFC 826). Reached by EtherType 0x0806 (and 0x8035, RARP, RFC 903); carries no next layer. Its length (8 + 2 × (hwSize +
 * protoSize)) bounds it like a datagram, so the Ethernet padding after it is the packet's trailer (or a
 * `padding` layer inside a tunnel), never part of ARP.
 */
export const arp: LayerCodec<ArpHeader> = {
  id: 'arp',
  minLength: ARP_FIXED_LEN,
  fields: [
    { name: 'hwType', kind: 'uint', bits: 16, default: 1, doc: 'arp.hw.type: 1 Ethernet' },
    { name: 'protoType', kind: 'uint', bits: 16, default: 0x0800, doc: 'arp.proto.type: an EtherType' },
    { name: 'hwSize', kind: 'uint', bits: 8, derived: true, doc: 'from the hardware addresses: 6 for MAC text, else hex length' },
    { name: 'protoSize', kind: 'uint', bits: 8, derived: true, doc: 'from the protocol addresses: 4 for a dotted quad, else hex length' },
    { name: 'opcode', kind: 'uint', bits: 16, default: 1, doc: '1 request, 2 reply (arpOpcodeName)' },
    { name: 'senderMac', kind: 'mac', default: '00:00:00:00:00:00', doc: 'MAC text when hwSize is 6, else hex' },
    { name: 'senderIp', kind: 'ipv4', default: '0.0.0.0', doc: 'dotted quad when protoSize is 4, else hex' },
    { name: 'targetMac', kind: 'mac', default: '00:00:00:00:00:00', doc: 'as senderMac' },
    { name: 'targetIp', kind: 'ipv4', default: '0.0.0.0', doc: 'as senderIp' },
  ],
  // RARP (RFC 903) uses ARP's packet format under its own EtherType; encoders announce `arp` with 0x0806.
  binds: [
    { table: 'ethertype', value: ARP_ETHERTYPE },
    { table: 'ethertype', value: RARP_ETHERTYPE },
  ],
  decode: decodeArp,
  headerLength: (h) => arpLength(h.hwSize, h.protoSize),
  next: () => undefined,
  datagramLength: (h) => arpLength(h.hwSize, h.protoSize),
  encodingLength: arpEncodingLength,
  encode: encodeArp,
};
