/** EtherType and IP protocol code points with names (IANA registries). Unknown values stay numbers. */

/** EtherTypes (IEEE 802 Numbers registry). */
export const EtherType = {
  IPv4: 0x0800,
  ARP: 0x0806,
  TEB: 0x6558,
  VLAN: 0x8100,
  IPv6: 0x86dd,
  MPLS: 0x8847,
  MPLSMulticast: 0x8848,
  QinQ: 0x88a8,
  NSH: 0x894f,
  ERSPAN2: 0x88be,
  VLANLegacy: 0x9100,
  Loop: 0x9000,
} as const;
/** A code point from {@link EtherType} or any other 16-bit value. */
export type EtherTypeValue = number;

const ETHERTYPE_NAMES: Record<number, string> = {
  2048: 'IPv4',
  2054: 'ARP',
  25944: 'TEB',
  33024: '802.1Q',
  34525: 'IPv6',
  34887: 'MPLS',
  34888: 'MPLS-multicast',
  34984: '802.1ad',
  35151: 'NSH',
  35006: 'ERSPAN',
  37120: 'QinQ-0x9100',
  36864: 'Loopback',
};

/** The name of an EtherType, or `0x....` when unknown. */
export function etherTypeName(n: number): string {
  return ETHERTYPE_NAMES[n] ?? `0x${n.toString(16).padStart(4, '0')}`;
}

/** IP protocol numbers / IPv6 next-header values (IANA Assigned Internet Protocol Numbers). */
export const IpProtocol = {
  HopByHop: 0,
  ICMP: 1,
  IGMP: 2,
  IPv4: 4,
  TCP: 6,
  UDP: 17,
  IPv6: 41,
  Routing: 43,
  Fragment: 44,
  GRE: 47,
  ESP: 50,
  AH: 51,
  ICMPv6: 58,
  NoNextHeader: 59,
  DestinationOptions: 60,
  SCTP: 132,
  MPLSInIP: 137,
} as const;

const IP_PROTO_NAMES: Record<number, string> = {
  0: 'HOPOPT',
  1: 'ICMP',
  2: 'IGMP',
  4: 'IPv4',
  6: 'TCP',
  17: 'UDP',
  41: 'IPv6',
  43: 'IPv6-Route',
  44: 'IPv6-Frag',
  47: 'GRE',
  50: 'ESP',
  51: 'AH',
  58: 'IPv6-ICMP',
  59: 'IPv6-NoNxt',
  60: 'IPv6-Opts',
  132: 'SCTP',
  137: 'MPLS-in-IP',
};

/** The name of an IP protocol number, or its decimal value when unknown. */
export function ipProtocolName(n: number): string {
  return IP_PROTO_NAMES[n] ?? String(n);
}
