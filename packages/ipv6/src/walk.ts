/**
 * A bounded, non-recursive walk over an IPv6 extension header chain (RFC 8200 §4.1), for callers that want
 * the upper-layer protocol without running the stack engine (flow keys, filters).
 */
import { checkLength, DecodeError, readU16BE } from '@wirestack/core';
import {
  IPV6_EXTENSION_MIN_LEN,
  IPV6_FRAGMENT_HEADER_LEN,
  IPV6_MAX_EXTENSION_HEADERS,
  Ipv6ExtensionHeader,
  Ipv6FragmentField,
} from './constants.js';
import { ipv6ExtensionHeaderLength } from './extensions.js';

const LAYER_OF: Record<number, string> = {
  [Ipv6ExtensionHeader.HopByHop]: 'ipv6-hop-by-hop',
  [Ipv6ExtensionHeader.Routing]: 'ipv6-routing',
  [Ipv6ExtensionHeader.Fragment]: 'ipv6-fragment',
  [Ipv6ExtensionHeader.DestinationOptions]: 'ipv6-destination-options',
};

/** One extension header met on the walk. */
export interface Ipv6ExtensionRef {
  /** The Next Header value that announced it (0, 43, 44 or 60). */
  readonly type: number;
  /** Its layer name (`'ipv6-routing'`, ...). */
  readonly layer: string;
  /** Absolute offset of the header. */
  readonly offset: number;
  /** Its length in bytes. */
  readonly length: number;
}

/** Where a walk ended. */
export interface Ipv6ExtensionWalk {
  /** The extension headers, in order. */
  readonly headers: Ipv6ExtensionRef[];
  /** The Next Header value after the last extension header: the upper-layer protocol (59 = none). */
  readonly protocol: number;
  /** Absolute offset of the upper-layer payload. */
  readonly payloadOffset: number;
  /** True when a Fragment header with a non-zero offset ended the walk: the payload is a non-first fragment. */
  readonly nonFirstFragment: boolean;
}

/**
 * Walks the extension headers that start at `offset` (announced by `firstNextHeader`, the IPv6 header's
 * Next Header) in a loop, never recursing. It follows Hop-by-Hop (0), Routing (43), Fragment (44) and
 * Destination Options (60) headers (RFC 8200 §4.1) and stops at any other value, or after a Fragment
 * header whose offset is not zero. Throws `DecodeError`: `too-deep` when more than `maxHeaders` extension
 * headers follow one another, `truncated` when one runs past `end`.
 */
export function walkIpv6Extensions(
  buf: Uint8Array,
  offset: number,
  firstNextHeader: number,
  maxHeaders = IPV6_MAX_EXTENSION_HEADERS,
  end = buf.length,
): Ipv6ExtensionWalk {
  const headers: Ipv6ExtensionRef[] = [];
  let nh = firstNextHeader;
  let o = offset;
  for (;;) {
    const layer = LAYER_OF[nh];
    if (layer === undefined) return { headers, protocol: nh, payloadOffset: o, nonFirstFragment: false };
    if (headers.length >= maxHeaders)
      throw new DecodeError({
        code: 'too-deep',
        layer,
        offset: o,
        message: `${layer} at offset ${o}: more than ${maxHeaders} IPv6 extension headers`,
      });
    let len: number;
    if (nh === Ipv6ExtensionHeader.Fragment) {
      checkLength(layer, o, end, IPV6_FRAGMENT_HEADER_LEN);
      len = IPV6_FRAGMENT_HEADER_LEN;
    } else {
      checkLength(layer, o, end, IPV6_EXTENSION_MIN_LEN);
      len = ipv6ExtensionHeaderLength(buf, o);
      checkLength(layer, o, end, len);
    }
    headers.push({ type: nh, layer, offset: o, length: len });
    const next = buf[o]!;
    if (nh === Ipv6ExtensionHeader.Fragment && readU16BE(buf, o + Ipv6FragmentField.OFFSET_RES_M) >>> 3 !== 0)
      return { headers, protocol: next, payloadOffset: o + len, nonFirstFragment: true };
    nh = next;
    o += len;
  }
}
