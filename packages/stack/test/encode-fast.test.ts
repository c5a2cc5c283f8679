/**
 * The fused encoder (src/encode-fast.ts) against the generic path: on every input the same bytes, the same
 * `EncodeError` (name, message, layer, field, value), and the same bytes left in a caller's buffer, written
 * or not. Each case runs twice, with `fastEncode.enabled` on and off; the whole suite runs twice, once with
 * the plain fused functions and once with an encoder generated for every shape (and once more where
 * `new Function` is refused).
 */
import { test } from '@fast-check/vitest';
import { arbStack } from '@wirestack/arbitraries';
import { isHex, type LayerObject, macValue, type Registry, sumWords, toHex } from '@wirestack/core';
import { parseIpv4U32 } from '@wirestack/ipv4';
import { defaultRegistry, type EncodeStackOptions, encodeStack } from '@wirestack/stack';
import { vxlan } from '@wirestack/vxlan';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { encodeFastInto, encodeFastNew, fastEncode } from '../src/encode-fast.js';
import { hexWordSum, ipv4Number, macNumber, parseHexInto } from '../src/encode-text.js';

const RUNS = Number(process.env.WIRESTACK_ENCODE_RUNS ?? 1500);

/** The fused path with `encodeStack`'s `into`/`offset` arguments: the result, or `undefined` when the generic path is to run. */
function encodeFast(
  layers: readonly LayerObject[],
  trailer: string | Uint8Array | undefined,
  into: Uint8Array | undefined,
  offset: number | undefined,
  reg: Registry,
): Uint8Array | undefined {
  if (into === undefined) return offset !== undefined && offset !== 0 ? undefined : encodeFastNew(layers, trailer, reg, false);
  const base = offset ?? 0;
  const n = encodeFastInto(layers, trailer, into, base, reg);
  return n < 0 ? undefined : into.subarray(base, base + n);
}
const registry = defaultRegistry();

type Outcome = { bytes: string } | { error: { name: string; message: string; layer: unknown; field: unknown; value: unknown } };

interface Case {
  layers: LayerObject[];
  trailer?: string | Uint8Array | undefined;
  /** Encode into a 600-byte buffer of known bytes at this offset (else allocate). */
  into?: number | undefined;
  registry?: Registry;
}

function run(c: Case, fast: boolean): { outcome: Outcome; buffer: string | undefined } {
  fastEncode.enabled = fast;
  const at = c.into;
  const buf = at === undefined ? undefined : Uint8Array.from({ length: 600 }, (_, i) => (i * 37 + 11) & 0xff);
  const options: EncodeStackOptions = { registry: c.registry ?? registry };
  if (c.trailer !== undefined) options.trailer = c.trailer;
  if (buf !== undefined && at !== undefined) {
    options.into = buf;
    options.offset = at;
  }
  let outcome: Outcome;
  try {
    const out = encodeStack(c.layers, options);
    if (buf !== undefined) {
      expect(out.buffer).toBe(buf.buffer);
      expect(out.byteOffset).toBe(c.into);
    } else {
      // An allocated result owns an ArrayBuffer of exactly its size.
      expect(out.byteOffset).toBe(0);
      expect(out.buffer.byteLength).toBe(out.length);
    }
    outcome = { bytes: toHex(out) };
  } catch (e) {
    const x = e as Error & { layer?: unknown; field?: unknown; value?: unknown };
    outcome = { error: { name: x.name, message: x.message, layer: x.layer, field: x.field, value: x.value } };
  }
  return { outcome, buffer: buf === undefined ? undefined : toHex(buf) };
}

/** How many cases the fused path encoded itself, of how many (so that the properties are known to exercise it). */
const handled = { fused: 0, all: 0 };

/** Runs `c` both ways and expects the same result; returns it. */
function same(c: Case): Outcome {
  const probe = c.into === undefined ? undefined : new Uint8Array(600);
  fastEncode.enabled = true;
  if (encodeFast(c.layers, c.trailer, probe, c.into, c.registry ?? registry) !== undefined) handled.fused++;
  handled.all++;
  const fused = run(c, true);
  const generic = run(c, false);
  expect(fused).toEqual(generic);
  return fused.outcome;
}

afterEach(() => {
  fastEncode.enabled = true;
});

