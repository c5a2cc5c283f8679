/**
 * The lines `decode` writes straight from the bytes against the general path, for both fast writers: the
 * summary lines (src/fast-summary.ts, against `decodeStack` + `summaryLine`) and the `--json` records
 * (src/fast-json.ts, against `decodeStack` + `packetRecordJson`), which is what `decode` printed before the
 * fast paths. Byte for byte, per record and through the whole command, on every fixture and corpus capture,
 * in every mode, and on generated and mutated packets.
 */
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { arbStack } from '@wirestack/arbitraries';
import type { Registry } from '@wirestack/core';
import { type CaptureRecord, readCapture, writePcap } from '@wirestack/pcap';
import { decodeStack, encodeStack } from '@wirestack/stack';
import { corpusAvailable, corpusFiles, FIXTURES } from '@wirestack/testkit';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packetRecordJson } from '../src/commands/decode.js';
import { FastJson } from '../src/fast-json.js';
import { FastSummary } from '../src/fast-summary.js';
import { recordTimestamp } from '../src/fast-write.js';
import { summaryLine } from '../src/format.js';
import { ByteWriter } from '../src/io.js';
import { firstLayerFor } from '../src/link.js';
import { buildRegistry } from '../src/registry.js';
import { run, tempDir, vxlanPacket, writePackets } from './helpers.js';

const CAPTURES = join(FIXTURES, 'captures');
const fixtureFiles = readdirSync(CAPTURES)
  .filter((f) => /\.(pcap|pcapng)$/.test(f))
  .sort()
  .map((name) => ({ name: `fixtures/captures/${name}`, path: join(CAPTURES, name) }));
const corpus = corpusAvailable() ? corpusFiles('real') : [];
if (corpus.length === 0) console.warn('\n[wirestack] fast-paths tests: ../shared/corpus is absent, only fixtures/captures are compared\n');
const files = [...fixtureFiles, ...corpus.map((f) => ({ name: `corpus/${f.name}`, path: f.path }))];

/** The option sets compared: the default, no checksum verification, and registries changed by `--decode-as`. */
const MODES: Array<{ name: string; args: string[]; decodeAs?: string[]; verify: boolean; mplsPayload?: string }> = [
  { name: 'default', args: [], verify: true },
  { name: '--no-verify-checksums', args: ['--no-verify-checksums'], verify: false },
  { name: 'decode-as udp.port=5000:vxlan', args: ['--decode-as', 'udp.port=5000:vxlan'], decodeAs: ['udp.port=5000:vxlan'], verify: true },
  { name: 'decode-as udp.port=4789:raw', args: ['--decode-as', 'udp.port=4789:raw'], decodeAs: ['udp.port=4789:raw'], verify: true },
  {
    name: 'decode-as ethertype=0x0800:ipv6, ip.proto=17:vxlan',
    args: ['--decode-as', 'ethertype=0x0800:ipv6', '--decode-as', 'ip.proto=17:vxlan'],
    decodeAs: ['ethertype=0x0800:ipv6', 'ip.proto=17:vxlan'],
    verify: true,
  },
  { name: 'mpls-payload ipv4', args: ['--mpls-payload', 'ipv4'], mplsPayload: 'ipv4', verify: true },
];

/** What a fast writer does: write a record's line, or write nothing and return false. */
interface FastWriter {
  write(out: ByteWriter, index: number, rec: CaptureRecord): boolean;
}

/** One of the two fast writers, with the general path it replaces and the command options that select it. */
interface WriterCase {
  /** Title of the per-record tests. */
  fastTitle: string;
  /** Title of the whole-command tests. */
  commandTitle: string;
  /** What one output line is called in test titles. */
  unit: string;
  /** `decode` options that select this writer. */
  args: string[];
  make(registry: Registry, verify: boolean): FastWriter;
  /** The line the general path prints (without its newline). */
  generalLine(rec: CaptureRecord, index: number, registry: Registry, verify: boolean): string;
  /** How the line of the packet with three bad checksums ends. */
  badChecksumsEnd: RegExp;
}

const WRITERS: WriterCase[] = [
  {
    fastTitle: 'fast summary lines equal the general ones',
    commandTitle: 'decode prints what the general path printed',
    unit: 'line',
    args: [],
    make: (registry, verify) => new FastSummary(registry, verify),
    generalLine(rec, index, registry, verify) {
      const first = firstLayerFor(rec.linkType, rec.data[0]);
      const pkt = decodeStack(rec.data, { registry, verifyChecksums: verify, first, opaqueHex: false });
      return summaryLine(index, recordTimestamp(rec), pkt);
    },
    badChecksumsEnd: / \[bad-checksum ipv4\] \[bad-checksum udp\] \[bad-checksum udp\]\n$/,
  },
  {
    fastTitle: 'fast JSON records equal the general ones',
    commandTitle: 'decode --json prints what the general path printed',
    unit: 'record',
    args: ['--json'],
    make: (registry, verify) => new FastJson(registry, verify),
    generalLine(rec, index, registry, verify) {
      const first = firstLayerFor(rec.linkType, rec.data[0]);
      const pkt = decodeStack(rec.data, { registry, verifyChecksums: verify, first });
      return packetRecordJson({ file: 'x', index, rec, pkt }, recordTimestamp(rec));
    },
    badChecksumsEnd: /"issues":\[\{"layerIndex":1,.*"layerIndex":2,.*"layerIndex":6,[^\]]*\]\}\n$/,
  },
];

