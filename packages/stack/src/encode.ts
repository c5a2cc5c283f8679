/**
 * `encodeStack`: builds a whole packet from contract layer objects in one allocation.
 *
 * Pass 1 sums every header's encoding length (outer to inner) and allocates once; pass 2 writes headers
 * outer to inner with defaults and next-protocol fields derived; pass 3 walks inner to outer and fills the
 * lengths and checksums that were left out, so each sees its finished payload (gopacket's serialize order).
 * A value that is given is written as given.
 *
 * Hot path notes: stacks made only of the stock Ethernet, IPv4, UDP, VXLAN and raw codecs go through a fused
 * encoder (encode-fast.ts) that gives the same bytes and leaves anything else, errors included, to the path
 * below. `encodeStackInto` and `encodeStack` with `into` share one path, which allocates nothing. On the
 * generic path the per-layer working arrays live in a scratch object reused between calls, and one context
 * object per call serves every layer (codecs read it during their call and keep nothing).
 */
import {
  EncodeError,
  type FinishContext,
  fromHex,
  isHex,
  type LayerObject,
  type NetworkRef,
  type Registry,
  writeHex,
} from '@wirestack/core';
import { encodeFastInto, encodeFastNew, sharedBytes } from './encode-fast.js';
import { fallbackRegistry } from './fallback.js';
import { type CodecInfo, type Plan, planOf } from './plan.js';
import { raw } from './raw.js';

/** Options of {@link encodeStackInto}. */
export interface EncodeIntoOptions {
  /** Codecs and dispatch tables (default: a private `defaultRegistry()` nobody can change). */
  registry?: Registry;
  /** Bytes after the outermost datagram (Ethernet padding, FCS), hex or bytes. */
  trailer?: string | Uint8Array | undefined;
}

/** Options of {@link encodeStack}. */
export interface EncodeStackOptions extends EncodeIntoOptions {
  /**
   * Write into this buffer at `offset` instead of allocating (it must be large enough: see {@link stackEncodingLength});
   * the result is a view of the bytes written. Without it, the result owns a new `ArrayBuffer` of exactly its size.
   * {@link encodeStackInto} does the same without making the view.
   */
  into?: Uint8Array;
  offset?: number;
  /**
   * Without `into`: a result of up to 4 KiB is a view of a 64 KiB `ArrayBuffer` shared with other results
   * (8-byte aligned; like Node's `Buffer.allocUnsafe` pool, but zeroed), which costs a fraction of a new
   * `ArrayBuffer` of its own. Its `byteOffset` is then not 0 and its `buffer` holds other packets:
   * transferring `result.buffer` (`postMessage`, `structuredClone` with `transfer`) detaches every result that
   * shares it, and keeping one result keeps the whole slab alive. `result.slice()` is an owned copy.
   */
  shareBuffer?: boolean;
}

const EMPTY = new Uint8Array(0);

function toBytes(v: string | Uint8Array | undefined, what: string): Uint8Array {
  if (v === undefined) return EMPTY;
  if (typeof v !== 'string') return v;
  if (!isHex(v)) throw new EncodeError({ layer: what, field: 'data', value: v, message: 'must be hex of even length' });
  return v.length === 0 ? EMPTY : fromHex(v);
}

/**
 * Output buffers: by default each result owns its `ArrayBuffer`, so it can be transferred to a worker or kept
 * without keeping anything else alive. `shareBuffer` carves it from a shared slab instead (~200 ns less per
 * call, at the cost described there). For allocation-free encoding, pass `into`.
 */
function allocate(n: number, share: boolean): Uint8Array {
  return share ? sharedBytes(n) : new Uint8Array(n);
}

/** The context handed to `encode` and `finish` (one per call, re-pointed at each layer). */
class Ctx implements FinishContext {
  index = 0;
  headerLength = 0;
  end = 0;
  network: NetworkRef | undefined = undefined;
  constructor(
    readonly registry: Registry,
    readonly layers: readonly LayerObject[],
  ) {}
}

/**
 * The last context built, kept until the next call: V8 drops the hidden class of class instances at a full
 * GC when no instance is alive, and throws away the optimized code built for it.
 */
const kept: { ctx: Ctx | undefined } = { ctx: undefined };

