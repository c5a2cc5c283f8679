/**
 * StackDecoder against decodeStack: for every packet we have (Scapy vectors, fixtures/captures, the shared
 * real-world corpus) and for mutated copies of them, the layer ids, offsets and header lengths equal
 * decodeStack's layers/spans (raw and padding excluded), and flow('inner'/'outer') equals flowKey.
 */
import { test } from '@fast-check/vitest';
import type { Registry } from '@wirestack/core';
import { type DecodedPacket, decodeStack, defaultRegistry, encodeStack } from '@wirestack/stack';
import { LayerKind, StackDecoder } from '../src/fast.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { corpusSamples, fixtureCaptureSamples, type Sample, scapySamples, vxlanLayers } from './helpers.js';

const registry = defaultRegistry();

/** decodeStack's layers without raw/padding, as [id, offset, length]. */
function expected(pkt: DecodedPacket): Array<[string, number, number]> {
  const out: Array<[string, number, number]> = [];
  pkt.layers.forEach((l, i) => {
    if (l.layer === 'raw' || l.layer === 'padding') return;
    const s = pkt.spans[i]!;
    out.push([l.layer, s.offset, s.length]);
  });
  return out;
}

function walked(d: StackDecoder): Array<[string, number, number]> {
  const out: Array<[string, number, number]> = [];
  for (let i = 0; i < d.count; i++) out.push([d.layerId(i), d.offset(i), d.headerLength(i)]);
  return out;
}

/** One decoder reused for every packet: stale state from an earlier packet would show up as a mismatch. */
function check(d: StackDecoder, s: Sample, reg: Registry = registry): void {
  const pkt = decodeStack(s.bytes, { first: s.first, registry: reg });
  const n = d.decode(s.bytes);
  expect(walked(d), `${s.name} layers`).toEqual(expected(pkt));
  expect(n).toBe(d.count);
  const raw = pkt.layers.findIndex((l) => l.layer === 'raw');
  if (raw >= 0) {
    const span = pkt.spans[raw]!;
    expect([d.payloadOffset, d.payloadEnd], `${s.name} raw span`).toEqual([span.offset, span.offset + span.length]);
  } else expect(d.payloadOffset >= d.payloadEnd, `${s.name} no raw`).toBe(true);
  for (const depth of ['inner', 'outer', 0, 1, -2] as const) {
    expect(d.flowKey(depth), `${s.name} flow ${depth}`).toEqual(pkt.flowKey({ depth }));
  }
}

const decoders = new Map<string, StackDecoder>();
function decoderFor(first: string): StackDecoder {
  let d = decoders.get(first);
  if (!d) {
    d = new StackDecoder({ registry, first });
    decoders.set(first, d);
  }
  return d;
}

const SCAPY = scapySamples();
const CAPTURES = fixtureCaptureSamples();
const CORPUS = corpusSamples();

describe('StackDecoder equals decodeStack', () => {
  it('on every Scapy vector', () => {
    expect(SCAPY.length).toBeGreaterThan(0);
    for (const s of SCAPY) check(decoderFor(s.first), s);
  });

  it('on every packet of fixtures/captures', () => {
    expect(CAPTURES.length).toBeGreaterThan(0);
    for (const s of CAPTURES) check(decoderFor(s.first), s);
  });

  it.skipIf(CORPUS.length === 0)('on every packet of the shared real-world corpus', () => {
    for (const s of CORPUS) check(decoderFor(s.first), s);
  });

  const all = [...SCAPY, ...CAPTURES];
  test.prop(
    [fc.nat(Math.max(0, all.length - 1)), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }), fc.nat()],
    { numRuns: 400 },
  )('on mutated and truncated packets', (k, edits, cut) => {
    const s = all[k];
    if (!s) return;
    const bytes = s.bytes.slice();
    for (const [at, v] of edits) if (bytes.length) bytes[at % bytes.length] = v;
    const len = cut % 3 === 0 ? cut % (bytes.length + 1) : bytes.length;
    check(decoderFor(s.first), { name: `${s.name} mutated`, first: s.first, bytes: bytes.subarray(0, len) });
  });

  test.prop([fc.uint8Array({ maxLength: 200 }), fc.constantFrom('ethernet', 'ipv4', 'ipv6')], { numRuns: 300 })(
    'on arbitrary bytes',
    (bytes, first) => {
      check(decoderFor(first), { name: 'arbitrary', first, bytes });
    },
  );
});

describe('StackDecoder', () => {
  const VXLAN = encodeStack(vxlanLayers());

  it('gives each IPv4 header of a tunnelled packet its own slot', () => {
    const d = new StackDecoder({ registry });
    expect(d.decode(VXLAN)).toBe(7);
    const outer = d.indexOf('ipv4');
    const inner = d.indexOf('ipv4', -1);
    expect([outer, inner]).toEqual([1, 5]);
    expect(d.kind(outer)).toBe(LayerKind.Ipv4);
    expect(d.u32(outer, 12)).toBe(0xc6120001);
    expect(d.u32(inner, 12)).toBe(0x0a000001);
    expect(d.u24(d.indexOf('vxlan'), 4)).toBe(42);
    expect(d.header(inner)).toMatchObject({ layer: 'ipv4', src: '10.0.0.1', dst: '10.0.0.2' });
  });

  it('fills the flow slot in place and builds text only when asked', () => {
    const d = new StackDecoder({ registry });
    const f = d.innerFlow(VXLAN);
    expect(f).toMatchObject({
      ipVersion: 4,
      srcV4: 0x0a000001,
      dstV4: 0x0a000002,
      protocol: 17,
      hasPorts: true,
      srcPort: 1234,
      dstPort: 5678,
    });
    expect(d.flowKeyString()).toBe('proto 17 10.0.0.1:1234 > 10.0.0.2:5678');
    const o = d.flow('outer');
    expect(o).toBe(f);
    expect(d.flowKeyString()).toBe('proto 17 198.18.0.1:49152 > 198.18.0.2:4789');
    expect(d.flow(5)).toBeUndefined();
    expect(d.flowKeyString()).toBe('');
  });

  it('follows the registry it is given (a custom UDP port) and refresh() picks up later bindings', () => {
    const reg = defaultRegistry();
    const bytes = VXLAN.slice();
    bytes[14 + 20 + 2] = 8472 >>> 8;
    bytes[14 + 20 + 3] = 8472 & 255;
    const d = new StackDecoder({ registry: reg });
    check(d, { name: 'port 8472 unbound', first: 'ethernet', bytes }, reg);
    expect(d.count).toBe(3);
    reg.bind('udp.port', 8472, 'vxlan');
    d.refresh();
    check(d, { name: 'port 8472 bound', first: 'ethernet', bytes }, reg);
    expect(d.count).toBe(7);
  });

  it('stops where decodeStack stops: truncation, depth and per-packet limits', () => {
    const d = new StackDecoder({ registry, maxDepth: 4 });
    expect(d.decode(VXLAN)).toBe(4);
    expect(d.stopCode).toBe('too-deep');
    const e = new StackDecoder({ registry });
    expect(e.decode(VXLAN, 0, 14 + 20 + 8 + 8 + 10)).toBe(4);
    expect(e.stopCode).toBe('truncated');
    const unknown = new StackDecoder({ registry, first: 'no-such-layer' });
    expect(unknown.decode(VXLAN)).toBe(0);
    expect(unknown.stopCode).toBe('unsupported');
  });
});
