/**
 * Walkers specialised per path ("header prediction" for `decodeStack`; internal, not exported from the package).
 *
 * The generic walk in `decode.ts` calls every codec's `decode`, `headerLength`, `datagramLength`, `verify` and
 * `next` from one call site each, so V8 sees each site call a dozen different functions and can inline none
 * of them. Most captures repeat a handful of paths (`ethernet/ipv4/udp/vxlan/ethernet/ipv4/udp`), so once a
 * plan has seen the same path a few times in a row it generates, with `new Function`, a walker for that exact
 * sequence of codecs: one straight-line step per layer, each calling its own codec's functions (passed in as
 * separate closure values, so each call site has one target: a direct call, inlined where V8's budget allows).
 *
 * A walker does exactly what the generic loop does for each step (issues with the same text and order, spans,
 * datagram bounds, limits, `maxDepth`, checksums, quoted bodies), and after each `next` it checks that the
 * dispatch leads to the codec the path expects. When it does not, or when a limit would stop the walk, the
 * walker stores its state in the {@link Walk} and the generic loop carries on from exactly there, so results
 * equal the generic walk's for every input. Where `new Function` is refused (a Content Security Policy
 * without `unsafe-eval`), the generic walk is used for good.
 */
import { DecodeError, type IssueCode, type LayerObject, type NetworkRef, type VerifyContext } from '@wirestack/core';
import type { DecodeLimits } from './decode.js';
import type { Issue } from './packet.js';
import type { CodecInfo, Plan } from './plan.js';

/** What walkers need of `decode.ts`'s context object. */
export interface WalkContext {
  readonly layers: LayerObject[];
  readonly issues: Issue[];
  current: number;
  payloadOffset: number;
  end: number;
  issue(code: IssueCode, message: string, offset?: number): void;
}

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

const NO_SPANS: number[] = [];

/**
 * The state of one `decodeStack` walk. Its fields are the generic loop's variables: a walker reads them on
 * entry and writes them back when it stops, so the loop can resume where it stopped. It is made per packet
 * (a young object: storing the packet's young objects in it needs no write barrier, unlike a reused one).
 */
export class Walk {
  /**
   * Per layer: offset, header length. A new array per packet, handed to the packet as is: a walker makes it
   * with the size its path's packets need (an array literal, cheaper than growing one or copying it out).
   */
  spans: number[] = NO_SPANS;
  offset = 0;
  limit: number;
  quoted = false;
  network: NetworkRef | undefined = undefined;
  nSpans = 0;
  nBounds = 0;
  nExt = 0;
  nMpls = 0;
  nGre = 0;
  /** Entries of `path` filled; a walker that hands over sets it to the step it stopped at. */
  pathLen = 0;
  readonly vctx: Verify;
  readonly net: NetRef;
  readonly bounds: number[];
  readonly path: CodecInfo[];