/** Per-call working arrays, reused between calls (a nested call, from inside a codec, gets its own). */
class Scratch {
  /** The plan `codecs` were resolved with, and the layer name each was resolved for (a stack of the same shape as the last one skips the lookups). */
  plan: Plan | undefined;
  names: string[] = [];
  codecs: CodecInfo[] = [];
  lengths: number[] = [];
  offsets: number[] = [];
  ends: number[] = [];
  nets: Array<NetworkRef | undefined> = [];
  bounded: number[] = [];
  paddings: Uint8Array[] = [];
  /** The buffer the last call wrote (its `into`, or the array it allocated), until the caller takes it. */
  out: Uint8Array | undefined;
}
let freeScratch: Scratch | undefined = new Scratch();

interface Sizes {
  /** Layers without the trailing `padding` ones (the array itself when there are none). */
  body: readonly LayerObject[];
  n: number;
  nPaddings: number;
  trailer: Uint8Array;
  total: number;
}

/** Validates the layers and fills `s.codecs`, `s.lengths`, `s.paddings`; returns the sizes. */
function plan(layers: readonly LayerObject[], registry: Registry, trailerIn: string | Uint8Array | undefined, s: Scratch): Sizes {
  if (!Array.isArray(layers)) throw new EncodeError({ layer: 'stack', message: 'layers must be an array of layer objects' });
  let n = layers.length;
  while (n > 0 && layers[n - 1]?.layer === 'padding') n--;
  const body = n === layers.length ? layers : layers.slice(0, n);
  let total = 0;
  const nPaddings = layers.length - n;
  for (let i = 0; i < nPaddings; i++) {
    const p = toBytes(layers[n + i]!.data as string | undefined, 'padding');
    s.paddings[i] = p;
    total += p.length;
  }
  const codecs = s.codecs;
  const lengths = s.lengths;
  const compiled = planOf(registry);
  const names = s.names;
  if (s.plan !== compiled) {
    s.plan = compiled;
    names.length = 0;
  }
  for (let i = 0; i < n; i++) {
    const l = body[i];
    if (!l || typeof l !== 'object' || typeof l.layer !== 'string')
      throw new EncodeError({ layer: 'stack', message: `layer ${i} is not an object with a 'layer' name` });
    if (l.layer === 'padding') throw new EncodeError({ layer: 'padding', message: 'padding layers may only end a stack' });
    const name = l.layer;
    let c: CodecInfo | undefined;
    if (names[i] === name) c = codecs[i]!;
    else {
      c = compiled.get(name);
      if (!c) throw new EncodeError({ layer: name, message: `unknown layer '${name}' (not in the registry)` });
      codecs[i] = c;
      names[i] = name;
    }
    const len = c.codec.encodingLength(l);
    lengths[i] = len;
    total += len;
  }
  const trailer = toBytes(trailerIn, 'trailer');
  total += trailer.length;
  return { body, n, nPaddings, trailer, total };
}

/** Bytes `encodeStack` will produce for these layers (validates them too). */
export function stackEncodingLength(layers: readonly LayerObject[], options: EncodeStackOptions = {}): number {
  return plan(layers, options.registry ?? fallbackRegistry(), options.trailer, new Scratch()).total;
}

/** Encodes a stack of contract layer objects into packet bytes. Throws `EncodeError` on values it cannot encode. */
export function encodeStack(layers: readonly LayerObject[], options: EncodeStackOptions = {}): Uint8Array {
  const registry = options.registry ?? fallbackRegistry();
  const into = options.into;
  if (into) {
    const base = options.offset ?? 0;
    const n = encodeIn(layers, into, base, registry, options.trailer);
    return into.subarray(base, base + n);
  }
  const offset = options.offset;
  const share = options.shareBuffer === true;
  if (offset === undefined || offset === 0) {
    const fast = encodeFastNew(layers, options.trailer, registry, share);
    if (fast !== undefined) return fast;
  }
  const s = freeScratch ?? new Scratch();
  freeScratch = undefined;
  try {
    encodeWith(layers, undefined, offset ?? 0, registry, options.trailer, share, s);
    return s.out!;
  } finally {
    s.out = undefined;
    s.paddings.length = 0;
    freeScratch = s;
  }
}

/**
 * Encodes a stack into `into` at `offset` and returns the number of bytes written: {@link encodeStack} with
 * `into`, without making a view of the result (so it allocates nothing). Throws `EncodeError` on values it
 * cannot encode and when the buffer is too small (see {@link stackEncodingLength}), having written nothing
 * in the second case.
 */
