/**
 * Robustness (issue #8): the documented limits tested at their edge, and fuzzing of every decoder.
 *
 * - Limits: maxDepth, limits.ipv6ExtensionHeaders, limits.mplsLabels, limits.greHeaders (decodeStack),
 *   maxOptions (decodeGeneve), maxHeaders (walkIpv6Extensions): exactly at the limit no issue, one past `too-deep`.
 * - Properties over arbitrary bytes and over mutated real packets (bit flips, byte sets, truncations,
 *   insertions, deletions, splices of fixtures/scapy, fixtures/captures and ../shared/corpus/real):
 *   decodeStack never throws, records only contract issue codes, ends in bounded time, holds no field
 *   larger than its input allows, and is lossless: encodeStack(decodeStack(b).layers, { trailer }) === b.
 *   Every codec's decode throws only DecodeError and never returns a NaN field.
 * - The CLI (`main` from @wirestack/cli) decodes mutated capture files in-process: exit 0 or 1, no internal error.
 *
 * CI runs a bounded number of inputs; `WIRESTACK_FUZZ_RUNS=1000000 pnpm fuzz` runs many more.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { concatBytes, DecodeError, type LayerObject } from '@wirestack/core';
import { decodeGeneve, GENEVE_MAX_OPTIONS } from '@wirestack/geneve';
import { IPV6_MAX_EXTENSION_HEADERS, walkIpv6Extensions } from '@wirestack/ipv6';
import { linkTypeFirstLayer } from '@wirestack/link';
import { readCapture } from '@wirestack/pcap';
import { DEFAULT_LIMITS, DEFAULT_MAX_DEPTH, decodeStack, defaultRegistry, encodeStack } from '@wirestack/stack';
import { corpusAvailable, corpusFiles, FIXTURES } from '@wirestack/testkit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Sample, scapySamples } from './helpers.js';

/** Inputs per property: small in CI, `WIRESTACK_FUZZ_RUNS` for long runs. */
const ENV_RUNS = Number(process.env.WIRESTACK_FUZZ_RUNS ?? 0);
const runs = (ci: number): number => (ENV_RUNS > 0 ? ENV_RUNS : ci);
const LONG = ENV_RUNS > 0 ? 24 * 3600_000 : 60_000;
/** Time bound per input (generous: CI machines are shared). */
const MAX_MS_PER_INPUT = Number(process.env.WIRESTACK_FUZZ_MAX_MS ?? 250);

const ISSUE_CODES = new Set(['truncated', 'bad-length', 'bad-version', 'bad-checksum', 'unsupported', 'too-deep', 'malformed']);
const registry = defaultRegistry();
const CODECS = registry.layers();
/** `padding` only ever ends a stack (see the note in the report / SECURITY.md); every other layer may come first. */
const FIRST_LAYERS = CODECS.map((c) => c.id).filter((id) => id !== 'padding');

/** A packet that mutations start from. */
type Seed = Sample;

/** Hex of the input for messages (cut at 1 KiB, with the full length). */
const hexOf = (b: Uint8Array): string => {
  const h = Array.from(b.subarray(0, 1024), (x) => x.toString(16).padStart(2, '0')).join('');
  return b.length > 1024 ? `${h}... (${b.length} bytes)` : h;
};

function captureSeeds(paths: string[], perFile: number): Seed[] {
  const out: Seed[] = [];
  for (const p of paths) {
    let n = 0;
    try {
      for (const r of readCapture(new Uint8Array(readFileSync(p)), { copyData: true })) {
        if (r.data.length === 0 || r.data.length > 4096) continue;
        out.push({ name: `${p}#${n}`, first: linkTypeFirstLayer(r.linkType, r.data[0]) ?? 'raw', bytes: r.data });
        if (++n >= perFile) break;
      }
    } catch {
      // the corpus holds deliberately broken files: the records before the error are kept
    }
  }
  return out;
}

const captureDir = join(FIXTURES, 'captures');
const fixtureCaptures = readdirSync(captureDir)
  .filter((f) => /\.(pcap|pcapng)$/.test(f))
  .map((f) => join(captureDir, f));
