/**
 * pcap and pcapng magic numbers, block types, option codes, field offsets and reader limits.
 *
 * References: draft-ietf-opsawg-pcap (the pcap file format, "pcap spec" below) and
 * draft-ietf-opsawg-pcapng (the pcapng file format, "pcapng spec" below).
 */

/** pcap magic with microsecond timestamps, as a big-endian read of the first 4 bytes (pcap spec §4). */
export const PCAP_MAGIC_US = 0xa1b2c3d4;
/** pcap magic with nanosecond timestamps, as a big-endian read of the first 4 bytes (pcap spec §4). */
export const PCAP_MAGIC_NS = 0xa1b23c4d;
/** The pcap major version every reader accepts (pcap spec §4: 2.4; libpcap rejects other majors). */
export const PCAP_VERSION_MAJOR = 2;
/** The pcap minor version written by default (pcap spec §4). */
export const PCAP_VERSION_MINOR = 4;
/** Bytes in the pcap file header (pcap spec §4). */
export const PCAP_HEADER_LEN = 24;
/** Bytes in a pcap packet record header (pcap spec §5). */
export const PCAP_RECORD_HEADER_LEN = 16;

/** Offsets within the pcap file header (pcap spec §4). */
export const PcapHeaderField = {
  MAGIC: 0,
  VERSION_MAJOR: 4,
  VERSION_MINOR: 6,
  THISZONE: 8,
  SIGFIGS: 12,
  SNAPLEN: 16,
  LINKTYPE: 20,
} as const;

/** Offsets within a pcap packet record header (pcap spec §5). */
export const PcapRecordField = { TS_SEC: 0, TS_FRAC: 4, CAPLEN: 8, LEN: 12, DATA: 16 } as const;

/**
 * Masks of the pcap LinkType-and-additional-information field (pcap spec §4; libpcap's
 * `LT_LINKTYPE`, `LT_RESERVED1`, `LT_FCS_LENGTH_PRESENT`, `LT_FCS_LENGTH`): the link type is
 * the low 16 bits, the top 4 bits an FCS length in 16-bit words (valid when bit 26 is set).
 */
export const PcapLinkTypeMask = {
  LINKTYPE: 0x0000ffff,
  RESERVED: 0x03ff0000,
  FCS_PRESENT: 0x04000000,
  FCS_LENGTH: 0xf0000000,
} as const;

/** pcapng block types (pcapng spec §4, §11.1). */
export const BlockType = {
  SHB: 0x0a0d0d0a,
  IDB: 0x00000001,
  /** Obsolete Packet Block (pcapng spec Appendix A). */
  PB: 0x00000002,
  SPB: 0x00000003,
  NRB: 0x00000004,
  ISB: 0x00000005,
  EPB: 0x00000006,
  /** Custom blocks (pcapng spec §4.8): skipped and counted like any other unknown block. */
  CB_COPY: 0x00000bad,
  CB_NOCOPY: 0x40000bad,
} as const;

/** The SHB byte-order magic (pcapng spec §4.1), read in the section's own byte order. */
export const PCAPNG_BYTE_ORDER_MAGIC = 0x1a2b3c4d;
/** The pcapng major version (pcapng spec §4.1). */
export const PCAPNG_VERSION_MAJOR = 1;
/** pcapng minor versions accepted: 0, and 2 (written by early tools; libpcap accepts it, rejects 1). */
export const PCAPNG_VERSION_MINORS: readonly number[] = [0, 2];

/** Bytes of block type + block total length (pcapng spec §3.1). */
export const BLOCK_HEADER_LEN = 8;
/** Bytes of the trailing block total length (pcapng spec §3.1). */
export const BLOCK_TRAILER_LEN = 4;
/** Smallest possible block: header plus trailer (pcapng spec §3.1). */
export const MIN_BLOCK_LEN = 12;