// Values of every kind a field may be given: valid, out of range, of another type, in another notation.
const badNumber = fc.constantFrom<unknown>(-1, -0, 0.5, 1.5, 2 ** 16, 2 ** 24, 2 ** 32, 2 ** 53, Number.NaN, Number.POSITIVE_INFINITY);
const oddValue = fc.constantFrom<unknown>(null, true, false, '', '1', 1n, [], {}, 0, 1);
const hex = (maxBytes: number) => fc.uint8Array({ maxLength: maxBytes }).map((b) => toHex(b));

/** A field: `good` values the codec takes (its common forms), `bad` anything else worth trying. */
interface Field {
  good: fc.Arbitrary<unknown>;
  bad: fc.Arbitrary<unknown>;
}
const uintField = (bits: number): Field => ({ good: fc.integer({ min: 0, max: 2 ** bits - 1 }), bad: fc.oneof(badNumber, oddValue) });
const boolField: Field = { good: fc.boolean(), bad: fc.constantFrom<unknown>(0, 1, -0, 2, 'true', null) };
const macField: Field = {
  good: fc.uint8Array({ minLength: 6, maxLength: 6 }).map((b) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(':')),
  bad: fc.constantFrom<unknown>(
    '02:42:AC:11:00:02',
    '02-42-ac-11-00-02',
    '02:42-ac:11-00:02',
    '2:42:ac:11:0:2',
    '02:42:ac:11:00:0g',
    '02:42:ac:11:00',
    '02:42:ac:11:00:02:',
    '0242.ac11.0002',
    'ff:ff:ff:ff:ff:ff',
    '\uff10\uff10:42:ac:11:00:02',
    null,
    undefined,
    42,
  ),
};
const ipField: Field = {
  good: fc.uint8Array({ minLength: 4, maxLength: 4 }).map((b) => b.join('.')),
  bad: fc.constantFrom<unknown>(
    '255.255.255.255',
    '0.0.0.0',
    '01.2.3.4',
    '1.2.3',
    '1.2.3.4.5',
    '256.1.1.1',
    '1.2.3.4 ',
    '::1',
    '\uff11.2.3.4',
    null,
    7,
  ),
};
const hexField: Field = { good: hex(40), bad: fc.constantFrom<unknown>('ABCDEF', 'abc', 'zz', 'a b', 5, null, undefined, '') };

/**
 * Layer objects whose fields are each left out or given: with `bad`, one value in eight is a bad one (most
 * such layers are then unencodable); without, every value is good.
 */
function layer(name: string, fields: Record<string, Field>, bad: boolean): fc.Arbitrary<LayerObject> {
  const arbs: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [k, f] of Object.entries(fields))
    arbs[k] = bad ? fc.oneof({ weight: 7, arbitrary: f.good }, { weight: 1, arbitrary: f.bad }) : f.good;
  return fc.record(arbs, { requiredKeys: [] }).map((r) => ({ layer: name, ...r }) as LayerObject);
}

function layers(bad: boolean) {
  return {
    eth: layer('ethernet', { dst: macField, src: macField, etherType: uintField(16) }, bad),
    ip4: layer(
      'ipv4',
      {
        version: uintField(4),
        ihl: {
          good: fc.oneof({ weight: 3, arbitrary: fc.constant(5) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 15 }) }),
          bad: badNumber,
        },
        dscp: uintField(6),
        ecn: uintField(2),
        totalLength: uintField(16),
        identification: uintField(16),
        reservedFlag: boolField,
        dontFragment: boolField,
        moreFragments: boolField,
        fragmentOffset: uintField(13),
        ttl: uintField(8),
        protocol: uintField(8),
        checksum: uintField(16),
        src: ipField,
        dst: ipField,
        options: { good: fc.oneof({ weight: 4, arbitrary: fc.constant('') }, { weight: 1, arbitrary: hex(40) }), bad: hexField.bad },
      },
      bad,
    ),
    udp: layer('udp', { srcPort: uintField(16), dstPort: uintField(16), length: uintField(16), checksum: uintField(16) }, bad),
    vx: layer('vxlan', { flags: uintField(8), vni: uintField(24), reserved1: uintField(24), reserved2: uintField(8) }, bad),
    raw: layer('raw', { data: hexField }, bad),
  };
}

/**
 * Stacks of the fused path's layers: tunnel and plain shapes and random sequences. The given fields are
 * random subsets, so derived fields are sometimes given (as anything) and sometimes left to the encoder.
 */
