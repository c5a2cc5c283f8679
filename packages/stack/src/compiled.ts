/**
 * Walkers specialised per path ("header prediction" for `decodeStack`; internal, not exported from the package).
 *
 * The generic walk in `decode.ts` calls every codec's `decode`, `headerLength`, `datagramLength`, `verify` and
 * `next` from one call site each, so V8 sees each site call a dozen different functions and can inline none
 * of them. So, with `new Function`, each codec of a plan gets a *step function*: the generic loop's body for
 * that one codec, its functions passed in as separate closure values (each call site has one target: a
 * direct call, inlined where V8's budget allows). Most captures repeat a handful of paths
 * (`ethernet/ipv4/udp/vxlan/ethernet/ipv4/udp`), so once a plan has seen the same path a few times in a row it
 * generates a *walker* for that sequence: a call to each layer's step function in turn, and after each a check
 * that the dispatch led to the codec the path expects.
 *
 * Step functions are shared by every position and every walker of a plan: the two IPv4 layers of a VXLAN
 * packet run one copy of the IPv4 step. (An earlier design inlined every step of a path into one function: about
 * 16 KB of machine code for that packet, and with checksums on about 15-20% slower than these shared steps, the
 * cost being the amount of hot code rather than any one part of it; see benchmarks/analysis.md.) The walk's
 * state lives in the {@link Walk} between steps.
 *
 * A step does exactly what the generic loop does for its layer (issues with the same text and order, spans,
 * datagram bounds, limits, `maxDepth`, checksums, quoted bodies). When the dispatch leaves the learned path, or
 * a limit would stop the walk, the walker returns with the state in the {@link Walk} and the generic loop
 * carries on from exactly there, so results equal the generic walk's for every input. Where `new Function` is
 * refused (a Content Security Policy without `unsafe-eval`), the generic walk is used for good.
 */
import {
  type DecodeContext,
  DecodeError,
  type IssueCode,
  type LayerObject,
  type NetworkRef,
  type Registry,
  type VerifyContext,
} from '@wirestack/core';
import type { DecodeLimits } from './decode.js';
import type { Issue } from './packet.js';
import type { CodecInfo, Plan } from './plan.js';

/** The checksum context handed to `verify` (codecs read it during the call and keep nothing). */
export class Verify implements VerifyContext {
  headerLength = 0;
  end = 0;
  network: NetworkRef | undefined = undefined;
}

/** A {@link NetworkRef} updated in place (see `WalkScratch.net`). */
export class NetRef implements NetworkRef {
  layer = '';
  offset = 0;
}

/** What walks reuse from one packet to the next (a nested call, from inside a codec, gets its own). */
export class WalkScratch {
  readonly vctx = new Verify();
  /**
   * The one object `network` points at once an IP header was seen, updated in place at each IP header:
   * `verify` reads it during the call and keeps nothing, so two objects per packet need not be allocated.
   */
  readonly net = new NetRef();
  /** Per datagram-bounding layer: its end, the end of what encloses it. */
  readonly bounds: number[] = [];
  /** The codecs the walk entered, in order (the path learned from). */
  readonly path: CodecInfo[] = [];
}

/**
 * The state of one `decodeStack` walk, which is also the {@link DecodeContext} its codecs get. Its fields are
 * the generic loop's variables: a walker reads them on entry and writes them back when it stops, so the loop
 * can resume where it stopped. It is made per packet (a young object: storing the packet's young objects in it
 * needs no write barrier, unlike a reused one), by {@link newWalk}: one object literal, so every walk has one
 * shape and costs an inline allocation (a class instance went through V8's generic construct stub wherever the
 * constructor was not inlined). One object rather than a walk and a separate context: one allocation less per
 * packet, and one load less per step.
 */
export interface Walk extends DecodeContext {
  readonly registry: Registry;
  readonly buf: Uint8Array;
  readonly layers: LayerObject[];
  readonly issues: Issue[];
  /** Index of the layer being decoded (issues are recorded against it). */
  current: number;
  payloadOffset: number;
  end: number;
  readonly verifyChecksums: boolean;
  readonly maxDepth: number;
  readonly limits: Readonly<DecodeLimits>;
  /**
   * Per layer: offset, header length. A new array per packet, handed to the packet as is: a walker makes it
   * with the size its path's packets need (an array literal, cheaper than growing one or copying it out).
   */
  spans: number[];
  offset: number;
  limit: number;
  quoted: boolean;
  network: NetworkRef | undefined;
  nSpans: number;
  nBounds: number;
  nExt: number;
  nMpls: number;
  nGre: number;
  /** Entries of `path` filled; a walker that hands over sets it to the step it stopped at. */
  pathLen: number;
  readonly vctx: Verify;
  readonly net: NetRef;
  readonly bounds: number[];
  readonly path: CodecInfo[];
}

