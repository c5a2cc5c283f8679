/**
 * Generated walkers (src/compiled.ts) against the generic walk of decodeStack: for every packet we have
 * (Scapy vectors, fixtures/captures, the shared real-world corpus), arbitrary stacks from the grammar, and
 * packets that start as a learned path and then differ at each depth (a changed byte anywhere, a cut at
 * every length, options that stop the walk), the two give deep-equal layers, spans, issues, trailer and
 * trailerLength. Also: walkers are really built and used, and decodeStack works on when `new Function` is
 * refused.
 */
import { test } from '@fast-check/vitest';
import { arbStack } from '@wirestack/arbitraries';
import { DecodeError, fromHex, type LayerCodec, type LayerObject, type NetworkRef, type Registry, sumWords } from '@wirestack/core';
import { ipv4, ipv4ChecksumValid } from '@wirestack/ipv4';
import { type DecodedPacket, type DecodeStackOptions, decodeStack, defaultRegistry, encodeStack } from '@wirestack/stack';
import { type UdpHeader, udp, udpChecksum } from '@wirestack/udp';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { codegen, type Walker } from '../src/compiled.js';
import { planOf } from '../src/plan.js';
import { corpusSamples, fixtureCaptureSamples, scapySamples, vxlanLayers } from './helpers.js';

const DEFAULTS = { ...codegen };

beforeEach(() => {
  // Build a walker for every clean path at once, and rebuild on the first hand-over: every packet below is
  // then decoded by a walker built for its own path, or for the path of the packet before it.
  Object.assign(codegen, DEFAULTS, { threshold: 1, relearn: 1, maxCompiles: Number.POSITIVE_INFINITY });
});
afterEach(() => {
  Object.assign(codegen, DEFAULTS);
});

/** What the walk produces, for deep equality (spans as numbers, issues in order, trailer and its size). */
function outcome(p: DecodedPacket): unknown {
  return { layers: p.layers, spans: p.spans, issues: p.issues, trailer: p.trailer, trailerLength: p.trailerLength, json: p.toJSON() };
}

/** The generic walk's result, or the error it threw. */
function generic(bytes: Uint8Array, opts: DecodeStackOptions): unknown {
  codegen.enabled = false;
  try {
    return outcome(decodeStack(bytes, opts));
  } catch (e) {
    return { threw: e };
  } finally {
    codegen.enabled = true;
  }
}

function generated(bytes: Uint8Array, opts: DecodeStackOptions): unknown {
  try {
    return outcome(decodeStack(bytes, opts));
  } catch (e) {
    return { threw: e };
  }
}

/** The walker a plan holds for a first layer, if any. */
function walkerOf(reg: Registry, first: string): Walker | undefined {
  const plan = planOf(reg);
  const info = plan.first(first);
  return info === undefined ? undefined : plan.slots[info.index]?.walker;
}

/**
 * Decodes `bytes` with code generation on (twice: first with whatever walker the plan has, then with the one
 * built for this packet's path when it was clean) and once with the generic walk, and requires equal results.
 */
function check(name: string, bytes: Uint8Array, opts: DecodeStackOptions): void {
  const want = generic(bytes, opts);
  expect(generated(bytes, opts), `${name} (walker of an earlier path)`).toEqual(want);
  expect(generated(bytes, opts), `${name} (walker of its own path)`).toEqual(want);
}

/** Learns the path of `learnFrom`, then decodes `bytes` (a variation of it) with that walker and without. */
function checkVariant(name: string, learnFrom: Uint8Array, bytes: Uint8Array, opts: DecodeStackOptions): void {
  const learnOpts: DecodeStackOptions = {};
  if (opts.registry !== undefined) learnOpts.registry = opts.registry;
  if (opts.first !== undefined) learnOpts.first = opts.first;
  decodeStack(learnFrom, learnOpts);
  decodeStack(learnFrom, learnOpts);
  const want = generic(bytes, opts);
  expect(generated(bytes, opts), name).toEqual(want);
}

