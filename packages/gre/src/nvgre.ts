/** NVGRE (RFC 7637 §3.2): the GRE key split into a 24-bit Virtual Subnet ID and an 8-bit FlowID. */
import { checkUint } from '@wirestack/core';

/** The two parts of an NVGRE key (RFC 7637 §3.2). */
export interface NvgreKey {
  /** Virtual Subnet ID (24 bits). */
  readonly vsid: number;
  /** Per-flow entropy (8 bits). */
  readonly flowId: number;
}

/** Splits a 32-bit GRE key into the NVGRE VSID (high 24 bits) and FlowID (low 8 bits). RFC 7637 §3.2. */
export function nvgreKey(key: number): NvgreKey {
  const k = checkUint('gre', 'key', key, 32);
  return { vsid: k >>> 8, flowId: k & 0xff };
}

/** Joins an NVGRE VSID and FlowID into a GRE key. Throws `EncodeError` when either is out of range. RFC 7637 §3.2. */
export function nvgreKeyFrom(parts: { readonly vsid: number; readonly flowId?: number }): number {
  const vsid = checkUint('gre', 'vsid', parts.vsid, 24);
  const flowId = parts.flowId === undefined ? 0 : checkUint('gre', 'flowId', parts.flowId, 8);
  return ((vsid << 8) | flowId) >>> 0;
}