const NO_SPANS: number[] = [];

/** `DecodeContext.issue` of every walk: an issue on the current layer, at `offset` or the current payload. */
function walkIssue(this: Walk, code: IssueCode, message: string, offset?: number): void {
  this.issues.push({ layerIndex: this.current, offset: offset ?? this.payloadOffset, code, message });
}

/**
 * What a step function returns when a limit stops the walk before its layer (never a codec of any plan): the
 * walk is as it was, and the generic loop carries on from that layer.
 */
export const STOP: CodecInfo = Object.freeze({ id: '(stop)' }) as unknown as CodecInfo;

/** A walk at the start of `bytes`. */
export function newWalk(
  bytes: Uint8Array,
  registry: Registry,
  verifyChecksums: boolean,
  maxDepth: number,
  limits: Readonly<DecodeLimits>,
  scratch: WalkScratch,
): Walk {
  return {
    registry,
    buf: bytes,
    layers: [],
    issues: [],
    current: 0,
    payloadOffset: 0,
    end: 0,
    issue: walkIssue,
    verifyChecksums,
    maxDepth,
    limits,
    spans: NO_SPANS,
    offset: 0,
    limit: bytes.length,
    quoted: false,
    network: undefined,
    nSpans: 0,
    nBounds: 0,
    nExt: 0,
    nMpls: 0,
    nGre: 0,
    pathLen: 0,
    vctx: scratch.vctx,
    net: scratch.net,
    bounds: scratch.bounds,
    path: scratch.path,
  };
}

/**
 * A walker for one path. Given a walk at its start and the path's first codec, it returns `undefined` when the
 * walk is over, or the codec the generic loop must continue with (the walk's state is then in `w`).
 */
export type Walker = (w: Walk, first: CodecInfo) => CodecInfo | undefined;

/** Per first codec of a plan: the walker in use and the path being learned. */
export class PathSlot {
  walker: Walker | undefined = undefined;
  /** The path `walker` was built for. */
  walkerPath: CodecInfo[] = [];
  /** The last path seen, and how many times in a row. */
  candidate: CodecInfo[] = [];
  /** Span numbers of the last packet (its layers, raw and padding included, times two). */
  candidateSpans = 0;
  hits = 0;
  /** Hand-overs to the generic loop, less one per walk the walker finished (at 0 it does not go lower). */
  misses = 0;
}

/**
 * Switches for tests and for environments that forbid generated code. `enabled: false` makes `decodeStack`
 * use the generic walk only (and learn nothing).
 */
export const codegen = {
  enabled: true,
  /** Same path seen this many times in a row before a walker is built for it. */
  threshold: 8,
  /** Net hand-overs after which the walker of a first codec is rebuilt for the path now seen most. */
  relearn: 32,
  /**
   * Walkers built per plan at most (a bound on compile work for captures whose paths keep changing). Step
   * functions are not counted: a plan has at most one per codec.
   */
  maxCompiles: 16,
  /** Set when `new Function` threw once: never tried again. */
  unavailable: false,
};

/**
 * Learns from a walk that the generic loop finished. `handedOverAt` is the step a walker stopped at (its
 * steps before that one are the walker's own path), or -1 when no walker ran.
 */
export function learn(plan: Plan, slot: PathSlot, w: Walk, handedOverAt: number, spans: number): void {
  const path = w.path;
  const n = w.pathLen;
  for (let i = 0; i < handedOverAt; i++) path[i] = slot.walkerPath[i]!;
  const cand = slot.candidate;
  let same = cand.length === n;
  for (let i = 0; same && i < n; i++) same = cand[i] === path[i];
  if (same) slot.hits++;
  else {
    slot.candidate = path.slice(0, n);
    slot.hits = 1;
  }
  // The same path with or without a raw payload or padding: size the walker's array for the latest.
  slot.candidateSpans = spans;
  if (slot.walker !== undefined) {
    slot.misses++;
    if (slot.misses < codegen.relearn) return;
  }
  if (slot.hits < codegen.threshold || n === 0 || codegen.unavailable || plan.compiles >= codegen.maxCompiles) return;
  const walker = compileWalker(plan, slot.candidate, slot.candidateSpans);
  if (walker === undefined) return;
  plan.compiles++;
  slot.walker = walker;
  slot.walkerPath = slot.candidate;
  slot.misses = 0;
}

