/**
 * The capture parser: a pull state machine over a {@link ChunkQueue} shared by the synchronous and
 * streaming readers. It never reads a byte before `queue.ensure()` said it is there, and checks every
 * length field against its limit before waiting for (or buffering) the bytes it announces.
 */
import { readU16BE, readU16LE, readU32BE, readU32LE } from '@wirestack/core';
import {
  BLOCK_HEADER_LEN,
  BLOCK_TRAILER_LEN,
  BlockType,
  EpbField,
  EpbOption,
  IdbField,
  IdbOption,
  IsbField,
  IsbOption,
  MAX_BLOCK_LENGTH,
  MAX_CAPTURE_LENGTH,
  MAX_CAPTURE_LENGTH_BY_LINKTYPE,
  MIN_BLOCK_LEN,
  NrbField,
  NrbRecordType,
  OptionCode,
  PCAPNG_BYTE_ORDER_MAGIC,
  PCAPNG_VERSION_MAJOR,
  PCAPNG_VERSION_MINORS,
  PCAP_HEADER_LEN,
  PCAP_MAGIC_NS,
  PCAP_MAGIC_US,
  PCAP_RECORD_HEADER_LEN,
  PCAP_VERSION_MAJOR,
  PbField,
  PcapHeaderField,
  PcapLinkTypeMask,
  PcapRecordField,
  ShbField,
  ShbOption,
  SpbField,
} from './constants.js';
import { CaptureError, type CaptureLayer } from './errors.js';
import type { ChunkQueue } from './queue.js';
import { type TickConverter, pcapTimestampNs, tickConverter } from './timestamp.js';
import type {
  ByteOrder,
  CaptureFormat,
  CaptureInterface,
  CaptureRecord,
  CaptureSection,
  InterfaceStatistics,
  NameRecord,
  PcapHeader,
  ReadOptions,
} from './types.js';

/** The modified-pcap (Alexey Kuznetzov) magic, recognised and refused as unsupported. */
const PCAP_MAGIC_MODIFIED = 0xa1b2cd34;
const NOTHING: readonly string[] = Object.freeze([]);
const utf8 = new TextDecoder('utf-8');

const u16 = (b: Uint8Array, o: number, le: boolean): number => (le ? readU16LE(b, o) : readU16BE(b, o));
const u32 = (b: Uint8Array, o: number, le: boolean): number => (le ? readU32LE(b, o) : readU32BE(b, o));
const u64 = (b: Uint8Array, o: number, le: boolean): bigint =>
  le ? (BigInt(readU32LE(b, o + 4)) << 32n) | BigInt(readU32LE(b, o)) : (BigInt(readU32BE(b, o)) << 32n) | BigInt(readU32BE(b, o + 4));
const pad4 = (n: number): number => (n + 3) & ~3;

function text(b: Uint8Array, start: number, len: number): string {
  let end = start + len;
  while (end > start && b[end - 1] === 0) end--;
  return utf8.decode(b.subarray(start, end));
}

function hexOf(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return s;
}

function ipv6Text(b: Uint8Array, o: number): string {
  const words: number[] = [];
  for (let i = 0; i < 8; i++) words.push(readU16BE(b, o + 2 * i));
  // RFC 5952: compress the longest run (length >= 2) of zero words, the first one on ties.
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (ws: number[]): string => ws.map((w) => w.toString(16)).join(':');
  if (best < 0) return hex(words);
  return `${hex(words.slice(0, best))}::${hex(words.slice(best + bestLen))}`;
}

/** Result of one parser step: a record, "need more bytes", or "end of file". */
const NEED = 0;
const DONE = 1;
const AGAIN = 2;
type Step = CaptureRecord | typeof NEED | typeof DONE | typeof AGAIN;

