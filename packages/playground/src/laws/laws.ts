/**
 * The codec laws, runnable in a browser: the same laws `packages/testkit`'s `testCodec` states for vitest
 * (which imports vitest and so cannot run in a page), here as plain fast-check properties checked with
 * `fc.check`, each reported as one result. Every codec of the default registry is covered: its arbitrary
 * is found by name (`arb` + the layer id in PascalCase + `Header`) in `@wirestack/arbitraries` or in a codec
 * package's own `test/arbitraries.ts`, and a codec without one is reported as a failed law, so a new codec
 * cannot slip past the browser suite.
 */
/// <reference types="vite/client" />
import * as arbitraries from '@wirestack/arbitraries';
import { type AnyCodec, DecodeError, EncodeError, type LayerObject, type Registry, toHex } from '@wirestack/core';
import { type CaptureRecord, readCapture, readCaptureStream, writePcap, writePcapng } from '@wirestack/pcap';
import { allCodecs, type DecodedPacket, decodeStack, defaultRegistry, encodeStack } from '@wirestack/stack';
import fc from 'fast-check';
import { firstLayerFor } from '../cli-shared.js';

/** One law's outcome. */
export interface LawResult {
  suite: string;
  law: string;
  ok: boolean;
  runs: number;
  ms: number;
  error?: string;
  counterexample?: string;
}

/** A capture fixture the page fetched. */
export interface Fixture {
  name: string;
  bytes: Uint8Array;
}

/** What the reader made of each fixture, for the test to compare with tshark. */
export interface FixtureSummary {
  records: number;
  capturedLengths: number[];
  originalLengths: number[];
  timestampsNs: string[];
  error?: string;
}

/** Codecs with no laws of their own: `raw` and `padding` take any bytes, so truncation cannot fail them. */
export const NO_LAWS = new Set(['raw', 'padding']);
/** Laws run for each codec. */
export const CODEC_LAWS = [
  'decode(encode(h)) equals h',
  'encoding at an offset leaves other bytes alone',
  'every truncation throws DecodeError truncated',
  'arbitrary bytes decode or throw DecodeError',
];

export interface LawOptions {
  seed: number;
  /** Multiplies every property's run count (1 by default). */
  scale?: number;
  onResult?: (r: LawResult) => void;
}

// ---------------------------------------------------------------------------------------------
// Small assertion helpers (no test framework in the page)

function fail(message: string): never {
  throw new Error(message);
}

/** Deep equality of JSON-like values, treating a key whose value is `undefined` as absent (as vitest's toEqual does). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (a instanceof Uint8Array || b instanceof Uint8Array)
    return a instanceof Uint8Array && b instanceof Uint8Array && a.length === b.length && a.every((x, i) => x === b[i]);
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

function expectEqual(actual: unknown, expected: unknown, what: string): void {
  if (!deepEqual(actual, expected)) fail(`${what}: got ${show(actual)}, expected ${show(expected)}`);
}

function show(v: unknown): string {
  try {
    return JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? `${x}n` : x instanceof Uint8Array ? toHex(x) : x));
  } catch {
    return String(v);
  }
}

function expectNoNaN(v: unknown, path = '$'): void {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) fail(`non-finite number at ${path}: ${v}`);
  } else if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) expectNoNaN(v[i], `${path}[${i}]`);
  } else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) expectNoNaN(x, `${path}.${k}`);
  else if (v === undefined) fail(`undefined at ${path}`);
}

/** Fails unless a decoded packet, trailer included, encodes back to exactly `bytes`. */
function expectReencodes(pkt: DecodedPacket, bytes: Uint8Array, registry: Registry, prefix = ''): void {
  if (toHex(encodeStack(pkt.layers, { registry, trailer: pkt.trailer })) !== toHex(bytes)) fail(`${prefix}re-encoded bytes differ`);
}

/** Rethrows anything that is not a DecodeError (a TypeError or RangeError fails the law). */
function onlyDecodeError(e: unknown): void {
  if (!(e instanceof DecodeError)) throw e;
}