/** The slot of a first codec in a plan (made on first use). */
export function slotOf(plan: Plan, first: CodecInfo): PathSlot {
  let s = plan.slots[first.index];
  if (s === undefined) {
    s = new PathSlot();
    plan.slots[first.index] = s;
  }
  return s;
}

/** A generated step: the generic loop's body for one codec (see the module comment); {@link STOP} when a limit stops it. */
export type Step = (w: Walk) => CodecInfo | undefined;

/**
 * Generates the walker for `path`, or returns `undefined` (and turns code generation off for good) when the
 * environment refuses `new Function`.
 */
function compileWalker(plan: Plan, path: readonly CodecInfo[], spanCount: number): Walker | undefined {
  const names: string[] = [];
  const values: unknown[] = [];
  const calls: string[] = [];
  for (let i = 0; i < path.length; i++) {
    const step = stepOf(plan, path[i]!);
    if (step === undefined) return undefined;
    names.push(`S${i}`, `I${i}`);
    values.push(step, path[i]);
    // After a step, any codec but the path's next one (or the end, after the last) is the generic loop's. A
    // step that stopped before its layer (a limit, STOP) leaves the walk as it was: the loop takes that layer.
    calls.push(
      `  next = S${i}(w);`,
      `  if (next !== ${i + 1 < path.length ? `I${i + 1}` : 'undefined'}) {`,
      `    if (next === STOP) { w.pathLen = ${i}; return I${i}; }`,
      `    w.pathLen = ${i + 1}; return next;`,
      '  }',
    );
  }
  // The spans array is a literal of the walk's offset (0) rather than of constant zeros: V8 makes a literal of
  // constants from a copy-on-write template, and the first store into it copies the elements again.
  const source = `'use strict';
return function walk(w, first) {
  const z = w.offset;
  w.spans = [${new Array(Math.min(Math.max(spanCount, 0), 256)).fill('z').join(', ')}];
  let next;
${calls.join('\n')}
  w.pathLen = ${path.length};
  return next;
};`;
  names.push('STOP');
  values.push(STOP);
  return generate<Walker>(names, values, source);
}

/** `new Function(...names, source)(...values)`, or `undefined` (code generation off for good) where it is refused. */
function generate<T>(names: string[], values: unknown[], source: string): T | undefined {
  try {
    return new Function(...names, source)(...values) as T;
  } catch {
    codegen.unavailable = true;
    return undefined;
  }
}

const COUNTER: Record<string, string> = { ipv6ExtensionHeaders: 'nExt', mplsLabels: 'nMpls', greHeaders: 'nGre' };

/** The step function of `info` in `plan`, generated on first use and shared by all of the plan's walkers. */
function stepOf(plan: Plan, info: CodecInfo): Step | undefined {
  const have = plan.steps[info.index];
  if (have !== undefined) return have;
  const names = ['DecodeError', 'STOP', 'plan', 'ET', 'IP', 'UP', 'infos', 'C', 'D', 'H', 'N', 'L', 'V', 'ID'];
  const values: unknown[] = [DecodeError, STOP, plan, plan.ethertype, plan.ipProto, plan.udpPort, plan.infos];
  values.push(info.codec, info.decode, info.headerLength, info.next, info.datagramLength, info.verify, info.id);
  const step = generate<Step>(names, values, stepSource(info));
  if (step !== undefined) plan.steps[info.index] = step;
  return step;
}

/** A function name for the step of codec `id` (it shows in profiles): `step_` and the id's letters and digits. */
function stepName(id: string): string {
  return `step_${id.replace(/[^A-Za-z0-9_]/g, '_')}`;
}

// biome-ignore-start lint/suspicious/noTemplateCurlyInString: the template literals of the generated code
/**
 * The step function of codec `info`: the generic loop's body, with what the codec has (datagram bounds, a
 * checksum, a network header, a limit) decided here. It loads the walk's state, runs one layer and stores back what
 * it changed; it returns the next codec (`undefined`: the walk is over), or {@link STOP} when a limit stops
 * the walk before this layer. Line by line this is `decodeStack`'s loop; keep them in step.
 */
