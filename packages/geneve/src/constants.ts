/** Geneve sizes, field offsets, limits and the port (RFC 8926 §3.4, §3.5). */

/** Bytes in the fixed Geneve header (RFC 8926 §3.4). */
export const GENEVE_HEADER_LEN = 8;
/** Bytes in an option's header (class, type, length; RFC 8926 §3.5). */
export const GENEVE_OPTION_HEADER_LEN = 4;
/** The largest option data: 31 four-byte units (RFC 8926 §3.5, 5-bit length). */
export const GENEVE_MAX_OPTION_DATA = 124;
/** The largest options block: 63 four-byte units (RFC 8926 §3.4, 6-bit Opt Len). */
export const GENEVE_MAX_OPTIONS_LEN = 252;
/** Default cap on options parsed per header; more is a `too-deep` DecodeError. */
export const GENEVE_MAX_OPTIONS = 64;
/** The IANA UDP port of Geneve (RFC 8926 §3.3). */
export const GENEVE_PORT = 6081;
/** The only defined version (RFC 8926 §3.4). */
export const GENEVE_VERSION = 0;
/** The critical bit of an option type (RFC 8926 §3.5). */
export const GENEVE_OPTION_CRITICAL = 0x80;

/** Offsets within the fixed Geneve header (RFC 8926 §3.4). */
export const GeneveField = { VER_OPT_LEN: 0, FLAGS: 1, PROTOCOL_TYPE: 2, VNI: 4, RESERVED2: 7, OPTIONS: 8 } as const;
/** Offsets within a Geneve option (RFC 8926 §3.5). */
export const GeneveOptionField = { CLASS: 0, TYPE: 2, LENGTH: 3, DATA: 4 } as const;
/** Bits of the first two bytes (RFC 8926 §3.4). */
export const GeneveFlag = { VERSION_SHIFT: 6, OPT_LEN_MASK: 0x3f, OAM: 0x80, CRITICAL: 0x40, RESERVED_MASK: 0x3f } as const;
