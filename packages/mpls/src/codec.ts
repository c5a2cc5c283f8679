/** The `mpls` and `mpls-cw` layer codecs for registries and stacks. */
import type { DecodeContext, LayerCodec, NextRef } from '@wirestack/core';
import {
  MPLS_CW_LEN,
  MPLS_ETHERTYPE,
  MPLS_HEADER_LEN,
  MPLS_IP_PROTOCOL,
  MPLS_MULTICAST_ETHERTYPE,
  MPLS_UDP_PORT,
  MplsLabel,
} from './constants.js';
import {
  decodeMpls,
  decodeMplsCw,
  encodeMpls,
  encodeMplsCw,
  type MplsCwHeader,
  type MplsHeader,
  mplsCwEncodingLength,
  mplsEncodingLength,
} from './header.js';

/** The first nibble of the payload, or `undefined` when the payload is empty. */
function firstNibble(ctx: DecodeContext): number | undefined {
  return ctx.payloadOffset < ctx.end && ctx.payloadOffset < ctx.buf.length ? ctx.buf[ctx.payloadOffset]! >>> 4 : undefined;
}

/**
 * What follows a label stack entry (RFC 3032 §2.1, §2.2): another entry unless this is the bottom; at
 * the bottom, the layer bound to the label in `mpls.label` (an `ethernet` binding goes through
 * `mpls-cw` when the registry's `mplsControlWord` is set and the payload starts with 0000), IPv4/IPv6
 * for the explicit-null labels, and otherwise the registry's `mplsPayload` policy.
 */
export function mplsNext(h: MplsHeader, ctx: DecodeContext): NextRef | undefined {
  if (!h.bottomOfStack) return { layer: 'mpls' };
  const bound = ctx.registry.lookup('mpls.label', h.label);
  if (bound) {
    if (bound.id === 'ethernet' && ctx.registry.mplsControlWord && firstNibble(ctx) === 0) return { layer: 'mpls-cw' };
    return { layer: bound.id };
  }
  if (h.label === MplsLabel.IPv4ExplicitNull) return { layer: 'ipv4' };
  if (h.label === MplsLabel.IPv6ExplicitNull) return { layer: 'ipv6' };
  const policy = ctx.registry.mplsPayload;
  if (policy === 'guess-by-nibble') {
    const n = firstNibble(ctx);
    return n === 4 ? { layer: 'ipv4' } : n === 6 ? { layer: 'ipv6' } : undefined;
  }
  return { layer: policy };
}

/**
 * One MPLS label stack entry (RFC 3032). Reached by EtherTypes 0x8847/0x8848, IP protocol 137
 * (RFC 4023) and UDP port 6635 (RFC 7510). Each entry of a stack is its own layer.
 */
export const mpls: LayerCodec<MplsHeader> = {
  id: 'mpls',
  minLength: MPLS_HEADER_LEN,
  fields: [
    { name: 'label', kind: 'uint', bits: 20, default: 0 },
    { name: 'tc', kind: 'uint', bits: 3, default: 0 },
    { name: 'bottomOfStack', kind: 'bool', derived: true },
    { name: 'ttl', kind: 'uint', bits: 8, default: 64 },
  ],
  binds: [
    { table: 'ethertype', value: MPLS_ETHERTYPE },
    { table: 'ethertype', value: MPLS_MULTICAST_ETHERTYPE },
    { table: 'ip.proto', value: MPLS_IP_PROTOCOL },
    { table: 'udp.port', value: MPLS_UDP_PORT },
  ],
  decode: decodeMpls,
  headerLength: () => MPLS_HEADER_LEN,
  next: mplsNext,
  encodingLength: mplsEncodingLength,
  encode: encodeMpls,
};

/** The pseudowire MPLS control word (RFC 4385); reached only from `mpls`, followed by Ethernet. */
export const mplsCw: LayerCodec<MplsCwHeader> = {
  id: 'mpls-cw',
  minLength: MPLS_CW_LEN,
  fields: [
    { name: 'flags', kind: 'uint', bits: 4, default: 0 },
    { name: 'fragment', kind: 'uint', bits: 2, default: 0 },
    { name: 'length', kind: 'uint', bits: 6, default: 0 },
    { name: 'sequence', kind: 'uint', bits: 16, default: 0 },
  ],
  binds: [],
  decode: decodeMplsCw,
  headerLength: () => MPLS_CW_LEN,
  next: () => ({ layer: 'ethernet' }),
  encodingLength: mplsCwEncodingLength,
  encode: encodeMplsCw,
};