function stacks(bad: boolean): fc.Arbitrary<LayerObject[]> {
  const { eth, ip4, udp, vx, raw } = layers(bad);
  return fc.oneof(
    fc.tuple(eth, ip4, udp, vx, eth, ip4, udp, raw),
    fc.tuple(eth, ip4, udp, raw),
    fc.tuple(ip4, udp, raw),
    fc.tuple(eth, ip4, udp, vx, eth, ip4, raw),
    fc.tuple(eth, ip4, ip4, udp, raw),
    fc.tuple(eth, raw),
    fc.tuple(udp, vx, eth),
    fc.array(fc.oneof(eth, ip4, udp, vx, raw), { minLength: 1, maxLength: 10 }),
  );
}
const fusedStack = fc.oneof({ weight: 2, arbitrary: stacks(false) }, { weight: 1, arbitrary: stacks(true) });
const trailer = fc.oneof(
  { weight: 4, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 8 }).map((b) => toHex(b)) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 8 }) },
  { weight: 1, arbitrary: fc.constantFrom<string | Uint8Array>('ABcd', 'abc', 'xx', '') },
);
const into = fc.oneof(
  { weight: 2, arbitrary: fc.constant(undefined) },
  { weight: 2, arbitrary: fc.nat(120) },
  { weight: 1, arbitrary: fc.constantFrom(550, 599, 600) },
);

const MODES = [
  // The plain fused functions only.
  { name: 'plain', compileAfter: 0 },
  // An encoder generated for each shape from its first stack on (the first stack takes the plain functions).
  { name: 'generated', compileAfter: 1 },
] as const;

const defaults = { ...fastEncode };

