/** GRE sizes, field offsets, flag bits and the NVGRE key split. */

/** Bytes in the fixed part of a GRE header: flags/version and protocol type (RFC 2784 §2.1). */
export const GRE_BASE_LEN = 4;
/** Bytes each optional GRE field takes (checksum + reserved1, key, sequence, acknowledgment). */
export const GRE_OPTIONAL_LEN = 4;
/** The largest GRE header: base + checksum + key + sequence + acknowledgment (RFC 2890, RFC 2637 §4.1). */
export const GRE_MAX_HEADER_LEN = 20;

/** Offsets of the fixed GRE fields (RFC 2784 §2.1). The optional fields follow at offset 4, each 4 bytes, in flag order. */
export const GreField = { FLAGS: 0, PROTOCOL_TYPE: 2, OPTIONAL: 4 } as const;
/** Offsets inside the optional checksum word (RFC 2784 §2.5, §2.6). */
export const GreChecksumField = { CHECKSUM: 0, RESERVED1: 2 } as const;

/** Bits of the first 16-bit GRE word (RFC 2784 §2, RFC 2890 §2, RFC 1701 §2.1, RFC 2637 §4.1). */
export const GreFlag = {
  /** C: checksum present. */
  CHECKSUM: 0x8000,
  /** R: routing present (RFC 1701). */
  ROUTING: 0x4000,
  /** K: key present (RFC 2890 §2.1). */
  KEY: 0x2000,
  /** S: sequence number present (RFC 2890 §2.1). */
  SEQUENCE: 0x1000,
  /** s: strict source route (RFC 1701). */
  STRICT_SOURCE_ROUTE: 0x0800,
  /** Recursion control, 3 bits (RFC 1701). */
  RECURSION_MASK: 0x0700,
  RECURSION_SHIFT: 8,
  /** A: acknowledgment present (version 1 only, RFC 2637 §4.1). */
  ACKNOWLEDGMENT: 0x0080,
  /** The remaining flag bits: 5 bits (0x00f8) in version 0, 4 bits (0x0078) in version 1. */
  FLAGS_SHIFT: 3,
  VERSION_MASK: 0x0007,
} as const;

/** GRE versions: 0 is RFC 2784/2890 GRE, 1 is the enhanced GRE of PPTP (RFC 2637 §4.1). */
export const GreVersion = { GRE: 0, PPTP: 1 } as const;

/** The protocol type of PPTP's enhanced GRE: PPP (RFC 2637 §4.1). */
export const GRE_PPP_PROTOCOL_TYPE = 0x880b;

/** The IP protocol number of GRE (IANA). */
export const GRE_IP_PROTOCOL = 47;
