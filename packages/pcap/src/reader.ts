/**
 * The capture readers: {@link readCapture} over bytes in memory (synchronous, zero-copy) and
 * {@link readCaptureStream} over a Web ReadableStream or any async iterable of chunks (Node
 * streams included). Both auto-detect pcap (pcap spec §4), pcapng (pcapng spec §4.1) and gzip.
 */
import { MAX_DECOMPRESSED_STREAM, MAX_DECOMPRESSED_SYNC } from './constants.js';
import { GunzipFeeder, isGzip } from './gzip.js';
import { CaptureParser } from './parser.js';
import { ChunkQueue } from './queue.js';
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
  RecyclingByteSource,
} from './types.js';

/** File information shared by both readers; filled in as the file is read. */
abstract class ReaderInfo {
  protected readonly parser: CaptureParser;
  protected readonly queue = new ChunkQueue();
  protected eof = false;
  protected gunzip: GunzipFeeder | undefined;
  /** Whether the input was gzip-compressed. */
  compressed = false;

  protected constructor(opts: ReadOptions, copyDefault: boolean) {
    if (shapes === undefined) keepShapes();
    this.parser = new CaptureParser(opts, copyDefault);
  }

  /** 'pcap' or 'pcapng' (undefined until the header has been read). */
  get format(): CaptureFormat | undefined {
    return this.parser.format;
  }
  /** The pcap file header (pcap files only). */
  get pcapHeader(): PcapHeader | undefined {
    return this.parser.pcapHeader;
  }
  /** Byte order of the pcap file or of the first pcapng section. */
  get byteOrder(): ByteOrder | undefined {
    return this.parser.sections[0]?.byteOrder;
  }
  /** Version of the pcap file or of the first pcapng section. */
  get version(): { major: number; minor: number } | undefined {
    const s = this.parser.sections[0];
    return s && { major: s.versionMajor, minor: s.versionMinor };
  }
  /** The pcap header's snap length, or the first pcapng interface's (0 if none yet). */
  get snapLength(): number {
    return this.parser.pcapHeader?.snapLength ?? this.parser.sections[0]?.interfaces[0]?.snapLength ?? 0;
  }
  /** Sections read so far (a pcap file has one). */
  get sections(): readonly CaptureSection[] {
    return this.parser.sections;
  }
  /** Interfaces of all sections read so far (a pcap file has one); index a record's with `interfaceOf`. */
  get interfaces(): readonly CaptureInterface[] {
    return this.parser.interfaces;
  }
  /** Unknown and custom pcapng blocks skipped so far. */
  get skippedBlocks(): number {
    return this.parser.skippedBlocks;
  }
  /** Name Resolution Block records read so far (pcapng spec §4.5). */
  get nameRecords(): readonly NameRecord[] {
    return this.parser.nameRecords;
  }
  /** Interface Statistics Blocks read so far (pcapng spec §4.6). */
  get statistics(): readonly InterfaceStatistics[] {
    return this.parser.statistics;
  }
  /**
   * The next record, or undefined at the end of what is queued. When inflation failed, the parser's
   * complaint about the data cut short by it gives way to the gzip error that cut it.
   */
  protected parse(): CaptureRecord | undefined {
    const gzError = this.gunzip?.error;
    let rec: CaptureRecord | undefined;
    try {
      rec = this.parser.next(this.queue, this.eof);
    } catch (e) {
      throw gzError ?? e;
    }
    if (rec === undefined && this.eof && gzError) throw gzError;
    return rec;
  }

  /** Reads the file header; true once it is read (see {@link parse} for the gzip error). */
  protected openParser(): boolean {
    const gzError = this.gunzip?.error;
    let opened: boolean;
    try {
      opened = this.parser.open(this.queue, this.eof);
    } catch (e) {
      throw gzError ?? e;
    }
    if (!opened && this.eof && gzError) throw gzError;
    return opened;
  }

  /** The interface a record was captured on. */
  interfaceOf(rec: Pick<CaptureRecord, 'section' | 'interfaceId'>): CaptureInterface | undefined {
    return this.parser.sections[rec.section]?.interfaces[rec.interfaceId];
  }
}

/**
 * A synchronous, single-pass iterator over the records of a capture held in memory. Records' `data`
 * are zero-copy views into the input (or into the inflated chunks for gzip input) unless
 * `copyData` is set. The file header is read on construction, so header errors throw from
 * {@link readCapture}; record errors throw from `next()` after every complete record before them.
 */
export class CaptureReader extends ReaderInfo implements IterableIterator<CaptureRecord> {
  private input: Uint8Array = new Uint8Array(0);
  private inputPos = 0;
  private done = false;

  constructor(bytes: Uint8Array, opts: ReadOptions = {}) {
    super(opts, false);
    if (isGzip(bytes)) {
      this.compressed = true;
      this.gunzip = new GunzipFeeder(this.queue, opts.maxDecompressedBytes ?? MAX_DECOMPRESSED_SYNC);
      this.input = bytes;
    } else {
      this.queue.push(bytes);
      this.eof = true;
    }
    while (!this.openParser()) this.fill();
  }

