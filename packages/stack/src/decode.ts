/**
 * `decodeStack`: decodes a whole packet by following the registry's dispatch tables, outermost first.
 * It never throws on bad bytes: it stops at the broken layer, records the issue and keeps the rest as `raw`.
 *
 * Hot path notes: the registry is compiled once per revision into a plan (`plan.ts`: codec facts in one
 * monomorphic record per codec, the `ethertype`/`ip.proto`/`udp.port` tables as typed arrays of codec
 * indexes); datagram bounds go to a reused scratch array and the checksum context and network reference are
 * reused objects, so a packet allocates its layer objects, its spans array, its result and little else. A
 * path seen repeatedly is walked by code generated for it (`compiled.ts`), whose call sites each call one
 * codec; the generic loop below takes over wherever a packet leaves that path.
 */
import { DecodeError, type LayerObject, type Registry, toHex } from '@wirestack/core';
import { fallbackRegistry } from './fallback.js';
import { DecodedPacket } from './packet.js';
import { codegen, learn, newWalk, type PathSlot, slotOf, type Walk, WalkScratch } from './compiled.js';
import { type CodecInfo, type Plan, planOf } from './plan.js';

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
  /**
   * Build the hex text of opaque bytes: the `data` of `raw` and `padding` layers and the `trailer` (default
   * true). With `false` they are `''` (the trailer stays `undefined` when there is none), and their sizes come
   * from `layerLength(i)` and `trailerLength`: for summaries of large captures, which only need sizes.
   */
  opaqueHex?: boolean;
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

/** Default nesting limit. */
export const DEFAULT_MAX_DEPTH = 32;

let freeScratch: WalkScratch | undefined = new WalkScratch();
/**
 * The last walk (with its layers) and packet built, kept until the next call. V8 drops a hidden
 * class at a full GC when no object of it is alive, and throws away the optimized code built on it: without
 * these two references, a full GC every 100 000 packets made decodeStack several times slower. The hidden
 * classes that matter include those of the layer objects the codecs build (reached through the walk), so
 * long-lived placeholder instances of the context and packet classes were not enough: tried, and `--trace-deopt`
 * still showed every step function thrown away ("weak objects").
 */
const kept: { walk: Walk | undefined; packet: DecodedPacket | undefined } = { walk: undefined, packet: undefined };

/** Decodes `bytes` into layers, issues, padding and trailer. */
export function decodeStack(bytes: Uint8Array, options: DecodeStackOptions = {}): DecodedPacket {
  const registry = options.registry ?? fallbackRegistry();
  const plan = planOf(registry);
  const scratch = freeScratch ?? new WalkScratch();
  freeScratch = undefined;
  const w = newWalk(
    bytes,
    registry,
    options.verifyChecksums ?? true,
    options.maxDepth ?? DEFAULT_MAX_DEPTH,
    options.limits ? { ...DEFAULT_LIMITS, ...options.limits } : DEFAULT_LIMITS,
    scratch,
  );
  const firstId = options.first ?? 'ethernet';
  // `padding` only ever ends a stack; asked to start with it, decode the bytes as `raw`.
  const info = plan.first(firstId === 'padding' ? 'raw' : firstId);
  let learning: PathSlot | undefined;
  let at = -1;
  if (!info) {
    w.spans = [];
    w.current = 0;
    w.issue('unsupported', `no codec for first layer '${firstId}'`, 0);
  } else if (codegen.enabled) {
    // A walker generated for the path this first codec usually starts, then the generic loop from wherever
    // the walker stopped (see compiled.ts); clean paths the generic loop walked are learned from.
    const slot = plan.slots[info.index] ?? slotOf(plan, info);
    const walker = slot.walker;
    let next: CodecInfo | undefined = info;
    if (walker !== undefined) {
      next = walker(w, info);
      at = w.pathLen;
    } else w.spans = [];
    if (next !== undefined) {
      walkOn(w, plan, next);
      if (w.issues.length === 0) learning = slot;
    } else if (slot.misses > 0) slot.misses--;
  } else {
    w.spans = [];
    walkOn(w, plan, info);
  }
  return finish(w, options.opaqueHex !== false, plan, learning, at, scratch);
}

/**
 * The generic loop: decodes from `info` at the walk's state until the packet ends or a layer stops it,
 * recording the codecs it enters in `w.path`. Generated walkers (compiled.ts) repeat its body step by step.
 */