/** Offsets within a Section Header Block, from the block start (pcapng spec §4.1). */
export const ShbField = { BYTE_ORDER_MAGIC: 8, VERSION_MAJOR: 12, VERSION_MINOR: 14, SECTION_LENGTH: 16, OPTIONS: 24 } as const;
/** Offsets within an Interface Description Block (pcapng spec §4.2). */
export const IdbField = { LINKTYPE: 8, RESERVED: 10, SNAPLEN: 12, OPTIONS: 16 } as const;
/** Offsets within an Enhanced Packet Block (pcapng spec §4.3). */
export const EpbField = { INTERFACE_ID: 8, TS_HIGH: 12, TS_LOW: 16, CAPLEN: 20, LEN: 24, DATA: 28 } as const;
/** Offsets within a Simple Packet Block (pcapng spec §4.4). */
export const SpbField = { LEN: 8, DATA: 12 } as const;
/** Offsets within the obsolete Packet Block (pcapng spec Appendix A). */
export const PbField = { INTERFACE_ID: 8, DROPS: 10, TS_HIGH: 12, TS_LOW: 16, CAPLEN: 20, LEN: 24, DATA: 28 } as const;
/** Offsets within a Name Resolution Block (pcapng spec §4.5). */
export const NrbField = { RECORDS: 8 } as const;
/** Offsets within an Interface Statistics Block (pcapng spec §4.6). */
export const IsbField = { INTERFACE_ID: 8, TS_HIGH: 12, TS_LOW: 16, OPTIONS: 20 } as const;

/** Option codes common to all blocks (pcapng spec §3.5). */
export const OptionCode = { END: 0, COMMENT: 1 } as const;
/** Section Header Block option codes (pcapng spec §4.1). */
export const ShbOption = { HARDWARE: 2, OS: 3, USERAPPL: 4 } as const;
/** Interface Description Block option codes (pcapng spec §4.2). */
export const IdbOption = { NAME: 2, DESCRIPTION: 3, TSRESOL: 9, FILTER: 11, OS: 12, FCSLEN: 13, TSOFFSET: 14, HARDWARE: 15 } as const;
/** Enhanced Packet Block option codes (pcapng spec §4.3). */
export const EpbOption = { FLAGS: 2, HASH: 3, DROPCOUNT: 4, PACKETID: 5, QUEUE: 6, VERDICT: 7 } as const;
/** Interface Statistics Block option codes (pcapng spec §4.6). */
export const IsbOption = { STARTTIME: 2, ENDTIME: 3, IFRECV: 4, IFDROP: 5, FILTERACCEPT: 6, OSDROP: 7, USRDELIV: 8 } as const;
/** Name Resolution Block record types (pcapng spec §4.5). */
export const NrbRecordType = { END: 0, IPV4: 1, IPV6: 2 } as const;

/**
 * The largest captured length accepted by default: libpcap's MAXIMUM_SNAPLEN (256 KiB), the
 * limit libpcap and tcpdump apply to every record of most link types.
 */
export const MAX_CAPTURE_LENGTH = 262144;

/**
 * libpcap's per-link-type exceptions to {@link MAX_CAPTURE_LENGTH} (`max_snaplen_for_dlt`):
 * D-Bus (231) 128 MiB, USBPcap (249) 1 MiB, EBHSCR (279) 8 MiB.
 */
export const MAX_CAPTURE_LENGTH_BY_LINKTYPE: Readonly<Record<number, number>> = {
  231: 128 * 1024 * 1024,
  249: 1024 * 1024,
  279: 8 * 1024 * 1024,
};

/** The largest pcapng block accepted by default (libpcap's initial maximum block size, 16 MiB). */
export const MAX_BLOCK_LENGTH = 16 * 1024 * 1024;

/** Default bound on gunzipped bytes for `readCapture` (in-memory input): 1 GiB. */
export const MAX_DECOMPRESSED_SYNC = 1024 * 1024 * 1024;
/** Default bound on gunzipped bytes for `readCaptureStream`: 4 GiB. */
export const MAX_DECOMPRESSED_STREAM = 4 * 1024 * 1024 * 1024;
