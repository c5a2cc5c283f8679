/**
 * `encodeStack`: builds a whole packet from contract layer objects in one allocation.
 *
 * Pass 1 sums every header's encoding length (outer to inner) and allocates once; pass 2 writes headers
 * outer to inner with defaults and next-protocol fields derived; pass 3 walks inner to outer and fills the
 * lengths and checksums that were left out, so each sees its finished payload (gopacket's serialize order).
 * A value that is given is written as given.
 */
import {
  type AnyCodec,
  EncodeError,
  type EncodeContext,
  type FinishContext,
  fromHex,
  isHex,
  type LayerObject,
  type NetworkRef,
  type Registry,
} from '@wirestack/core';
import { fallbackRegistry } from './fallback.js';

/** Options of {@link encodeStack}. */
export interface EncodeStackOptions {
  /** Codecs and dispatch tables (default: a private `defaultRegistry()` nobody can change). */
  registry?: Registry;
  /** Bytes after the outermost datagram (Ethernet padding, FCS), hex or bytes. */
  trailer?: string | Uint8Array | undefined;
  /** Write into this buffer at `offset` instead of allocating (it must be large enough: see {@link stackEncodingLength}). */
  into?: Uint8Array;
  offset?: number;
}

interface Plan {
  codecs: AnyCodec[];
  lengths: number[];
  body: readonly LayerObject[];
  paddings: Uint8Array[];
  trailer: Uint8Array;
  total: number;
}

function toBytes(v: string | Uint8Array | undefined, what: string): Uint8Array {
  if (v === undefined) return new Uint8Array(0);
  if (typeof v !== 'string') return v;
  if (!isHex(v)) throw new EncodeError({ layer: what, field: 'data', value: v, message: 'must be hex of even length' });
  return fromHex(v);
}

function plan(layers: readonly LayerObject[], registry: Registry, trailerIn: string | Uint8Array | undefined): Plan {
  if (!Array.isArray(layers)) throw new EncodeError({ layer: 'stack', message: 'layers must be an array of layer objects' });
  let n = layers.length;
  while (n > 0 && layers[n - 1]?.layer === 'padding') n--;
  const body = layers.slice(0, n);
  const paddings = layers.slice(n).map((p) => toBytes(p.data as string | undefined, 'padding'));
  const codecs: AnyCodec[] = [];
  const lengths: number[] = [];
  let total = 0;
  for (let i = 0; i < body.length; i++) {
    const l = body[i];
    if (!l || typeof l !== 'object' || typeof l.layer !== 'string')
      throw new EncodeError({ layer: 'stack', message: `layer ${i} is not an object with a 'layer' name` });
    if (l.layer === 'padding') throw new EncodeError({ layer: 'padding', message: 'padding layers may only end a stack' });
    const c = registry.get(l.layer);
    if (!c) throw new EncodeError({ layer: l.layer, message: `unknown layer '${l.layer}' (not in the registry)` });
    codecs.push(c);
    const len = c.encodingLength(l);
    lengths.push(len);
    total += len;
  }
  for (const p of paddings) total += p.length;
  const trailer = toBytes(trailerIn, 'trailer');
  total += trailer.length;
  return { codecs, lengths, body, paddings, trailer, total };
}

/** Bytes `encodeStack` will produce for these layers (validates them too). */
export function stackEncodingLength(layers: readonly LayerObject[], options: EncodeStackOptions = {}): number {
  return plan(layers, options.registry ?? fallbackRegistry(), options.trailer).total;
}

/** Encodes a stack of contract layer objects into packet bytes. Throws `EncodeError` on values it cannot encode. */
export function encodeStack(layers: readonly LayerObject[], options: EncodeStackOptions = {}): Uint8Array {
  const registry = options.registry ?? fallbackRegistry();
  const p = plan(layers, registry, options.trailer);
  const base = options.offset ?? 0;
  let buf: Uint8Array;
  if (options.into) {
    if (options.into.length < base + p.total)
      throw new EncodeError({
        layer: 'stack',
        message: `buffer too small: ${p.total} bytes needed at offset ${base}, ${options.into.length - base} available`,
      });
    buf = options.into;
  } else buf = new Uint8Array(p.total);

  const n = p.body.length;
  const offsets = new Array<number>(n);
  let off = base;
  for (let i = 0; i < n; i++) {
    offsets[i] = off;
    const ctx: EncodeContext = { registry, layers: p.body, index: i };
    const w = p.codecs[i]!.encode(p.body[i]!, buf, off, ctx);
    if (w !== p.lengths[i]) throw new EncodeError({ layer: p.body[i]!.layer, message: `wrote ${w} bytes, announced ${p.lengths[i]}` });
    off += w;
  }
  const bodyEnd = off;
  for (const pad of p.paddings) {
    buf.set(pad, off);
    off += pad.length;
  }
  buf.set(p.trailer, off);

  // Datagram ends: the n-th padding closes the n-th datagram-bounding layer counted from the innermost.
  const bounded: number[] = [];
  for (let i = 0; i < n; i++) if (p.codecs[i]!.datagramLength) bounded.push(i);
  if (p.paddings.length > bounded.length)
    throw new EncodeError({
      layer: 'padding',
      message: `${p.paddings.length} padding layers but only ${bounded.length} datagrams to close`,
    });
  const endOf = new Map<number, number>();
  let pos = bodyEnd;
  let k = 0;
  for (let j = bounded.length - 1; j >= 0; j--) {
    endOf.set(bounded[j]!, pos);
    if (k < p.paddings.length) pos += p.paddings[k++]!.length;
  }
  const packetEnd = base + p.total - p.trailer.length;
  const ends = new Array<number>(n);
  const nets = new Array<NetworkRef | undefined>(n);
  let enclosing = packetEnd;
  let net: NetworkRef | undefined;
  for (let i = 0; i < n; i++) {
    const e = endOf.get(i);
    if (e !== undefined) enclosing = e;
    ends[i] = enclosing;
    nets[i] = net;
    if (p.codecs[i]!.network) net = { layer: p.codecs[i]!.id, offset: offsets[i]! };
  }
  for (let i = n - 1; i >= 0; i--) {
    const c = p.codecs[i]!;
    if (!c.finish) continue;
    const fctx: FinishContext = { registry, layers: p.body, index: i, headerLength: p.lengths[i]!, end: ends[i]!, network: nets[i] };
    c.finish(p.body[i]!, buf, offsets[i]!, fctx);
  }
  return options.into ? buf.subarray(base, base + p.total) : buf;
}
