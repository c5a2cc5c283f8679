/**
 * pcap (pcap spec §4, §5) and pcapng (pcapng spec §4.1-§4.3) writers. Each call returns the bytes
 * of one header, block or record, so output can go to a file, a stream or a Blob piecewise.
 * Every value is validated (EncodeError naming the field) before anything is written.
 */
import { EncodeError, writeU16BE, writeU16LE, writeU32BE, writeU32LE } from '@wirestack/core';
import {
  BLOCK_HEADER_LEN,
  BLOCK_TRAILER_LEN,
  BlockType,
  EpbField,
  EpbOption,
  IdbField,
  IdbOption,
  MAX_CAPTURE_LENGTH,
  OptionCode,
  PCAPNG_BYTE_ORDER_MAGIC,
  PCAPNG_VERSION_MAJOR,
  PCAP_HEADER_LEN,
  PCAP_MAGIC_NS,
  PCAP_MAGIC_US,
  PCAP_RECORD_HEADER_LEN,
  PCAP_VERSION_MAJOR,
  PCAP_VERSION_MINOR,
  PcapHeaderField,
  PcapRecordField,
  ShbField,
  ShbOption,
} from './constants.js';
import { readCapture } from './reader.js';
import type { ByteOrder, PcapHeader } from './types.js';

const NS_PER_S = 1_000_000_000n;
const U32_MAX = 0xffffffff;
const utf8 = new TextEncoder();
const pad4 = (n: number): number => (n + 3) & ~3;

function checkInt(layer: string, field: string, v: unknown, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
    throw new EncodeError({ layer, field, value: v, message: `must be an integer in ${min}..${max}` });
  return v;
}

function writer32(le: boolean): (b: Uint8Array, o: number, v: number) => void {
  return le ? writeU32LE : writeU32BE;
}
function writer16(le: boolean): (b: Uint8Array, o: number, v: number) => void {
  return le ? writeU16LE : writeU16BE;
}

/** Options of a {@link PcapWriter} (the pcap file header, pcap spec §4). */
export interface PcapWriterOptions {
  /** Link type (default 1, Ethernet). */
  linkType?: number;
  /** The whole 32-bit LinkType-and-additional-information field; overrides `linkType`. */
  linkTypeField?: number;
  /** Snap length (default 262144). */
  snapLength?: number;
  /** Nanosecond timestamps (magic a1b23c4d); default false (microseconds). */
  nanosecond?: boolean;
  /** Byte order (default 'le'). */
  byteOrder?: ByteOrder;
  versionMajor?: number;
  versionMinor?: number;
  thiszone?: number;
  sigfigs?: number;
}

/** One record for {@link PcapWriter.writeRecord}. */
export interface PcapRecordInput {
  timestampNs: bigint;
  data: Uint8Array;
  /** Original length (default `data.length`). */
  originalLength?: number;
  /**
   * Raw timestamp words as read (seconds, fraction). Used instead of `timestampNs` only when they
   * denote the same instant, so that unnormalised fractions (≥ 1 s) survive a round trip.
   */
  timestampHigh?: number;
  timestampLow?: number;
}

/** Writes pcap files (pcap spec §4, §5): `header()` once, then `writeRecord()` per packet. */
export class PcapWriter {
  readonly byteOrder: ByteOrder;
  readonly nanosecond: boolean;
  readonly linkTypeField: number;
  readonly snapLength: number;
  readonly versionMajor: number;
  readonly versionMinor: number;
  readonly thiszone: number;
  readonly sigfigs: number;

  constructor(opts: PcapWriterOptions = {}) {
    const L = 'pcap';
    this.byteOrder = opts.byteOrder ?? 'le';
    if (this.byteOrder !== 'le' && this.byteOrder !== 'be')
      throw new EncodeError({ layer: L, field: 'byteOrder', value: opts.byteOrder, message: "must be 'le' or 'be'" });
    this.nanosecond = opts.nanosecond ?? false;
    this.linkTypeField =
      opts.linkTypeField !== undefined
        ? checkInt(L, 'linkTypeField', opts.linkTypeField, 0, U32_MAX)
        : checkInt(L, 'linkType', opts.linkType ?? 1, 0, 0xffff);
    this.snapLength = checkInt(L, 'snapLength', opts.snapLength ?? MAX_CAPTURE_LENGTH, 0, U32_MAX);
    this.versionMajor = checkInt(L, 'versionMajor', opts.versionMajor ?? PCAP_VERSION_MAJOR, 0, 0xffff);
    this.versionMinor = checkInt(L, 'versionMinor', opts.versionMinor ?? PCAP_VERSION_MINOR, 0, 0xffff);
    this.thiszone = checkInt(L, 'thiszone', opts.thiszone ?? 0, -0x80000000, 0x7fffffff);
    this.sigfigs = checkInt(L, 'sigfigs', opts.sigfigs ?? 0, 0, U32_MAX);
  }