const hasCorpus = corpusAvailable();
const corpusCaptures = hasCorpus ? corpusFiles('real').map((f) => f.path) : [];
const SEEDS: Seed[] = [...scapySamples(), ...captureSeeds(fixtureCaptures, 32), ...captureSeeds(corpusCaptures, 4)];

// ------------------------------------------------------------------ oracles

/** Every number a non-negative integer, every string at most `maxStr` characters (2 per input byte + names/addresses). Returns the first problem. */
function badField(v: unknown, maxStr: number, where: string): string | undefined {
  if (typeof v === 'number') return Number.isInteger(v) && v >= 0 ? undefined : `${where} = ${v}`;
  if (typeof v === 'string') return v.length <= maxStr ? undefined : `${where} holds ${v.length} characters`;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const p = badField(v[i], maxStr, `${where}[${i}]`);
      if (p) return p;
    }
  } else if (v && typeof v === 'object')
    for (const [k, x] of Object.entries(v)) {
      const p = badField(x, maxStr, `${where}.${k}`);
      if (p) return p;
    }
  return undefined;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The decodeStack oracle; throws an Error naming `first` and the hex of the input on any violation. */
function checkStack(bytes: Uint8Array, first: string): void {
  const where = () => `first=${first} hex=${hexOf(bytes)}`;
  const t0 = performance.now();
  let pkt: ReturnType<typeof decodeStack>;
  try {
    pkt = decodeStack(bytes, { first, registry });
  } catch (e) {
    throw new Error(`decodeStack threw ${String(e)} (${where()})`);
  }
  const ms = performance.now() - t0;
  // The bound grows with the input: hex text of every byte is built (core toHex, ~0.5 µs per byte on a loaded machine).
  if (ms > MAX_MS_PER_INPUT + bytes.length / 1024) throw new Error(`decodeStack took ${ms.toFixed(1)} ms (${where()})`);
  for (const i of pkt.issues) if (!ISSUE_CODES.has(i.code)) throw new Error(`issue code ${i.code} (${where()})`);
  // Bounded output: no more layers than bytes (+ raw/padding), no hex longer than the input.
  if (pkt.layers.length > bytes.length + 2) throw new Error(`${pkt.layers.length} layers (${where()})`);
  const p = badField(pkt.layers, 2 * bytes.length + 64, 'layers');
  if (p) throw new Error(`${p} (${where()})`);
  if (pkt.trailer !== undefined && pkt.trailer.length > 2 * bytes.length) throw new Error(`trailer too long (${where()})`);
  // The lossless law: undecodable rest becomes raw, so re-encoding gives the input back for ANY bytes.
  let again: Uint8Array;
  try {
    again = encodeStack(pkt.layers, pkt.trailer === undefined ? { registry } : { registry, trailer: pkt.trailer });
  } catch (e) {
    throw new Error(`lossless: encodeStack of the decoded layers threw ${String(e)} (${where()})`);
  }
  if (!sameBytes(again, bytes)) throw new Error(`lossless: re-encoded ${hexOf(again)} (${where()})`);
}

/** The codec oracle: DecodeError with a contract code, or a header with sane fields and a length inside [offset, end). */
function checkCodecs(bytes: Uint8Array, offset: number, end: number): void {
  for (const c of CODECS) {
    let h: LayerObject;
    try {
      h = c.decode(bytes, offset, end);
    } catch (e) {
      if (e instanceof DecodeError && ISSUE_CODES.has(e.code)) continue;
      throw new Error(`${c.id}.decode threw ${String(e)} (offset ${offset}, end ${end}, hex ${hexOf(bytes)})`);
    }
    const p = badField(h, 2 * bytes.length + 64, c.id);
    if (p) throw new Error(`${p} (offset ${offset}, end ${end}, hex ${hexOf(bytes)})`);
    const hl = c.headerLength(h);
    if (!Number.isInteger(hl) || hl < 0 || offset + hl > end)
      throw new Error(`${c.id}.headerLength ${hl} outside [${offset}, ${end}) (hex ${hexOf(bytes)})`);
  }
}

// ------------------------------------------------------------------ mutations (shrinkable)

