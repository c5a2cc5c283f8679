/**
 * Input and output plumbing of the command line: opening a capture (a path or `-` for standard input)
 * as a counted byte stream, turning failures into one-line messages, and a buffered line writer that
 * respects backpressure and ends quietly when the reader of a pipe goes away (EPIPE).
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable, Writable } from 'node:stream';
import { CaptureError, type CaptureStreamReader, readCaptureStream } from '@wirestack/pcap';
import { CaptureFileSource } from '@wirestack/pcap/node';

/** The streams and environment a command runs with (the process's own, or test doubles). */
export interface CliStreams {
  stdout: Writable & { isTTY?: boolean; columns?: number };
  stderr: Writable & { isTTY?: boolean; columns?: number };
  stdin: Readable;
  env: Record<string, string | undefined>;
}

export { UsageError } from './errors.js';

/** An input that cannot be read as a capture: one line naming the file and the offset, exit status 1. */
export class InputError extends Error {
  override readonly name = 'InputError';
  constructor(
    readonly file: string,
    readonly offset: number,
    readonly problem: string,
    /** Where in the file, when not a byte offset (`line 3`). */
    readonly where?: string,
  ) {
    super(`${file}: ${where ?? `at offset ${offset}`}: ${problem}`);
  }
}

const ERRNO_TEXT: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EISDIR: 'is a directory',
  EPERM: 'operation not permitted',
  EIO: 'input/output error',
};

/** Converts whatever reading `file` threw into an {@link InputError} (capture errors keep their offset). */
export function toInputError(file: string, e: unknown, offset = 0): InputError {
  if (e instanceof InputError) return e;
  if (e instanceof CaptureError) {
    // Capture messages start with `pcap.magic at offset 0: `; the line names the offset itself.
    const text = e.message.replace(/^\S+ at offset \d+: /, '');
    return new InputError(file, e.offset, text);
  }
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code.startsWith('E')) return new InputError(file, offset, `cannot read: ${ERRNO_TEXT[code] ?? code}`);
  // Anything else is a bug, but the command line still reports it on one line (no stack trace).
  const msg = e instanceof Error ? `internal error (${e.name}): ${e.message}` : `internal error: ${String(e)}`;
  return new InputError(file, offset, msg.split('\n')[0] ?? 'internal error');
}

/** An opened input: its bytes as a stream, its size when known, and how many bytes have been read. */
export interface OpenedInput {
  /** The name to print (`-` is shown as `<stdin>`). */
  readonly name: string;
  /** Size in bytes (files only). */
  readonly size: number | undefined;
  /** Bytes read from the source so far. */
  readonly bytesRead: number;
  /** The capture records, read with bounded memory. */
  readonly reader: CaptureStreamReader;
}

/**
 * Read-stream chunk size: 128 KiB. Larger chunks outlive V8's young-generation collections and are promoted, so
 * the peak resident size grows with them (benchmarks/MEMORY.md: 1 MiB chunks peaked 18 MiB higher on 1 GiB).
 */
const CHUNK = 128 * 1024;

/** Options of {@link openInput}. */
export interface OpenInputOptions {
  /**
   * Read a file into a few reused buffers (`CaptureFileSource`): records are views into them, so a
   * record's `data` (and anything that views it, such as a decoded packet) is valid only until the next
   * `tryNext()`/`next()`. Only for loops that are done with each record before taking the next one.
   * Standard input is read as a stream either way.
   */
  reuseBuffers?: boolean;
}