// ---------------------------------------------------------------------------------------------
// Running properties

async function check<Ts>(suite: string, law: string, prop: fc.IRawProperty<Ts>, runs: number, opts: LawOptions): Promise<LawResult> {
  const t0 = performance.now();
  const details = await fc.check(prop, { numRuns: runs, seed: opts.seed });
  const r: LawResult = { suite, law, ok: !details.failed, runs: details.numRuns, ms: Math.round(performance.now() - t0) };
  if (details.failed) {
    const err = details.errorInstance as Error | undefined;
    r.error = `${err?.message ?? 'property returned false'} (seed ${details.seed}, path "${details.counterexamplePath}")`;
    r.counterexample = show(details.counterexample);
  }
  opts.onResult?.(r);
  // Give the page a frame between laws so its table stays live.
  await new Promise((res) => setTimeout(res, 0));
  return r;
}

function missing(suite: string, law: string, why: string, opts: LawOptions): LawResult {
  const r: LawResult = { suite, law, ok: false, runs: 0, ms: 0, error: why };
  opts.onResult?.(r);
  return r;
}

/**
 * A suite's law runner: `law` checks one property with its base run count times `opts.scale` and keeps the
 * result, in order, in `results`.
 */
function suiteLaws(suite: string, opts: LawOptions) {
  const k = opts.scale ?? 1;
  const results: LawResult[] = [];
  return {
    results,
    async law<Ts>(law: string, prop: fc.IRawProperty<Ts>, runs: number): Promise<void> {
      results.push(await check(suite, law, prop, Math.round(runs * k), opts));
    },
    /** A deterministic law, checked once whatever the scale. */
    async once<Ts>(law: string, prop: fc.IRawProperty<Ts>): Promise<void> {
      results.push(await check(suite, law, prop, 1, opts));
    },
  };
}

function pascal(id: string): string {
  return id
    .split(/[-_]/)
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
    .join('');
}

/** Codec packages that keep their arbitraries beside their tests (`packages/X/test/arbitraries.ts`). */
const packageArbitraries = import.meta.glob<Record<string, unknown>>('../../../*/test/arbitraries.ts', { eager: true });

/** The arbitrary of a codec's headers, by naming convention. */
export function arbitraryFor(id: string): fc.Arbitrary<LayerObject> | undefined {
  const name = `arb${pascal(id)}Header`;
  for (const mod of [arbitraries as Record<string, unknown>, ...Object.values(packageArbitraries)]) {
    const make = mod[name];
    if (typeof make === 'function') return (make as () => fc.Arbitrary<LayerObject>)();
  }
  return undefined;
}

/** The codecs the laws cover: every codec of the default registry but `raw` and `padding`. */
export function lawCodecs(): AnyCodec[] {
  return allCodecs().filter((c) => !NO_LAWS.has(c.id));
}

// ---------------------------------------------------------------------------------------------
// Codec laws (testkit's testCodec, laws 1-5)

