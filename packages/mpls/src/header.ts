/**
 * MPLS label stack entries (RFC 3032 §2.1, TC per RFC 5462) and the pseudowire control word (RFC 4385 §3).
 *
 * ```text
 * Label stack entry (RFC 3032 §2.1):
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                Label                  | TC  |S|       TTL     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Pseudowire MPLS control word (RFC 4385 §3):
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |0 0 0 0| Flags |FRG|  Length   |     Sequence Number           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 */
import {
  checkBool,
  checkLength,
  DecodeError,
  type EncodeContext,
  type LayerInput,
  nextLayer,
  readU16BE,
  readU24BE,
  uintOr,
  writeU16BE,
  writeU24BE,
} from '@wirestack/core';
import { MPLS_CW_LEN, MPLS_HEADER_LEN, MplsBits, MplsCwField, MplsField } from './constants.js';

/** One MPLS label stack entry as the JSON contract writes it (RFC 3032 §2.1). */
export interface MplsHeader {
  readonly layer: 'mpls';
  /** Label (20 bits). */
  readonly label: number;
  /** Traffic class (3 bits, RFC 5462). */
  readonly tc: number;
  /** S bit: the last entry of the stack. */
  readonly bottomOfStack: boolean;
  /** Time to live (8 bits). */
  readonly ttl: number;
}

/** The pseudowire MPLS control word (RFC 4385 §3). */
export interface MplsCwHeader {
  readonly layer: 'mpls-cw';
  /** Flags (4 bits), per pseudowire type. */
  readonly flags: number;
  /** FRG: fragmentation bits (2 bits, RFC 4623). */
  readonly fragment: number;
  /** Length (6 bits): payload length when padded to the Ethernet minimum, else 0. */
  readonly length: number;
  /** Sequence number (16 bits; 0 means not used). */
  readonly sequence: number;
}

/** Decodes one label stack entry at `offset` (RFC 3032 §2.1). Throws `DecodeError` (`truncated`). */
export function decodeMpls(buf: Uint8Array, offset = 0, end = buf.length): MplsHeader {
  checkLength('mpls', offset, end, MPLS_HEADER_LEN);
  const w = readU24BE(buf, offset + MplsField.LABEL_TC_S);
  return {
    layer: 'mpls',
    label: w >>> MplsBits.LABEL_SHIFT,
    tc: (w >>> MplsBits.TC_SHIFT) & MplsBits.TC_MASK,
    bottomOfStack: (w & MplsBits.BOTTOM) !== 0,
    ttl: buf[offset + MplsField.TTL]!,
  };
}

/** Bytes a label stack entry takes: always 4. */
export function mplsEncodingLength(_h?: LayerInput<MplsHeader>): number {
  return MPLS_HEADER_LEN;
}

/**
 * Writes one label stack entry; returns 4 (RFC 3032 §2.1). `bottomOfStack` is derived when left out:
 * true unless the next layer in `ctx` is another `mpls` entry. Throws `EncodeError` before writing on a
 * bad value (label ≥ 2^20, ...).
 */
export function encodeMpls(h: LayerInput<MplsHeader>, buf: Uint8Array, offset = 0, ctx?: EncodeContext): number {
  const label = uintOr('mpls', 'label', h.label, 20, 0);
  const tc = uintOr('mpls', 'tc', h.tc, 3, 0);
  const ttl = uintOr('mpls', 'ttl', h.ttl, 8, 64);
  const bottom = checkBool('mpls', 'bottomOfStack', h.bottomOfStack, nextLayer(ctx)?.layer !== 'mpls');
  writeU24BE(
    buf,
    offset + MplsField.LABEL_TC_S,
    (label << MplsBits.LABEL_SHIFT) | (tc << MplsBits.TC_SHIFT) | (bottom ? MplsBits.BOTTOM : 0),
  );
  buf[offset + MplsField.TTL] = ttl;
  return MPLS_HEADER_LEN;
}

/**
 * Decodes a pseudowire control word at `offset` (RFC 4385 §3). Throws `DecodeError`: `truncated`, or
 * `malformed` when the first nibble is not 0000.
 */
export function decodeMplsCw(buf: Uint8Array, offset = 0, end = buf.length): MplsCwHeader {
  checkLength('mpls-cw', offset, end, MPLS_CW_LEN);
  const b0 = buf[offset + MplsCwField.FLAGS]!;
  if (b0 >>> 4 !== 0)
    throw new DecodeError({
      code: 'malformed',
      layer: 'mpls-cw',
      offset,
      message: `mpls-cw at offset ${offset}: first nibble is ${b0 >>> 4}, not 0`,
    });
  const b1 = buf[offset + MplsCwField.FRAG_LENGTH]!;
  return {
    layer: 'mpls-cw',
    flags: b0 & 0x0f,
    fragment: b1 >>> 6,
    length: b1 & 0x3f,
    sequence: readU16BE(buf, offset + MplsCwField.SEQUENCE),
  };
}

/** Bytes a control word takes: always 4. */
export function mplsCwEncodingLength(_h?: LayerInput<MplsCwHeader>): number {
  return MPLS_CW_LEN;
}

/** Writes a pseudowire control word (first nibble 0000); returns 4 (RFC 4385 §3). Throws `EncodeError` before writing on a bad value. */
export function encodeMplsCw(h: LayerInput<MplsCwHeader>, buf: Uint8Array, offset = 0, _ctx?: EncodeContext): number {
  const flags = uintOr('mpls-cw', 'flags', h.flags, 4, 0);
  const fragment = uintOr('mpls-cw', 'fragment', h.fragment, 2, 0);
  const length = uintOr('mpls-cw', 'length', h.length, 6, 0);
  const sequence = uintOr('mpls-cw', 'sequence', h.sequence, 16, 0);
  buf[offset + MplsCwField.FLAGS] = flags;
  buf[offset + MplsCwField.FRAG_LENGTH] = (fragment << 6) | length;
  writeU16BE(buf, offset + MplsCwField.SEQUENCE, sequence);
  return MPLS_CW_LEN;
}