  /**
   * Inflates the next slice. The end of the input is a separate, empty final push, as in the stream
   * reader, so that both see the same inflater behaviour whatever the slicing.
   */
  private fill(): void {
    const gz = this.gunzip as GunzipFeeder;
    if (this.inputPos < this.input.length) {
      const end = Math.min(this.input.length, this.inputPos + gz.sliceSize);
      gz.push(this.input.subarray(this.inputPos, end), false);
      this.inputPos = end;
    } else gz.push(new Uint8Array(0), true);
    if (gz.done) this.eof = true;
  }

  next(): IteratorResult<CaptureRecord, undefined> {
    if (this.done) return { done: true, value: undefined };
    try {
      for (;;) {
        const rec = this.parse();
        if (rec !== undefined) return { done: false, value: rec };
        if (this.eof) break;
        this.fill();
      }
    } catch (e) {
      this.done = true;
      throw e;
    }
    this.done = true;
    return { done: true, value: undefined };
  }

  [Symbol.iterator](): this {
    return this;
  }
}

/**
 * Reads a pcap, pcapng or gzip-compressed capture from bytes in memory (a synchronous iterable of
 * records, with the file information on the returned reader). Throws {@link CaptureError} only.
 */
export function readCapture(bytes: Uint8Array, opts: ReadOptions = {}): CaptureReader {
  return new CaptureReader(bytes, opts);
}

/** A source of bytes for {@link readCaptureStream} (a {@link RecyclingByteSource} is an async iterable). */
export type ByteSource = ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

function isReadableStream(s: ByteSource): s is ReadableStream<Uint8Array> {
  return typeof (s as ReadableStream<Uint8Array>).getReader === 'function';
}

function isRecycling(s: ByteSource): s is RecyclingByteSource {
  return typeof (s as Partial<RecyclingByteSource>).recycle === 'function';
}

async function* webChunks(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        finished = true;
        return;
      }
      yield value;
    }
  } finally {
    if (!finished) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}

/**
 * An asynchronous, single-pass iterator over the records of a streamed capture. Memory is bounded:
 * only the chunk being parsed and the incomplete record between chunks are kept (a 1 GB file streams
 * in about 60 MiB of resident memory with 64 KiB chunks, Node's own ~40 MiB included). Records'
 * `data` are copies that stay valid after the iteration moves on, unless `copyData: false` (see
 * {@link ReadOptions.copyData}; over a {@link RecyclingByteSource}, such a record is valid only until
 * the next `next()` or `tryNext()`). Call `open()` to read the file header before iterating; breaking out
 * of a `for await` loop cancels the source.
 */
export class CaptureStreamReader extends ReaderInfo implements AsyncIterableIterator<CaptureRecord> {
  private readonly chunks: AsyncIterator<Uint8Array>;
  private readonly maxDecompressed: number;
  private mode: 'detect' | 'plain' | 'gzip' = 'detect';
  private head: Uint8Array[] = [];
  private pending: Uint8Array | undefined;
  private done = false;
  /** An error `tryNext()` met, for the next `next()` to reject with. */
  private failure: { error: unknown } | undefined;

  constructor(source: ByteSource, opts: ReadOptions = {}) {
    super(opts, true);
    this.maxDecompressed = opts.maxDecompressedBytes ?? MAX_DECOMPRESSED_STREAM;
    const iterable: AsyncIterable<Uint8Array> = isReadableStream(source) ? webChunks(source) : source;
    this.chunks = iterable[Symbol.asyncIterator]();
    if (isRecycling(source)) this.queue.onRelease = (buffer) => source.recycle(buffer);
  }

  /** Feeds one step of input into the queue (sets `eof` at the end of the source). */
  private async fill(): Promise<void> {
    if (this.pending !== undefined) {
      this.feedGzip();
      return;
    }
    const r = await this.chunks.next();
    if (r.done) {
      if (this.mode === 'detect') this.decide(true);
      if (this.mode === 'gzip') (this.gunzip as GunzipFeeder).push(new Uint8Array(0), true);
      this.eof = true;
      return;
    }
    const chunk = r.value;
    if (this.mode === 'detect') {
      this.head.push(chunk);
      this.decide(false);
    } else if (this.mode === 'plain') this.queue.push(chunk);
    else {
      this.pending = chunk;
      this.feedGzip();
    }
  }

  private decide(end: boolean): void {
    const total = this.head.reduce((n, c) => n + c.length, 0);
    if (total < 2 && !end) return;
    const first = new Uint8Array(Math.min(2, total));
    let k = 0;
    for (const c of this.head) for (let i = 0; i < c.length && k < first.length; i++) first[k++] = c[i] as number;
    const head = this.head;
    this.head = [];
    if (isGzip(first)) {
      this.mode = 'gzip';
      // The queue gets the inflater's output, not the source's chunks; those go to the inflater, which
      // may keep views of its input, so they are never recycled.
      this.queue.onRelease = undefined;
      this.compressed = true;
      this.gunzip = new GunzipFeeder(this.queue, this.maxDecompressed);
      let all: Uint8Array = new Uint8Array(total);
      k = 0;
      for (const c of head) {
        all.set(c, k);
        k += c.length;
      }
      if (head.length === 1) all = head[0] as Uint8Array;
      this.pending = all;
      this.feedGzip();
    } else {
      this.mode = 'plain';
      for (const c of head) this.queue.push(c);
    }
  }