/**
 * Size of the slabs that copied records share (see {@link CaptureParser.copyOut}). Small on purpose:
 * a slab lives until its last record has been handed over, and one that outlives two scavenges is
 * promoted to the old generation, where V8 frees its memory only at a full collection. 256 KiB slabs
 * under a decoding loop (`wirestack decode`) were promoted nearly always and cost ~45 MB of peak RSS.
 */
const SLAB_SIZE = 64 * 1024;
/** Larger records get their own copy (a slab would waste up to this much at its end). */
const SLAB_RECORD_MAX = 16 * 1024;

/** The parser behind every reader; its fields are the file information the readers expose. */
export class CaptureParser {
  format: CaptureFormat | undefined;
  pcapHeader: PcapHeader | undefined;
  readonly sections: CaptureSection[] = [];
  readonly nameRecords: NameRecord[] = [];
  readonly statistics: InterfaceStatistics[] = [];
  skippedBlocks = 0;

  private readonly copy: boolean;
  private readonly maxCaptureOpt: number | undefined;
  private readonly maxBlockOpt: number;
  private le = true;
  // pcap state
  private nanosecond = false;
  private pcapLinkType = 0;
  private pcapMaxCap = MAX_CAPTURE_LENGTH;
  // pcapng state
  private converters: TickConverter[] = [];
  private blockLimit = MAX_BLOCK_LENGTH;
  private trailer: { length: number; offset: number } | undefined;

  /**
   * Copies of small records share 64 KiB slabs: one allocation per slab instead of one per record, which
   * keeps a long stream fast and its resident memory low (each record's `data` is a view, `byteOffset` set,
   * into its slab; a slab is never reused, so the data stays valid).
   */
  private slab: Uint8Array | undefined;
  private slabUsed = 0;

  private copyOut(b: Uint8Array, start: number, length: number): Uint8Array {
    if (length > SLAB_RECORD_MAX) return b.slice(start, start + length);
    if (!this.slab || this.slabUsed + length > this.slab.length) {
      this.slab = new Uint8Array(SLAB_SIZE);
      this.slabUsed = 0;
    }
    const out = this.slab.subarray(this.slabUsed, this.slabUsed + length);
    out.set(b.subarray(start, start + length));
    this.slabUsed += length;
    return out;
  }

  constructor(opts: ReadOptions, copyDefault: boolean) {
    this.copy = opts.copyData ?? copyDefault;
    this.maxCaptureOpt = opts.maxCaptureLength;
    this.maxBlockOpt = opts.maxBlockLength ?? MAX_BLOCK_LENGTH;
    this.blockLimit = this.maxBlockOpt;
  }

  /** All interfaces of all sections, in file order. */
  get interfaces(): CaptureInterface[] {
    return this.sections.flatMap((s) => s.interfaces);
  }

  private maxCap(linkType: number): number {
    return this.maxCaptureOpt ?? MAX_CAPTURE_LENGTH_BY_LINKTYPE[linkType] ?? MAX_CAPTURE_LENGTH;
  }

  private layer(): CaptureLayer {
    return this.format === 'pcapng' ? 'pcapng' : 'pcap';
  }

  private fail(
    code: CaptureError['code'],
    offset: number,
    field: string,
    message?: string,
    extra?: { required?: number; actual?: number },
  ): never {
    const layer = this.layer();
    throw new CaptureError({
      code,
      layer,
      offset,
      field,
      ...(extra ?? {}),
      ...(message !== undefined ? { message: `${layer}.${field} at offset ${offset}: ${code}: ${message}` } : {}),
    });
  }

  /** `queue.ensure(n)`, throwing `truncated` at end of input. */
  private need(q: ChunkQueue, eof: boolean, n: number, offset: number, field: string): boolean {
    if (q.ensure(n)) return true;
    if (eof) this.fail('truncated', offset, field, `${n} bytes needed, ${q.avail} present`, { required: n, actual: q.avail });
    return false;
  }