type Mutation =
  | { op: 'flip'; at: number; bit: number }
  | { op: 'set'; at: number; value: number }
  | { op: 'set16'; at: number; value: number }
  | { op: 'truncate'; at: number }
  | { op: 'drop'; at: number }
  | { op: 'delete'; at: number; n: number }
  | { op: 'insert'; at: number; bytes: Uint8Array }
  | { op: 'splice'; at: number; other: number; from: number }
  | { op: 'repeat'; at: number; n: number; times: number };

const INTERESTING16 = [0, 1, 0x0800, 0x86dd, 0x8100, 0x88a8, 0x8847, 0x6558, 4789, 6081, 6635, 0x7fff, 0x8000, 0xfffe, 0xffff, 8, 20, 40];
const INTERESTING8 = [0, 1, 4, 6, 17, 41, 43, 44, 47, 59, 60, 137, 0x45, 0x4f, 0x60, 0x7f, 0x80, 0xff];

const arbMutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({
    op: fc.constant('set' as const),
    at: fc.nat(),
    value: fc.oneof(fc.constantFrom(...INTERESTING8), fc.integer({ min: 0, max: 255 })),
  }),
  fc.record({ op: fc.constant('set16' as const), at: fc.nat(), value: fc.constantFrom(...INTERESTING16) }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('drop' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), n: fc.integer({ min: 1, max: 16 }) }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
  fc.record({ op: fc.constant('splice' as const), at: fc.nat(), other: fc.nat(), from: fc.nat() }),
  fc.record({
    op: fc.constant('repeat' as const),
    at: fc.nat(),
    n: fc.integer({ min: 1, max: 48 }),
    times: fc.integer({ min: 1, max: 8 }),
  }),
);

/** Applies mutations in order (positions are taken modulo the current length); never touches `b`. */
function applyMutations(b: Uint8Array, ms: readonly Mutation[], pool: readonly { bytes: Uint8Array }[]): Uint8Array {
  let cur: Uint8Array = b.slice();
  for (const m of ms) {
    const n = cur.length;
    const at = n ? m.at % (n + 1) : 0;
    switch (m.op) {
      case 'flip':
        if (n) cur[m.at % n]! ^= 1 << m.bit;
        break;
      case 'set':
        if (n) cur[m.at % n] = m.value;
        break;
      case 'set16':
        if (n >= 2) {
          const o = m.at % (n - 1);
          cur[o] = m.value >> 8;
          cur[o + 1] = m.value & 0xff;
        }
        break;
      case 'truncate':
        cur = cur.slice(0, at);
        break;
      case 'drop':
        cur = cur.slice(at);
        break;
      case 'delete':
        cur = concatBytes([cur.subarray(0, at), cur.subarray(Math.min(n, at + m.n))]);
        break;
      case 'insert':
        cur = concatBytes([cur.subarray(0, at), m.bytes, cur.subarray(at)]);
        break;
      case 'splice': {
        const other = pool[m.other % pool.length]!.bytes;
        cur = concatBytes([cur.subarray(0, at), other.subarray(m.from % (other.length + 1))]);
        break;
      }
      case 'repeat': {
        const chunk = cur.slice(at, Math.min(n, at + m.n));
        cur = concatBytes([
          cur.subarray(0, at + chunk.length),
          ...Array.from({ length: m.times }, () => chunk),
          cur.subarray(at + chunk.length),
        ]);
        break;
      }
    }
  }
  return cur;
}

const arbMutatedSeed = fc
  .record({
    seed: fc.nat({ max: SEEDS.length - 1 }),
    ms: fc.array(arbMutation, { minLength: 1, maxLength: 5 }),
    anyFirst: fc.boolean(),
    firstIdx: fc.nat(),
  })
  .map(({ seed, ms, anyFirst, firstIdx }) => {
    const s = SEEDS[seed]!;
    return { bytes: applyMutations(s.bytes, ms, SEEDS), first: anyFirst ? FIRST_LAYERS[firstIdx % FIRST_LAYERS.length]! : s.first };
  });

// ------------------------------------------------------------------ limits

const vlans = (n: number): LayerObject[] => Array.from({ length: n }, () => ({ layer: 'vlan' }));