/** Opens a capture file (or `-`: standard input) for streaming; fails with an {@link InputError}. */
export async function openInput(path: string, streams: Pick<CliStreams, 'stdin'>, opts: OpenInputOptions = {}): Promise<OpenedInput> {
  const name = path === '-' ? '<stdin>' : path;
  let size: number | undefined;
  if (path !== '-') {
    try {
      const st = await stat(path);
      if (st.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
      size = st.size;
    } catch (e) {
      throw toInputError(name, e);
    }
  }
  if (path !== '-' && opts.reuseBuffers === true) {
    // Reused buffers save a fresh 128 KiB buffer per chunk (page faults, garbage collection of external
    // memory, stream machinery): about a quarter of a microsecond per packet of `decode`.
    const source = new CaptureFileSource(path);
    const reader = readCaptureStream(source, { copyData: false });
    return {
      name,
      size,
      get bytesRead() {
        return source.bytesRead;
      },
      reader,
    };
  }
  const source: AsyncIterable<Uint8Array> =
    path === '-' ? (streams.stdin as AsyncIterable<Uint8Array>) : createReadStream(path, { highWaterMark: CHUNK });
  const state = { bytesRead: 0 };
  async function* counted(): AsyncGenerator<Uint8Array> {
    for await (const chunk of source) {
      const c = typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk;
      state.bytesRead += c.length;
      yield c;
    }
  }
  // Records are decoded and dropped before the next one is read, and Node streams never rewrite a chunk they
  // handed over: views into the chunks are safe, and save a copy of every record.
  const reader = readCaptureStream(counted(), { copyData: false });
  return {
    name,
    size,
    get bytesRead() {
      return state.bytesRead;
    },
    reader,
  };
}

/** Reads all of a text input (a path or `-`) line by line. */
export async function* readLines(path: string, streams: Pick<CliStreams, 'stdin'>): AsyncGenerator<string> {
  const name = path === '-' ? '<stdin>' : path;
  let source: AsyncIterable<Uint8Array | string>;
  if (path === '-') source = streams.stdin as AsyncIterable<Uint8Array>;
  else {
    try {
      const st = await stat(path);
      if (st.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    } catch (e) {
      throw toInputError(name, e);
    }
    source = createReadStream(path, { highWaterMark: CHUNK });
  }
  const dec = new TextDecoder();
  let rest = '';
  try {
    for await (const chunk of source) {
      rest += typeof chunk === 'string' ? chunk : dec.decode(chunk, { stream: true });
      let nl = rest.indexOf('\n');
      if (nl < 0) continue;
      let start = 0;
      while (nl >= 0) {
        yield rest.slice(start, nl);
        start = nl + 1;
        nl = rest.indexOf('\n', start);
      }
      rest = rest.slice(start);
    }
  } catch (e) {
    throw toInputError(name, e);
  }
  rest += dec.decode();
  if (rest.length > 0) yield rest;
}

/**
 * What both output batchers share: writes that wait for `drain` when the stream asks for it, and a closed
 * pipe (EPIPE) noticed once: from then on `closed` is true and writes are dropped, so commands can stop early.
 */
abstract class BatchedOutput {
  private broken = false;
  private failure: Error | undefined;
  private readonly onError = (e: Error & { code?: string }): void => {
    this.broken = true;
    if (e.code !== 'EPIPE' && e.code !== 'ERR_STREAM_DESTROYED') this.failure = e;
  };

  constructor(
    private readonly stream: Writable,
    protected readonly batch: number,
  ) {
    stream.on('error', this.onError);
  }

  /** True once the reader has gone away (EPIPE) or the stream was destroyed. */
  get closed(): boolean {
    return this.broken || this.stream.destroyed === true || this.stream.writableEnded === true;
  }

  /** An error other than EPIPE that the stream reported, if any. */
  get error(): Error | undefined {
    return this.failure;
  }

  /** Whether enough is queued that the caller should `await flush()`. */
  abstract get full(): boolean;

  /** Writes what is queued. */
  abstract flush(): Promise<void>;

  /** Writes one piece to the stream, waiting for `drain` if its buffer is full. */
  protected async send(piece: string | Uint8Array): Promise<void> {
    if (this.closed) return;
    let ok: boolean;
    try {
      ok = this.stream.write(piece);
    } catch (e) {
      this.onError(e as Error);
      return;
    }
    if (ok || this.closed) return;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        this.stream.off('drain', done);
        this.stream.off('error', done);
        this.stream.off('close', done);
        resolve();
      };
      this.stream.on('drain', done);
      this.stream.on('error', done);
      this.stream.on('close', done);
    });
  }

  /** Flushes what is queued. */
  async end(): Promise<void> {
    await this.flush();
  }
}

/** Batches output lines (strings) into large writes. */
export class LineWriter extends BatchedOutput {
  private parts: string[] = [];
  private size = 0;

  constructor(stream: Writable, batch = 64 * 1024) {
    super(stream, batch);
  }

  /** Queues one line (without its newline); flush when the batch is full. */
  line(s: string): void {
    this.parts.push(s);
    this.size += s.length + 1;
  }

  get full(): boolean {
    return this.size >= this.batch;
  }

  /** Writes the queued lines, waiting for `drain` if the stream's buffer is full. */
  async flush(): Promise<void> {
    if (this.parts.length === 0) return;
    const text = `${this.parts.join('\n')}\n`;
    this.parts = [];
    this.size = 0;
    await this.send(text);
  }

  /** Writes the queued lines, then text as is. */
  async write(text: string | Uint8Array): Promise<void> {
    await this.flush();
    await this.send(text);
  }
}

/** Bytes kept free at the end of a {@link ByteWriter} batch: room for any line the fast paths write without checks. */
export const BYTE_LINE_ROOM = 16 * 1024;

/**
 * Output built as bytes: lines are written straight into `buf` at `pos` (the fast paths fill it themselves,
 * after `reserve`), and a full batch goes to the stream as one write. A written batch belongs to the stream
 * (it may hold on to it until it is flushed), so each batch gets a fresh buffer instead of reusing one.
 */
export class ByteWriter extends BatchedOutput {
  /** The batch being filled; bytes `[0, pos)` are queued. */
  buf: Uint8Array;
  pos = 0;
  private readonly utf8 = new TextEncoder();

  constructor(stream: Writable, batch = 64 * 1024) {
    super(stream, batch);
    this.buf = Buffer.allocUnsafe(batch + BYTE_LINE_ROOM);
  }

  get full(): boolean {
    return this.pos >= this.batch;
  }

  /** Makes room for `n` more bytes at `pos` (a longer buffer when one line is larger than the batch). */
  reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const b = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n + BYTE_LINE_ROOM));
    b.set(this.buf.subarray(0, this.pos));
    this.buf = b;
  }

  /** Queues one line of text (any characters, written as UTF-8) and its newline. */
  line(s: string): void {
    this.reserve(s.length * 3 + 1);
    const { written } = this.utf8.encodeInto(s, this.buf.subarray(this.pos));
    this.pos += written;
    this.buf[this.pos++] = 10;
  }

  /** Writes the queued bytes, waiting for `drain` if the stream's buffer is full. */
  async flush(): Promise<void> {
    if (this.pos === 0) return;
    const chunk = this.buf.subarray(0, this.pos);
    this.buf = Buffer.allocUnsafe(this.batch + BYTE_LINE_ROOM);
    this.pos = 0;
    await this.send(chunk);
  }
}

/** Whether coloured output is wanted: `--color`/`--no-color` first, then NO_COLOR, then whether it is a terminal. */
export function wantColor(flag: boolean | undefined, stream: { isTTY?: boolean }, env: Record<string, string | undefined>): boolean {
  if (flag !== undefined) return flag;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return stream.isTTY === true;
}
