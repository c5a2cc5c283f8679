/**
 * Header prediction in StackDecoder: a decoder that has learned walkers must leave exactly the state the
 * general walk leaves (a decoder with `prediction: false`), on every packet we have (Scapy vectors,
 * fixtures/captures, the shared real-world corpus when present), on packets that leave a learned path at
 * each dispatch field, on every truncation, and where `new Function` is refused.
 */
import { test } from '@fast-check/vitest';
import type { Registry } from '@wirestack/core';
import { decodeStack, defaultRegistry, encodeStack } from '@wirestack/stack';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { StackDecoder } from '../src/fast.js';
import { corpusSamples, fixtureCaptureSamples, type Sample, scapySamples, vxlanLayers } from './helpers.js';

const registry = defaultRegistry();

/** Everything a caller can read after `decode`, including field reads through every accessor. */
function state(d: StackDecoder): unknown {
  const layers: unknown[] = [];
  for (let i = 0; i < d.count; i++) {
    const hl = d.headerLength(i);
    layers.push([
      d.layerId(i),
      d.kind(i),
      d.offset(i),
      hl,
      d.end(i),
      hl >= 1 ? d.u8(i, 0) : -1,
      hl >= 2 ? d.u16(i, hl - 2) : -1,
      hl >= 3 ? d.u24(i, hl - 3) : -1,
      hl >= 4 ? d.u32(i, 0) : -1,
      hl >= 4 ? d.u32(i, hl - 4) : -1,
    ]);
  }
  const flows = (['inner', 'outer', 0, 1, -1, -2] as const).map((depth) => d.flowKey(depth));
  return { count: d.count, stopCode: d.stopCode, payload: [d.payloadOffset, d.payloadEnd], layers, flows };
}

/** Learns fast (one packet of a path is enough), so that nearly every packet meets a walker. */
function predicting(first: string, reg: Registry = registry): StackDecoder {
  return new StackDecoder({ registry: reg, first, prediction: { after: 1 } });
}

function general(first: string, reg: Registry = registry): StackDecoder {
  return new StackDecoder({ registry: reg, first, prediction: false });
}

/** Decodes `bytes[offset, end)` with both decoders and compares what they leave. */
function same(p: StackDecoder, g: StackDecoder, bytes: Uint8Array, name: string, offset = 0, end = bytes.length): void {
  expect(p.decode(bytes, offset, end), `${name} count`).toBe(g.decode(bytes, offset, end));
  expect(state(p), name).toEqual(state(g));
}

const SCAPY = scapySamples();
const CAPTURES = fixtureCaptureSamples();
const CORPUS = corpusSamples();

class Pair {
  private readonly map = new Map<string, [StackDecoder, StackDecoder]>();
  get(first: string): [StackDecoder, StackDecoder] {
    let v = this.map.get(first);
    if (!v) {
      v = [predicting(first), general(first)];
      this.map.set(first, v);
    }
    return v;
  }
}

/**
 * Each packet twice: first with whatever walker earlier packets left (as in a capture), then again with the
 * walker learned from the packet itself.
 */
function differential(samples: Sample[]): void {
  const pairs = new Pair();
  for (const s of samples) {
    const [p, g] = pairs.get(s.first);
    same(p, g, s.bytes, `${s.name} (earlier walker)`);
    same(p, g, s.bytes, `${s.name} (own walker)`);
  }
}

const VXLAN = encodeStack(vxlanLayers());

const V6_VLAN = encodeStack([
  { layer: 'ethernet', dst: '02:00:00:00:00:02', src: '02:00:00:00:00:01' },
  { layer: 'vlan', vid: 7 },
  { layer: 'ipv6', src: '2001:db8::1', dst: '2001:db8::2' },
  { layer: 'udp', srcPort: 5000, dstPort: 4789 },
  { layer: 'vxlan', vni: 9 },
  { layer: 'ethernet', dst: '02:00:00:00:01:02', src: '02:00:00:00:01:01' },
  { layer: 'ipv4', src: '10.0.0.1', dst: '10.0.0.2' },
  { layer: 'udp', srcPort: 53, dstPort: 40000 },
  { layer: 'raw', data: '00010203' },
]);

/** A path whose walker hands over to the general loop at a layer it does not know (GRE), every packet. */
const GRE = encodeStack([
  { layer: 'ethernet', dst: '02:00:00:00:00:02', src: '02:00:00:00:00:01' },
  { layer: 'ipv4', src: '10.0.0.1', dst: '10.0.0.2' },
  { layer: 'gre' },
  { layer: 'ipv4', src: '10.1.0.1', dst: '10.1.0.2' },
  { layer: 'udp', srcPort: 1234, dstPort: 80 },
  { layer: 'raw', data: '4745540a' },
]);

