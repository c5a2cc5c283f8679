/** The capture-file error type. */
import { DecodeError, type DecodeErrorInit } from '@wirestack/core';

/** The container a {@link CaptureError} is about: a pcap or pcapng file, or its gzip wrapping. */
export type CaptureLayer = 'pcap' | 'pcapng' | 'gzip';

/** Details of a {@link CaptureError}: a DecodeError's, with the layer narrowed to a container. */
export interface CaptureErrorInit extends Omit<DecodeErrorInit, 'layer'> {
  layer: CaptureLayer;
}

/**
 * Thrown by the capture readers for bad or cut-short files (pcap spec §4-§5, pcapng spec §3-§4).
 * `offset` is the absolute offset in the (decompressed) file of the record, block or field at
 * fault; codes: `truncated` (file ends inside a header or record), `bad-length` (a length field out of
 * bounds, a block length not a multiple of 4 or disagreeing with its trailer), `bad-version`,
 * `malformed` (unknown magic, bad options, undefined interface, gzip errors, decompression bound),
 * `unsupported` (a recognised but unsupported variant, e.g. the modified-pcap magic).
 */
export class CaptureError extends DecodeError {
  declare readonly layer: CaptureLayer;
  constructor(init: CaptureErrorInit) {
    super(init);
  }
}
