import { DecodeError } from '@wirestack/core';
import { type CaptureRecord, type ReadOptions, readCapture, readCaptureStream } from '@wirestack/pcap';

/** Records read before the reader stopped, and the error it stopped with (if any). */
export interface Outcome {
  records: CaptureRecord[];
  error: DecodeError | undefined;
}

function asDecodeError(e: unknown): DecodeError {
  if (e instanceof DecodeError) return e;
  throw e;
}

/** Reads bytes synchronously; non-DecodeError exceptions propagate (they are test failures). */
export function readAllSync(bytes: Uint8Array, opts: ReadOptions = {}): Outcome {
  const records: CaptureRecord[] = [];
  try {
    for (const r of readCapture(bytes, opts)) records.push(r);
    return { records, error: undefined };
  } catch (e) {
    return { records, error: asDecodeError(e) };
  }
}

/** Splits bytes into chunks at the given sizes (cycled). */
export async function* chunked(bytes: Uint8Array, sizes: readonly number[]): AsyncGenerator<Uint8Array> {
  let o = 0;
  let i = 0;
  while (o < bytes.length) {
    const n = Math.max(1, sizes[i++ % sizes.length] ?? 1);
    yield bytes.slice(o, o + n);
    o += n;
  }
}

/** Reads a stream of chunks. */
export async function readAllStream(
  source: AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>,
  opts: ReadOptions = {},
): Promise<Outcome> {
  const records: CaptureRecord[] = [];
  try {
    for await (const r of readCaptureStream(source, opts)) records.push(r);
    return { records, error: undefined };
  } catch (e) {
    return { records, error: asDecodeError(e) };
  }
}

/** A comparable summary of a record (data as hex). */
export function summary(r: CaptureRecord): Record<string, unknown> {
  return {
    ...r,
    data: Array.from(r.data, (x) => x.toString(16).padStart(2, '0')).join(''),
    comments: [...r.comments],
  };
}

/** A comparable summary of an outcome. */
export function outcomeSummary(o: Outcome): unknown {
  return {
    records: o.records.map(summary),
    error: o.error && { name: o.error.name, code: o.error.code, layer: o.error.layer, offset: o.error.offset, field: o.error.field },
  };
}