for (const mode of MODES)
  describe(`encodeStack: the fused path (${mode.name}) and the generic path agree`, () => {
    let compiledBefore = 0;
    beforeAll(() => {
      fastEncode.compileAfter = mode.compileAfter;
      fastEncode.maxCompiles = Number.POSITIVE_INFINITY;
      compiledBefore = fastEncode.compiled;
    });
    afterAll(() => {
      if (mode.compileAfter === 0) expect(fastEncode.compiled).toBe(compiledBefore);
      else expect(fastEncode.compiled - compiledBefore).toBeGreaterThan(50);
      fastEncode.compileAfter = defaults.compileAfter;
      fastEncode.maxCompiles = defaults.maxCompiles;
    });

    test.prop([fusedStack, trailer, into], { numRuns: RUNS })('on fused-shaped stacks with any values', (layers, t, at) => {
      same({ layers: [...layers], trailer: t, into: at });
    });

    test.prop([fusedStack], { numRuns: Math.ceil(RUNS / 5) })('on the same objects encoded again (the text caches hit)', (layers) => {
      same({ layers: [...layers] });
      same({ layers: [...layers] });
    });

    afterAll(() => {
      // The fused-shaped stacks are built so that a good share of them is valid.
      expect(handled.fused / handled.all).toBeGreaterThan(0.2);
    });

    test.prop([arbStack({ maxLayers: 12 }), into], { numRuns: Math.ceil(RUNS / 3) })('on stacks from the grammar', ({ layers }, at) => {
      same({ layers, into: at });
    });

    test.prop([arbStack({ maxLayers: 12, inconsistent: true }), into], { numRuns: Math.ceil(RUNS / 3) })(
      'on stacks from the grammar with random derived fields',
      ({ layers }, at) => {
        same({ layers, into: at });
      },
    );

    test.prop([fc.array(fusedStack, { minLength: 2, maxLength: 4 })], { numRuns: Math.ceil(RUNS / 5) })(
      'when shapes alternate from one call to the next',
      (stacks) => {
        for (const s of stacks) same({ layers: [...s] });
      },
    );

    it('on the benchmark stack, which the fused path encodes itself', () => {
      const layers: LayerObject[] = [
        { layer: 'ethernet', dst: '02:00:00:00:00:02', src: '02:00:00:00:00:01' },
        {
          layer: 'ipv4',
          version: 4,
          dscp: 0,
          ecn: 0,
          identification: 0,
          dontFragment: true,
          ttl: 64,
          src: '192.0.2.1',
          dst: '192.0.2.2',
          options: '',
        },
        { layer: 'udp', srcPort: 50000, dstPort: 4789 },
        { layer: 'vxlan', flags: 8, vni: 42 },
        { layer: 'ethernet', dst: '02:42:ac:11:00:0b', src: '02:42:ac:11:00:0a' },
        { layer: 'ipv4', identification: 0x1234, src: '10.0.0.10', dst: '10.0.0.11' },
        { layer: 'udp', srcPort: 40000, dstPort: 5000 },
        { layer: 'raw', data: '68656c6c6f206f7665722076786c616e' },
      ];
      expect(encodeFast(layers, undefined, undefined, undefined, registry)).toBeInstanceOf(Uint8Array);
      const pool = new Uint8Array(256);
      const out = encodeFast(layers, 'aabb', pool, 3, registry);
      expect(out?.byteOffset).toBe(3);
      for (let k = 0; k < 3; k++) same({ layers, into: k * 50 });
      same({ layers, trailer: '00'.repeat(6) });
      // The flow-hash source port of the outer UDP header.
      const { srcPort: _, ...outerUdp } = layers[2] as LayerObject & { srcPort: number };
      same({ layers: layers.map((l, i) => (i === 2 ? outerUdp : l)) });
      // A payload given again as an equal but different string.
      same({
        layers: layers.map((l, i) => (i === 7 ? { layer: 'raw', data: `${'68656c6c6f206f7665722076786c616e'.slice(0, 30)}6e` } : l)),
      });
    });

    it('on datagrams too long for their length fields, and on an IHL past the packet', () => {
      const big = { layer: 'raw', data: '00'.repeat(65536 - 28) };
      const r = same({ layers: [{ layer: 'ipv4' }, { layer: 'udp' }, big] });
      expect(r).toMatchObject({ error: { name: 'EncodeError', field: 'totalLength' } });
      same({ layers: [{ layer: 'ipv4' }, { layer: 'udp', length: 8 }, big] });
      same({ layers: [{ layer: 'ipv4', totalLength: 20 }, { layer: 'udp', length: 8 }, big] });
      same({ layers: [{ layer: 'ipv4', totalLength: 20 }, { layer: 'udp' }, { layer: 'raw', data: '00'.repeat(65536 - 8) }] });
      same({
        layers: [
          { layer: 'ipv4', ihl: 15 },
          { layer: 'raw', data: '00'.repeat(39) },
        ],
        into: 10,
      });
      same({
        layers: [
          { layer: 'ipv4', ihl: 15 },
          { layer: 'raw', data: '00'.repeat(40) },
        ],
        into: 10,
      });
      same({ layers: [{ layer: 'ipv4', ihl: 6 }, { layer: 'udp' }, { layer: 'raw', data: '0102030405' }] });
      same({
        layers: [
          { layer: 'ipv4', ihl: 0 },
          { layer: 'udp', length: 9 },
          { layer: 'raw', data: '0102030405' },
        ],
      });
      // A large payload is copied in one call (more than 64 bytes).
      same({ layers: [{ layer: 'ethernet' }, { layer: 'ipv4' }, { layer: 'udp' }, { layer: 'raw', data: 'ab'.repeat(1400) }] });
    });

    it('leaves stacks it does not handle, and codecs it does not know, to the generic path', () => {
      const custom = defaultRegistry();
      custom.replace({ ...vxlan });
      const layers: LayerObject[] = [{ layer: 'ethernet' }, { layer: 'ipv4' }, { layer: 'udp' }, { layer: 'vxlan' }, { layer: 'ethernet' }];
      expect(encodeFast(layers, undefined, undefined, undefined, registry)).toBeInstanceOf(Uint8Array);
      expect(encodeFast(layers, undefined, undefined, undefined, custom)).toBeUndefined();
      same({ layers, registry: custom });
      const tagged = [{ layer: 'ethernet' }, { layer: 'vlan' }, { layer: 'ipv4' }, { layer: 'raw', data: '00' }];
      expect(encodeFast(tagged, undefined, undefined, undefined, registry)).toBeUndefined();
      expect(encodeFast(tagged, undefined, undefined, undefined, registry)).toBeUndefined();
      same({ layers: tagged });
      // Unbinding the VXLAN port: the outer UDP dstPort can no longer be derived, and the error is the generic one.
      const unbound = defaultRegistry();
      unbound.unbind('udp.port', 4789);
      const r = same({ layers, registry: unbound });
      expect(r).toMatchObject({ error: { name: 'EncodeError', layer: 'udp', field: 'dstPort' } });
      same({ layers: [{ layer: 'ethernet' }, { layer: 'raw' }, { layer: 'raw' }] });
      same({ layers: [{ layer: 'ethernet' }, { layer: 'raw' }, { layer: 'padding', data: '0000' }] });
      same({ layers: [] });
      // A getter that throws, and one that encodes from inside the call.
      const throwing = {
        layer: 'ethernet',
        get dst(): string {
          throw new Error('no dst');
        },
      };
      same({ layers: [throwing, { layer: 'raw' }] });
      const nested = {
        layer: 'ethernet',
        get src(): string {
          encodeStack([
            { layer: 'ethernet', src: '02:00:00:00:00:09' },
            { layer: 'raw', data: 'ffff' },
          ]);
          return '02:00:00:00:00:01';
        },
      };
      same({ layers: [nested, { layer: 'ipv4' }, { layer: 'udp' }, { layer: 'raw', data: '0102' }], into: 4 });
      same({ layers: [null as unknown as LayerObject] });
      same({ layers: 'ethernet' as unknown as LayerObject[] });
    });
  });

