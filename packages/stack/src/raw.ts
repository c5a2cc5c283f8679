/** The `raw` layer (bytes no codec claims) and the `padding` layer (bytes after an inner datagram). */
import { checkHex, type LayerCodec, type LayerInput, toHex, writeHex } from '@wirestack/core';

/** Payload that no codec claims. */
export interface RawHeader {
  readonly layer: 'raw';
  /** The bytes, lower-case hex. */
  readonly data: string;
}

/**
 * Bytes between the end of an inner datagram (IPv4 total length, IPv6 payload length, UDP length) and the
 * end of the datagram that encloses it: typically the Ethernet padding of an inner frame. The n-th padding
 * layer after the last other layer closes the n-th datagram counted from the innermost (see docs/layers.md).
 */
export interface PaddingHeader {
  readonly layer: 'padding';
  readonly data: string;
}

function hexCodec<H extends RawHeader | PaddingHeader>(id: H['layer']): LayerCodec<H> {
  return {
    id,
    minLength: 0,
    fields: [{ name: 'data', kind: 'hex', default: '' }],
    binds: [],
    decode: (buf, offset, end = buf.length) => ({ layer: id, data: toHex(buf, offset, Math.max(offset, end)) }) as H,
    headerLength: (h) => h.data.length >>> 1,
    next: () => undefined,
    encodingLength: (h: LayerInput<H>) => checkHex(id, 'data', h.data).length >>> 1,
    encode: (h: LayerInput<H>, buf, offset = 0) => writeHex(checkHex(id, 'data', h.data), buf, offset),
  };
}

/** The `raw` codec: its decode claims every byte up to `end`. */
export const raw: LayerCodec<RawHeader> = hexCodec<RawHeader>('raw');
/** The `padding` codec (only ever at the end of a stack). */
export const padding: LayerCodec<PaddingHeader> = hexCodec<PaddingHeader>('padding');
