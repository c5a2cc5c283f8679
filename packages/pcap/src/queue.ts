/**
 * A queue of byte chunks that hands out contiguous windows: the reader's only buffer. It holds the
 * unconsumed part of the chunks pushed so far; a window that spans chunks is merged into one new
 * array of exactly the bytes asked for (the incomplete record), so memory stays bounded by the
 * largest record plus the chunks not yet parsed, never the whole stream. A chunk is let go as soon as
 * it is consumed (its slot is cleared, not left behind the head index), so that the garbage collector
 * frees it while it is young: a queue that kept the last few dozen consumed chunks reachable got them
 * promoted to the old generation, where V8 frees array buffers only at a full collection, and a 1 GB
 * stream then peaked at over 130 MB resident instead of about 60 MB.
 *
 * A source that refills its buffers (see {@link RecyclingByteSource}) learns through {@link onRelease}
 * when the queue has let go of every view of a chunk it pushed: only then may it read into that
 * buffer again. Merged windows are the queue's own arrays and are never reported.
 */
export class ChunkQueue {
  /** The chunk holding the next unconsumed byte; the window is `buf[pos .. pos + n)` after `ensure(n)`. */
  buf: Uint8Array = new Uint8Array(0);
  /** Index of the next unconsumed byte in `buf`. */
  pos = 0;
  /** Unconsumed bytes in all chunks. */
  avail = 0;
  /** Bytes still to be dropped from future pushes (a skip larger than what was buffered). */
  pendingSkip = 0;
  private rest: (Uint8Array | undefined)[] = [];
  private restHead = 0;
  /** Absolute offset of `buf[0]`. */
  private base = 0;
  /** Whether `buf` is the queue's own array (the first, empty one or a merged window), not a pushed chunk. */
  private bufOwn = true;
  /**
   * Called with a pushed chunk's `buffer` once the queue holds no view of that chunk any more (consumed,
   * skipped or copied into a merged window). Chunks still queued at the end are not reported. A source
   * must not have two chunks of one buffer in the queue at a time: the first release would cover both.
   */
  onRelease: ((buffer: ArrayBufferLike) => void) | undefined = undefined;

  /** Absolute offset of the next unconsumed byte (pending skips included). */
  get offset(): number {
    return this.base + this.pos + this.pendingSkip;
  }

  /** Appends a chunk (a Node Buffer or any Uint8Array; viewed as a plain Uint8Array, never copied). */
  push(chunk: Uint8Array): void {
    let c = chunk.constructor === Uint8Array ? chunk : new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.pendingSkip > 0) {
      const drop = Math.min(this.pendingSkip, c.length);
      this.pendingSkip -= drop;
      this.base += drop;
      c = c.subarray(drop);
    }
    if (c.length === 0) {
      this.onRelease?.(c.buffer);
      return;
    }
    this.avail += c.length;
    if (this.pos >= this.buf.length && this.restHead >= this.rest.length) {
      this.release();
      this.base += this.buf.length;
      this.buf = c;
      this.bufOwn = false;
      this.pos = 0;
      this.rest.length = 0;
      this.restHead = 0;
    } else {
      this.rest.push(c);
    }
  }

  /** Makes the next `n` bytes contiguous at `buf[pos]`; false when fewer than `n` are buffered. */
  ensure(n: number): boolean {
    if (this.avail < n) return false;
    const have = this.buf.length - this.pos;
    if (have >= n) return true;
    const merged = new Uint8Array(n);
    merged.set(this.buf.subarray(this.pos), 0);
    let filled = have;
    while (filled < n) {
      const c = this.rest[this.restHead] as Uint8Array;
      const take = Math.min(c.length, n - filled);
      merged.set(take === c.length ? c : c.subarray(0, take), filled);
      filled += take;
      if (take === c.length) {
        this.rest[this.restHead++] = undefined;
        this.onRelease?.(c.buffer);
      } else this.rest[this.restHead] = c.subarray(take);
    }
    this.release();
    this.base += this.pos;
    this.buf = merged;
    this.bufOwn = true;
    this.pos = 0;
    this.compact();
    return true;
  }

  /** Drops `n` buffered bytes (n <= avail). */
  consume(n: number): void {
    this.pos += n;
    this.avail -= n;
    while (this.pos >= this.buf.length && this.restHead < this.rest.length) {
      this.release();
      this.pos -= this.buf.length;
      this.base += this.buf.length;
      this.buf = this.rest[this.restHead] as Uint8Array;
      this.bufOwn = false;
      this.rest[this.restHead++] = undefined;
    }
    this.compact();
  }

  /** Drops `n` bytes, buffered or not yet pushed. */
  skip(n: number): void {
    const now = Math.min(n, this.avail);
    this.consume(now);
    this.pendingSkip += n - now;
  }

  /** Reports `buf` (about to be replaced) to {@link onRelease}, unless it is the queue's own array. */
  private release(): void {
    if (this.onRelease !== undefined && !this.bufOwn) this.onRelease(this.buf.buffer);
  }

  private compact(): void {
    if (this.restHead > 64 && this.restHead * 2 > this.rest.length) {
      this.rest = this.rest.slice(this.restHead);
      this.restHead = 0;
    }
  }
}