describe('documented limits, at their edge', () => {
  it('maxDepth: exactly maxDepth layers decode cleanly, one more is too-deep (default 32)', () => {
    expect(DEFAULT_MAX_DEPTH).toBe(32);
    for (const max of [DEFAULT_MAX_DEPTH, 5]) {
      const opts = max === DEFAULT_MAX_DEPTH ? {} : { maxDepth: max };
      // ethernet + (max - 1) vlan tags = max layers; the last tag's EtherType 0 leaves a raw payload.
      const at = decodeStack(encodeStack([{ layer: 'ethernet' }, ...vlans(max - 1), { layer: 'raw', data: 'ff' }]), opts);
      expect(at.issues).toEqual([]);
      expect(at.layers.length).toBe(max + 1);
      const past = decodeStack(encodeStack([{ layer: 'ethernet' }, ...vlans(max), { layer: 'raw', data: 'ff' }]), opts);
      expect(past.issues.map((i) => i.code)).toEqual(['too-deep']);
      expect(past.issues[0]!.layerIndex).toBe(max);
      expect(past.layers.length).toBe(max + 1); // max decoded + the rest as raw
      expect(past.layers.at(-1)!.layer).toBe('raw');
    }
  });

  const ext = (n: number): LayerObject[] => Array.from({ length: n }, () => ({ layer: 'ipv6-destination-options' }));
  it(`limits.ipv6ExtensionHeaders (default ${DEFAULT_LIMITS.ipv6ExtensionHeaders})`, () => {
    for (const lim of [DEFAULT_LIMITS.ipv6ExtensionHeaders, 3]) {
      const opts = lim === DEFAULT_LIMITS.ipv6ExtensionHeaders ? {} : { limits: { ipv6ExtensionHeaders: lim } };
      const at = decodeStack(encodeStack([{ layer: 'ethernet' }, { layer: 'ipv6' }, ...ext(lim), { layer: 'udp' }]), opts);
      expect(at.issues).toEqual([]);
      expect(at.path).toBe(['ethernet', 'ipv6', ...ext(lim).map((l) => l.layer), 'udp'].join('/'));
      const past = decodeStack(encodeStack([{ layer: 'ethernet' }, { layer: 'ipv6' }, ...ext(lim + 1), { layer: 'udp' }]), opts);
      expect(past.issues.map((i) => i.code)).toEqual(['too-deep']);
      expect(past.layers.filter((l) => l.layer === 'ipv6-destination-options').length).toBe(lim);
    }
  });

  const labels = (n: number): LayerObject[] => Array.from({ length: n }, (_, i) => ({ layer: 'mpls', label: 16 + i }));
  it(`limits.mplsLabels (default ${DEFAULT_LIMITS.mplsLabels})`, () => {
    for (const lim of [DEFAULT_LIMITS.mplsLabels, 2]) {
      const opts = lim === DEFAULT_LIMITS.mplsLabels ? {} : { limits: { mplsLabels: lim } };
      const inner: LayerObject[] = [{ layer: 'ipv4' }, { layer: 'udp' }];
      expect(decodeStack(encodeStack([{ layer: 'ethernet' }, ...labels(lim), ...inner]), opts).issues).toEqual([]);
      const past = decodeStack(encodeStack([{ layer: 'ethernet' }, ...labels(lim + 1), ...inner]), opts);
      expect(past.issues.map((i) => i.code)).toEqual(['too-deep']);
      expect(past.layers.filter((l) => l.layer === 'mpls').length).toBe(lim);
    }
  });

  const greChain = (n: number): LayerObject[] => [
    { layer: 'ethernet' },
    ...Array.from({ length: n }, (): LayerObject[] => [{ layer: 'ipv4' }, { layer: 'gre' }]).flat(),
    { layer: 'ipv4' },
    { layer: 'udp' },
  ];
  it(`limits.greHeaders (default ${DEFAULT_LIMITS.greHeaders})`, () => {
    for (const lim of [DEFAULT_LIMITS.greHeaders, 1]) {
      const opts = lim === DEFAULT_LIMITS.greHeaders ? {} : { limits: { greHeaders: lim } };
      expect(decodeStack(encodeStack(greChain(lim)), opts).issues).toEqual([]);
      const past = decodeStack(encodeStack(greChain(lim + 1)), opts);
      expect(past.issues.map((i) => i.code)).toEqual(['too-deep']);
      expect(past.layers.filter((l) => l.layer === 'gre').length).toBe(lim);
    }
  });

  it(`Geneve options: decodeGeneve maxOptions (default ${GENEVE_MAX_OPTIONS}, more than the wire can hold)`, () => {
    const withOptions = (n: number) =>
      encodeStack([
        { layer: 'geneve', protocolType: 0x6558, options: Array.from({ length: n }, (_, i) => ({ class: 0x0100 + i, type: 1, data: '' })) },
      ]);
    // 63 four-byte options fill the 6-bit options length (63 * 4 = 252 bytes): the default never triggers on valid input.
    expect(decodeGeneve(withOptions(63)).options.length).toBe(63);
    const five = withOptions(5);
    expect(decodeGeneve(five, 0, five.length, { maxOptions: 5 }).options.length).toBe(5);
    expect(() => decodeGeneve(five, 0, five.length, { maxOptions: 4 })).toThrow(
      expect.objectContaining({ code: 'too-deep', layer: 'geneve' }),
    );
  });

  it(`walkIpv6Extensions maxHeaders (default ${IPV6_MAX_EXTENSION_HEADERS})`, () => {
    // n Destination Options headers (8 bytes each, next header 60 except the last: 17).
    const chain = (n: number) => {
      const b = new Uint8Array(8 * n);
      for (let i = 0; i < n; i++) b[8 * i] = i === n - 1 ? 17 : 60;
      return b;
    };
    const at = walkIpv6Extensions(chain(IPV6_MAX_EXTENSION_HEADERS), 0, 60);
    expect(at.headers.length).toBe(IPV6_MAX_EXTENSION_HEADERS);
    expect(at.protocol).toBe(17);
    expect(() => walkIpv6Extensions(chain(IPV6_MAX_EXTENSION_HEADERS + 1), 0, 60)).toThrow(expect.objectContaining({ code: 'too-deep' }));
    expect(walkIpv6Extensions(chain(3), 0, 60, 3).headers.length).toBe(3);
    expect(() => walkIpv6Extensions(chain(4), 0, 60, 3)).toThrow(expect.objectContaining({ code: 'too-deep' }));
  });

  it('a long chain of the same header is cut at the limit in bounded time (64 KiB of MPLS labels)', () => {
    const b = new Uint8Array(65536);
    for (let i = 0; i < b.length; i += 4) b[i + 3] = 64; // label 0, not bottom of stack, ttl 64
    const eth = encodeStack([{ layer: 'ethernet', etherType: 0x8847 }]);
    const pkt = decodeStack(new Uint8Array([...eth, ...b]));
    expect(pkt.issues.map((i) => i.code)).toEqual(['too-deep']);
    expect(pkt.layers.length).toBe(1 + DEFAULT_LIMITS.mplsLabels + 1);
  });
});