describe('without code generation', () => {
  it('encodes with the plain fused functions when `new Function` is refused (a Content Security Policy)', () => {
    const original = globalThis.Function;
    globalThis.Function = function refusedFunction() {
      throw new EvalError('Refused to evaluate a string as JavaScript (unsafe-eval)');
    } as unknown as FunctionConstructor;
    fastEncode.compileAfter = 1;
    const compiled = fastEncode.compiled;
    // A registry of its own: a plan whose shapes have no encoder yet.
    const reg = defaultRegistry();
    try {
      const tunnel: LayerObject[] = [
        { layer: 'ethernet', dst: '02:00:00:00:00:02', src: '02:00:00:00:00:01' },
        { layer: 'ipv4', src: '192.0.2.1', dst: '192.0.2.2' },
        { layer: 'udp' },
        { layer: 'vxlan', vni: 42 },
        { layer: 'ethernet', dst: '02:42:ac:11:00:0b', src: '02:42:ac:11:00:0a' },
        { layer: 'ipv4', identification: 0x1234, src: '10.0.0.10', dst: '10.0.0.11' },
        { layer: 'udp', srcPort: 40000, dstPort: 5000 },
        { layer: 'raw', data: '68656c6c6f206f7665722076786c616e' },
      ];
      for (let k = 0; k < 3; k++) {
        fastEncode.enabled = true;
        expect(encodeFast(tunnel, undefined, undefined, undefined, reg)).toBeInstanceOf(Uint8Array);
        same({ layers: tunnel, registry: reg });
        same({ layers: tunnel, registry: reg, into: 7, trailer: 'abcd' });
      }
      expect(fastEncode.unavailable).toBe(true);
      fc.assert(
        fc.property(fusedStack, into, (layers, at) => {
          same({ layers: [...layers], into: at, registry: reg });
        }),
        { numRuns: Math.ceil(RUNS / 5) },
      );
      expect(fastEncode.compiled).toBe(compiled);
    } finally {
      globalThis.Function = original;
      fastEncode.unavailable = false;
      fastEncode.compileAfter = defaults.compileAfter;
    }
  });
});

describe('the text parsers of the fused path', () => {
  const text = fc.oneof(fc.string({ maxLength: 20 }), fc.stringMatching(/^[0-9a-fA-F:.-]{0,20}$/));

  test.prop([fc.oneof(macField.good, macField.bad, text)], { numRuns: RUNS })(
    'macNumber accepts a subset of macValue, with the same value',
    (v) => {
      if (typeof v !== 'string') return;
      for (let k = 0; k < 2; k++) {
        const x = macNumber(v);
        if (x >= 0) expect(x).toBe(macValue(v));
        else expect(v.length === 17 && /^[0-9a-f]{2}([:-][0-9a-f]{2}){5}$/i.test(v)).toBe(false);
      }
    },
  );

  test.prop([fc.oneof(ipField.good, ipField.bad, text)], { numRuns: RUNS })(
    'ipv4Number accepts a subset of parseIpv4U32, with the same value',
    (v) => {
      if (typeof v !== 'string') return;
      for (let k = 0; k < 2; k++) {
        const x = ipv4Number(v);
        if (x >= 0) expect(x).toBe(parseIpv4U32(v));
      }
    },
  );

  test.prop(
    [
      fc.oneof(
        hexField.good,
        text,
        fc.uint8Array({ maxLength: 64 }).map((b) => toHex(b).toUpperCase()),
      ),
    ],
    { numRuns: RUNS },
  )('parseHexInto takes what isHex takes, and sums the words it wrote', (v) => {
    if (typeof v !== 'string') return;
    const out = new Uint8Array(64);
    const n = parseHexInto(v, out, 3);
    expect(n >= 0).toBe(isHex(v));
    if (n >= 0) {
      expect(toHex(out.subarray(3, 3 + n))).toBe(v.toLowerCase());
      expect(hexWordSum).toBe(sumWords(out, 3, 3 + n));
    }
  });
});