  /** Reads the file header (pcap) or the first SHB (pcapng). Returns false when more input is needed. */
  open(q: ChunkQueue, eof: boolean): boolean {
    if (this.format === 'pcapng' && this.sections.length > 0) return true;
    if (this.format === 'pcap') return true;
    if (this.format === undefined) {
      if (!this.need(q, eof, 4, q.offset, 'magic')) return false;
      const magic = readU32BE(q.buf, q.pos);
      if (magic === BlockType.SHB) this.format = 'pcapng';
      else return this.openPcap(q, eof, magic);
    }
    for (;;) {
      const s = this.blockStep(q, eof);
      if (s === NEED) return false;
      if (s === DONE || this.sections.length > 0) return true;
    }
  }

  /** The next record, or undefined when more input is needed (eof false) or the file ended (eof true). */
  next(q: ChunkQueue, eof: boolean): CaptureRecord | undefined {
    if (!this.open(q, eof)) return undefined;
    for (;;) {
      const s = this.format === 'pcap' ? this.pcapStep(q, eof) : this.blockStep(q, eof);
      if (s === NEED || s === DONE) return undefined;
      if (s !== AGAIN) return s;
    }
  }

  // ---- pcap (pcap spec §4, §5) ----

  private openPcap(q: ChunkQueue, eof: boolean, magic: number): boolean {
    const swapped = ((magic & 0xff) << 24) | ((magic & 0xff00) << 8) | ((magic >>> 8) & 0xff00) | (magic >>> 24);
    const m = swapped >>> 0;
    let le: boolean;
    if (magic === PCAP_MAGIC_US || magic === PCAP_MAGIC_NS) le = false;
    else if (m === PCAP_MAGIC_US || m === PCAP_MAGIC_NS) le = true;
    else if (magic === PCAP_MAGIC_MODIFIED || m === PCAP_MAGIC_MODIFIED)
      this.fail('unsupported', q.offset, 'magic', 'modified (Kuznetzov) pcap format is not supported');
    else this.fail('malformed', q.offset, 'magic', `not a pcap or pcapng file (magic 0x${magic.toString(16).padStart(8, '0')})`);
    if (!this.need(q, eof, PCAP_HEADER_LEN, q.offset, 'header')) return false;
    const b = q.buf;
    const p = q.pos;
    const nanosecond = (le ? m : magic) === PCAP_MAGIC_NS;
    const versionMajor = u16(b, p + PcapHeaderField.VERSION_MAJOR, le);
    const versionMinor = u16(b, p + PcapHeaderField.VERSION_MINOR, le);
    this.format = 'pcap';
    if (versionMajor !== PCAP_VERSION_MAJOR)
      this.fail(
        'bad-version',
        q.offset + PcapHeaderField.VERSION_MAJOR,
        'versionMajor',
        `unsupported pcap version ${versionMajor}.${versionMinor}`,
      );
    const linkTypeField = u32(b, p + PcapHeaderField.LINKTYPE, le);
    const linkType = linkTypeField & PcapLinkTypeMask.LINKTYPE;
    const header: PcapHeader = {
      byteOrder: le ? 'le' : 'be',
      nanosecond,
      versionMajor,
      versionMinor,
      thiszone: u32(b, p + PcapHeaderField.THISZONE, le) | 0,
      sigfigs: u32(b, p + PcapHeaderField.SIGFIGS, le),
      snapLength: u32(b, p + PcapHeaderField.SNAPLEN, le),
      linkTypeField,
      linkType,
      fcsLength: linkTypeField & PcapLinkTypeMask.FCS_PRESENT ? ((linkTypeField >>> 28) & 0xf) * 2 : undefined,
    };
    this.pcapHeader = header;
    this.le = le;
    this.nanosecond = nanosecond;
    this.pcapLinkType = linkType;
    this.pcapMaxCap = this.maxCap(linkType);
    const digits = nanosecond ? 9 : 6;
    this.sections.push({
      index: 0,
      byteOrder: header.byteOrder,
      versionMajor,
      versionMinor,
      sectionLength: -1n,
      hardware: undefined,
      os: undefined,
      userAppl: undefined,
      comments: [],
      offset: 0,
      interfaces: [
        {
          section: 0,
          id: 0,
          linkType,
          snapLength: header.snapLength,
          tsresol: digits,
          timestampDigits: digits,
          tsoffset: 0n,
          name: undefined,
          description: undefined,
          os: undefined,
          hardware: undefined,
          filter: undefined,
          fcsLength: header.fcsLength,
          comments: [],
          offset: 0,
        },
      ],
    });
    q.consume(PCAP_HEADER_LEN);
    return true;
  }