function walkOn(w: Walk, plan: Plan, first: CodecInfo): void {
  const ctx = w;
  const bytes = w.buf;
  const layers = w.layers;
  const spans = w.spans;
  const bounds = w.bounds;
  const vctx = w.vctx;
  const net = w.net;
  const path = w.path;
  const verify = w.verifyChecksums;
  const maxDepth = w.maxDepth;
  const limits = w.limits;
  let offset = w.offset;
  let limit = w.limit;
  /** Past an ICMP error header: the quoted packet may be cut short without an issue. */
  let quoted = w.quoted;
  let network = w.network;
  let nSpans = w.nSpans;
  let nBounds = w.nBounds;
  let nExt = w.nExt;
  let nMpls = w.nMpls;
  let nGre = w.nGre;
  let pathLen = w.pathLen;
  let info: CodecInfo | undefined = first;
  while (info !== undefined) {
    const codec = info.codec;
    path[pathLen++] = info;
    ctx.current = layers.length;
    if (layers.length >= maxDepth) {
      ctx.issue('too-deep', `more than ${maxDepth} layers; the rest is kept as raw`, offset);
      break;
    }
    const lc = info.limitClass;
    if (lc !== 0) {
      const name = info.limitName as keyof DecodeLimits;
      const n = lc === 1 ? ++nExt : lc === 2 ? ++nMpls : ++nGre;
      if (n > limits[name]) {
        ctx.issue('too-deep', `more than ${limits[name]} ${name} in one packet; the rest is kept as raw`, offset);
        break;
      }
    }
    let h: LayerObject;
    let hl: number;
    try {
      h = info.decode.call(codec, bytes, offset, limit, ctx);
      hl = info.headerLength.call(codec, h);
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
      ctx.issues.push({ layerIndex: layers.length, offset: e.offset, code: e.code, message: `${info.id}: ${e.message}` });
      break;
    }
    layers.push(h);
    spans[nSpans++] = offset;
    spans[nSpans++] = hl;
    let cut = false;
    let broken = false;
    if (info.bounds) {
      const declared = info.datagramLength.call(codec, h);
      let end = limit;
      if (declared !== undefined) {
        if (declared < hl) {
          // A datagram shorter than its own header is broken: stop here and keep the payload as raw.
          broken = true;
          ctx.issue('bad-length', `${info.id} declares ${declared} bytes, less than its ${hl}-byte header`, offset);
        } else if (offset + declared > limit) {
          cut = true;
          // Inside a quotation (an ICMP error's body) a datagram cut short is what the sender meant to send.
          if (!quoted) ctx.issue('truncated', `${info.id} datagram cut short: ${limit - offset} of ${declared} bytes present`, offset);
        } else end = offset + declared;
      }
      bounds[nBounds++] = end;
      bounds[nBounds++] = limit;
      limit = end;
    }
    if (verify && info.verifies && !cut) {
      vctx.headerLength = hl;
      vctx.end = limit;
      vctx.network = network;
      if (!info.verify.call(codec, h, bytes, offset, vctx)) ctx.issue('bad-checksum', `${info.id} checksum does not match`, offset);
    }
    if (info.network) {
      net.layer = info.id;
      net.offset = offset;
      network = net;
    }
    offset += hl;
    ctx.payloadOffset = offset;
    ctx.end = limit;
    if (broken) break;
    const ref = info.next.call(codec, h, ctx);
    if (!ref) break;
    if (ref.quoted === true) quoted = true;
    info = plan.resolve(ref);
    if (info !== undefined && offset >= limit) {
      // Nothing left for the next layer: an empty payload is not an error for a layer that may be empty.
      if (info.minLength > 0) {
        ctx.current = layers.length;
        ctx.issue('truncated', `${info.id} announced but no bytes remain`, offset);
      }
      break;
    }
  }
  w.offset = offset;
  w.limit = limit;
  w.quoted = quoted;
  w.network = network;
  w.nSpans = nSpans;
  w.nBounds = nBounds;
  w.nExt = nExt;
  w.nMpls = nMpls;
  w.nGre = nGre;
  w.pathLen = pathLen;
}

/**
 * The end of a walk: the bytes after the last layer (`raw`), the padding of inner datagrams, the trailer and the
 * packet; then learning from the path, and the scratch handed back. One function over V8's inlining limit (460
 * bytes of bytecode) on purpose: inlining traces of a dozen processes showed `decodeStack` slower in those where
 * V8 inlined the packet's construction, spending its budget there instead of on the walk (benchmarks/analysis.md).
 */
function finish(w: Walk, hex: boolean, plan: Plan, learning: PathSlot | undefined, at: number, scratch: WalkScratch): DecodedPacket {
  const bytes = w.buf;
  const layers = w.layers;
  const spans = w.spans;
  const bounds = w.bounds;
  const offset = w.offset;
  const limit = w.limit;
  let nSpans = w.nSpans;
  if (offset < limit) {
    layers.push({ layer: 'raw', data: hex ? toHex(bytes, offset, limit) : '' });
    spans[nSpans++] = offset;
    spans[nSpans++] = limit - offset;
  }
  // Padding of inner datagrams (innermost first), then the trailer after the outermost one. Bound i is at
  // bounds[2i] (its end) and bounds[2i + 1] (the end of what encloses it); empty pads at the outer end are dropped.
  const nb = w.nBounds >>> 1;
  let lastPad = 1;
  while (lastPad < nb && bounds[2 * lastPad] === bounds[2 * lastPad + 1]) lastPad++;
  for (let i = nb - 1; i >= lastPad; i--) {
    const start = bounds[2 * i]!;
    const end = bounds[2 * i + 1]!;
    layers.push({ layer: 'padding', data: hex ? toHex(bytes, start, end) : '' });
    spans[nSpans++] = start;
    spans[nSpans++] = end - start;
  }
  const outerEnd = nb > 0 ? bounds[0]! : bytes.length;
  const trailer = outerEnd < bytes.length ? (hex ? toHex(bytes, outerEnd, bytes.length) : '') : undefined;
  // A walker's array has the size of the packets it learned from; this one may have stopped earlier.
  if (spans.length !== nSpans) spans.length = nSpans;
  const pkt = new DecodedPacket(layers, spans, w.issues, trailer, bytes, bytes.length - outerEnd);
  if (learning !== undefined) learn(plan, learning, w, at, nSpans);
  scratch.vctx.network = undefined;
  freeScratch = scratch;
  kept.walk = w;
  kept.packet = pkt;
  return pkt;
}
