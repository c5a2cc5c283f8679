/** Zero-copy views over MPLS label stack entries (RFC 3032 §2.1) and the pseudowire control word (RFC 4385 §3). */
import { DecodeError, readU16BE, readU24BE, writeU16BE, writeU24BE } from '@wirestack/core';
import { MPLS_CW_LEN, MPLS_HEADER_LEN, MplsBits, MplsCwField, MplsField } from './constants.js';

function check(layer: string, buf: Uint8Array, offset: number, need: number): void {
  const actual = buf.length - offset;
  if (actual < need) throw new DecodeError({ code: 'truncated', layer, offset, required: need, actual: Math.max(0, actual) });
}

/**
 * A view over one label stack entry. `new MplsView(buf, off)` does not check the length;
 * `MplsView.from` checks once. `reset` re-points it without allocating (walk a stack with
 * `view.reset(buf, view.offset + 4)` until `bottomOfStack`). No setter invalidates `checkLength`.
 */
export class MplsView {
  constructor(
    public buf: Uint8Array,
    public offset = 0,
  ) {}

  /** A view after checking that a whole entry is present. */
  static from(buf: Uint8Array, offset = 0): MplsView {
    const v = new MplsView(buf, offset);
    v.checkLength();
    return v;
  }

  /** Re-points the view (unchecked). */
  reset(buf: Uint8Array, offset = 0): this {
    this.buf = buf;
    this.offset = offset;
    return this;
  }

  /** Throws `DecodeError` unless 4 bytes are present. */
  checkLength(): void {
    check('mpls', this.buf, this.offset, MPLS_HEADER_LEN);
  }

  private get word(): number {
    return readU24BE(this.buf, this.offset + MplsField.LABEL_TC_S);
  }
  private set word(v: number) {
    writeU24BE(this.buf, this.offset + MplsField.LABEL_TC_S, v);
  }
  get label(): number {
    return this.word >>> MplsBits.LABEL_SHIFT;
  }
  set label(v: number) {
    this.word = ((v & 0xfffff) << MplsBits.LABEL_SHIFT) | (this.word & 0xf);
  }
  get tc(): number {
    return (this.word >>> MplsBits.TC_SHIFT) & MplsBits.TC_MASK;
  }
  set tc(v: number) {
    this.word = (this.word & ~0xe) | ((v & MplsBits.TC_MASK) << MplsBits.TC_SHIFT);
  }
  get bottomOfStack(): boolean {
    return (this.word & MplsBits.BOTTOM) !== 0;
  }
  set bottomOfStack(v: boolean) {
    this.word = (this.word & ~MplsBits.BOTTOM) | (v ? MplsBits.BOTTOM : 0);
  }
  get ttl(): number {
    return this.buf[this.offset + MplsField.TTL]!;
  }
  set ttl(v: number) {
    this.buf[this.offset + MplsField.TTL] = v;
  }
}

/** A view over a pseudowire control word (RFC 4385 §3); same contract as {@link MplsView}. */
export class MplsCwView {
  constructor(
    public buf: Uint8Array,
    public offset = 0,
  ) {}

  /** A view after checking that a whole control word is present. */
  static from(buf: Uint8Array, offset = 0): MplsCwView {
    const v = new MplsCwView(buf, offset);
    v.checkLength();
    return v;
  }

  /** Re-points the view (unchecked). */
  reset(buf: Uint8Array, offset = 0): this {
    this.buf = buf;
    this.offset = offset;
    return this;
  }

  /** Throws `DecodeError` unless 4 bytes are present. */
  checkLength(): void {
    check('mpls-cw', this.buf, this.offset, MPLS_CW_LEN);
  }

  get flags(): number {
    return this.buf[this.offset + MplsCwField.FLAGS]! & 0x0f;
  }
  get fragment(): number {
    return this.buf[this.offset + MplsCwField.FRAG_LENGTH]! >>> 6;
  }
  get length(): number {
    return this.buf[this.offset + MplsCwField.FRAG_LENGTH]! & 0x3f;
  }
  get sequence(): number {
    return readU16BE(this.buf, this.offset + MplsCwField.SEQUENCE);
  }
  set sequence(v: number) {
    writeU16BE(this.buf, this.offset + MplsCwField.SEQUENCE, v);
  }
}