  private pcapStep(q: ChunkQueue, eof: boolean): Step {
    if (q.avail === 0) return eof ? DONE : NEED;
    const offset = q.offset;
    if (!this.need(q, eof, PCAP_RECORD_HEADER_LEN, offset, 'recordHeader')) return NEED;
    const le = this.le;
    let b = q.buf;
    let p = q.pos;
    const capturedLength = u32(b, p + PcapRecordField.CAPLEN, le);
    if (capturedLength > this.pcapMaxCap)
      this.fail(
        'bad-length',
        offset + PcapRecordField.CAPLEN,
        'capturedLength',
        `captured length ${capturedLength} exceeds the maximum ${this.pcapMaxCap}`,
        {
          required: this.pcapMaxCap,
          actual: capturedLength,
        },
      );
    const total = PCAP_RECORD_HEADER_LEN + capturedLength;
    if (!this.need(q, eof, total, offset, 'data')) return NEED;
    b = q.buf;
    p = q.pos;
    const sec = u32(b, p + PcapRecordField.TS_SEC, le);
    const frac = u32(b, p + PcapRecordField.TS_FRAC, le);
    const start = p + PcapRecordField.DATA;
    const rec: CaptureRecord = {
      format: 'pcap',
      block: 'pcap',
      section: 0,
      interfaceId: 0,
      linkType: this.pcapLinkType,
      timestampNs: pcapTimestampNs(sec, frac, this.nanosecond),
      timestampDigits: this.nanosecond ? 9 : 6,
      timestampHigh: sec,
      timestampLow: frac,
      capturedLength,
      originalLength: u32(b, p + PcapRecordField.LEN, le),
      data: this.copy ? this.copyOut(b, start, capturedLength) : b.subarray(start, start + capturedLength),
      comments: NOTHING,
      flags: 0,
      offset,
    };
    q.consume(total);
    return rec;
  }

  // ---- pcapng (pcapng spec §3, §4) ----

