/// <reference types="node" />
/**
 * Node.js helpers for @wirestack/pcap (the only module that uses Node built-ins): open a capture
 * file as a stream, read one synchronously, write one.
 */
import { createReadStream, createWriteStream, readFileSync } from 'node:fs';
import { open, writeFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { type CaptureReader, type CaptureStreamReader, readCapture, readCaptureStream } from './reader.js';
import type { ReadOptions, RecyclingByteSource } from './types.js';

/**
 * Read-stream chunk size for {@link openCapture} without reused buffers, and the size of the one-off
 * buffers of a {@link CaptureFileSource} whose pool is used up: 128 KiB. Larger chunks read a little
 * faster (1 MiB: ~4%) but raise the peak resident set a lot: a chunk lives while all its records are
 * parsed, and one that lives across two scavenges is promoted to V8's old generation, whose array
 * buffers are freed only by a full collection. Streaming a 1 GB file peaked at ~60 MiB with 64 or
 * 128 KiB chunks, ~125 MiB with 256 KiB and 140-210 MiB with 1 MiB.
 */
export const OPEN_CAPTURE_HIGH_WATER_MARK = 128 * 1024;

/**
 * Size of the reused buffers of a {@link CaptureFileSource}: 512 KiB. A reused buffer is long-lived
 * anyway, so the promotion that keeps fresh stream chunks at 128 KiB costs nothing here, and fewer,
 * larger reads cost less: each `FileHandle.read` is a round trip through libuv's thread pool. Reading
 * and parsing a 1 GiB pcap (zero-copy records) took ~490 ms of CPU time with 128 KiB buffers, ~385 ms
 * with 256 KiB, ~360 ms with 512 KiB and ~335 ms with 1 MiB (`fs.createReadStream`: ~600 ms).
 */
export const CAPTURE_FILE_CHUNK = 512 * 1024;
/** Most reused buffers of a {@link CaptureFileSource}: the chunk being parsed, the next one, and spares. */
export const CAPTURE_FILE_POOL = 4;

/** Options of {@link CaptureFileSource}. */
export interface CaptureFileSourceOptions {
  /** Size of the reused buffers (default {@link CAPTURE_FILE_CHUNK}). */
  chunkSize?: number;
  /** Most reused buffers (default {@link CAPTURE_FILE_POOL}). */
  poolSize?: number;
}

/**
 * A file read into a small pool of reused buffers with `FileHandle.read` (a {@link RecyclingByteSource}
 * for `readCaptureStream`): no fresh buffer, page faults and garbage per chunk as with
 * `fs.createReadStream`. Each read goes into a buffer the reader has recycled; when none is free (the
 * reader still holds views of them all, say while a record spans many chunks) it goes into a new pooled
 * buffer while there are fewer than `poolSize`, then into a one-off buffer of
 * {@link OPEN_CAPTURE_HIGH_WATER_MARK} bytes that is never reused. A gzip file's chunks are never
 * recycled (the reader feeds them to the inflater): the pooled buffers stay lent, and the file is read
 * in one-off buffers as a read stream would. Reads are sequential from the current position (not
 * positioned), so FIFOs and character devices work too.
 *
 * With `copyData: false`, a record's `data` is valid only until the next `next()` or `tryNext()`.
 * {@link bytesRead} counts the bytes read so far (for progress). The file opens on the first read and
 * closes at its end, or when the reader stops early (`return()`, an error).
 */
export class CaptureFileSource implements RecyclingByteSource {
  /** Bytes read from the file so far. */
  bytesRead = 0;
  private readonly chunkSize: number;
  private readonly poolSize: number;
  /** Pooled buffers the reader has recycled. */
  private readonly free: Uint8Array[] = [];
  /** Pooled buffers handed over and not recycled yet, by their `ArrayBuffer`. */
  private readonly lent = new Map<ArrayBufferLike, Uint8Array>();

  constructor(
    readonly path: string,
    opts: CaptureFileSourceOptions = {},
  ) {
    this.chunkSize = opts.chunkSize ?? CAPTURE_FILE_CHUNK;
    this.poolSize = opts.poolSize ?? CAPTURE_FILE_POOL;
  }

  recycle(buffer: ArrayBufferLike): void {
    const b = this.lent.get(buffer);
    if (b === undefined) return;
    this.lent.delete(buffer);
    this.free.push(b);
  }

  /** A buffer no view handed over refers to: a recycled one, a new pooled one, or a one-off. */
  private take(): { buf: Uint8Array; pooled: boolean } {
    const b = this.free.pop();
    if (b !== undefined) return { buf: b, pooled: true };
    if (this.lent.size < this.poolSize) return { buf: new Uint8Array(this.chunkSize), pooled: true };
    return { buf: new Uint8Array(Math.min(this.chunkSize, OPEN_CAPTURE_HIGH_WATER_MARK)), pooled: false };
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    const fh = await open(this.path, 'r');
    try {
      for (;;) {
        const { buf, pooled } = this.take();
        const { bytesRead } = await fh.read(buf, 0, buf.length, null);
        if (bytesRead === 0) {
          if (pooled) this.free.push(buf);
          return;
        }
        this.bytesRead += bytesRead;
        if (pooled) this.lent.set(buf.buffer, buf);
        yield buf.subarray(0, bytesRead);
      }
    } finally {
      await fh.close();
    }
  }
}

/** Options of {@link openCapture}. */
export interface OpenCaptureOptions extends ReadOptions {
  /**
   * Read the file into a few reused buffers ({@link CaptureFileSource}) instead of a fresh buffer per
   * chunk (`fs.createReadStream`): less CPU time and memory. Default: true when records are copied
   * (`copyData` true, the default), where reuse cannot be seen; false with `copyData: false`, where it
   * makes each record's `data` valid only until the next `next()` or `tryNext()` (set it then only if
   * records are dropped or copied before that). Gzip files are read without reuse either way.
   */
  reuseBuffers?: boolean;
}

/**
 * Streams a capture file (pcap, pcapng, optionally gzipped) from disk with bounded memory (a 1 GB file
 * in about 60 MiB of resident memory, Node's own ~40 MiB included):
 * `for await (const rec of openCapture(path)) ...`. Breaking out of the loop closes the file.
 * See {@link OpenCaptureOptions.reuseBuffers} for how the file is read.
 */
export function openCapture(path: string, opts: OpenCaptureOptions = {}): CaptureStreamReader {
  const reuse = opts.reuseBuffers ?? opts.copyData !== false;
  const source = reuse ? new CaptureFileSource(path) : createReadStream(path, { highWaterMark: OPEN_CAPTURE_HIGH_WATER_MARK });
  return readCaptureStream(source, opts);
}

/** Reads a whole capture file into memory and returns the synchronous reader (zero-copy records). */
export function readCaptureFile(path: string, opts: ReadOptions = {}): CaptureReader {
  const buf = readFileSync(path);
  return readCapture(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength), opts);
}

/** Options of {@link writeCaptureFile}. */
export interface WriteCaptureFileOptions {
  /** gzip the output (node:zlib). */
  gzip?: boolean;
}

/**
 * Writes capture bytes to a file: one Uint8Array (e.g. from `writePcap`) or an iterable / async
 * iterable of pieces (e.g. `writer.header()` then `writer.writeRecord(...)` per packet).
 */
export async function writeCaptureFile(
  path: string,
  data: Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>,
  opts: WriteCaptureFileOptions = {},
): Promise<void> {
  if (data instanceof Uint8Array && !opts.gzip) {
    await writeFile(path, data);
    return;
  }
  const source = Readable.from(data instanceof Uint8Array ? [data] : data, { objectMode: false });
  if (opts.gzip) await pipeline(source, createGzip(), createWriteStream(path));
  else await pipeline(source, createWriteStream(path));
}
