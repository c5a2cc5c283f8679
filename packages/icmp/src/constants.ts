/** ICMP and ICMPv6 sizes, field offsets and code points (RFC 792, RFC 4443; IANA ICMP and ICMPv6 Parameters). */

/** Bytes in an ICMP / ICMPv6 header: type, code, checksum and the 4-byte rest of header (RFC 792, RFC 4443 §2.1). */
export const ICMP_HEADER_LEN = 8;

/** Byte offsets within an ICMP / ICMPv6 header (RFC 792, RFC 4443 §2.1). */
export const IcmpField = { TYPE: 0, CODE: 1, CHECKSUM: 2, REST: 4, IDENTIFIER: 4, SEQUENCE: 6 } as const;

/** IP protocol number of ICMP (IANA). */
export const ICMP_PROTOCOL = 1;
/** IPv6 next-header value of ICMPv6 (RFC 4443 §1), also the pseudo-header's next header. */
export const ICMPV6_NEXT_HEADER = 58;

/** ICMP types (RFC 792, RFC 950, RFC 1256, RFC 8335; IANA ICMP Parameters). */
export const IcmpType = {
  EchoReply: 0,
  DestinationUnreachable: 3,
  SourceQuench: 4,
  Redirect: 5,
  EchoRequest: 8,
  RouterAdvertisement: 9,
  RouterSolicitation: 10,
  TimeExceeded: 11,
  ParameterProblem: 12,
  TimestampRequest: 13,
  TimestampReply: 14,
  InformationRequest: 15,
  InformationReply: 16,
  AddressMaskRequest: 17,
  AddressMaskReply: 18,
  ExtendedEchoRequest: 42,
  ExtendedEchoReply: 43,
} as const;

/** ICMPv6 types (RFC 4443, RFC 4861, RFC 2710, RFC 3810, RFC 8335; IANA ICMPv6 Parameters). */
export const Icmpv6Type = {
  DestinationUnreachable: 1,
  PacketTooBig: 2,
  TimeExceeded: 3,
  ParameterProblem: 4,
  EchoRequest: 128,
  EchoReply: 129,
  MulticastListenerQuery: 130,
  MulticastListenerReport: 131,
  MulticastListenerDone: 132,
  RouterSolicitation: 133,
  RouterAdvertisement: 134,
  NeighborSolicitation: 135,
  NeighborAdvertisement: 136,
  Redirect: 137,
  MulticastListenerReportV2: 143,
  ExtendedEchoRequest: 160,
  ExtendedEchoReply: 161,
} as const;

/** ICMP Destination Unreachable codes (RFC 792, RFC 1122, RFC 1812). */
export const IcmpUnreachableCode = {
  Net: 0,
  Host: 1,
  Protocol: 2,
  Port: 3,
  FragmentationNeeded: 4,
  SourceRouteFailed: 5,
} as const;

/**
 * ICMP types whose rest of header is an identifier and a sequence number (RFC 792: echo, timestamp,
 * information; RFC 950: address mask).
 */
export const ICMP_ID_SEQ_TYPES: ReadonlySet<number> = new Set([0, 8, 13, 14, 15, 16, 17, 18]);
/** ICMPv6 types whose rest of header is an identifier and a sequence number (RFC 4443 §4: echo). */
export const ICMPV6_ID_SEQ_TYPES: ReadonlySet<number> = new Set([128, 129]);
/** ICMP error types whose body quotes the offending IPv4 packet (RFC 792). */
export const ICMP_ERROR_TYPES: ReadonlySet<number> = new Set([3, 4, 5, 11, 12]);
/** ICMPv6 error types whose body quotes the offending IPv6 packet (RFC 4443 §3). */
export const ICMPV6_ERROR_TYPES: ReadonlySet<number> = new Set([1, 2, 3, 4]);

const ICMP_TYPE_NAMES: Record<number, string> = {
  0: 'echo-reply',
  3: 'destination-unreachable',
  4: 'source-quench',
  5: 'redirect',
  8: 'echo-request',
  9: 'router-advertisement',
  10: 'router-solicitation',
  11: 'time-exceeded',
  12: 'parameter-problem',
  13: 'timestamp-request',
  14: 'timestamp-reply',
  15: 'information-request',
  16: 'information-reply',
  17: 'address-mask-request',
  18: 'address-mask-reply',
  42: 'extended-echo-request',
  43: 'extended-echo-reply',
};

const ICMPV6_TYPE_NAMES: Record<number, string> = {
  1: 'destination-unreachable',
  2: 'packet-too-big',
  3: 'time-exceeded',
  4: 'parameter-problem',
  128: 'echo-request',
  129: 'echo-reply',
  130: 'multicast-listener-query',
  131: 'multicast-listener-report',
  132: 'multicast-listener-done',
  133: 'router-solicitation',
  134: 'router-advertisement',
  135: 'neighbor-solicitation',
  136: 'neighbor-advertisement',
  137: 'redirect',
  143: 'multicast-listener-report-v2',
  160: 'extended-echo-request',
  161: 'extended-echo-reply',
};

const ICMP_CODE_NAMES: Record<number, readonly string[]> = {
  3: [
    'net-unreachable',
    'host-unreachable',
    'protocol-unreachable',
    'port-unreachable',
    'fragmentation-needed',
    'source-route-failed',
    'destination-network-unknown',
    'destination-host-unknown',
    'source-host-isolated',
    'network-prohibited',
    'host-prohibited',
    'network-unreachable-for-tos',
    'host-unreachable-for-tos',
    'communication-prohibited',
    'host-precedence-violation',
    'precedence-cutoff',
  ],
  5: ['redirect-network', 'redirect-host', 'redirect-tos-network', 'redirect-tos-host'],
  11: ['ttl-exceeded', 'fragment-reassembly-time-exceeded'],
  12: ['pointer-indicates-error', 'missing-required-option', 'bad-length'],
};

const ICMPV6_CODE_NAMES: Record<number, readonly string[]> = {
  1: [
    'no-route',
    'administratively-prohibited',
    'beyond-scope',
    'address-unreachable',
    'port-unreachable',
    'source-address-failed-policy',
    'reject-route',
    'source-routing-header-error',
  ],
  3: ['hop-limit-exceeded', 'fragment-reassembly-time-exceeded'],
  4: ['erroneous-header-field', 'unrecognized-next-header', 'unrecognized-ipv6-option'],
};

/** The name of an ICMP type (`echo-request`, `destination-unreachable`, ...), or its decimal value when unknown (IANA). */
export function icmpTypeName(type: number): string {
  return ICMP_TYPE_NAMES[type] ?? String(type);
}

/** The name of an ICMPv6 type (`echo-request`, `neighbor-solicitation`, ...), or its decimal value when unknown (IANA). */
export function icmpv6TypeName(type: number): string {
  return ICMPV6_TYPE_NAMES[type] ?? String(type);
}

/** The name of an ICMP code for its type (`port-unreachable`, `ttl-exceeded`, ...), or its decimal value (RFC 792, RFC 1812). */
export function icmpCodeName(type: number, code: number): string {
  return ICMP_CODE_NAMES[type]?.[code] ?? String(code);
}

/** The name of an ICMPv6 code for its type (`no-route`, `hop-limit-exceeded`, ...), or its decimal value (RFC 4443). */
export function icmpv6CodeName(type: number, code: number): string {
  return ICMPV6_CODE_NAMES[type]?.[code] ?? String(code);
}