  private blockStep(q: ChunkQueue, eof: boolean): Step {
    if (this.trailer !== undefined) {
      const t = this.trailer;
      if (q.pendingSkip > 0) {
        if (eof) this.fail('truncated', t.offset, 'block', `block of ${t.length} bytes cut short`, { required: t.length });
        return NEED;
      }
      if (!this.need(q, eof, BLOCK_TRAILER_LEN, t.offset, 'block')) return NEED;
      const trailer = u32(q.buf, q.pos, this.le);
      if (trailer !== t.length)
        this.fail('bad-length', q.offset, 'trailer', `block trailer length ${trailer} differs from header length ${t.length}`);
      q.consume(BLOCK_TRAILER_LEN);
      this.trailer = undefined;
      return AGAIN;
    }
    if (q.avail === 0) return eof ? DONE : NEED;
    const offset = q.offset;
    if (!this.need(q, eof, BLOCK_HEADER_LEN, offset, 'blockHeader')) return NEED;
    let type = u32(q.buf, q.pos, this.le);
    const first = this.sections.length === 0;
    if (first || type === BlockType.SHB) {
      if (type !== BlockType.SHB) this.fail('malformed', offset, 'blockType', 'the first block is not a Section Header Block');
      if (!this.need(q, eof, ShbField.BYTE_ORDER_MAGIC + 4, offset, 'byteOrderMagic')) return NEED;
      const bom = readU32BE(q.buf, q.pos + ShbField.BYTE_ORDER_MAGIC);
      if (bom === PCAPNG_BYTE_ORDER_MAGIC) this.le = false;
      else if (readU32LE(q.buf, q.pos + ShbField.BYTE_ORDER_MAGIC) === PCAPNG_BYTE_ORDER_MAGIC) this.le = true;
      else this.fail('malformed', offset + ShbField.BYTE_ORDER_MAGIC, 'byteOrderMagic', 'bad Section Header Block byte-order magic');
      type = BlockType.SHB;
    }
    const le = this.le;
    const length = u32(q.buf, q.pos + 4, le);
    const lengthAt = offset + 4;
    if (length % 4 !== 0) this.fail('bad-length', lengthAt, 'blockTotalLength', `block length ${length} is not a multiple of 4`);
    const min = minBlockLength(type);
    if (length < min) this.fail('bad-length', lengthAt, 'blockTotalLength', `block length ${length} is below the minimum ${min}`);
    if (length > this.blockLimit)
      this.fail('bad-length', lengthAt, 'blockTotalLength', `block length ${length} exceeds the maximum ${this.blockLimit}`, {
        required: this.blockLimit,
        actual: length,
      });
    if (min === MIN_BLOCK_LEN && type !== BlockType.NRB) {
      // Unknown or custom block: skip it without buffering, then check its trailer.
      this.skippedBlocks++;
      q.consume(BLOCK_HEADER_LEN);
      q.skip(length - BLOCK_HEADER_LEN - BLOCK_TRAILER_LEN);
      this.trailer = { length, offset };
      return AGAIN;
    }
    // Known block: check the interface-dependent limits before buffering the whole block.
    if (type === BlockType.EPB || type === BlockType.PB) {
      if (!this.need(q, eof, EpbField.DATA, offset, 'blockHeader')) return NEED;
      const id = type === BlockType.EPB ? u32(q.buf, q.pos + EpbField.INTERFACE_ID, le) : u16(q.buf, q.pos + PbField.INTERFACE_ID, le);
      const iface = this.section().interfaces[id];
      if (iface === undefined)
        this.fail('malformed', offset + EpbField.INTERFACE_ID, 'interfaceId', `interface ${id} is not defined in this section`);
      const cap = u32(q.buf, q.pos + EpbField.CAPLEN, le);
      const max = this.maxCap(iface.linkType);
      if (cap > max)
        this.fail('bad-length', offset + EpbField.CAPLEN, 'capturedLength', `captured length ${cap} exceeds the maximum ${max}`, {
          required: max,
          actual: cap,
        });
      if (EpbField.DATA + pad4(cap) + BLOCK_TRAILER_LEN > length)
        this.fail('bad-length', offset + EpbField.CAPLEN, 'capturedLength', `captured length ${cap} exceeds the block`);
    }
    if (!this.need(q, eof, length, offset, 'block')) return NEED;
    const b = q.buf;
    const p = q.pos;
    const trailer = u32(b, p + length - BLOCK_TRAILER_LEN, le);
    if (trailer !== length)
      this.fail(
        'bad-length',
        offset + length - BLOCK_TRAILER_LEN,
        'trailer',
        `block trailer length ${trailer} differs from header length ${length}`,
      );
    let out: Step = AGAIN;
    switch (type) {
      case BlockType.SHB:
        this.readShb(b, p, length, offset);
        break;
      case BlockType.IDB:
        this.readIdb(b, p, length, offset);
        break;
      case BlockType.EPB:
      case BlockType.PB:
        out = this.readEpb(b, p, length, offset, type === BlockType.PB);
        break;
      case BlockType.SPB:
        out = this.readSpb(b, p, length, offset);
        break;
      case BlockType.NRB:
        this.readNrb(b, p, length, offset);
        break;
      case BlockType.ISB:
        this.readIsb(b, p, length, offset);
        break;
    }
    q.consume(length);
    return out;
  }