  /** A writer that reproduces a file header as read by `readCapture` (for lossless rewrites). */
  static fromHeader(h: PcapHeader): PcapWriter {
    return new PcapWriter({
      byteOrder: h.byteOrder,
      nanosecond: h.nanosecond,
      linkTypeField: h.linkTypeField,
      snapLength: h.snapLength,
      versionMajor: h.versionMajor,
      versionMinor: h.versionMinor,
      thiszone: h.thiszone,
      sigfigs: h.sigfigs,
    });
  }

  /** The 24-byte file header. */
  header(): Uint8Array {
    const b = new Uint8Array(PCAP_HEADER_LEN);
    const le = this.byteOrder === 'le';
    const w32 = writer32(le);
    const w16 = writer16(le);
    w32(b, PcapHeaderField.MAGIC, this.nanosecond ? PCAP_MAGIC_NS : PCAP_MAGIC_US);
    w16(b, PcapHeaderField.VERSION_MAJOR, this.versionMajor);
    w16(b, PcapHeaderField.VERSION_MINOR, this.versionMinor);
    w32(b, PcapHeaderField.THISZONE, this.thiszone >>> 0);
    w32(b, PcapHeaderField.SIGFIGS, this.sigfigs);
    w32(b, PcapHeaderField.SNAPLEN, this.snapLength);
    w32(b, PcapHeaderField.LINKTYPE, this.linkTypeField);
    return b;
  }

  /** Bytes `encodeRecord` writes for `rec`. */
  recordLength(rec: PcapRecordInput): number {
    return PCAP_RECORD_HEADER_LEN + rec.data.length;
  }

  private timestamp(rec: PcapRecordInput): [number, number] {
    const unit = this.nanosecond ? 1n : 1000n;
    const h = rec.timestampHigh;
    const l = rec.timestampLow;
    if (typeof rec.timestampNs !== 'bigint')
      throw new EncodeError({ layer: 'pcap', field: 'timestampNs', value: rec.timestampNs, message: 'must be a bigint' });
    if (
      typeof h === 'number' &&
      typeof l === 'number' &&
      Number.isInteger(h) &&
      Number.isInteger(l) &&
      h >= 0 &&
      l >= 0 &&
      h <= U32_MAX &&
      l <= U32_MAX &&
      BigInt(h) * NS_PER_S + BigInt(l) * unit === rec.timestampNs
    )
      return [h, l];
    const ns = rec.timestampNs;
    const sec = ns / NS_PER_S;
    if (ns < 0n || sec > BigInt(U32_MAX))
      throw new EncodeError({ layer: 'pcap', field: 'timestampNs', value: ns, message: 'seconds must fit in 0..2^32-1' });
    return [Number(sec), Number((ns % NS_PER_S) / unit)];
  }

  /** Writes one record into `buf` at `offset`; returns the bytes written. */
  encodeRecord(rec: PcapRecordInput, buf: Uint8Array, offset = 0): number {
    const [sec, frac] = this.timestamp(rec);
    const cap = checkInt('pcap', 'data.length', rec.data.length, 0, U32_MAX);
    const orig = checkInt('pcap', 'originalLength', rec.originalLength ?? cap, 0, U32_MAX);
    const n = PCAP_RECORD_HEADER_LEN + cap;
    if (buf.length - offset < n) throw new EncodeError({ layer: 'pcap', field: 'buf', message: `needs ${n} bytes at offset ${offset}` });
    const w32 = writer32(this.byteOrder === 'le');
    w32(buf, offset + PcapRecordField.TS_SEC, sec);
    w32(buf, offset + PcapRecordField.TS_FRAC, frac);
    w32(buf, offset + PcapRecordField.CAPLEN, cap);
    w32(buf, offset + PcapRecordField.LEN, orig);
    buf.set(rec.data, offset + PcapRecordField.DATA);
    return n;
  }

