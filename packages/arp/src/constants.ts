/** ARP sizes, field offsets and code points (RFC 826; IANA ARP Parameters registry). */

/** Bytes before the addresses: hardware type, protocol type, the two sizes and the opcode (RFC 826). */
export const ARP_FIXED_LEN = 8;
/** Bytes of an Ethernet/IPv4 ARP packet: 8 + 2 × (6 + 4) (RFC 826). */
export const ARP_ETHERNET_IPV4_LEN = 28;

/** Byte offsets within an ARP packet; the addresses follow at `ADDRESSES` (RFC 826). */
export const ArpField = { HW_TYPE: 0, PROTO_TYPE: 2, HW_SIZE: 4, PROTO_SIZE: 5, OPCODE: 6, ADDRESSES: 8 } as const;

/** The EtherType of ARP (IEEE 802 Numbers; RFC 826). */
export const ARP_ETHERTYPE = 0x0806;
/** The EtherType of Reverse ARP, which uses ARP's packet format (RFC 903). */
export const RARP_ETHERTYPE = 0x8035;

/** ARP opcodes (IANA ARP Parameters, "Operation Codes"; RFC 826, RFC 903, RFC 2390, RFC 1577). */
export const ArpOpcode = {
  Request: 1,
  Reply: 2,
  ReverseRequest: 3,
  ReverseReply: 4,
  DrarpRequest: 5,
  DrarpReply: 6,
  DrarpError: 7,
  InverseRequest: 8,
  InverseReply: 9,
  Nak: 10,
} as const;

const OPCODE_NAMES: Record<number, string> = {
  1: 'request',
  2: 'reply',
  3: 'reverse-request',
  4: 'reverse-reply',
  5: 'drarp-request',
  6: 'drarp-reply',
  7: 'drarp-error',
  8: 'inverse-request',
  9: 'inverse-reply',
  10: 'nak',
};

/** The name of an ARP opcode (`request`, `reply`, ...), or its decimal value when unknown (IANA ARP Parameters). */
export function arpOpcodeName(n: number): string {
  return OPCODE_NAMES[n] ?? String(n);
}

/** ARP hardware types (IANA ARP Parameters, "Hardware Types"). */
export const ArpHardwareType = {
  Ethernet: 1,
  ExperimentalEthernet: 2,
  IEEE802: 6,
  Arcnet: 7,
  FrameRelay: 15,
  Atm: 16,
  Infiniband: 32,
} as const;

/** Hardware address size at which addresses are written as MAC text (`aa:bb:cc:dd:ee:ff`). */
export const ARP_MAC_SIZE = 6;
/** Protocol address size at which addresses are written as dotted quads. */
export const ARP_IPV4_SIZE = 4;