async function codecLaws(codec: AnyCodec, opts: LawOptions): Promise<LawResult[]> {
  const suite = `codec ${codec.id}`;
  const arb = arbitraryFor(codec.id);
  if (!arb)
    return CODEC_LAWS.map((law) =>
      missing(suite, law, `no arbitrary arb${pascal(codec.id)}Header in @wirestack/arbitraries or packages/*/test/arbitraries.ts`, opts),
    );
  const encode = (h: LayerObject, size?: number, at = 0, fill = 0) => {
    const n = codec.encodingLength(h);
    const buf = new Uint8Array(size ?? n).fill(fill);
    const w = codec.encode(h, buf, at);
    return { buf, n, w };
  };
  const { law, results } = suiteLaws(suite, opts);
  await law(
    CODEC_LAWS[0]!,
    fc.property(arb, (h) => {
      const { buf, n, w } = encode(h);
      if (w !== n) fail(`wrote ${w} bytes, encodingLength says ${n}`);
      const back = codec.decode(buf, 0, buf.length);
      expectEqual(back, h, 'decoded');
      if (codec.headerLength(back) !== n) fail(`headerLength ${codec.headerLength(back)} != ${n}`);
    }),
    200,
  );
  await law(
    CODEC_LAWS[1]!,
    fc.property(arb, fc.nat(16), fc.nat(16), fc.integer({ min: 0, max: 255 }), (h, before, after, fill) => {
      const n = codec.encodingLength(h);
      const { buf } = encode(h, before + n + after, before, fill);
      for (let i = 0; i < before; i++) if (buf[i] !== fill) fail(`byte ${i} before the header changed`);
      for (let i = before + n; i < buf.length; i++) if (buf[i] !== fill) fail(`byte ${i} after the header changed`);
      expectEqual(codec.decode(buf, before, before + n), h, 'decoded at an offset');
    }),
    100,
  );
  await law(
    CODEC_LAWS[2]!,
    fc.property(arb, (h) => {
      const { buf, n } = encode(h);
      for (let len = 0; len < n; len++) {
        let err: unknown;
        try {
          codec.decode(buf.subarray(0, len), 0, len);
        } catch (e) {
          err = e;
        }
        if (!(err instanceof DecodeError)) fail(`prefix of ${len}/${n} bytes: ${err === undefined ? 'decoded' : String(err)}`);
        if (err.code !== 'truncated') fail(`prefix of ${len}/${n} bytes: code ${err.code}`);
      }
    }),
    60,
  );
  // Arbitrary bytes, and real headers with bytes flipped and cut (the encoder's own output as seeds).
  const bytesArb = fc.oneof(
    fc.uint8Array({ maxLength: 160 }),
    fc.tuple(arb, fc.array(fc.tuple(fc.nat(), fc.nat(255)), { maxLength: 8 }), fc.nat()).map(([h, flips, cut]) => {
      const b = encode(h).buf;
      for (const [i, v] of flips) if (b.length) b[i % b.length] = v;
      return b.subarray(0, b.length ? cut % (b.length + 1) : 0);
    }),
  );
  await law(
    CODEC_LAWS[3]!,
    fc.property(bytesArb, fc.nat(4), (bytes, off) => {
      const offset = Math.min(off, bytes.length);
      try {
        const h = codec.decode(bytes, offset, bytes.length);
        expectNoNaN(h);
        const len = codec.headerLength(h);
        if (!(len >= codec.minLength)) fail(`headerLength ${len} < minLength ${codec.minLength}`);
        if (offset + len > bytes.length) fail(`header of ${len} bytes at ${offset} runs past ${bytes.length}`);
      } catch (e) {
        onlyDecodeError(e);
      }
    }),
    1500,
  );
  return results;
}

// ---------------------------------------------------------------------------------------------
// Capture reader laws, on the fixture captures

interface ReadAll {
  records: CaptureRecord[];
  error: DecodeError | undefined;
}

function readAllSync(bytes: Uint8Array): ReadAll {
  const records: CaptureRecord[] = [];
  try {
    for (const r of readCapture(bytes)) records.push({ ...r, data: r.data.slice() });
    return { records, error: undefined };
  } catch (e) {
    onlyDecodeError(e);
    return { records, error: e as DecodeError };
  }
}

async function readAllStream(chunks: Uint8Array[]): Promise<ReadAll> {
  const records: CaptureRecord[] = [];
  const source = new ReadableStream<Uint8Array>({
    start(c) {
      for (const ch of chunks) c.enqueue(ch);
      c.close();
    },
  });
  try {
    const reader = readCaptureStream(source);
    await reader.open();
    for await (const r of reader) records.push(r);
    return { records, error: undefined };
  } catch (e) {
    onlyDecodeError(e);
    return { records, error: e as DecodeError };
  }
}

const recordKey = (r: CaptureRecord) =>
  `${r.timestampNs}/${r.capturedLength}/${r.originalLength}/${r.linkType}/${r.interfaceId}/${toHex(r.data)}`;