const utf8 = new TextDecoder();

/** A stream that takes and drops everything (batches flushed by the tests go nowhere). */
function nowhere(): Writable {
  return new Writable({
    write(_chunk, _encoding, done) {
      done();
    },
  });
}

/** Records of a capture, up to a broken container (what decode prints). */
function recordsOf(path: string): CaptureRecord[] {
  const out: CaptureRecord[] = [];
  try {
    for (const rec of readCapture(new Uint8Array(readFileSync(path)))) out.push({ ...rec, data: rec.data.slice() });
  } catch {
    // broken container
  }
  return out;
}

function registryFor(m: (typeof MODES)[number]): Registry {
  return buildRegistry({
    ...(m.decodeAs ? { decodeAs: m.decodeAs } : {}),
    ...(m.mplsPayload ? { mplsPayload: m.mplsPayload } : {}),
  });
}

/** A one-record capture of these bytes. */
function recordOf(data: Uint8Array, linkType: number, time: Partial<{ timestampHigh: number; timestampLow: number }> = {}): CaptureRecord {
  const cap = writePcap([{ timestampNs: 1_700_000_000_123_456_000n, data, ...time }], { linkType });
  return [...readCapture(cap)][0]!;
}

const LINK_OF: Record<string, number> = { ethernet: 1, ipv4: 228, ipv6: 229 };