export function encodeStackInto(layers: readonly LayerObject[], into: Uint8Array, offset = 0, options: EncodeIntoOptions = {}): number {
  if (!(into instanceof Uint8Array)) throw new EncodeError({ layer: 'stack', message: 'into must be a Uint8Array' });
  if (!Number.isInteger(offset) || offset < 0)
    throw new EncodeError({ layer: 'stack', message: `offset must be a non-negative integer, got ${offset}` });
  return encodeIn(layers, into, offset, options.registry ?? fallbackRegistry(), options.trailer);
}

/** The shared path of `encodeStack` with `into` and `encodeStackInto`: the bytes written at `base`. */
function encodeIn(
  layers: readonly LayerObject[],
  into: Uint8Array,
  base: number,
  registry: Registry,
  trailer: string | Uint8Array | undefined,
): number {
  const n = encodeFastInto(layers, trailer, into, base, registry);
  if (n >= 0) return n;
  const s = freeScratch ?? new Scratch();
  freeScratch = undefined;
  try {
    return encodeWith(layers, into, base, registry, trailer, false, s);
  } finally {
    s.out = undefined;
    s.paddings.length = 0;
    freeScratch = s;
  }
}

/** The generic path: writes into `into` at `base`, or into a new array (left in `s.out`); returns the bytes written. */
function encodeWith(
  layers: readonly LayerObject[],
  into: Uint8Array | undefined,
  base: number,
  registry: Registry,
  trailer: string | Uint8Array | undefined,
  share: boolean,
  s: Scratch,
): number {
  const p = plan(layers, registry, trailer, s);
  let buf: Uint8Array;
  if (into) {
    if (into.length < base + p.total)
      throw new EncodeError({
        layer: 'stack',
        message: `buffer too small: ${p.total} bytes needed at offset ${base}, ${into.length - base} available`,
      });
    buf = into;
  } else buf = allocate(p.total, share);
  s.out = buf;

  const n = p.n;
  const body = p.body;
  const codecs = s.codecs;
  const lengths = s.lengths;
  const offsets = s.offsets;
  const ctx = new Ctx(registry, body);
  kept.ctx = ctx;
  let off = base;
  for (let i = 0; i < n; i++) {
    offsets[i] = off;
    ctx.index = i;
    const c = codecs[i]!;
    const l = body[i]!;
    // `raw` was validated by its encodingLength: write its hex straight away.
    const w = c.codec === raw ? (l.data === undefined ? 0 : writeHex(l.data as string, buf, off)) : c.codec.encode(l, buf, off, ctx);
    if (w !== lengths[i]) throw new EncodeError({ layer: l.layer, message: `wrote ${w} bytes, announced ${lengths[i]}` });
    off += w;
  }
  const bodyEnd = off;
  const paddings = s.paddings;
  for (let k = 0; k < p.nPaddings; k++) {
    const pad = paddings[k]!;
    buf.set(pad, off);
    off += pad.length;
  }
  if (p.trailer.length > 0) buf.set(p.trailer, off);

  // Datagram ends: the n-th padding closes the n-th datagram-bounding layer counted from the innermost.
  const bounded = s.bounded;
  let nb = 0;
  for (let i = 0; i < n; i++) if (codecs[i]!.bounds) bounded[nb++] = i;
  if (p.nPaddings > nb)
    throw new EncodeError({
      layer: 'padding',
      message: `${p.nPaddings} padding layers but only ${nb} datagrams to close`,
    });
  // ends[i]: the end of the datagram of the nearest datagram-bounding layer at or before i (else the packet's end).
  const ends = s.ends;
  const nets = s.nets;
  const packetEnd = base + p.total - p.trailer.length;
  let pos = bodyEnd;
  let k = 0;
  for (let j = nb - 1; j >= 0; j--) {
    ends[bounded[j]!] = pos;
    if (k < p.nPaddings) pos += paddings[k++]!.length;
  }
  let enclosing = packetEnd;
  let net: NetworkRef | undefined;
  let b = 0;
  for (let i = 0; i < n; i++) {
    if (b < nb && bounded[b] === i) {
      enclosing = ends[i]!;
      b++;
    }
    ends[i] = enclosing;
    nets[i] = net;
    const c = codecs[i]!;
    if (c.network) net = { layer: c.id, offset: offsets[i]! };
  }
  for (let i = n - 1; i >= 0; i--) {
    const c = codecs[i]!;
    if (!c.finishes) continue;
    ctx.index = i;
    ctx.headerLength = lengths[i]!;
    ctx.end = ends[i]!;
    ctx.network = nets[i];
    (c.codec.finish as NonNullable<typeof c.codec.finish>)(body[i]!, buf, offsets[i]!, ctx);
  }
  return p.total;
}
