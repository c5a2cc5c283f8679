/**
 * The shared base of every zero-copy header view (smoltcp's `Packet`, etherparse's slices): a buffer and an
 * offset that `reset` re-points without allocating, `from` that checks the length once, and the length check
 * every view implements.
 */
import { DecodeError } from './errors.js';

export abstract class HeaderView {
  /** Unchecked (for writing into fresh buffers); use `from` to check the length once. */
  constructor(
    public buf: Uint8Array,
    public offset = 0,
  ) {}

  /** A view after `checkLength()` passed. Throws `DecodeError`. */
  static from<V extends HeaderView>(this: new (buf: Uint8Array, offset?: number) => V, buf: Uint8Array, offset = 0): V {
    const v = new this(buf, offset);
    v.checkLength();
    return v;
  }

  /** Re-points the view (unchecked). */
  reset(buf: Uint8Array, offset = 0): this {
    this.buf = buf;
    this.offset = offset;
    return this;
  }

  /** Throws `DecodeError` unless the whole header is present (and, for some views, well formed). */
  abstract checkLength(): void;

  /** Throws `DecodeError` (`truncated`) for `layer` unless `required` bytes are present from `offset`. */
  protected requireLength(layer: string, required: number): void {
    const actual = this.buf.length - this.offset;
    if (actual < required) throw new DecodeError({ code: 'truncated', layer, offset: this.offset, required, actual: Math.max(0, actual) });
  }
}