const SCAPY = scapySamples();
const CAPTURES = fixtureCaptureSamples();
const CORPUS = corpusSamples();

/** The VXLAN stack with a 16-byte payload. */
const VXLAN: LayerObject[] = vxlanLayers('000102030405060708090a0b0c0d0e0f');

describe('generated walkers', () => {
  it('are built for a repeated path and used, and give what the generic walk gives', () => {
    Object.assign(codegen, DEFAULTS);
    const reg = defaultRegistry();
    const bytes = encodeStack(VXLAN, { registry: reg });
    for (let i = 0; i < DEFAULTS.threshold - 1; i++) decodeStack(bytes, { registry: reg });
    expect(walkerOf(reg, 'ethernet')).toBeUndefined();
    decodeStack(bytes, { registry: reg });
    const walker = walkerOf(reg, 'ethernet');
    expect(walker).toBeTypeOf('function');
    // Count the walker's runs: the packet below must be decoded by it.
    let runs = 0;
    const slot = planOf(reg).slots[planOf(reg).first('ethernet')!.index]!;
    slot.walker = (w, first) => {
      runs++;
      return walker!(w, first);
    };
    const pkt = decodeStack(bytes, { registry: reg });
    expect(runs).toBe(1);
    expect(pkt.path).toBe('ethernet/ipv4/udp/vxlan/ethernet/ipv4/udp/raw');
    expect(outcome(pkt)).toEqual(generic(bytes, { registry: reg }));
  });

  it('are rebuilt for a new registry revision, and not shared between registries', () => {
    const reg = defaultRegistry();
    const bytes = encodeStack(VXLAN, { registry: reg });
    decodeStack(bytes, { registry: reg });
    expect(walkerOf(reg, 'ethernet')).toBeTypeOf('function');
    expect(walkerOf(defaultRegistry(), 'ethernet')).toBeUndefined();
    // Port 4789 unbound: the outer UDP payload becomes raw, in both walks.
    reg.unbind('udp.port', 4789);
    check('vxlan unbound', bytes, { registry: reg });
    expect(decodeStack(bytes, { registry: reg }).path).toBe('ethernet/ipv4/udp/raw');
  });

  it('on every Scapy vector', () => {
    expect(SCAPY.length).toBeGreaterThan(0);
    const reg = defaultRegistry();
    for (const s of SCAPY) check(s.name, s.bytes, { first: s.first, registry: reg });
  });

  it('on every packet of fixtures/captures, with each option that changes the walk', () => {
    expect(CAPTURES.length).toBeGreaterThan(0);
    const reg = defaultRegistry();
    for (const s of CAPTURES) {
      check(s.name, s.bytes, { first: s.first, registry: reg });
      check(`${s.name} no checksums`, s.bytes, { first: s.first, registry: reg, verifyChecksums: false });
      check(`${s.name} no hex`, s.bytes, { first: s.first, registry: reg, opaqueHex: false });
      for (const maxDepth of [0, 1, 2, 3, 5]) check(`${s.name} maxDepth ${maxDepth}`, s.bytes, { first: s.first, registry: reg, maxDepth });
      check(`${s.name} limits`, s.bytes, {
        first: s.first,
        registry: reg,
        limits: { ipv6ExtensionHeaders: 0, mplsLabels: 1, greHeaders: 0 },
      });
    }
  });

  it.skipIf(CORPUS.length === 0)('on every packet of the shared real-world corpus', () => {
    const reg = defaultRegistry();
    for (const s of CORPUS) check(s.name, s.bytes, { first: s.first, registry: reg });
  });

  it('on the VXLAN stack changed at every byte and cut at every length, after learning it', () => {
    const reg = defaultRegistry();
    const bytes = encodeStack(VXLAN, { registry: reg });
    const opts = { registry: reg };
    for (let at = 0; at < bytes.length; at++) {
      for (const v of [0x00, 0xff, bytes[at]! ^ 0x01, bytes[at]! ^ 0x80, (bytes[at]! + 1) & 0xff]) {
        const b = bytes.slice();
        b[at] = v;
        checkVariant(`byte ${at} = ${v}`, bytes, b, opts);
      }
    }
    for (let len = 0; len <= bytes.length; len++) checkVariant(`cut at ${len}`, bytes, bytes.subarray(0, len), opts);
    // Longer than the datagrams say: an Ethernet trailer and inner padding.
    const longer = new Uint8Array(bytes.length + 7);
    longer.set(bytes);
    checkVariant('trailer', bytes, longer, opts);
    for (const maxDepth of [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]) checkVariant(`maxDepth ${maxDepth}`, bytes, bytes, { registry: reg, maxDepth });
    checkVariant('no checksums', bytes, bytes, { registry: reg, verifyChecksums: false });
    checkVariant('no hex', bytes, longer, { registry: reg, opaqueHex: false });
  });

  it('on the VXLAN stack whose dispatch differs at each depth', () => {
    const reg = defaultRegistry();
    const learned = encodeStack(VXLAN, { registry: reg });
    const variants: Array<[string, LayerObject[]]> = [];
    for (let i = 0; i < VXLAN.length - 1; i++) {
      // Stop the stack after layer i (raw payload), or continue it with something else.
      variants.push([`raw after ${i}`, [...VXLAN.slice(0, i + 1), { layer: 'raw', data: 'ab'.repeat(12) }]]);
    }
    variants.push([
      'gre inside',
      [...VXLAN.slice(0, 5), { layer: 'ipv4', dst: '10.0.0.9' }, { layer: 'gre' }, { layer: 'raw', data: '0102' }],
    ]);
    variants.push([
      'ipv6 inside',
      [...VXLAN.slice(0, 5), { layer: 'ipv6', dst: '2001:db8::1' }, { layer: 'udp' }, { layer: 'raw', data: '0102' }],
    ]);
    variants.push(['vlan inside', [...VXLAN.slice(0, 5), { layer: 'vlan', vid: 5 }, ...VXLAN.slice(5)]]);
    variants.push(['deeper', [...VXLAN.slice(0, 6), { layer: 'udp', dstPort: 4789 }, { layer: 'vxlan', vni: 1 }, ...VXLAN.slice(4)]]);
    variants.push(['icmp quote', [...VXLAN.slice(0, 6), { layer: 'icmp', type: 3, code: 1 }, { layer: 'raw', data: '4500001c' }]]);
    for (const [name, layers] of variants) {
      let bytes: Uint8Array;
      try {
        bytes = encodeStack(layers, { registry: reg });
      } catch {
        continue;
      }
      checkVariant(name, learned, bytes, { registry: reg });
      checkVariant(`${name} learned`, bytes, learned, { registry: reg });
    }
  });

  const ALL = [...SCAPY, ...CAPTURES];
  const mutReg = defaultRegistry();
  test.prop(
    [fc.nat(Math.max(0, ALL.length - 1)), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }), fc.nat()],
    { numRuns: 400 },
  )('on mutated and truncated fixture packets, after learning the original', (k, edits, cut) => {
    const s = ALL[k];
    if (!s) return;
    const bytes = s.bytes.slice();
    for (const [at, v] of edits) if (bytes.length) bytes[at % bytes.length] = v;
    const len = cut % 3 === 0 ? cut % (bytes.length + 1) : bytes.length;
    checkVariant(`${s.name} mutated`, s.bytes, bytes.subarray(0, len), { first: s.first, registry: mutReg });
  });

  const stackReg = defaultRegistry();
  test.prop(
    [
      arbStack({ maxLayers: 16 }),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 3 }),
      fc.nat(),
      fc.nat(3),
      fc.nat(17),
    ],
    { numRuns: 300 },
  )(
    'on stacks from the grammar, mutated copies of them, and with limits and maxDepth',
    ({ first, layers }, edits, cut, limit, maxDepth) => {
      const bytes = encodeStack(layers, { registry: stackReg });
      check('stack', bytes, { first, registry: stackReg });
      const b = bytes.slice();
      for (const [at, v] of edits) if (b.length) b[at % b.length] = v;
      checkVariant('stack mutated', bytes, b.subarray(0, cut % (b.length + 1)), { first, registry: stackReg });
      // Learned with the default limits, decoded with lower ones: the walker must stop where the loop stops.
      const limits = { ipv6ExtensionHeaders: limit, mplsLabels: limit, greHeaders: limit };
      checkVariant(`limits ${limit}`, bytes, bytes, { first, registry: stackReg, limits });
      checkVariant(`maxDepth ${maxDepth}`, bytes, bytes, { first, registry: stackReg, maxDepth });
    },
  );

  test.prop([arbStack({ maxLayers: 16, inconsistent: true })], { numRuns: 300 })(
    'on inconsistent stacks from the grammar',
    ({ first, layers }) => {
      let bytes: Uint8Array;
      try {
        bytes = encodeStack(layers, { registry: stackReg });
      } catch {
        return;
      }
      check('inconsistent', bytes, { first, registry: stackReg });
    },
  );

  test.prop([fc.uint8Array({ maxLength: 200 }), fc.constantFrom('ethernet', 'ipv4', 'ipv6')], { numRuns: 300 })(
    'on arbitrary bytes',
    (bytes, first) => {
      check('arbitrary', bytes, { first, registry: stackReg });
    },
  );
});