  private section(): CaptureSection {
    return this.sections[this.sections.length - 1] as CaptureSection;
  }

  /** Calls `fn(code, start, length)` for each option in `[start, end)` (pcapng spec §3.5). */
  private options(b: Uint8Array, start: number, end: number, base: number, fn: (code: number, at: number, len: number) => void): void {
    let o = start;
    while (o + 4 <= end) {
      const code = u16(b, o, this.le);
      const len = u16(b, o + 2, this.le);
      if (code === OptionCode.END) return;
      if (o + 4 + len > end) this.fail('malformed', base + (o - start), 'options', `option ${code} of ${len} bytes overruns its block`);
      fn(code, o + 4, len);
      o += 4 + pad4(len);
    }
  }

  private readShb(b: Uint8Array, p: number, length: number, offset: number): void {
    const le = this.le;
    const versionMajor = u16(b, p + ShbField.VERSION_MAJOR, le);
    const versionMinor = u16(b, p + ShbField.VERSION_MINOR, le);
    if (versionMajor !== PCAPNG_VERSION_MAJOR || !PCAPNG_VERSION_MINORS.includes(versionMinor))
      this.fail(
        'bad-version',
        offset + ShbField.VERSION_MAJOR,
        'versionMajor',
        `unsupported pcapng version ${versionMajor}.${versionMinor}`,
      );
    const section: CaptureSection = {
      index: this.sections.length,
      byteOrder: le ? 'le' : 'be',
      versionMajor,
      versionMinor,
      sectionLength: BigInt.asIntN(64, u64(b, p + ShbField.SECTION_LENGTH, le)),
      hardware: undefined,
      os: undefined,
      userAppl: undefined,
      comments: [],
      interfaces: [],
      offset,
    };
    const o0 = p + ShbField.OPTIONS;
    this.options(b, o0, p + length - BLOCK_TRAILER_LEN, offset + ShbField.OPTIONS, (code, at, len) => {
      if (code === OptionCode.COMMENT) section.comments.push(text(b, at, len));
      else if (code === ShbOption.HARDWARE) section.hardware = text(b, at, len);
      else if (code === ShbOption.OS) section.os = text(b, at, len);
      else if (code === ShbOption.USERAPPL) section.userAppl = text(b, at, len);
    });
    this.sections.push(section);
    this.converters = [];
    this.blockLimit = this.maxBlockOpt;
  }

  private readIdb(b: Uint8Array, p: number, length: number, offset: number): void {
    const le = this.le;
    const section = this.section();
    const iface: CaptureInterface = {
      section: section.index,
      id: section.interfaces.length,
      linkType: u16(b, p + IdbField.LINKTYPE, le),
      snapLength: u32(b, p + IdbField.SNAPLEN, le),
      tsresol: 6,
      timestampDigits: 6,
      tsoffset: 0n,
      name: undefined,
      description: undefined,
      os: undefined,
      hardware: undefined,
      filter: undefined,
      fcsLength: undefined,
      comments: [],
      offset,
    };
    this.options(b, p + IdbField.OPTIONS, p + length - BLOCK_TRAILER_LEN, offset + IdbField.OPTIONS, (code, at, len) => {
      switch (code) {
        case OptionCode.COMMENT:
          iface.comments.push(text(b, at, len));
          break;
        case IdbOption.NAME:
          iface.name = text(b, at, len);
          break;
        case IdbOption.DESCRIPTION:
          iface.description = text(b, at, len);
          break;
        case IdbOption.OS:
          iface.os = text(b, at, len);
          break;
        case IdbOption.HARDWARE:
          iface.hardware = text(b, at, len);
          break;
        case IdbOption.FILTER:
          iface.filter = b.slice(at, at + len);
          break;
        case IdbOption.TSRESOL:
          if (len >= 1) iface.tsresol = b[at] as number;
          break;
        case IdbOption.FCSLEN:
          if (len >= 1) iface.fcsLength = b[at] as number;
          break;
        case IdbOption.TSOFFSET:
          if (len >= 8) iface.tsoffset = BigInt.asIntN(64, u64(b, at, le));
          break;
      }
    });
    const conv = tickConverter(iface.tsresol, iface.tsoffset);
    iface.timestampDigits = conv.digits;
    section.interfaces.push(iface);
    this.converters.push(conv);
    this.blockLimit = Math.max(this.blockLimit, this.maxCap(iface.linkType) + 131072);
  }

