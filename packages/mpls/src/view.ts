/** Zero-copy views over MPLS label stack entries (RFC 3032 §2.1) and the pseudowire control word (RFC 4385 §3). */
import { readU16BE, readU24BE, writeU16BE, writeU24BE, HeaderView } from '@wirestack/core';
import { MPLS_CW_LEN, MPLS_HEADER_LEN, MplsBits, MplsCwField, MplsField } from './constants.js';

/**
 * A view over one label stack entry. `new MplsView(buf, off)` does not check the length;
 * `MplsView.from` checks once. `reset` re-points it without allocating (walk a stack with
 * `view.reset(buf, view.offset + 4)` until `bottomOfStack`). No setter invalidates `checkLength`.
 */
export class MplsView extends HeaderView {
  /** Throws `DecodeError` unless 4 bytes are present. */
  checkLength(): void {
    this.requireLength('mpls', MPLS_HEADER_LEN);
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
export class MplsCwView extends HeaderView {
  /** Throws `DecodeError` unless 4 bytes are present. */
  checkLength(): void {
    this.requireLength('mpls-cw', MPLS_CW_LEN);
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