  private feedGzip(): void {
    const p = this.pending as Uint8Array;
    const gz = this.gunzip as GunzipFeeder;
    const n = gz.sliceSize;
    const slice = p.subarray(0, n);
    this.pending = p.length > n ? p.subarray(n) : undefined;
    gz.push(slice, false);
    if (gz.done) {
      // inflation failed: stop reading the source; the error comes after the records before it
      this.pending = undefined;
      this.eof = true;
    }
  }

  /** Reads up to the end of the file header (pcap) or first Section Header Block (pcapng). */
  async open(): Promise<this> {
    try {
      while (!this.openParser()) await this.fill();
    } catch (e) {
      await this.abort();
      throw e;
    }
    return this;
  }

  private async abort(): Promise<void> {
    if (this.done) return;
    this.done = true;
    await this.chunks.return?.();
  }

  /**
   * The next record if it can be parsed from the input already buffered, without waiting; undefined
   * when more input must be read first, at the end, or on an error. Then call `next()`, which reads on
   * (and rejects with the error, if any). A loop that takes records with `tryNext()` and falls back to
   * `await next()` awaits once per chunk instead of once per record.
   */
  tryNext(): CaptureRecord | undefined {
    if (this.done || this.failure !== undefined) return undefined;
    try {
      return this.parse();
    } catch (e) {
      this.failure = { error: e };
      return undefined;
    }
  }

  next(): Promise<IteratorResult<CaptureRecord, undefined>> {
    if (this.failure !== undefined) {
      const e = this.failure.error;
      this.failure = undefined;
      return this.fail(e);
    }
    // A record already buffered is handed over without entering an async function: one promise and
    // one result object per record, not an async frame as well (less garbage, so fewer scavenges).
    if (!this.done) {
      let rec: CaptureRecord | undefined;
      try {
        rec = this.parse();
      } catch (e) {
        return this.fail(e);
      }
      if (rec !== undefined) return Promise.resolve({ done: false, value: rec });
    }
    return this.pull();
  }

  /** Reads input until a record is complete or the input ends. */
  private async pull(): Promise<IteratorResult<CaptureRecord, undefined>> {
    if (this.done) return { done: true, value: undefined };
    try {
      for (;;) {
        const rec = this.parse();
        if (rec !== undefined) return { done: false, value: rec };
        if (this.eof) break;
        await this.fill();
      }
    } catch (e) {
      return this.fail(e);
    }
    this.done = true;
    return { done: true, value: undefined };
  }

  /** Releases the source, then rejects with `e`. */
  private async fail(e: unknown): Promise<never> {
    await this.abort().catch(() => undefined);
    throw e;
  }

  /** Stops reading and releases (cancels) the source. */
  async return(): Promise<IteratorResult<CaptureRecord, undefined>> {
    await this.abort();
    return { done: true, value: undefined };
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

/**
 * Reads a pcap, pcapng or gzip-compressed capture from a Web `ReadableStream<Uint8Array>` (e.g. a
 * browser `File.stream()` or `fetch()` body) or any `AsyncIterable<Uint8Array>` (a Node `Readable`).
 * Returns an async iterable of records with the file information on the reader.
 */
export function readCaptureStream(source: ByteSource, opts: ReadOptions = {}): CaptureStreamReader {
  return new CaptureStreamReader(source, opts);
}

/**
 * A reader of each kind (with its parser and queue), made when the first reader is and then kept for
 * the life of the module. V8 keeps an object's hidden class alive only while some object has it, and
 * throws away optimised code that depends on a hidden class that died. Without these, a full garbage
 * collection that ran while no reader was alive (between two files, between benchmark rounds) took the
 * whole read path back to the interpreter, and the next file paid tens of milliseconds of
 * recompilation: a 32 MiB capture read at about half speed. They hold a 24-byte header, nothing else.
 */
let shapes: readonly ReaderInfo[] | undefined;

function keepShapes(): void {
  // Set first: the constructors below come through here again.
  shapes = [];
  // A little-endian microsecond pcap file header (Ethernet, snap length 65535) and no records.
  const header = new Uint8Array([0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 1, 0, 0, 0]);
  const empty: AsyncIterable<Uint8Array> = {
    [Symbol.asyncIterator]: () => ({ next: async () => ({ done: true, value: undefined }) }),
  };
  shapes = [new CaptureReader(header), new CaptureStreamReader(empty)];
}

/** The readers kept by {@link keepShapes} (for tests). */
export function shapeAnchors(): readonly unknown[] | undefined {
  return shapes;
}