describe('generated walkers with unusual codecs', () => {
  /** A codec written as a class (its functions need `this`), that throws DecodeError on a marker byte. */
  class Tagged implements LayerCodec<{ layer: 'tagged'; kind: number }> {
    readonly id = 'tagged';
    readonly minLength = 2;
    readonly fields = [];
    readonly binds = [{ table: 'ethertype', value: 0x88b6 }];
    readonly size = 2;
    decode(buf: Uint8Array, offset: number, end: number) {
      if (end - offset < this.size) throw new DecodeError({ code: 'truncated', layer: 'tagged', offset, message: 'short' });
      if (buf[offset] === 0xee) throw new DecodeError({ code: 'malformed', layer: 'tagged', offset, message: 'marker' });
      if (buf[offset] === 0xef) throw new TypeError('not a DecodeError');
      return { layer: 'tagged' as const, kind: buf[offset + 1]! };
    }
    headerLength() {
      return this.size;
    }
    next(h: { kind: number }) {
      // Every shape of NextRef, by kind.
      if (h.kind === 1) return { layer: 'tagged' };
      if (h.kind === 2) return { table: 'ethertype', value: 0x0800 };
      if (h.kind === 3) return { table: 'custom', value: 7 };
      if (h.kind === 4) return { layer: 'tagged', quoted: true };
      if (h.kind === 5) return { layer: 'nothing-here' };
      return undefined;
    }
    encodingLength() {
      return this.size;
    }
    encode() {
      return 0;
    }
  }

  it('keeps `this`, every NextRef shape, thrown errors and custom tables equal to the generic walk', () => {
    const reg = defaultRegistry();
    reg.add(new Tagged());
    reg.bind('custom', 7, 'tagged');
    const eth = fromHex('020000000002020000000001');
    const frames: Uint8Array[] = [];
    for (const kinds of [
      [1, 1, 1, 0],
      [1, 3, 1, 0],
      [1, 4, 1, 0],
      [1, 5],
      [1, 2],
      [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0],
    ]) {
      const body = kinds.flatMap((k) => [0x00, k]);
      frames.push(Uint8Array.from([...eth, 0x88, 0xb6, ...body, 0x99]));
    }
    for (const learn of frames) {
      for (const f of frames) {
        checkVariant('tagged', learn, f, { registry: reg });
        for (let at = 14; at < f.length; at++) {
          for (const v of [0xee, 0xef, 0x00, 0x01, 0x03, 0x05]) {
            const b = f.slice();
            b[at] = v;
            checkVariant(`tagged byte ${at} = ${v}`, learn, b, { registry: reg });
          }
        }
        for (let len = 0; len <= f.length; len++) checkVariant('tagged cut', learn, f.subarray(0, len), { registry: reg });
      }
    }
  });
});