function sameRecords(a: ReadAll, b: ReadAll, what: string): void {
  if (a.records.length !== b.records.length) fail(`${what}: ${a.records.length} records vs ${b.records.length}`);
  a.records.forEach((r, i) => {
    if (recordKey(r) !== recordKey(b.records[i]!)) fail(`${what}: record ${i + 1} differs`);
  });
  if (a.error?.code !== b.error?.code || a.error?.offset !== b.error?.offset)
    fail(`${what}: error ${a.error?.code}@${a.error?.offset} vs ${b.error?.code}@${b.error?.offset}`);
}

function cut(bytes: Uint8Array, sizes: number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let o = 0;
  let k = 0;
  while (o < bytes.length) {
    const n = 1 + (sizes[k++ % Math.max(1, sizes.length)] ?? 4096);
    out.push(bytes.slice(o, o + n));
    o += n;
  }
  return out;
}

/** The pcap laws; their number is fixed ({@link PCAP_LAWS}). */
export const PCAP_LAWS = [
  'the stream reader, however the file is chunked, yields the records and error of the sync reader',
  'every truncation yields a prefix of the records, then ends or throws DecodeError',
  'flipped bytes read as records or a DecodeError, never another error',
  'writePcap and writePcapng records read back as written',
  'every fixture packet decodes without throwing and re-encodes to the same bytes',
];

async function pcapLaws(fixtures: Fixture[], opts: LawOptions): Promise<LawResult[]> {
  const full = fixtures.map((f) => ({ f, all: readAllSync(f.bytes) }));
  const pick = fc.nat(fixtures.length - 1).map((i) => full[i]!);
  const { law, once, results } = suiteLaws('pcap', opts);
  await law(
    PCAP_LAWS[0]!,
    fc.asyncProperty(pick, fc.array(fc.integer({ min: 0, max: 700 }), { minLength: 1, maxLength: 12 }), async ({ f, all }, sizes) => {
      sameRecords(await readAllStream(cut(f.bytes, sizes)), all, f.name);
    }),
    150,
  );
  await law(
    PCAP_LAWS[1]!,
    fc.property(pick, fc.nat(), ({ f, all }, at) => {
      const n = at % (f.bytes.length + 1);
      const part = readAllSync(f.bytes.subarray(0, n));
      if (part.records.length > all.records.length) fail(`${f.name} cut at ${n}: more records than the whole file`);
      part.records.forEach((r, i) => {
        if (recordKey(r) !== recordKey(all.records[i]!)) fail(`${f.name} cut at ${n}: record ${i + 1} differs`);
      });
    }),
    400,
  );
  await law(
    PCAP_LAWS[2]!,
    fc.property(pick, fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 8 }), ({ f }, flips) => {
      const b = f.bytes.slice();
      for (const [i, v] of flips) b[i % b.length] = v;
      readAllSync(b);
    }),
    400,
  );
  const recordArb = fc.record({
    timestampNs: fc.bigInt({ min: 0n, max: 4_000_000_000n * 1_000_000_000n }).map((t) => (t / 1000n) * 1000n),
    data: fc.uint8Array({ maxLength: 200 }),
  });
  await law(
    PCAP_LAWS[3]!,
    fc.property(fc.array(recordArb, { maxLength: 8 }), fc.boolean(), fc.integer({ min: 0, max: 300 }), (recs, ng, linkType) => {
      const file = ng ? writePcapng({ interfaces: [{ linkType }], records: recs }) : writePcap(recs, { linkType, nanosecond: false });
      const back = readAllSync(file);
      if (back.error) fail(`read back: ${back.error.message}`);
      expectEqual(
        back.records.map((r) => ({ t: r.timestampNs.toString(), d: toHex(r.data), l: r.linkType })),
        recs.map((r) => ({ t: r.timestampNs.toString(), d: toHex(r.data), l: linkType })),
        'records',
      );
    }),
    200,
  );
  // Deterministic: every packet of every fixture, once.
  const registry = defaultRegistry();
  const packets = full.flatMap(({ f, all }) => all.records.map((r, i) => ({ name: `${f.name} #${i + 1}`, r })));
  await once(
    PCAP_LAWS[4]!,
    fc.property(fc.constant(0), () => {
      for (const { name, r } of packets) {
        const first = firstLayerFor(r.linkType, r.data[0]);
        const pkt = decodeStack(r.data, { registry, first });
        expectReencodes(pkt, r.data, registry, `${name}: `);
      }
    }),
  );
  return results;
}