let dir: string;
beforeAll(() => {
  dir = tempDir();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.each(WRITERS)('$fastTitle', (w) => {
  /** Compares the fast line of every record with the general one; returns how many went the fast way. */
  function compare(records: Iterable<CaptureRecord>, registry: Registry, verify: boolean, label = ''): { fast: number; all: number } {
    const fast = w.make(registry, verify);
    const out = new ByteWriter(nowhere());
    let n = 0;
    let k = 0;
    for (const rec of records) {
      n++;
      // Lines accumulate in batches as in `decode` (the fast path copies text from earlier lines of a batch).
      if (out.full) void out.flush();
      const start = out.pos;
      if (!fast.write(out, n, rec)) {
        // As `decode` does: the general path's line follows.
        out.line(w.generalLine(rec, n, registry, verify));
        continue;
      }
      k++;
      const got = utf8.decode(out.buf.subarray(start, out.pos));
      const want = `${w.generalLine(rec, n, registry, verify)}\n`;
      if (got !== want) expect({ label, packet: n, got }).toEqual({ label, packet: n, got: want });
    }
    return { fast: k, all: n };
  }

  it('takes the fast path for the common stacks', () => {
    const path = writePackets(dir, 'vx.pcap', [vxlanPacket(42), vxlanPacket(7, 'aabb')]);
    const r = compare(recordsOf(path), buildRegistry(), true);
    expect(r).toEqual({ fast: 2, all: 2 });
  });

  it('a packet that goes the general way part-way through the walk, between packets that do not', () => {
    // The walk stops at the inner Ethernet header (6 bytes where 14 are needed), after four layers it had
    // already compared with the previous packet's: what it noted of them (here a new VNI) describes no text
    // written, so the next packet with that VNI must not copy the old VNI's text.
    const cutOf = (vni: number) => encodeStack([...vxlanPacket(vni).slice(0, 4), { layer: 'raw', data: 'aabbccddeeff' }]);
    const [v42, v43] = [encodeStack(vxlanPacket(42)), encodeStack(vxlanPacket(43))];
    const recs = [v42, cutOf(43), v43, cutOf(42), v42, cutOf(42), v42].map((d) => recordOf(d, 1));
    expect(compare(recs, buildRegistry(), true)).toEqual({ fast: 4, all: 7 });
  });

  it.each(files.map((f) => [f.name, f.path]))('%s: every record, every mode', (name, path) => {
    const recs = recordsOf(path);
    for (const m of MODES) compare(recs, registryFor(m), m.verify, `${name} ${m.name}`);
  });

  it('generated stacks, valid and inconsistent, with bytes mutated and cut', () => {
    const registry = buildRegistry();
    // Variants of one packet in a row: the fast path's text cache sees the same layers with small changes.
    const variant = fc.record({
      muts: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 3 }),
      cut: fc.option(fc.nat()),
    });
    fc.assert(
      fc.property(
        fc.oneof(arbStack(), arbStack({ inconsistent: true })),
        fc.array(variant, { minLength: 1, maxLength: 5 }),
        fc.boolean(),
        ({ first, layers }, variants, verify) => {
          let base: Uint8Array;
          try {
            base = encodeStack(layers, { registry });
          } catch {
            return; // inconsistent values the encoder refuses
          }
          const recs = [recordOf(base, LINK_OF[first] ?? 1)];
          for (const { muts, cut } of variants) {
            let data = base.slice();
            for (const [at, v] of muts) if (data.length > 0) data[at % data.length] = v;
            if (cut !== null) data = data.subarray(0, cut % (data.length + 1));
            recs.push(recordOf(data, LINK_OF[first] ?? 1));
          }
          compare(recs, registry, verify, first);
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('times: µs and ns stamps, a fraction out of range, pcapng', () => {
    const data = encodeStack(vxlanPacket());
    const registry = buildRegistry();
    const recs = [
      recordOf(data, 1),
      recordOf(data, 1, { timestampHigh: 0, timestampLow: 0 }),
      recordOf(data, 1, { timestampHigh: 4294967295, timestampLow: 999999 }),
      recordOf(data, 1, { timestampHigh: 5, timestampLow: 1_000_000 }),
      recordOf(data, 1, { timestampHigh: 5, timestampLow: 4294967295 }),
    ];
    expect(compare(recs, registry, true).fast).toBe(recs.length);
    const ns = writePcap(
      [
        { timestampNs: 1n, data },
        { timestampNs: 0n, data, timestampHigh: 7, timestampLow: 1_500_000_000 },
      ],
      {
        nanosecond: true,
      },
    );
    expect(compare(readCapture(ns), registry, true).fast).toBe(2);
  });

  it(`bad checksums are issues in the ${w.unit}; large packet numbers`, () => {
    const data = encodeStack(vxlanPacket());
    data[14 + 10] = (data[14 + 10]! + 1) & 255; // outer IPv4 checksum
    data[data.length - 1] = (data[data.length - 1]! + 1) & 255; // inner UDP payload (the outer UDP checksum covers it too)
    const registry = buildRegistry();
    const fast = w.make(registry, true);
    const out = new ByteWriter(new PassThrough());
    const rec = recordOf(data, 1);
    for (const index of [1, 9, 10, 99, 2 ** 31 - 1, 2 ** 31, 2 ** 32 + 5, Number.MAX_SAFE_INTEGER]) {
      out.pos = 0;
      expect(fast.write(out, index, rec)).toBe(true);
      expect(utf8.decode(out.buf.subarray(0, out.pos))).toBe(`${w.generalLine(rec, index, registry, true)}\n`);
    }
    expect(utf8.decode(out.buf.subarray(0, out.pos))).toMatch(w.badChecksumsEnd);
  });
});

describe.each(WRITERS)('$commandTitle', (w) => {
  /** Every line of a capture by the general path, as `decode` (with these options) printed it. */
  function expected(path: string, m: (typeof MODES)[number], skip = 0, count = Number.POSITIVE_INFINITY): string {
    const registry = registryFor(m);
    let s = '';
    recordsOf(path).forEach((rec, i) => {
      if (i >= skip && i < skip + count) s += `${w.generalLine(rec, i + 1, registry, m.verify)}\n`;
    });
    return s;
  }

  it.each(files.map((f) => [f.name, f.path]))('%s', async (_name, path) => {
    for (const m of MODES) {
      const r = await run(['decode', ...w.args, ...m.args, path]);
      expect(r.stdout).toBe(expected(path, m));
    }
    const n = recordsOf(path).length;
    const skip = Math.floor(n / 3);
    const count = Math.max(1, Math.floor(n / 4));
    const r = await run(['decode', ...w.args, '--skip', String(skip), '--count', String(count), path]);
    expect(r.stdout).toBe(expected(path, MODES[0]!, skip, count));
  });

  it('a capture larger than one output batch, from standard input', async () => {
    const frames = [];
    for (let i = 0; i < 3000; i++) frames.push(vxlanPacket(i, i % 3 === 0 ? '00'.repeat(400) : 'ab'));
    const path = writePackets(dir, 'many.pcap', frames);
    const bytes = readFileSync(path);
    const r = await run(['decode', ...w.args, '-'], { stdin: bytes });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(expected(path, MODES[0]!));
    writeFileSync(join(dir, 'copy.pcap'), bytes);
    const c = await run(['decode', ...w.args, '-c', '2500', join(dir, 'copy.pcap')]);
    expect(c.stdout).toBe(expected(path, MODES[0]!, 0, 2500));
  });
});