describe('without code generation', () => {
  it('decodes with the generic walk when `new Function` is refused (a Content Security Policy)', () => {
    const original = globalThis.Function;
    const refused = function refusedFunction() {
      throw new EvalError('Refused to evaluate a string as JavaScript (unsafe-eval)');
    } as unknown as FunctionConstructor;
    globalThis.Function = refused;
    try {
      const reg = defaultRegistry();
      const bytes = encodeStack(VXLAN, { registry: reg });
      for (let i = 0; i < 3; i++) check('csp', bytes, { registry: reg });
      expect(codegen.unavailable).toBe(true);
      expect(walkerOf(reg, 'ethernet')).toBeUndefined();
      for (const s of CAPTURES) check(s.name, s.bytes, { first: s.first, registry: reg });
    } finally {
      globalThis.Function = original;
      codegen.unavailable = false;
    }
  });

  it('decodes with the generic walk when switched off, and learns nothing', () => {
    const reg = defaultRegistry();
    const bytes = encodeStack(VXLAN, { registry: reg });
    codegen.enabled = false;
    for (let i = 0; i < 20; i++) decodeStack(bytes, { registry: reg });
    codegen.enabled = true;
    expect(walkerOf(reg, 'ethernet')).toBeUndefined();
  });
});

/**
 * The checksum checks every walk makes (`sumWords`, `ipv4.verify`, `udp.verify`) were rewritten for fewer
 * instructions; these laws hold them to plain word-by-word references on random bytes, offsets (negative,
 * fractional, past the end, reversed) and checksums, right and wrong.
 */