/** The reader's view of each fixture, for the test to compare with tshark's. */
export function summarizeFixtures(fixtures: Fixture[]): Record<string, FixtureSummary> {
  const out: Record<string, FixtureSummary> = {};
  for (const f of fixtures) {
    const { records, error } = readAllSync(f.bytes);
    const s: FixtureSummary = {
      records: records.length,
      capturedLengths: records.map((r) => r.capturedLength),
      originalLengths: records.map((r) => r.originalLength),
      timestampsNs: records.map((r) => r.timestampNs.toString()),
    };
    if (error) s.error = `${error.code}: ${error.message}`;
    out[f.name] = s;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Stack laws

export const STACK_LAWS = [
  'decode(encode(stack)) gives every given field back, and re-encodes to the same bytes',
  'inconsistent stacks encode or throw EncodeError, decode without throwing, and re-encode losslessly',
  'arbitrary bytes decode from any first layer without throwing, spans inside the packet',
];

async function stackLaws(opts: LawOptions): Promise<LawResult[]> {
  const registry = defaultRegistry();
  const ids = allCodecs().map((c) => c.id);
  const { law, results } = suiteLaws('stack', opts);
  await law(
    STACK_LAWS[0]!,
    fc.property(arbitraries.arbStack({ maxLayers: 16 }), ({ first, layers }) => {
      const bytes = encodeStack(layers, { registry });
      const pkt = decodeStack(bytes, { first, registry });
      if (pkt.issues.length) fail(`issues: ${show(pkt.issues)}`);
      expectEqual(
        pkt.layers.map((l) => l.layer),
        layers.map((l) => l.layer),
        'layer names',
      );
      layers.forEach((given, i) => {
        for (const [key, v] of Object.entries(given)) expectEqual(pkt.layers[i]![key], v, `${i}:${given.layer}.${key}`);
      });
      expectReencodes(pkt, bytes, registry);
    }),
    300,
  );
  await law(
    STACK_LAWS[1]!,
    fc.property(arbitraries.arbStack({ maxLayers: 16, inconsistent: true }), ({ first, layers }) => {
      let bytes: Uint8Array;
      try {
        bytes = encodeStack(layers, { registry });
      } catch (e) {
        if (!(e instanceof EncodeError)) throw e;
        return;
      }
      const pkt = decodeStack(bytes, { first, registry });
      expectReencodes(pkt, bytes, registry);
    }),
    300,
  );
  await law(
    STACK_LAWS[2]!,
    fc.property(fc.constantFrom(...ids), fc.uint8Array({ maxLength: 256 }), (first, bytes) => {
      const pkt = decodeStack(bytes, { first, registry });
      pkt.spans.forEach((s, i) => {
        if (s.offset < 0 || s.length < 0 || s.offset + s.length > bytes.length) fail(`span ${i} ${show(s)} outside ${bytes.length} bytes`);
      });
      JSON.stringify(pkt.toJSON());
    }),
    1000,
  );
  return results;
}

/** Runs every law; results come in order, as they finish. */
export async function runAllLaws(fixtures: Fixture[], opts: LawOptions): Promise<LawResult[]> {
  const results: LawResult[] = [];
  for (const c of lawCodecs()) results.push(...(await codecLaws(c, opts)));
  results.push(...(await pcapLaws(fixtures, opts)));
  results.push(...(await stackLaws(opts)));
  return results;
}