  private readEpb(b: Uint8Array, p: number, length: number, offset: number, obsolete: boolean): CaptureRecord {
    const le = this.le;
    const id = obsolete ? u16(b, p + PbField.INTERFACE_ID, le) : u32(b, p + EpbField.INTERFACE_ID, le);
    const iface = this.section().interfaces[id] as CaptureInterface;
    const conv = this.converters[id] as TickConverter;
    const high = u32(b, p + EpbField.TS_HIGH, le);
    const low = u32(b, p + EpbField.TS_LOW, le);
    const capturedLength = u32(b, p + EpbField.CAPLEN, le);
    const start = p + EpbField.DATA;
    let comments: string[] | undefined;
    let flags = 0;
    const optStart = start + pad4(capturedLength);
    this.options(b, optStart, p + length - BLOCK_TRAILER_LEN, offset + (optStart - p), (code, at, len) => {
      if (code === OptionCode.COMMENT) {
        comments ??= [];
        comments.push(text(b, at, len));
      } else if (code === EpbOption.FLAGS && len >= 4) flags = u32(b, at, le);
    });
    return {
      format: 'pcapng',
      block: obsolete ? 'pb' : 'epb',
      section: iface.section,
      interfaceId: id,
      linkType: iface.linkType,
      timestampNs: conv.toNs(high, low),
      timestampDigits: conv.digits,
      timestampHigh: high,
      timestampLow: low,
      capturedLength,
      originalLength: u32(b, p + EpbField.LEN, le),
      data: this.copy ? this.copyOut(b, start, capturedLength) : b.subarray(start, start + capturedLength),
      comments: comments ?? NOTHING,
      flags,
      offset,
    };
  }

  private readSpb(b: Uint8Array, p: number, length: number, offset: number): CaptureRecord {
    const iface = this.section().interfaces[0];
    if (iface === undefined) this.fail('malformed', offset, 'interfaceId', 'Simple Packet Block before any Interface Description Block');
    const originalLength = u32(b, p + SpbField.LEN, this.le);
    const room = length - SpbField.DATA - BLOCK_TRAILER_LEN;
    let capturedLength = Math.min(originalLength, room);
    if (iface.snapLength > 0) capturedLength = Math.min(capturedLength, iface.snapLength);
    const max = this.maxCap(iface.linkType);
    if (capturedLength > max)
      this.fail('bad-length', offset + SpbField.LEN, 'capturedLength', `captured length ${capturedLength} exceeds the maximum ${max}`, {
        required: max,
        actual: capturedLength,
      });
    const start = p + SpbField.DATA;
    return {
      format: 'pcapng',
      block: 'spb',
      section: iface.section,
      interfaceId: 0,
      linkType: iface.linkType,
      timestampNs: 0n,
      timestampDigits: iface.timestampDigits,
      timestampHigh: 0,
      timestampLow: 0,
      capturedLength,
      originalLength,
      data: this.copy ? this.copyOut(b, start, capturedLength) : b.subarray(start, start + capturedLength),
      comments: NOTHING,
      flags: 0,
      offset,
    };
  }