describe('checksum checks of the walk', () => {
  /** `b[i] << 8 | b[i + 1]` summed word by word: the sum as RFC 1071 defines it (NaN once a read misses). */
  function naiveSum(b: Uint8Array, start: number, end: number, acc: number): number {
    let s = acc;
    let i = start;
    for (; i + 1 < end; i += 2) s += (b[i] ?? Number.NaN) * 256 + (b[i + 1] ?? Number.NaN);
    if (i < end) s += (b[i] ?? Number.NaN) * 256;
    return s;
  }
  function fold(sum: number): number {
    let s = sum;
    while (s > 0xffff) s = (s % 0x10000) + Math.floor(s / 0x10000);
    return s;
  }
  const offsetArb = (n: number) =>
    fc.oneof(fc.integer({ min: -4, max: n + 4 }), fc.constantFrom(0.5, 2 ** 30, 2 ** 30 - 1, -(2 ** 31), Number.NaN));

  test.prop([fc.uint8Array({ maxLength: 300 }), fc.nat(400), fc.nat(400), fc.nat(1e6)], { numRuns: 500 })(
    'sumWords equals the word-by-word sum inside the buffer',
    (b, x, y, acc) => {
      const start = Math.min(x, y, b.length);
      const end = Math.min(Math.max(x, y), b.length);
      expect(sumWords(b, start, end, acc)).toBe(naiveSum(b, start, end, acc));
    },
  );

  /** `sumWords` below 128 bytes as it was before the offsets were masked (the reference for odd offsets). */
  function previousSumWords(b: Uint8Array, start: number, end: number, acc: number): number {
    const even = end - ((end - start) & 1);
    let hi = 0;
    let lo = 0;
    let i = start;
    for (; i + 8 <= even; i += 8) {
      hi += b[i]! + b[i + 2]! + b[i + 4]! + b[i + 6]!;
      lo += b[i + 1]! + b[i + 3]! + b[i + 5]! + b[i + 7]!;
    }
    for (; i < even; i += 2) {
      hi += b[i]!;
      lo += b[i + 1]!;
    }
    if (i < end) hi += b[i]!;
    return acc + hi * 256 + lo;
  }

  test.prop([fc.uint8Array({ maxLength: 130 }), offsetArb(130), offsetArb(130), fc.nat(1e6)], { numRuns: 500 })(
    'sumWords gives what it gave before for any offsets (negative, fractional, huge, reversed, NaN)',
    (b, start, end, acc) => {
      // Spans of 128 bytes and more take the DataView path, unchanged (and meant for offsets inside the buffer).
      fc.pre(!(end - ((end - start) % 2) - start >= 128));
      expect(sumWords(b, start, end, acc)).toBe(previousSumWords(b, start, end, acc));
    },
  );

  test.prop([fc.uint8Array({ minLength: 20, maxLength: 80 }), fc.nat(80), fc.integer({ min: 0, max: 15 }), fc.boolean()], {
    numRuns: 500,
  })('ipv4.verify accepts exactly the headers that sum to 0xffff', (b, at, ihl, fix) => {
    const offset = Math.min(at, b.length - 20);
    if (fix && offset + ihl * 4 <= b.length) {
      // Make the checksum right, so that both answers are exercised.
      b[offset + 10] = 0;
      b[offset + 11] = 0;
      const c = ~fold(naiveSum(b, offset, offset + ihl * 4, 0)) & 0xffff;
      b[offset + 10] = c >> 8;
      b[offset + 11] = c & 0xff;
    }
    const want = fold(naiveSum(b, offset, offset + ihl * 4, 0)) === 0xffff;
    expect(ipv4ChecksumValid(b, offset, ihl)).toBe(want);
    const h = { ihl } as Parameters<NonNullable<typeof ipv4.verify>>[0];
    expect(ipv4.verify!(h, b, offset, { headerLength: ihl * 4, end: b.length, network: undefined })).toBe(want);
  });

  it('ipv4ChecksumValid of 20-byte headers at offsets it cannot mask', () => {
    const b = new Uint8Array(24);
    for (const offset of [-1, 0.5, 2 ** 30, Number.NaN]) expect(ipv4ChecksumValid(b, offset, 5)).toBe(false);
  });

  test.prop(
    [
      fc.uint8Array({ minLength: 28, maxLength: 120 }),
      fc.nat(120),
      fc.nat(120),
      fc.integer({ min: 0, max: 0xffff }),
      fc.integer({ min: 0, max: 140 }),
      fc.constantFrom('ipv4', 'ipv6', 'ipv4-options', 'none', 'other'),
      fc.constantFrom('right', 'zero', 'random'),
    ],
    { numRuns: 1000 },
  )('udp.verify answers what comparing with udpChecksum (and a word-by-word sum) answers', (b, ipAt, udpAt, random, length, net, ck) => {
    const offset = Math.min(udpAt, b.length - 8);
    const ip = Math.min(ipAt, b.length - 1);
    if (net === 'ipv4') b[ip] = 0x45;
    if (net === 'ipv4-options') b[ip] = 0x47;
    const network: NetworkRef | undefined =
      net === 'none' ? undefined : { layer: net === 'ipv6' ? 'ipv6' : net === 'other' ? 'arp' : 'ipv4', offset: ip };
    const end = Math.min(offset + length + 3, b.length);
    let checksum = random;
    if (ck === 'zero') checksum = 0;
    if (ck === 'right') checksum = udpChecksum(b, offset, length, network, Math.min(offset + length, end)) ?? random;
    const h: UdpHeader = { layer: 'udp', srcPort: 0, dstPort: 0, length, checksum };
    const vctx = { headerLength: 8, end, network };
    const c = udpChecksum(b, offset, length, network, Math.min(offset + length, end));
    const want = checksum === 0 || c === undefined || c === checksum;
    expect(udp.verify!(h, b, offset, vctx)).toBe(want);
    if (net === 'ipv4' && ip + 20 <= b.length) {
      // The same over IPv4 from the definition (RFC 768): pseudo-header, header without its checksum, data.
      const stop = Math.min(offset + length, end);
      let sum = naiveSum(b, ip + 12, ip + 20, 17 + length) + naiveSum(b, offset, offset + 6, 0);
      if (stop > offset + 8) sum = naiveSum(b, offset + 8, stop, sum);
      const r = ~fold(sum) & 0xffff;
      expect(want).toBe(checksum === 0 || (r === 0 ? 0xffff : r) === checksum);
    }
  });
});