// ------------------------------------------------------------------ fuzzing

describe('fuzz: decodeStack with every first layer', () => {
  it('has seeds (fixtures always; the shared corpus when present)', () => {
    expect(SEEDS.length).toBeGreaterThan(200);
    if (!hasCorpus) console.warn('[fuzz] SKIPPING corpus seeds: ../shared/corpus is absent; fuzzing fixtures only');
  });

  it(
    'arbitrary bytes: never throws, contract issues only, bounded output, lossless',
    () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 300 }), fc.constantFrom(...FIRST_LAYERS), (bytes, first) => checkStack(bytes, first)),
        { numRuns: runs(3000) },
      );
    },
    LONG,
  );

  it(
    'mutated real packets (bit flips, truncations, splices): never throws, lossless',
    () => {
      fc.assert(
        fc.property(arbMutatedSeed, ({ bytes, first }) => checkStack(bytes, first)),
        { numRuns: runs(4000) },
      );
    },
    LONG,
  );

  it('every seed packet decodes losslessly with its own first layer and with every other', () => {
    for (const s of SEEDS) for (const first of new Set([s.first, ...FIRST_LAYERS])) checkStack(s.bytes, first);
  });

  it('large hostile input: a 256 KiB buffer decodes within bounds (no field larger than the input, bounded heap)', () => {
    const big = new Uint8Array(256 * 1024);
    for (let i = 0; i < big.length; i++) big[i] = (i * 2654435761) >>> 24;
    const before = process.memoryUsage().heapUsed;
    const kept = [];
    for (const first of ['ethernet', 'ipv4', 'ipv6', 'mpls', 'raw']) {
      checkStack(big, first);
      kept.push(decodeStack(big, { first, registry })); // keep the results alive while measuring
    }
    // Each result holds the input as hex (2 chars per byte, 1-2 bytes per char) plus small headers:
    // k * N + C with k = 32 per result (uncollected garbage of the hex ropes included) is generous and still catches any allocation sized by a length field.
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(kept.length * 32 * big.length + 32 * 1024 * 1024);
  });
});

