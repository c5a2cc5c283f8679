/** IPv4 header sizes, field offsets and flag bits (RFC 791 §3.1). */

/** Bytes in an IPv4 header without options (IHL 5). */
export const IPV4_HEADER_LEN = 20;
/** Largest IPv4 header: IHL 15, 60 bytes (RFC 791 §3.1). */
export const IPV4_MAX_HEADER_LEN = 60;
/** Largest options field: 40 bytes (RFC 791 §3.1, IHL 15 − 5 words). */
export const IPV4_MAX_OPTIONS_LEN = IPV4_MAX_HEADER_LEN - IPV4_HEADER_LEN;
/** Largest datagram `totalLength` can describe (RFC 791 §3.1). */
export const IPV4_MAX_TOTAL_LENGTH = 0xffff;

/** Byte offsets within an IPv4 header (RFC 791 §3.1). */
export const Ipv4Field = {
  /** Version (high nibble) and IHL (low nibble). */
  VER_IHL: 0,
  /** DSCP (6 high bits, RFC 2474) and ECN (2 low bits, RFC 3168). */
  DSCP_ECN: 1,
  TOTAL_LENGTH: 2,
  IDENTIFICATION: 4,
  /** Flags (3 high bits) and fragment offset (13 bits). */
  FLAGS_FRAG: 6,
  TTL: 8,
  PROTOCOL: 9,
  CHECKSUM: 10,
  SRC: 12,
  DST: 16,
  OPTIONS: 20,
} as const;

/** Bits of the 16-bit flags/fragment-offset word (RFC 791 §3.1; the reserved bit is RFC 3514's "evil bit"). */
export const Ipv4Flag = {
  RESERVED: 0x8000,
  DONT_FRAGMENT: 0x4000,
  MORE_FRAGMENTS: 0x2000,
  FRAGMENT_OFFSET_MASK: 0x1fff,
} as const;

/** Default time to live written when `ttl` is left out (as Linux and Scapy do). */
export const IPV4_DEFAULT_TTL = 64;

/** The `ip.proto` value written when nothing (or `raw`) follows: 0, as the contract says. */
export const IPV4_PROTOCOL_NONE = 0;