function stepSource(info: CodecInfo): string {
  const n = info.limitName !== undefined ? COUNTER[info.limitName]! : undefined;
  const lines: string[] = ['    if (layers.length >= w.maxDepth) return STOP;'];
  if (n !== undefined)
    // The generic loop counts the layer and then stops; stopping before the count hands it that same state.
    lines.push(`    if (${n} + 1 > w.limits.${info.limitName}) return STOP;`, `    ${n}++;`);
  lines.push(
    '    ctx.current = layers.length;',
    '    try { h = D.call(C, bytes, offset, limit, ctx); hl = H.call(C, h); }',
    '    catch (e) {',
    '      if (!(e instanceof DecodeError)) throw e;',
    '      ctx.issues.push({ layerIndex: layers.length, offset: e.offset, code: e.code, message: `${ID}: ${e.message}` });',
    '      break out;',
    '    }',
    '    layers.push(h); spans[nSpans++] = offset; spans[nSpans++] = hl;',
  );
  if (info.bounds) {
    lines.push(
      '    declared = L.call(C, h); end = limit;',
      '    if (declared !== undefined) {',
      '      if (declared < hl) {',
      '        broken = true;',
      "        ctx.issue('bad-length', `${ID} declares ${declared} bytes, less than its ${hl}-byte header`, offset);",
      '      } else if (offset + declared > limit) {',
      '        cut = true;',
      "        if (!w.quoted) ctx.issue('truncated', `${ID} datagram cut short: ${limit - offset} of ${declared} bytes present`, offset);",
      '      } else end = offset + declared;',
      '    }',
      '    bounds[nBounds++] = end; bounds[nBounds++] = limit; limit = end;',
    );
  }
  if (info.verifies) {
    lines.push(
      `    if (w.verifyChecksums${info.bounds ? ' && !cut' : ''}) {`,
      '      const vctx = w.vctx;',
      '      vctx.headerLength = hl; vctx.end = limit; vctx.network = w.network;',
      "      if (!V.call(C, h, bytes, offset, vctx)) ctx.issue('bad-checksum', `${ID} checksum does not match`, offset);",
      '    }',
    );
  }
  if (info.network) lines.push('    const net = w.net; net.layer = ID; net.offset = offset; w.network = net;');
  lines.push('    offset += hl; ctx.payloadOffset = offset; ctx.end = limit;');
  if (info.bounds) lines.push('    if (broken) break out;');
  lines.push(
    '    ref = N.call(C, h, ctx);',
    '    if (!ref) break out;',
    '    if (ref.quoted === true) w.quoted = true;',
    // Plan.resolve, inlined so that the loads see the one shape of NextRef this codec returns.
    '    {',
    '      const lay = ref.layer;',
    // A layer named by id (VXLAN's `{ layer: 'ethernet' }`): the last id asked for is remembered (a plan's
    // records do not change).
    '      if (typeof lay === "string") next = lay === lastLay ? lastInfo : ((lastLay = lay), (lastInfo = plan.get(lay)));',
    '      else {',
    '        const table = ref.table;',
    '        let k = -1;',
    '        if (lay === undefined && table !== undefined) {',
    '          const v = ref.value;',
    '          if (table === "ethertype") k = ET[v] ?? -1;',
    '          else if (table === "ip.proto") k = IP[v] ?? -1;',
    '          else if (table === "udp.port") k = UP[v] ?? -1;',
    '        }',
    '        next = k > 0 ? infos[k - 1] : k === 0 ? undefined : plan.resolve(ref);',
    '      }',
    '    }',
    '    if (next !== undefined && offset >= limit) {',
    '      if (next.minLength > 0) {',
    '        ctx.current = layers.length;',
    "        ctx.issue('truncated', `${next.id} announced but no bytes remain`, offset);",
    '      }',
    '      next = undefined;',
    '    }',
  );
  return `'use strict';
let lastLay, lastInfo;
return function ${stepName(info.id)}(w) {
  const bytes = w.buf, ctx = w, layers = w.layers, spans = w.spans${info.bounds ? ', bounds = w.bounds' : ''};
  let offset = w.offset, limit = w.limit, nSpans = w.nSpans${info.bounds ? ', nBounds = w.nBounds' : ''}${n ? `, ${n} = w.${n}` : ''};
  let next, h, hl, ref${info.bounds ? ', declared, end, cut = false, broken = false' : ''};
  out: {
${lines.join('\n')}
  }
  w.offset = offset; w.nSpans = nSpans;${info.bounds ? ' w.limit = limit; w.nBounds = nBounds;' : ''}${n ? ` w.${n} = ${n};` : ''}
  return next;
};`;
}
// biome-ignore-end lint/suspicious/noTemplateCurlyInString: end of the generated code