  /** The bytes of one record (16-byte header plus data). */
  writeRecord(rec: PcapRecordInput): Uint8Array {
    const b = new Uint8Array(this.recordLength(rec));
    this.encodeRecord(rec, b, 0);
    return b;
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Writes a whole pcap file (pcap spec §4, §5) in memory. */
export function writePcap(records: Iterable<PcapRecordInput>, opts: PcapWriterOptions = {}): Uint8Array {
  const w = new PcapWriter(opts);
  const parts = [w.header()];
  for (const r of records) parts.push(w.writeRecord(r));
  return concat(parts);
}

/**
 * Reads a pcap file and writes it again through {@link PcapWriter}: byte order, resolution, version,
 * snap length, the whole link-type field and raw timestamps are kept, so a well-formed file comes
 * back byte for byte. Throws CaptureError for input that is not a readable pcap file.
 */
export function rewritePcap(bytes: Uint8Array): Uint8Array {
  const r = readCapture(bytes);
  if (r.pcapHeader === undefined)
    throw new EncodeError({ layer: 'pcap', field: 'format', value: r.format, message: 'input is not a pcap file' });
  const w = PcapWriter.fromHeader(r.pcapHeader);
  const parts = [w.header()];
  for (const rec of r) parts.push(w.writeRecord(rec));
  return concat(parts);
}

// ---------------------------------------------------------------------------------------------
// pcapng

/** Section Header Block options (pcapng spec §4.1). */
export interface PcapngSectionOptions {
  /** Byte order of the section (default 'le'). */
  byteOrder?: ByteOrder;
  /** opt_comment values. */
  comments?: readonly string[];
  hardware?: string;
  os?: string;
  userAppl?: string;
}

/** Interface Description Block fields and options (pcapng spec §4.2). */
export interface PcapngInterfaceOptions {
  linkType: number;
  /** Snap length (default 0: no limit). */
  snapLength?: number;
  name?: string;
  description?: string;
  os?: string;
  hardware?: string;
  /** Decimal digits of the timestamp resolution, 0-9 (default 6: µs; 9: ns). */
  tsresol?: number;
  /** if_tsoffset in seconds (default none). */
  tsoffset?: bigint;
  fcsLength?: number;
  comments?: readonly string[];
}

/** One packet for {@link PcapngWriter.writeRecord} (an Enhanced Packet Block, pcapng spec §4.3). */
export interface PcapngRecordInput {
  /** Interface index in the current section (default 0). */
  interfaceId?: number;
  /** Nanoseconds since the epoch; truncated to the interface's resolution. */
  timestampNs: bigint;
  data: Uint8Array;
  /** Original length (default `data.length`). */
  originalLength?: number;
  comments?: readonly string[];
  /** epb_flags (written when non-zero). */
  flags?: number;
}

type Opt = [code: number, value: Uint8Array];

function optionsLength(opts: Opt[]): number {
  if (opts.length === 0) return 0;
  let n = 4; // opt_endofopt
  for (const [, v] of opts) n += 4 + pad4(v.length);
  return n;
}

function str(layer: string, field: string, v: unknown): Uint8Array {
  if (typeof v !== 'string') throw new EncodeError({ layer, field, value: v, message: 'must be a string' });
  const b = utf8.encode(v);
  if (b.length > 0xffff) throw new EncodeError({ layer, field, value: v, message: 'longer than 65535 bytes' });
  return b;
}

/**
 * Writes pcapng files (pcapng spec §4): `sectionHeader()`, then `addInterface()` per interface,
 * then `writeRecord()` per packet (Enhanced Packet Blocks). `newSection()` starts another section.
 */
export class PcapngWriter {
  private section: PcapngSectionOptions;
  private ifaces: { digits: number; tsoffset: bigint }[] = [];

  constructor(section: PcapngSectionOptions = {}) {
    this.section = section;
    this.validateSection(section);
  }

  /** Interfaces defined in the current section. */
  get interfaceCount(): number {
    return this.ifaces.length;
  }

  private get le(): boolean {
    return (this.section.byteOrder ?? 'le') === 'le';
  }

  private validateSection(s: PcapngSectionOptions): void {
    if (s.byteOrder !== undefined && s.byteOrder !== 'le' && s.byteOrder !== 'be')
      throw new EncodeError({ layer: 'pcapng', field: 'byteOrder', value: s.byteOrder, message: "must be 'le' or 'be'" });
  }

  private block(type: number, bodyLen: number, opts: Opt[], fill: (b: Uint8Array) => void): Uint8Array {
    const total = BLOCK_HEADER_LEN + pad4(bodyLen) + optionsLength(opts) + BLOCK_TRAILER_LEN;
    const b = new Uint8Array(total);
    const w32 = writer32(this.le);
    const w16 = writer16(this.le);
    w32(b, 0, type);
    w32(b, 4, total);
    fill(b);
    let o = BLOCK_HEADER_LEN + pad4(bodyLen);
    if (opts.length > 0) {
      for (const [code, v] of opts) {
        w16(b, o, code);
        w16(b, o + 2, v.length);
        b.set(v, o + 4);
        o += 4 + pad4(v.length);
      }
      o += 4; // opt_endofopt: zeros
    }
    w32(b, total - BLOCK_TRAILER_LEN, total);
    return b;
  }

  /** The Section Header Block (pcapng spec §4.1) of the current section, section length -1. */
  sectionHeader(): Uint8Array {
    const s = this.section;
    const L = 'pcapng';
    const opts: Opt[] = [];
    for (const c of s.comments ?? []) opts.push([OptionCode.COMMENT, str(L, 'comments', c)]);
    if (s.hardware !== undefined) opts.push([ShbOption.HARDWARE, str(L, 'hardware', s.hardware)]);
    if (s.os !== undefined) opts.push([ShbOption.OS, str(L, 'os', s.os)]);
    if (s.userAppl !== undefined) opts.push([ShbOption.USERAPPL, str(L, 'userAppl', s.userAppl)]);
    const le = this.le;
    return this.block(BlockType.SHB, ShbField.OPTIONS - BLOCK_HEADER_LEN, opts, (b) => {
      writer32(le)(b, ShbField.BYTE_ORDER_MAGIC, PCAPNG_BYTE_ORDER_MAGIC);
      writer16(le)(b, ShbField.VERSION_MAJOR, PCAPNG_VERSION_MAJOR);
      writer16(le)(b, ShbField.VERSION_MINOR, 0);
      writer32(le)(b, ShbField.SECTION_LENGTH, U32_MAX);
      writer32(le)(b, ShbField.SECTION_LENGTH + 4, U32_MAX);
    });
  }

  /** Starts a new section (interfaces restart at 0) and returns its Section Header Block. */
  newSection(section: PcapngSectionOptions = {}): Uint8Array {
    this.validateSection(section);
    this.section = section;
    this.ifaces = [];
    return this.sectionHeader();
  }

  /** Defines the next interface (id = `interfaceCount` before the call); returns its IDB (pcapng spec §4.2). */
  addInterface(i: PcapngInterfaceOptions): Uint8Array {
    const L = 'pcapng';
    const linkType = checkInt(L, 'linkType', i.linkType, 0, 0xffff);
    const snap = checkInt(L, 'snapLength', i.snapLength ?? 0, 0, U32_MAX);
    const digits = checkInt(L, 'tsresol', i.tsresol ?? 6, 0, 9);
    const opts: Opt[] = [];
    for (const c of i.comments ?? []) opts.push([OptionCode.COMMENT, str(L, 'comments', c)]);
    if (i.name !== undefined) opts.push([IdbOption.NAME, str(L, 'name', i.name)]);
    if (i.description !== undefined) opts.push([IdbOption.DESCRIPTION, str(L, 'description', i.description)]);
    if (digits !== 6) opts.push([IdbOption.TSRESOL, Uint8Array.of(digits)]);
    if (i.os !== undefined) opts.push([IdbOption.OS, str(L, 'os', i.os)]);
    if (i.fcsLength !== undefined) opts.push([IdbOption.FCSLEN, Uint8Array.of(checkInt(L, 'fcsLength', i.fcsLength, 0, 255))]);
    const tsoffset = i.tsoffset ?? 0n;
    if (typeof tsoffset !== 'bigint' || tsoffset < -(1n << 63n) || tsoffset >= 1n << 63n)
      throw new EncodeError({ layer: L, field: 'tsoffset', value: tsoffset, message: 'must be a signed 64-bit bigint' });
    if (i.tsoffset !== undefined) {
      const v = new Uint8Array(8);
      const u = BigInt.asUintN(64, tsoffset);
      const hi = Number(u >> 32n);
      const lo = Number(u & 0xffffffffn);
      const w32 = writer32(this.le);
      if (this.le) {
        w32(v, 0, lo);
        w32(v, 4, hi);
      } else {
        w32(v, 0, hi);
        w32(v, 4, lo);
      }
      opts.push([IdbOption.TSOFFSET, v]);
    }
    if (i.hardware !== undefined) opts.push([IdbOption.HARDWARE, str(L, 'hardware', i.hardware)]);
    const le = this.le;
    const b = this.block(BlockType.IDB, IdbField.OPTIONS - BLOCK_HEADER_LEN, opts, (x) => {
      writer16(le)(x, IdbField.LINKTYPE, linkType);
      writer32(le)(x, IdbField.SNAPLEN, snap);
    });
    this.ifaces.push({ digits, tsoffset });
    return b;
  }

  /** The Enhanced Packet Block (pcapng spec §4.3) of one packet. */
  writeRecord(rec: PcapngRecordInput): Uint8Array {
    const L = 'pcapng';
    const id = checkInt(L, 'interfaceId', rec.interfaceId ?? 0, 0, U32_MAX);
    const iface = this.ifaces[id];
    if (iface === undefined)
      throw new EncodeError({ layer: L, field: 'interfaceId', value: id, message: 'no such interface in this section' });
    if (typeof rec.timestampNs !== 'bigint')
      throw new EncodeError({ layer: L, field: 'timestampNs', value: rec.timestampNs, message: 'must be a bigint' });
    const unit = 10n ** BigInt(9 - iface.digits);
    const t = rec.timestampNs - iface.tsoffset * NS_PER_S;
    if (t < 0n)
      throw new EncodeError({ layer: L, field: 'timestampNs', value: rec.timestampNs, message: 'before the interface time offset' });
    const ticks = t / unit;
    if (ticks >= 1n << 64n) throw new EncodeError({ layer: L, field: 'timestampNs', value: rec.timestampNs, message: 'too large' });
    const cap = checkInt(L, 'data.length', rec.data.length, 0, U32_MAX);
    const orig = checkInt(L, 'originalLength', rec.originalLength ?? cap, 0, U32_MAX);
    const flags = checkInt(L, 'flags', rec.flags ?? 0, 0, U32_MAX);
    const opts: Opt[] = [];
    for (const c of rec.comments ?? []) opts.push([OptionCode.COMMENT, str(L, 'comments', c)]);
    if (flags !== 0) {
      const v = new Uint8Array(4);
      writer32(this.le)(v, 0, flags);
      opts.push([EpbOption.FLAGS, v]);
    }
    const le = this.le;
    return this.block(BlockType.EPB, EpbField.DATA - BLOCK_HEADER_LEN + cap, opts, (b) => {
      const w32 = writer32(le);
      w32(b, EpbField.INTERFACE_ID, id);
      w32(b, EpbField.TS_HIGH, Number(ticks >> 32n));
      w32(b, EpbField.TS_LOW, Number(ticks & 0xffffffffn));
      w32(b, EpbField.CAPLEN, cap);
      w32(b, EpbField.LEN, orig);
      b.set(rec.data, EpbField.DATA);
    });
  }
}

/** Everything {@link writePcapng} needs: one section, its interfaces, its packets. */
export interface PcapngFileInput {
  section?: PcapngSectionOptions;
  interfaces: readonly PcapngInterfaceOptions[];
  records: Iterable<PcapngRecordInput>;
}

/** Writes a whole single-section pcapng file in memory (SHB, IDBs, EPBs). */
export function writePcapng(file: PcapngFileInput): Uint8Array {
  const w = new PcapngWriter(file.section ?? {});
  const parts = [w.sectionHeader()];
  for (const i of file.interfaces) parts.push(w.addInterface(i));
  for (const r of file.records) parts.push(w.writeRecord(r));
  return concat(parts);
}