  private readNrb(b: Uint8Array, p: number, length: number, offset: number): void {
    const le = this.le;
    const section = this.section().index;
    const end = p + length - BLOCK_TRAILER_LEN;
    let o = p + NrbField.RECORDS;
    while (o + 4 <= end) {
      const type = u16(b, o, le);
      const len = u16(b, o + 2, le);
      if (type === NrbRecordType.END) {
        o += 4;
        break;
      }
      const v = o + 4;
      if (v + len > end) this.fail('malformed', offset + (o - p), 'nameRecord', `name record of ${len} bytes overruns its block`);
      const alen = type === NrbRecordType.IPV4 ? 4 : type === NrbRecordType.IPV6 ? 16 : 0;
      if (alen > 0 && len >= alen) {
        const address = alen === 4 ? `${b[v]}.${b[v + 1]}.${b[v + 2]}.${b[v + 3]}` : ipv6Text(b, v);
        const names = text(b, v + alen, len - alen)
          .split('\0')
          .filter((s) => s.length > 0);
        this.nameRecords.push({ section, type, address, names });
      } else {
        this.nameRecords.push({ section, type, address: hexOf(b.subarray(v, v + len)), names: [] });
      }
      o = v + pad4(len);
    }
  }

  private readIsb(b: Uint8Array, p: number, length: number, offset: number): void {
    const le = this.le;
    const section = this.section();
    const interfaceId = u32(b, p + IsbField.INTERFACE_ID, le);
    const conv = this.converters[interfaceId] ?? tickConverter(6);
    const st: InterfaceStatistics = {
      section: section.index,
      interfaceId,
      timestampNs: conv.toNs(u32(b, p + IsbField.TS_HIGH, le), u32(b, p + IsbField.TS_LOW, le)),
      startTimeNs: undefined,
      endTimeNs: undefined,
      ifRecv: undefined,
      ifDrop: undefined,
      filterAccept: undefined,
      osDrop: undefined,
      usrDeliv: undefined,
      comments: [],
      offset,
    };
    this.options(b, p + IsbField.OPTIONS, p + length - BLOCK_TRAILER_LEN, offset + IsbField.OPTIONS, (code, at, len) => {
      if (code === OptionCode.COMMENT) {
        st.comments.push(text(b, at, len));
        return;
      }
      if (len < 8) return;
      if (code === IsbOption.STARTTIME) st.startTimeNs = conv.toNs(u32(b, at, le), u32(b, at + 4, le));
      else if (code === IsbOption.ENDTIME) st.endTimeNs = conv.toNs(u32(b, at, le), u32(b, at + 4, le));
      else if (code === IsbOption.IFRECV) st.ifRecv = u64(b, at, le);
      else if (code === IsbOption.IFDROP) st.ifDrop = u64(b, at, le);
      else if (code === IsbOption.FILTERACCEPT) st.filterAccept = u64(b, at, le);
      else if (code === IsbOption.OSDROP) st.osDrop = u64(b, at, le);
      else if (code === IsbOption.USRDELIV) st.usrDeliv = u64(b, at, le);
    });
    this.statistics.push(st);
  }
}

/** Minimum total length of a block of this type; MIN_BLOCK_LEN marks a type this reader skips. */
function minBlockLength(type: number): number {
  switch (type) {
    case BlockType.SHB:
      return ShbField.OPTIONS + BLOCK_TRAILER_LEN;
    case BlockType.IDB:
      return IdbField.OPTIONS + BLOCK_TRAILER_LEN;
    case BlockType.EPB:
      return EpbField.DATA + BLOCK_TRAILER_LEN;
    case BlockType.PB:
      return PbField.DATA + BLOCK_TRAILER_LEN;
    case BlockType.SPB:
      return SpbField.DATA + BLOCK_TRAILER_LEN;
    case BlockType.ISB:
      return IsbField.OPTIONS + BLOCK_TRAILER_LEN;
    default:
      return MIN_BLOCK_LEN;
  }
}

export type { ByteOrder };
