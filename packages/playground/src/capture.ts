/**
 * A capture held in the page: records streamed from a `File` (`File.stream()` into `readCaptureStream`),
 * their bytes packed into large slabs and their metadata in typed arrays, so a capture of a million packets
 * costs its bytes plus ~30 bytes each, not a million objects. Packets are decoded only when shown.
 */
import { type CaptureRecord, formatTimestamp, readCaptureStream } from '@wirestack/pcap';

const SLAB = 8 * 1024 * 1024;

function grow<T extends Uint32Array | Uint16Array | Uint8Array | BigInt64Array>(a: T, n: number): T {
  const b = new (a.constructor as new (n: number) => T)(n);
  b.set(a as never);
  return b;
}

/** Every packet of one capture. */
export class PacketStore {
  count = 0;
  private cap = 1024;
  private slabs: Uint8Array[] = [];
  private pos = SLAB;
  private slabOf = new Uint32Array(this.cap);
  private offsetOf = new Uint32Array(this.cap);
  private lengthOf = new Uint32Array(this.cap);
  private originalOf = new Uint32Array(this.cap);
  private linkOf = new Uint16Array(this.cap);
  private interfaceOf = new Uint16Array(this.cap);
  private digitsOf = new Uint8Array(this.cap);
  private timeOf = new BigInt64Array(this.cap);

  /** Copies a record in (its `data` may be a view the reader reuses). */
  add(rec: CaptureRecord): void {
    if (this.count === this.cap) {
      this.cap *= 2;
      this.slabOf = grow(this.slabOf, this.cap);
      this.offsetOf = grow(this.offsetOf, this.cap);
      this.lengthOf = grow(this.lengthOf, this.cap);
      this.originalOf = grow(this.originalOf, this.cap);
      this.linkOf = grow(this.linkOf, this.cap);
      this.interfaceOf = grow(this.interfaceOf, this.cap);
      this.digitsOf = grow(this.digitsOf, this.cap);
      this.timeOf = grow(this.timeOf, this.cap);
    }
    const n = rec.data.length;
    if (this.pos + n > SLAB || this.slabs.length === 0) {
      this.slabs.push(new Uint8Array(Math.max(SLAB, n)));
      this.pos = 0;
    }
    const i = this.count++;
    const s = this.slabs.length - 1;
    this.slabs[s]!.set(rec.data, this.pos);
    this.slabOf[i] = s;
    this.offsetOf[i] = this.pos;
    this.lengthOf[i] = n;
    this.pos += n;
    this.originalOf[i] = rec.originalLength;
    this.linkOf[i] = rec.linkType & 0xffff;
    this.interfaceOf[i] = rec.interfaceId;
    this.digitsOf[i] = rec.timestampDigits;
    this.timeOf[i] = rec.timestampNs;
  }

  /** The captured bytes of packet `i` (0-based), zero-copy. */
  data(i: number): Uint8Array {
    const o = this.offsetOf[i]!;
    return this.slabs[this.slabOf[i]!]!.subarray(o, o + this.lengthOf[i]!);
  }

  timestamp(i: number): string {
    return formatTimestamp(this.timeOf[i]!, this.digitsOf[i]!);
  }

  linkType(i: number): number {
    return this.linkOf[i]!;
  }

  originalLength(i: number): number {
    return this.originalOf[i]!;
  }

  interfaceId(i: number): number {
    return this.interfaceOf[i]!;
  }
}

/**
 * Gives the main thread back until the next frame has been drawn (or 100 ms, for a hidden tab that draws
 * none). Yielding with a plain task is not enough: Chrome runs queued tasks ahead of rendering for up to
 * ~100 ms, so the page would paint at 10 frames a second while a large file loads.
 */
export function nextFrame(): Promise<void> {
  return new Promise((resolve) => {
    let done = false;
    const go = () => {
      if (done) return;
      done = true;
      resolve();
    };
    requestAnimationFrame(() => setTimeout(go, 0));
    setTimeout(go, 100);
  });
}

/** Progress of a load. */
export interface LoadProgress {
  packets: number;
  bytesRead: number;
  totalBytes: number;
  done: boolean;
  /** Why reading stopped early (the packets before it are kept). */
  error?: string;
  format?: string;
  compressed?: boolean;
  elapsedMs: number;
}

/** Parsing per frame before the loader gives the main thread back (a frame is 16.7 ms at 60 Hz). */
const SLICE_MS = 10;

/**
 * Streams `file` into `store`, parsing for a few milliseconds per frame, and reports progress.
 * `isCancelled` is polled between slices (a newer file replaces this one).
 */
export async function loadCapture(
  file: Blob,
  store: PacketStore,
  onProgress: (p: LoadProgress) => void,
  isCancelled: () => boolean = () => false,
): Promise<LoadProgress> {
  const t0 = performance.now();
  let bytesRead = 0;
  async function* counted(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
    const r = stream.getReader();
    try {
      for (;;) {
        const { done, value } = await r.read();
        if (done) return;
        bytesRead += value.length;
        yield value;
      }
    } finally {
      await r.cancel().catch(() => undefined);
    }
  }
  const reader = readCaptureStream(counted(file.stream() as ReadableStream<Uint8Array>), { copyData: false });
  const progress = (done: boolean, error?: string): LoadProgress => {
    const p: LoadProgress = { packets: store.count, bytesRead, totalBytes: file.size, done, elapsedMs: performance.now() - t0 };
    if (reader.format !== undefined) p.format = reader.format;
    if (reader.compressed) p.compressed = true;
    if (error !== undefined) p.error = error;
    return p;
  };
  try {
    await reader.open();
    let sliceStart = performance.now();
    for await (const rec of reader) {
      store.add(rec);
      if ((store.count & 63) === 0 && performance.now() - sliceStart > SLICE_MS) {
        onProgress(progress(false));
        await nextFrame();
        if (isCancelled()) {
          await reader.return();
          return progress(true, 'cancelled');
        }
        sliceStart = performance.now();
      }
    }
  } catch (e) {
    const p = progress(true, (e as Error).message ?? String(e));
    onProgress(p);
    return p;
  }
  const p = progress(true);
  onProgress(p);
  return p;
}