describe('fuzz: every codec decode', () => {
  it('codecs come from the default registry', () => {
    expect(CODECS.map((c) => c.id)).toEqual(
      expect.arrayContaining(['ethernet', 'vlan', 'ipv4', 'ipv6', 'udp', 'gre', 'vxlan', 'geneve', 'mpls']),
    );
  });

  it(
    'arbitrary bytes at any offset/end: DecodeError only, sane fields',
    () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat(), fc.nat(), (bytes, a, b) => {
          const offset = a % (bytes.length + 1);
          const end = offset + (b % (bytes.length - offset + 1));
          checkCodecs(bytes, offset, end);
        }),
        { numRuns: runs(1500) },
      );
    },
    LONG,
  );

  it(
    'mutated real packets: DecodeError only, sane fields',
    () => {
      fc.assert(
        fc.property(arbMutatedSeed, ({ bytes }) => checkCodecs(bytes, 0, bytes.length)),
        { numRuns: runs(1500) },
      );
    },
    LONG,
  );
});

// ------------------------------------------------------------------ CLI

const cliIndex = join(FIXTURES, '..', 'packages', 'cli', 'src', 'index.ts');
const cliMain = existsSync(cliIndex)
  ? await import('@wirestack/cli')
      .then((m: Record<string, unknown>) => (typeof m.main === 'function' ? (m.main as CliMain) : undefined))
      .catch(() => undefined)
  : undefined;
type CliMain = (argv: readonly string[], io?: Record<string, unknown>) => Promise<number>;

class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: () => void): void {
    if (this.text.length < 1 << 20) this.text += chunk.toString();
    cb();
  }
}

describe.skipIf(!cliMain)('fuzz: the CLI decodes mutated capture files in-process', () => {
  const files = [...fixtureCaptures, ...corpusCaptures.slice(0, 20)].map((p) => ({ bytes: new Uint8Array(readFileSync(p)) }));
  it(
    'exit 0 or 1, one-line error, never an internal error',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'wirestack-fuzz-'));
      try {
        await fc.assert(
          fc.asyncProperty(
            fc.nat({ max: files.length - 1 }),
            fc.array(arbMutation, { minLength: 1, maxLength: 4 }),
            fc.boolean(),
            async (i, ms, json) => {
              const bytes = applyMutations(files[i]!.bytes, ms, files);
              const path = join(dir, 'in.pcap');
              writeFileSync(path, bytes);
              const stdout = new Sink();
              const stderr = new Sink();
              const status = await cliMain!(['node', 'wirestack', 'decode', ...(json ? ['--json'] : []), path], {
                stdout,
                stderr,
                env: {},
              });
              const ctx = `status ${status}, stderr ${stderr.text.slice(0, 300)}, hex ${hexOf(bytes.subarray(0, 200))}`;
              expect([0, 1], ctx).toContain(status);
              expect(stderr.text, ctx).not.toMatch(/internal error|TypeError|RangeError/);
            },
          ),
          { numRuns: runs(60) },
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    LONG,
  );
});

if (!cliMain) it.skip('fuzz: the CLI (packages/cli/src/index.ts does not export main yet)', () => {});
