/**
 * `decodeStack`: decodes a whole packet by following the registry's dispatch tables, outermost first.
 * It never throws on bad bytes: it stops at the broken layer, records the issue and keeps the rest as `raw`.
 */
import {
  type AnyCodec,
  DecodeError,
  type DecodeContext,
  type IssueCode,
  type LayerObject,
  type NetworkRef,
  type Registry,
  toHex,
} from '@wirestack/core';
import { DecodedPacket, type Issue, type LayerSpan } from './packet.js';
import { fallbackRegistry } from './fallback.js';

/** Options of {@link decodeStack}. */
export interface DecodeStackOptions {
  /** The first layer's id (default `'ethernet'`); the capture link type decides it. */
  first?: string;
  /** Dispatch tables (default: a private `defaultRegistry()` nobody can change; pass your own for custom bindings). */
  registry?: Registry;
  /** Verify checksums and record `bad-checksum` issues (default true). */
  verifyChecksums?: boolean;
  /** Most layers decoded before a `too-deep` issue (default 32). */
  maxDepth?: number;
  /** Per-packet limits on particular headers (defaults in {@link DEFAULT_LIMITS}); beyond them a `too-deep` issue. */
  limits?: Partial<DecodeLimits>;
}

/** Per-packet limits that bound work on hostile input. */
export interface DecodeLimits {
  /** IPv6 extension headers in one packet (all levels together). */
  ipv6ExtensionHeaders: number;
  /** MPLS label stack entries in one packet. */
  mplsLabels: number;
  /** GRE headers in one packet (GRE in GRE in ...). */
  greHeaders: number;
}

/** Default per-packet limits. */
export const DEFAULT_LIMITS: Readonly<DecodeLimits> = { ipv6ExtensionHeaders: 8, mplsLabels: 16, greHeaders: 8 };

const LIMIT_OF: Record<string, keyof DecodeLimits> = {
  'ipv6-hop-by-hop': 'ipv6ExtensionHeaders',
  'ipv6-routing': 'ipv6ExtensionHeaders',
  'ipv6-fragment': 'ipv6ExtensionHeaders',
  'ipv6-destination-options': 'ipv6ExtensionHeaders',
  mpls: 'mplsLabels',
  gre: 'greHeaders',
};

/** Default nesting limit. */
export const DEFAULT_MAX_DEPTH = 32;

class Ctx implements DecodeContext {
  layers: LayerObject[] = [];
  payloadOffset = 0;
  end = 0;
  issues: Issue[] = [];
  current = 0;
  constructor(
    readonly registry: Registry,
    readonly buf: Uint8Array,
  ) {}
  issue(code: IssueCode, message: string, offset?: number): void {
    this.issues.push({ layerIndex: this.current, offset: offset ?? this.payloadOffset, code, message });
  }
}

interface Bound {
  /** End of the datagram this layer declares (clamped to what encloses it). */
  end: number;
  /** End of what encloses it. */
  parentEnd: number;
}

/** Decodes `bytes` into layers, issues, padding and trailer. */
export function decodeStack(bytes: Uint8Array, options: DecodeStackOptions = {}): DecodedPacket {
  const registry = options.registry ?? fallbackRegistry();
  const verify = options.verifyChecksums ?? true;
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  const limits: DecodeLimits = options.limits ? { ...DEFAULT_LIMITS, ...options.limits } : DEFAULT_LIMITS;
  const counts: Record<keyof DecodeLimits, number> = { ipv6ExtensionHeaders: 0, mplsLabels: 0, greHeaders: 0 };
  const ctx = new Ctx(registry, bytes);
  const spans: LayerSpan[] = [];
  const bounds: Bound[] = [];
  let offset = 0;
  let limit = bytes.length;
  let network: NetworkRef | undefined;
  const firstId = options.first ?? 'ethernet';
  // `padding` only ever ends a stack; asked to start with it, decode the bytes as `raw`.
  let codec: AnyCodec | undefined = registry.get(firstId === 'padding' ? 'raw' : firstId);
  if (!codec) {
    ctx.current = 0;
    ctx.issue('unsupported', `no codec for first layer '${firstId}'`, 0);
  }
  while (codec) {
    ctx.current = ctx.layers.length;
    if (ctx.layers.length >= maxDepth) {
      ctx.issue('too-deep', `more than ${maxDepth} layers; the rest is kept as raw`, offset);
      break;
    }
    const limited = LIMIT_OF[codec.id];
    if (limited !== undefined && ++counts[limited] > limits[limited]) {
      ctx.issue('too-deep', `more than ${limits[limited]} ${limited} in one packet; the rest is kept as raw`, offset);
      break;
    }
    let h: LayerObject;
    let hl: number;
    try {
      h = codec.decode(bytes, offset, limit, ctx);
      hl = codec.headerLength(h);
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
      ctx.issues.push({ layerIndex: ctx.layers.length, offset: e.offset, code: e.code, message: `${codec.id}: ${e.message}` });
      break;
    }
    ctx.layers.push(h);
    spans.push({ offset, length: hl });
    let cut = false;
    let broken = false;
    if (codec.datagramLength) {
      const declared = codec.datagramLength(h);
      let end = limit;
      if (declared !== undefined) {
        if (declared < hl) {
          // A datagram shorter than its own header is broken: stop here and keep the payload as raw.
          broken = true;
          ctx.issue('bad-length', `${codec.id} declares ${declared} bytes, less than its ${hl}-byte header`, offset);
        } else if (offset + declared > limit) {
          cut = true;
          ctx.issue('truncated', `${codec.id} datagram cut short: ${limit - offset} of ${declared} bytes present`, offset);
        } else end = offset + declared;
      }
      bounds.push({ end, parentEnd: limit });
      limit = end;
    }
    if (verify && codec.verify && !cut) {
      if (!codec.verify(h, bytes, offset, { headerLength: hl, end: limit, network }))
        ctx.issue('bad-checksum', `${codec.id} checksum does not match`, offset);
    }
    if (codec.network) network = { layer: codec.id, offset };
    offset += hl;
    ctx.payloadOffset = offset;
    ctx.end = limit;
    if (broken) break;
    const ref = codec.next(h, ctx);
    if (!ref) break;
    codec = registry.resolve(ref);
    if (codec && offset >= limit) {
      // Nothing left for the next layer: an empty payload is not an error for a layer that may be empty.
      if (codec.minLength > 0) {
        ctx.current = ctx.layers.length;
        ctx.issue('truncated', `${codec.id} announced but no bytes remain`, offset);
      }
      break;
    }
  }
  const layers = ctx.layers;
  if (offset < limit) {
    layers.push({ layer: 'raw', data: toHex(bytes, offset, limit) });
    spans.push({ offset, length: limit - offset });
  }
  // Padding of inner datagrams (innermost first), then the trailer after the outermost one.
  const pads: Array<{ start: number; end: number }> = [];
  for (let i = bounds.length - 1; i >= 1; i--) pads.push({ start: bounds[i]!.end, end: bounds[i]!.parentEnd });
  while (pads.length && pads[pads.length - 1]!.start === pads[pads.length - 1]!.end) pads.pop();
  for (const p of pads) {
    layers.push({ layer: 'padding', data: toHex(bytes, p.start, p.end) });
    spans.push({ offset: p.start, length: p.end - p.start });
  }
  const outerEnd = bounds.length ? bounds[0]!.end : bytes.length;
  const trailer = outerEnd < bytes.length ? toHex(bytes, outerEnd, bytes.length) : undefined;
  return new DecodedPacket(layers, spans, ctx.issues, trailer, bytes);
}
