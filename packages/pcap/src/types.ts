/** The plain objects the readers return and the writers accept. */

/** A capture file format. */
export type CaptureFormat = 'pcap' | 'pcapng';
/** A byte order: little- or big-endian. */
export type ByteOrder = 'le' | 'be';
/** Which kind of record a {@link CaptureRecord} came from (pcap spec §5, pcapng spec §4.3, §4.4, Appendix A). */
export type RecordBlock = 'pcap' | 'epb' | 'spb' | 'pb';

/** One captured packet. */
export interface CaptureRecord {
  format: CaptureFormat;
  /** Record kind; an `spb` record has no timestamp (`timestampNs` is 0n). */
  block: RecordBlock;
  /** pcapng section index (0-based; always 0 for pcap). */
  section: number;
  /** Interface index within its section (0 for pcap). */
  interfaceId: number;
  /** The interface's link type (pcap: the low 16 bits of the header field). */
  linkType: number;
  /** Nanoseconds since 1970-01-01 UTC, exact for decimal resolutions, if_tsoffset included. */
  timestampNs: bigint;
  /** Decimal digits of the file's timestamp resolution (6 µs, 9 ns, ...), for {@link formatTimestamp}. */
  timestampDigits: number;
  /** The first raw timestamp word as stored (pcap: seconds; pcapng: high 32 bits of the tick count). */
  timestampHigh: number;
  /** The second raw timestamp word as stored (pcap: µs or ns fraction; pcapng: low 32 bits). */
  timestampLow: number;
  capturedLength: number;
  originalLength: number;
  /** The captured bytes (length `capturedLength`). */
  data: Uint8Array;
  /** `opt_comment` options of the block (pcapng spec §3.5). */
  comments: readonly string[];
  /** `epb_flags` (pcapng spec §4.3.1), 0 when absent. */
  flags: number;
  /** Absolute offset of the record header or block in the (decompressed) file. */
  offset: number;
}

/** The pcap file header (pcap spec §4). */
export interface PcapHeader {
  byteOrder: ByteOrder;
  /** true for the nanosecond magic (a1b23c4d). */
  nanosecond: boolean;
  versionMajor: number;
  versionMinor: number;
  /** GMT offset field (signed; ignored by readers, kept for round trips). */
  thiszone: number;
  sigfigs: number;
  snapLength: number;
  /** The whole 32-bit LinkType-and-additional-information field. */
  linkTypeField: number;
  /** Low 16 bits of {@link linkTypeField}. */
  linkType: number;
  /** FCS length in bytes when the FCS-present bit is set, else undefined. */
  fcsLength: number | undefined;
}

/** A capture interface: pcapng IDB (pcapng spec §4.2), or the one implicit interface of a pcap file. */
export interface CaptureInterface {
  section: number;
  id: number;
  linkType: number;
  snapLength: number;
  /** The raw if_tsresol byte (default 6: 10^-6 s); high bit set means a power of 2. */
  tsresol: number;
  /** Decimal digits used for formatting timestamps of this interface. */
  timestampDigits: number;
  /** if_tsoffset, seconds (0n when absent). */
  tsoffset: bigint;
  name: string | undefined;
  description: string | undefined;
  os: string | undefined;
  hardware: string | undefined;
  filter: Uint8Array | undefined;
  fcsLength: number | undefined;
  comments: string[];
  /** Absolute offset of the IDB (0 for pcap). */
  offset: number;
}

/** A pcapng section (pcapng spec §4.1), or the single implicit section of a pcap file. */
export interface CaptureSection {
  index: number;
  byteOrder: ByteOrder;
  versionMajor: number;
  versionMinor: number;
  /** Section length field (-1n when unspecified; pcap: -1n). */
  sectionLength: bigint;
  hardware: string | undefined;
  os: string | undefined;
  userAppl: string | undefined;
  comments: string[];
  interfaces: CaptureInterface[];
  offset: number;
}

/** One address record of a Name Resolution Block (pcapng spec §4.5). */
export interface NameRecord {
  section: number;
  /** 1 = IPv4, 2 = IPv6, other values as read. */
  type: number;
  /** Dotted IPv4 / RFC 5952 IPv6 text, or hex of the raw value for other types. */
  address: string;
  names: string[];
}

/** An Interface Statistics Block (pcapng spec §4.6). */
export interface InterfaceStatistics {
  section: number;
  interfaceId: number;
  timestampNs: bigint;
  startTimeNs: bigint | undefined;
  endTimeNs: bigint | undefined;
  ifRecv: bigint | undefined;
  ifDrop: bigint | undefined;
  filterAccept: bigint | undefined;
  osDrop: bigint | undefined;
  usrDeliv: bigint | undefined;
  comments: string[];
  offset: number;
}

/** Reader options. */
export interface ReadOptions {
  /**
   * Largest accepted captured length. Default: libpcap's limit per link type (256 KiB; D-Bus
   * 128 MiB, USBPcap 1 MiB, EBHSCR 8 MiB).
   */
  maxCaptureLength?: number;
  /** Largest accepted pcapng block (default 16 MiB, raised per interface as libpcap does). */
  maxBlockLength?: number;
  /** Bound on gunzipped bytes (default 1 GiB for `readCapture`, 4 GiB for streams). */
  maxDecompressedBytes?: number;
  /**
   * Copy each record's data (default: false for `readCapture`, true for streams).
   *
   * Streams: copied `data` (packed into shared 64 KiB slabs, each record a view with its own
   * `byteOffset`) stays valid for as long as it is kept, and a kept record keeps at most its slab
   * alive. With `copyData: false`, `data` is a view into the source's chunk (or into a small merged
   * array for a record that spans two chunks): no copy, slightly faster, and still valid after the
   * iteration moves on as long as the source never rewrites a chunk it has handed over (Node streams,
   * `fetch` bodies and `File.stream()` do not; a source that refills one buffer does), but a record
   * kept after the loop keeps its whole chunk alive. Opt out only when records are not kept or the
   * source is known.
   *
   * A {@link RecyclingByteSource} (such as `openCapture(path, { reuseBuffers: true })` in Node) does
   * rewrite its chunks: with `copyData: false`, a record's `data` is then valid only until the next call
   * to `next()` or `tryNext()`, as libpcap's packet buffer is. Copy what must be kept.
   */
  copyData?: boolean;
}

/**
 * A byte source for `readCaptureStream` that reads into a few buffers and reuses them (less allocation
 * and garbage collection than a fresh buffer per chunk). The reader calls {@link recycle} with a chunk's
 * `buffer` once it holds no view of that chunk any more: its queue consumed it, skipped it or copied the
 * part it needs into a merged record. Until then the source must not write to that buffer. Gzip input
 * is never recycled (the inflater may keep views of its input), so the source keeps allocating then.
 *
 * Records made with `copyData: false` are views into the chunks: such a record's `data` is valid only
 * until the next call to `next()` or `tryNext()`, since the source may refill its buffer from the next
 * read on. With `copyData: true` (the stream default) every record is copied, and reuse is invisible.
 *
 * The source must never have two chunks over one `ArrayBuffer` handed over and not yet recycled, and
 * must ignore buffers that are not its own.
 */
export interface RecyclingByteSource extends AsyncIterable<Uint8Array> {
  /** The reader holds no view of the chunk over `buffer` any more: the source may read into it again. */
  recycle(buffer: ArrayBufferLike): void;
}
