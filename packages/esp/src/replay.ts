/** The receiver's anti-replay window (RFC 4303 §3.4.3), as a ring bitmap: O(1) per packet, no allocation. */

/**
 * A sliding window over 32-bit sequence numbers. `check(seq)` says whether a packet may be processed
 * (cheap, before the ICV); `update(seq)` marks it received once its ICV has verified and returns false
 * when it lost a race against a duplicate (two `open` calls in flight for the same packet). Sequence 0
 * is never accepted: the first packet of an SA is 1 (RFC 4303 §3.3.3).
 */
export class ReplayWindow {
  /** The highest sequence number accepted so far (0: none). */
  top = 0;
  private readonly bits: Uint32Array;
  private readonly mask: number;

  /** `size` packets (1..65536); the bitmap is rounded up to a power of two of at least 32 bits. */
  constructor(readonly size: number) {
    let n = 32;
    while (n < size) n *= 2;
    this.bits = new Uint32Array(n >>> 5);
    this.mask = n - 1;
  }

  /** Whether `seq` is new and not left of the window. */
  check(seq: number): boolean {
    if (seq === 0) return false;
    if (seq > this.top) return true;
    if (this.top - seq >= this.size) return false;
    return !this.has(seq);
  }

  /** Marks `seq` received, sliding the window right when it is the new highest; false when `check` now fails. */
  update(seq: number): boolean {
    if (!this.check(seq)) return false;
    if (seq > this.top) {
      const shift = seq - this.top;
      if (shift > this.mask) this.bits.fill(0);
      else for (let s = this.top + 1; s < seq; s++) this.clear(s);
      this.top = seq;
    }
    const i = seq & this.mask;
    this.bits[i >>> 5]! |= 1 << (i & 31);
    return true;
  }

  private has(seq: number): boolean {
    const i = seq & this.mask;
    return (this.bits[i >>> 5]! & (1 << (i & 31))) !== 0;
  }

  private clear(seq: number): void {
    const i = seq & this.mask;
    this.bits[i >>> 5]! &= ~(1 << (i & 31));
  }
}
