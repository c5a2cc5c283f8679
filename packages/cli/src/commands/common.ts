/** The packet loop shared by `decode`, `show` and `stats`: stream each file, decode each record, report errors. */
import { basename } from 'node:path';
import type { Registry } from '@wirestack/core';
import type { CaptureRecord } from '@wirestack/pcap';
import { type DecodedPacket, decodeStack } from '@wirestack/stack';
import { type CliStreams, type InputError, openInput, toInputError } from '../io.js';
import { firstLayerFor } from '../link.js';
import { Progress } from '../progress.js';

/** One decoded packet as the loop hands it over. */
export interface Visit {
  file: string;
  /** 1-based packet number in its file. */
  index: number;
  rec: CaptureRecord;
  pkt: DecodedPacket;
}

/** The output a loop writes to (a `LineWriter` or a `ByteWriter`). */
export interface LoopOutput {
  /** True once the reader has gone away: the loop stops. */
  readonly closed: boolean;
  /** Enough is queued that the loop awaits `flush()` before the next packet. */
  readonly full: boolean;
  flush(): Promise<void>;
}

/** Options of {@link forEachPacket}. */
export interface LoopOptions {
  registry: Registry;
  verifyChecksums: boolean;
  /** Packets to pass over before the first one visited (over all files). */
  skip?: number;
  /** Most packets visited (over all files). */
  count?: number;
  /** Draw a progress bar on stderr (the caller decides whether it is a terminal). */
  progress?: boolean;
  /** Only decode packets for which this returns true (others are skipped without decoding). */
  want?: (file: string, index: number) => boolean;
  /** Output to flush before an error line and when full, and whose closing (EPIPE) stops the loop. */
  out?: LoopOutput;
  /**
   * Takes each record to visit instead of the loop decoding it and calling `visit` (for `decode`, which
   * writes most packets straight from their bytes and decodes only the others itself).
   */
  record?: (file: string, index: number, rec: CaptureRecord) => void;
  /** Build the hex of raw/padding bytes and trailers (default true; summaries only need their sizes). */
  opaqueHex?: boolean;
  /**
   * `visit` or `record` keeps a record's `data`, or a decoded packet (which views it), after it returns (or
   * after its promise settles). Files are then read into fresh buffers; by default they are read into reused
   * buffers, which the next record's bytes overwrite.
   */
  keepsRecords?: boolean;
}

/** What the loop ended with. */
export interface LoopResult {
  /** 0, or 1 when an input could not be read to its end. */
  code: number;
  /** Packets visited. */
  visited: number;
  /** Packets seen (visited, skipped or unwanted). */
  seen: number;
}

/** Writes `wirestack: FILE: at offset N: problem` on stderr. */
export function reportInputError(streams: Pick<CliStreams, 'stderr'>, e: InputError): void {
  streams.stderr.write(`wirestack: ${e.message}\n`);
}

/**
 * Streams every file, decodes every record and calls `visit`; a broken input ends with one line on stderr and code 1.
 * A record and its decoded packet are valid only until `visit` (or `record`) returns or its promise settles, unless
 * `keepsRecords` is set: they view a reused read buffer.
 */
export async function forEachPacket(
  files: readonly string[],
  streams: CliStreams,
  opts: LoopOptions,
  visit: (v: Visit) => void | Promise<void>,
): Promise<LoopResult> {
  const res: LoopResult = { code: 0, visited: 0, seen: 0 };
  const skip = opts.skip ?? 0;
  const count = opts.count ?? Number.POSITIVE_INFINITY;
  const record = opts.record;
  const out = opts.out;
  const decodeOpts = {
    registry: opts.registry,
    verifyChecksums: opts.verifyChecksums,
    first: 'ethernet',
    opaqueHex: opts.opaqueHex !== false,
  };
  for (const file of files) {
    if (res.visited >= count || out?.closed) break;
    let progress: Progress | undefined;
    let input: Awaited<ReturnType<typeof openInput>> | undefined;
    let index = 0;
    try {
      input = await openInput(file, streams, { reuseBuffers: opts.keepsRecords !== true });
      await input.reader.open();
      if (opts.progress) progress = new Progress(streams.stderr, basename(input.name), input.size);
      const reader = input.reader;
      let finished = false;
      try {
        for (;;) {
          // Records already buffered are taken synchronously: one await per chunk read, not per record.
          let rec = reader.tryNext();
          if (rec === undefined) {
            const r = await reader.next();
            if (r.done) {
              finished = true;
              break;
            }
            rec = r.value;
          }
          index++;
          res.seen++;
          if (res.seen <= skip || (opts.want && !opts.want(file, index))) {
            if (progress && (index & 1023) === 0) progress.update(input.bytesRead, index);
            continue;
          }
          if (record !== undefined) record(input.name, index, rec);
          else {
            decodeOpts.first = firstLayerFor(rec.linkType, rec.data[0]);
            const pkt = decodeStack(rec.data, decodeOpts);
            const pending = visit({ file: input.name, index, rec, pkt });
            if (pending !== undefined) await pending;
          }
          if (out?.full) await out.flush();
          res.visited++;
          if (progress && (index & 255) === 0) progress.update(input.bytesRead, index);
          if (res.visited >= count || out?.closed) break;
        }
      } finally {
        // as `for await` does on `break`: release (cancel) the source
        if (!finished) await reader.return();
      }
    } catch (e) {
      progress?.clear();
      await opts.out?.flush();
      const name = input?.name ?? (file === '-' ? '<stdin>' : file);
      reportInputError(streams, toInputError(name, e, input?.bytesRead ?? 0));
      res.code = 1;
    } finally {
      progress?.clear();
    }
  }
  return res;
}
