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
 * Compressed bytes fed to the inflater per step. Deflate expands at most ~1032:1, so one step
 * produces at most ~16.5 MiB, which the parser consumes before the next step.
 */
export const GUNZIP_SLICE = 16 * 1024;

/** True when `b` starts with the gzip magic. */
export function isGzip(b: Uint8Array): boolean {
  return b.length >= 2 && b[0] === GZIP_MAGIC[0] && b[1] === GZIP_MAGIC[1];
}

/** Inflates gzip input into a {@link ChunkQueue}, checking the output bound. */
export class GunzipFeeder {
  private readonly gz: Gunzip;
  private out = 0;
  private in = 0;
  private finished = false;

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

  /** Inflates one slice (at most {@link GUNZIP_SLICE} bytes are expected); `final` ends the stream. */
  push(slice: Uint8Array, final: boolean): void {
    if (this.finished) return;
    try {
      this.gz.push(slice, final);
    } catch (e) {
      if (e instanceof CaptureError) throw e;
      const code = (e as { code?: number }).code;
      throw new CaptureError({
        code: final && code === 0 ? 'truncated' : 'malformed',
        layer: 'gzip',
        offset: this.in,
        message: `gzip: ${e instanceof Error ? e.message : String(e)} near compressed offset ${this.in}`,
      });
    }
    this.in += slice.length;
    if (final) this.finished = true;
  }
}
