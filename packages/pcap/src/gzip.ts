/**
 * gzip input (RFC 1952): detected by its magic (1f 8b) and inflated with fflate's streaming
 * Gunzip, a bounded slice at a time, into the reader's chunk queue. A bound on the total output
 * (`maxDecompressedBytes`) stops decompression bombs.
 */
import { Gunzip } from 'fflate';
import { CaptureError } from './errors.js';
import type { ChunkQueue } from './queue.js';

/** The gzip magic bytes (RFC 1952 §2.3.1: ID1, ID2). */
export const GZIP_MAGIC = [0x1f, 0x8b] as const;

/**
 * The most compressed bytes fed to the inflater per step. Deflate expands at most ~1032:1, so one
 * step produces at most ~16.5 MiB, which the parser consumes before the next step.
 */
export const GUNZIP_SLICE = 16 * 1024;
/** The fewest compressed bytes fed per step. */
export const GUNZIP_SLICE_MIN = 1024;
/**
 * Inflated bytes aimed at per step: the slice shrinks as the compression ratio grows. fflate grows
 * its output buffer by doubling from its 32 KiB window and copies window and output at every step,
 * so a step that inflates to 512 KiB allocates ~2.5 MiB of short-lived buffers; bounded steps keep
 * the peak resident set of a highly compressed stream near that of a plain one.
 */
export const GUNZIP_STEP_OUTPUT = 128 * 1024;

/** True when `b` starts with the gzip magic. */
export function isGzip(b: Uint8Array): boolean {
  return b.length >= 2 && b[0] === GZIP_MAGIC[0] && b[1] === GZIP_MAGIC[1];
}

/**
 * Inflates gzip input into a {@link ChunkQueue}, checking the output bound. An inflater error (bad
 * deflate data, a bad header, trailing bytes that do not start another gzip member, the output
 * bound) does not throw from {@link push}: it is kept in {@link error}, input stops, and the reader
 * throws it once every record inflated before it has been read. So the sync reader and the stream
 * reader, however the input is cut, yield the same records and then the same error.
 */
export class GunzipFeeder {
  private readonly gz: Gunzip;
  private out = 0;
  private in = 0;
  /** Output of the last step, and its input. */
  private stepOut = 0;
  private stepIn = 0;
  private finished = false;
  /** The error that stopped inflation, if any; thrown by the reader after the records before it. */
  error: CaptureError | undefined;

  constructor(
    queue: ChunkQueue,
    private readonly limit: number,
  ) {
    this.gz = new Gunzip((chunk) => {
      this.out += chunk.length;
      if (this.out > this.limit)
        throw new CaptureError({
          code: 'malformed',
          layer: 'gzip',
          offset: this.in,
          field: 'maxDecompressedBytes',
          required: this.limit,
          actual: this.out,
          message: `gzip: decompressed size exceeds the limit of ${this.limit} bytes (maxDecompressedBytes)`,
        });
      queue.push(chunk);
    });
  }

  /**
   * Compressed bytes to feed in the next step: about {@link GUNZIP_STEP_OUTPUT} inflated bytes at the
   * higher of the ratio so far and that of the last step, within [{@link GUNZIP_SLICE_MIN},
   * {@link GUNZIP_SLICE}].
   */
  get sliceSize(): number {
    if (this.in === 0 || this.stepIn === 0) return GUNZIP_SLICE;
    const ratio = Math.max(this.out / this.in, this.stepOut / this.stepIn);
    return Math.max(GUNZIP_SLICE_MIN, Math.min(GUNZIP_SLICE, Math.floor(GUNZIP_STEP_OUTPUT / Math.max(ratio, 1))));
  }

  /** True once the stream has ended or failed: nothing more will be inflated. */
  get done(): boolean {
    return this.finished;
  }

  /**
   * Inflates one slice (of {@link sliceSize} bytes, at most {@link GUNZIP_SLICE}); `final` ends the stream.
   * Never throws: a failure is kept in {@link error} and ends the stream.
   */
  push(slice: Uint8Array, final: boolean): void {
    if (this.finished) return;
    const before = this.out;
    try {
      this.gz.push(slice, final);
    } catch (e) {
      this.finished = true;
      if (e instanceof CaptureError) this.error = e;
      else {
        const code = (e as { code?: number }).code;
        this.error = new CaptureError({
          code: final && code === 0 ? 'truncated' : 'malformed',
          layer: 'gzip',
          offset: this.in,
          message: `gzip: ${e instanceof Error ? e.message : String(e)} near compressed offset ${this.in}`,
        });
      }
      return;
    }
    this.in += slice.length;
    this.stepIn = slice.length;
    this.stepOut = this.out - before;
    if (final) this.finished = true;
  }
}