const SHAPES = [VXLAN, V6_VLAN, GRE];

/** A decoder that has learned the walker of `bytes`, and the general one. */
function trained(bytes: Uint8Array, first = 'ethernet'): [StackDecoder, StackDecoder] {
  const p = predicting(first);
  p.decode(bytes);
  p.decode(bytes);
  return [p, general(first)];
}

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('StackDecoder header prediction equals the general walk', () => {
  it('on every Scapy vector', () => {
    expect(SCAPY.length).toBeGreaterThan(0);
    differential(SCAPY);
  });

  it('on every packet of fixtures/captures', () => {
    expect(CAPTURES.length).toBeGreaterThan(0);
    differential(CAPTURES);
  });

  it.skipIf(CORPUS.length === 0)('on every packet of the shared real-world corpus', () => {
    differential(CORPUS);
  });

  it('builds the same layer objects (header(i)) as decodeStack, after a walker filled the slots', () => {
    for (const bytes of SHAPES) {
      const [p] = trained(bytes);
      p.decode(bytes);
      const pkt = decodeStack(bytes, { registry });
      for (let i = 0; i < p.count; i++) expect(p.header(i), `layer ${i}`).toEqual(pkt.layers[i]);
    }
  });

  it('runs no general walk once a path is learned (the walker finishes the packet)', () => {
    const [p] = trained(VXLAN);
    const walk = vi.spyOn(StackDecoder.prototype as unknown as { walk: () => void }, 'walk');
    for (let i = 0; i < 10; i++) expect(p.decode(VXLAN)).toBe(7);
    const f = p.innerFlow(VXLAN);
    expect([f.srcV4, f.dstV4, f.protocol, f.srcPort, f.dstPort]).toEqual([0x0a000001, 0x0a000002, 17, 1234, 5678]);
    expect(walk).not.toHaveBeenCalled();
  });

  it('when every byte of a learned path is changed (each dispatch field, version, length)', () => {
    for (const bytes of SHAPES) {
      const [p, g] = trained(bytes);
      const n = p.payloadOffset;
      for (let at = 0; at < n; at++) {
        for (const v of [0x00, 0xff, bytes[at]! ^ 0x01, bytes[at]! ^ 0x80, bytes[at]! ^ 0x10]) {
          const m = bytes.slice();
          m[at] = v;
          same(p, g, m, `byte ${at} = ${v}`);
          // And back on the learned path with the same walker.
          same(p, g, bytes, `byte ${at} = ${v}, then the original`);
        }
      }
    }
  });

  it('when a learned path is truncated at every length, or cut by `offset`/`end`', () => {
    for (const bytes of SHAPES) {
      const [p, g] = trained(bytes);
      for (let len = 0; len <= bytes.length; len++) {
        same(p, g, bytes.subarray(0, len), `subarray ${len}`);
        same(p, g, bytes, `end ${len}`, 0, len);
      }
      // A packet inside a larger buffer (offsets stay absolute in `bytes`).
      const big = new Uint8Array(bytes.length + 7);
      big.set(bytes, 3);
      same(p, g, big, 'offset 3', 3, 3 + bytes.length);
    }
  });

  it('with paths that change: shapes are learned, kept and reused, and bounded by maxShapes', () => {
    for (const maxShapes of [0, 1, 16]) {
      const p = new StackDecoder({ registry, prediction: { after: 2, maxShapes } });
      const g = general('ethernet');
      const order = [0, 0, 0, 1, 1, 1, 2, 2, 0, 1, 0, 0, 1, 1, 2, 2, 2, 0];
      for (const k of order) same(p, g, SHAPES[k]!, `shape ${k} (maxShapes ${maxShapes})`);
    }
  });

  it('forgets its walkers on refresh() (codec indexes and tables change)', () => {
    const reg = defaultRegistry();
    const bytes = VXLAN.slice();
    bytes[14 + 20 + 2] = 8472 >>> 8;
    bytes[14 + 20 + 3] = 8472 & 255;
    const p = predicting('ethernet', reg);
    const g = general('ethernet', reg);
    same(p, g, bytes, 'port 8472 unbound');
    same(p, g, bytes, 'port 8472 unbound, learned');
    expect(p.count).toBe(3);
    reg.bind('udp.port', 8472, 'vxlan');
    p.refresh();
    g.refresh();
    same(p, g, bytes, 'port 8472 bound');
    same(p, g, bytes, 'port 8472 bound, learned');
    expect(p.count).toBe(7);
  });

  it('with maxDepth and limits smaller than a learned path', () => {
    for (const maxDepth of [1, 2, 3, 4, 6, 7, 8]) {
      const p = new StackDecoder({ registry, maxDepth, prediction: { after: 1 } });
      const g = new StackDecoder({ registry, maxDepth, prediction: false });
      for (const bytes of [...SHAPES, ...SHAPES]) same(p, g, bytes, `maxDepth ${maxDepth}`);
    }
  });

  it('reads fields of packets that sit at an offset in their buffer, and of packets in other buffers', () => {
    const [p, g] = trained(VXLAN);
    const buffer = new Uint8Array(VXLAN.length * 3 + 5);
    for (const at of [5, VXLAN.length + 9, 2 * VXLAN.length + 5]) {
      buffer.set(VXLAN, at);
      same(p, g, buffer.subarray(at, at + VXLAN.length), `subarray at ${at}`);
      expect(p.u32(5, 12)).toBe(0x0a000001);
      expect(p.u16(6, 2)).toBe(5678);
      expect(p.u24(3, 4)).toBe(42);
      same(p, g, VXLAN.slice(), 'a copy in its own buffer');
    }
  });

  it('falls back to the general walk where `new Function` is refused (a Content Security Policy)', () => {
    vi.stubGlobal('Function', function refused(): never {
      throw new EvalError('Refused to evaluate a string as JavaScript');
    });
    const p = predicting('ethernet');
    const g = general('ethernet');
    const walk = vi.spyOn(StackDecoder.prototype as unknown as { walk: () => void }, 'walk');
    for (let i = 0; i < 5; i++) for (const bytes of SHAPES) same(p, g, bytes, `CSP ${i}`);
    // Both decoders walked every packet the general way.
    expect(walk).toHaveBeenCalledTimes(2 * 5 * SHAPES.length);
  });

  const all = [...SCAPY, ...CAPTURES, ...SHAPES.map((bytes, i) => ({ name: `shape ${i}`, first: 'ethernet', bytes }))];
  test.prop(
    [
      fc.nat(all.length - 1),
      fc.nat(all.length - 1),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
      fc.nat(),
    ],
    { numRuns: 500 },
  )('on mutated and truncated packets, with a walker learned from another packet', (k, j, edits, cut) => {
    const s = all[k]!;
    const [p, g] = trained(s.bytes, s.first);
    // Edits land inside the learned headers most of the time (where the dispatch fields are).
    const src = all[j]!.first === s.first ? all[j]!.bytes : s.bytes;
    const bytes = src.slice();
    const span = Math.max(1, Math.min(bytes.length, p.payloadOffset || bytes.length));
    for (const [at, v] of edits) if (bytes.length) bytes[at % span] = v;
    const len = cut % 3 === 0 ? cut % (bytes.length + 1) : bytes.length;
    same(p, g, bytes.subarray(0, len), `${s.name} mutated`);
  });

  test.prop([fc.uint8Array({ maxLength: 200 }), fc.constantFrom(...SHAPES)], { numRuns: 300 })(
    'on arbitrary bytes after a learned path, and on the learned path prefixed to arbitrary bytes',
    (bytes, shape) => {
      const [p, g] = trained(shape);
      same(p, g, bytes, 'arbitrary');
      const mixed = shape.slice();
      const at = 14 + (bytes.length % 40);
      mixed.set(bytes.subarray(0, Math.min(bytes.length, mixed.length - at)), at);
      same(p, g, mixed, 'learned prefix');
    },
  );
});

describe('StackDecoder field reads outside the packet', () => {
  it('give 0 for a read that does not fit in the packet, never the bytes around a subarray, never a RangeError', () => {
    // A 14-byte Ethernet header followed, in the same buffer, by bytes that are not part of the packet.
    const buf = new Uint8Array(64).fill(0xee);
    const frame = buf.subarray(8, 22);
    frame.set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0x88, 0xb5]);
    const d = new StackDecoder();
    for (let round = 0; round < 8; round++) {
      expect(d.decode(frame)).toBe(1);
      expect(d.u32(0, 0)).toBe(0x01020304);
      expect(d.u16(0, 12)).toBe(0x88b5);
      expect(d.u24(0, 11)).toBe(0x0c88b5);
      expect(d.u32(0, 12)).toBe(0);
      expect(d.u24(0, 13)).toBe(0);
      expect(d.u16(0, 13)).toBe(0);
      expect(d.u16(0, 14)).toBe(0);
      expect(d.u8(0, 14)).toBeUndefined();
      expect(d.u32(0, 100)).toBe(0);
      expect(d.u16(0, -1)).toBe(0);
      expect(d.u32(0, -9)).toBe(0);
    }
  });
});
