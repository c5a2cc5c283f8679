/** IPv6 (RFC 8200) header sizes, field offsets and code points. */

/** Bytes in the fixed IPv6 header (RFC 8200 §3). */
export const IPV6_HEADER_LEN = 40;

/** Offsets within the fixed IPv6 header (RFC 8200 §3). */
export const Ipv6Field = {
  /** Version (4 bits), Traffic Class (8 bits), Flow Label (20 bits). */
  VERSION_TC_FLOW: 0,
  PAYLOAD_LENGTH: 4,
  NEXT_HEADER: 6,
  HOP_LIMIT: 7,
  SRC: 8,
  DST: 24,
} as const;

/** Bytes in an IPv6 address (RFC 4291 §2). */
export const IPV6_ADDRESS_LEN = 16;

/** Offsets within a Hop-by-Hop or Destination Options header (RFC 8200 §4.3, §4.6). */
export const Ipv6OptionsField = { NEXT_HEADER: 0, HDR_EXT_LEN: 1, OPTIONS: 2 } as const;

/** Offsets within a Routing header (RFC 8200 §4.4). */
export const Ipv6RoutingField = { NEXT_HEADER: 0, HDR_EXT_LEN: 1, ROUTING_TYPE: 2, SEGMENTS_LEFT: 3, DATA: 4 } as const;

/** Offsets within a Fragment header (RFC 8200 §4.5). */
export const Ipv6FragmentField = { NEXT_HEADER: 0, RESERVED: 1, OFFSET_RES_M: 2, IDENTIFICATION: 4 } as const;

/** Smallest extension header: every RFC 8200 §4 extension header is a multiple of 8 octets. */
export const IPV6_EXTENSION_MIN_LEN = 8;
/** Bytes in a Fragment header (RFC 8200 §4.5). */
export const IPV6_FRAGMENT_HEADER_LEN = 8;
/** Largest Hop-by-Hop / Destination Options / Routing header: (255 + 1) × 8 octets (RFC 8200 §4.3). */
export const IPV6_EXTENSION_MAX_LEN = 2048;

/** Default bound on extension headers walked by {@link walkIpv6Extensions} (matches the stack engine's default limit). */
export const IPV6_MAX_EXTENSION_HEADERS = 8;

/** Next Header value 59: no next header (RFC 8200 §4.7); written when nothing follows. */
export const IPV6_NO_NEXT_HEADER = 59;

/** The extension headers this package decodes, by Next Header value (RFC 8200 §4.1). */
export const Ipv6ExtensionHeader = {
  HopByHop: 0,
  Routing: 43,
  Fragment: 44,
  DestinationOptions: 60,
} as const;

/** Option types used in Hop-by-Hop and Destination Options headers (RFC 8200 §4.2, RFC 2675, RFC 2711). */
export const Ipv6OptionType = {
  /** One byte of padding, no length or data (RFC 8200 §4.2). */
  Pad1: 0x00,
  /** N bytes of padding: type, length, N-2 zero bytes (RFC 8200 §4.2). */
  PadN: 0x01,
  /** Router Alert (RFC 2711). */
  RouterAlert: 0x05,
  /** Jumbo Payload (RFC 2675): 32-bit length; the IPv6 Payload Length is then 0. */
  JumboPayload: 0xc2,
} as const;