  constructor(
    readonly bytes: Uint8Array,
    readonly ctx: WalkContext,
    readonly verifyChecksums: boolean,
    readonly maxDepth: number,
    readonly limits: Readonly<DecodeLimits>,
    scratch: WalkScratch,
  ) {
    this.limit = bytes.length;
    this.vctx = scratch.vctx;
    this.net = scratch.net;
    this.bounds = scratch.bounds;
    this.path = scratch.path;
  }
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
  /** Walkers built per plan at most (a bound on compile work for captures whose paths keep changing). */
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

/**
 * Generates the walker for `path`, or returns `undefined` (and turns code generation off for good) when the
 * environment refuses `new Function`.
 */
function compileWalker(plan: Plan, path: readonly CodecInfo[], spanCount: number): Walker | undefined {
  const names: string[] = ['DecodeError', 'plan', 'ET', 'IP', 'UP', 'infos'];
  const values: unknown[] = [DecodeError, plan, plan.ethertype, plan.ipProto, plan.udpPort, plan.infos];
  const steps: string[] = [];
  path.forEach((info, i) => {
    // Each step's functions and values are parameters of their own, so each call site sees one target.
    names.push(`C${i}`, `D${i}`, `H${i}`, `N${i}`, `L${i}`, `V${i}`, `ID${i}`, `I${i}`);
    values.push(info.codec, info.decode, info.headerLength, info.next, info.datagramLength, info.verify, info.id, info);
    steps.push(stepSource(info, i, i + 1 < path.length ? `I${i + 1}` : 'undefined'));
  });
  const source = `'use strict';
return function walk(w, first) {
  const bytes = w.bytes, ctx = w.ctx, layers = ctx.layers, bounds = w.bounds, vctx = w.vctx, net = w.net;
  const spans = [${new Array(Math.min(Math.max(spanCount, 0), 256)).fill(0).join(', ')}];
  w.spans = spans;
  const verify = w.verifyChecksums, maxDepth = w.maxDepth, limits = w.limits;
  let offset = w.offset, limit = w.limit, quoted = w.quoted, network = w.network;
  let nSpans = w.nSpans, nBounds = w.nBounds, nExt = w.nExt, nMpls = w.nMpls, nGre = w.nGre;
  let step = 0, next = first, h, hl, ref, declared, end, cut, broken;
  out: {
${steps.join('\n')}
  }
  w.offset = offset; w.limit = limit; w.quoted = quoted; w.network = network;
  w.nSpans = nSpans; w.nBounds = nBounds; w.nExt = nExt; w.nMpls = nMpls; w.nGre = nGre;
  w.pathLen = step;
  return next;
};`;
  try {
    const factory = new Function(...names, source) as (...args: unknown[]) => Walker;
    return factory(...values);
  } catch {
    codegen.unavailable = true;
    return undefined;
  }
}

const COUNTER: Record<string, string> = { ipv6ExtensionHeaders: 'nExt', mplsLabels: 'nMpls', greHeaders: 'nGre' };

/**
 * One step of a walker: the generic loop's body for codec `info` at depth `i`, with what the codec has
 * (datagram bounds, a checksum, a network header, a limit) decided here. `expected` names the codec the next
 * step handles (`undefined` after the last step). Line by line this is `decodeStack`'s loop; keep them in step.
 */
function stepSource(info: CodecInfo, i: number, expected: string): string {
  const lines: string[] = [`    // step ${i}`, `    step = ${i};`, '    if (layers.length >= maxDepth) break out;'];
  if (info.limitName !== undefined) {
    // The generic loop counts the layer and then stops; stopping before the count hands it that same state.
    const n = COUNTER[info.limitName]!;
    lines.push(`    if (${n} + 1 > limits.${info.limitName}) break out;`, `    ${n}++;`);
  }
  lines.push(
    '    ctx.current = layers.length;',
    `    try { h = D${i}.call(C${i}, bytes, offset, limit, ctx); hl = H${i}.call(C${i}, h); }`,
    '    catch (e) {',
    '      if (!(e instanceof DecodeError)) throw e;',
    `      ctx.issues.push({ layerIndex: layers.length, offset: e.offset, code: e.code, message: \`\${ID${i}}: \${e.message}\` });`,
    '      next = undefined; break out;',
    '    }',
    '    layers.push(h); spans[nSpans++] = offset; spans[nSpans++] = hl;',
  );
  if (info.bounds) {
    lines.push(
      `    cut = false; broken = false; declared = L${i}.call(C${i}, h); end = limit;`,
      '    if (declared !== undefined) {',
      '      if (declared < hl) {',
      '        broken = true;',
      `        ctx.issue('bad-length', \`\${ID${i}} declares \${declared} bytes, less than its \${hl}-byte header\`, offset);`,
      '      } else if (offset + declared > limit) {',
      '        cut = true;',
      `        if (!quoted) ctx.issue('truncated', \`\${ID${i}} datagram cut short: \${limit - offset} of \${declared} bytes present\`, offset);`,
      '      } else end = offset + declared;',
      '    }',
      '    bounds[nBounds++] = end; bounds[nBounds++] = limit; limit = end;',
    );
  }
  if (info.verifies) {
    lines.push(
      `    if (verify${info.bounds ? ' && !cut' : ''}) {`,
      '      vctx.headerLength = hl; vctx.end = limit; vctx.network = network;',
      `      if (!V${i}.call(C${i}, h, bytes, offset, vctx)) ctx.issue('bad-checksum', \`\${ID${i}} checksum does not match\`, offset);`,
      '    }',
    );
  }
  if (info.network) lines.push(`    net.layer = ID${i}; net.offset = offset; network = net;`);
  lines.push('    offset += hl; ctx.payloadOffset = offset; ctx.end = limit;');
  if (info.bounds) lines.push('    if (broken) { next = undefined; break out; }');
  lines.push(
    `    ref = N${i}.call(C${i}, h, ctx);`,
    '    if (!ref) { next = undefined; break out; }',
    '    if (ref.quoted === true) quoted = true;',
    // Plan.resolve, inlined so that each step's loads see the one shape of NextRef its codec returns.
    '    {',
    '      const lay = ref.layer;',
    // A layer named directly: the expected codec when the id is its id (the plan's records are the registry's).
    `      if (typeof lay === "string") next = ${expected === 'undefined' ? '' : `lay === ${expected}.id ? ${expected} : `}plan.get(lay);`,
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
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a template literal of the generated code
    "        ctx.issue('truncated', `${next.id} announced but no bytes remain`, offset);",
    '      }',
    '      next = undefined; break out;',
    '    }',
    `    if (next !== ${expected}) { step = ${i + 1}; break out; }`,
  );
  return lines.join('\n');
}
