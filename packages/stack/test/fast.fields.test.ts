/**
 * `StackDecoder` option `fields`: every field of the Ethernet/VLAN/IPv4/IPv6/UDP/VXLAN layers decoded into the
 * per-depth slots. Expected values are `decodeStack`'s contract objects (whose codecs are checked against Scapy
 * and tshark elsewhere), converted to numbers here by plain text parsing; with header prediction and without,
 * on the fixtures, the corpus, mutated and truncated packets, and where `new Function` is refused.
 */
import { test } from '@fast-check/vitest';
import type { LayerObject } from '@wirestack/core';
import { parseIpv6 } from '@wirestack/ipv6';
import { decodeStack, defaultRegistry, encodeStack, Field, FIELDS_PER_LAYER, StackDecoder } from '@wirestack/stack';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { corpusSamples, fixtureCaptureSamples, type Sample, scapySamples, vxlanLayers } from './helpers.js';

const registry = defaultRegistry();
const FAST_LAYERS = new Set(['ethernet', 'vlan', 'ipv4', 'ipv6', 'udp', 'vxlan']);

const mac = (s: string): number => Number.parseInt(s.replaceAll(':', ''), 16);
const quad = (s: string): number => s.split('.').reduce((a, x) => a * 256 + Number(x), 0);
const words = (s: string): number[] => {
  const b = parseIpv6(s);
  return [0, 4, 8, 12].map((i) => ((b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!) >>> 0);
};
const num = (v: unknown): number => (v === true ? 1 : v === false || v === undefined ? 0 : (v as number));

/** The numbers `fields` must hold for a contract object, by field index. */
function expected(h: LayerObject): Map<number, number> {
  const out = new Map<number, number>();
  const l = h as unknown as Record<string, unknown>;
  const layer = h.layer as keyof typeof Field;
  for (const [name, index] of Object.entries(Field[layer])) {
    const v = l[name];
    if (layer === 'ethernet' && (name === 'src' || name === 'dst')) out.set(index, mac(v as string));
    else if (layer === 'ipv4' && (name === 'src' || name === 'dst')) out.set(index, quad(v as string));
    else if (layer === 'ipv6' && (name === 'src' || name === 'dst')) {
      for (const [j, w] of words(v as string).entries()) out.set(index + j, w);
    } else out.set(index, num(v));
  }
  return out;
}

/** Checks `d`'s fields after `d.decode(bytes)` against decodeStack's objects of the same packet. */
function check(d: StackDecoder, bytes: Uint8Array, first: string, name: string): number {
  const n = d.decode(bytes);
  const ref = decodeStack(bytes, { registry, first, verifyChecksums: false });
  let checked = 0;
  for (let i = 0; i < n; i++) {
    const id = d.layerId(i);
    expect(d.hasFields(i), `${name} depth ${i} ${id}`).toBe(FAST_LAYERS.has(id));
    if (!d.hasFields(i)) continue;
    const h = ref.layers[i]!;
    expect(h.layer, `${name} depth ${i}`).toBe(id);
    for (const [k, v] of expected(h)) {
      expect(d.fields[i * FIELDS_PER_LAYER + k], `${name} depth ${i} ${id} field ${k}`).toBe(v);
      expect(d.field(i, k)).toBe(v);
    }
    checked++;
  }
  return checked;
}

const SCAPY = scapySamples();
const CAPTURES = fixtureCaptureSamples();
const CORPUS = corpusSamples();
const VXLAN = encodeStack(vxlanLayers());
const V6_VLAN = encodeStack([
  { layer: 'ethernet', dst: '02:00:00:00:00:02', src: '02:00:00:00:00:01' },
  { layer: 'vlan', pcp: 5, dei: 1, vid: 4001 },
  { layer: 'ipv6', trafficClass: 0xb8, flowLabel: 0xfedcb, src: '2001:db8::1', dst: 'fe80::aa:bbff:fecc:ddee' },
  { layer: 'udp', srcPort: 65535, dstPort: 4789 },
  { layer: 'vxlan', flags: 0x0c, vni: 0xffffff, reserved1: 0xabcdef, reserved2: 0x5a },
  { layer: 'ethernet', dst: 'ff:ff:ff:ff:ff:ff', src: 'fe:dc:ba:98:76:54' },
  {
    layer: 'ipv4',
    dscp: 46,
    ecn: 3,
    identification: 0xffff,
    reservedFlag: true,
    dontFragment: true,
    ttl: 255,
    src: '255.255.255.255',
    dst: '128.0.0.1',
    options: '01010101',
  },
  { layer: 'udp', srcPort: 53, dstPort: 40000 },
  { layer: 'raw', data: '00010203' },
]);
const GRE = encodeStack([
  { layer: 'ethernet', dst: '02:00:00:00:00:02', src: '02:00:00:00:00:01' },
  { layer: 'ipv4', src: '10.0.0.1', dst: '10.0.0.2', moreFragments: true },
  { layer: 'gre' },
  { layer: 'ipv4', src: '10.1.0.1', dst: '10.1.0.2' },
  { layer: 'udp', srcPort: 1234, dstPort: 80 },
  { layer: 'raw', data: '4745540a' },
]);
const SHAPES = [VXLAN, V6_VLAN, GRE];

/** Decoders with fields: one predicting after a single packet (nearly every packet meets a walker), one not. */
function decoders(first: string): StackDecoder[] {
  return [
    new StackDecoder({ registry, first, fields: true, prediction: { after: 1 } }),
    new StackDecoder({ registry, first, fields: true, prediction: false }),
  ];
}

function checkAll(samples: Sample[]): number {
  const byFirst = new Map<string, StackDecoder[]>();
  let checked = 0;
  for (const s of samples) {
    let ds = byFirst.get(s.first);
    if (!ds) {
      ds = decoders(s.first);
      byFirst.set(s.first, ds);
    }
    // Twice: with whatever walker earlier packets left, then with the packet's own.
    for (const d of ds) checked += check(d, s.bytes, s.first, s.name) + check(d, s.bytes, s.first, `${s.name} again`);
  }
  return checked;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('StackDecoder option fields', () => {
  it('decodes every field of the built stacks (extreme values, flags, VLAN, IPv6, options, reserved bits)', () => {
    for (const bytes of SHAPES) for (const d of decoders('ethernet')) for (let i = 0; i < 3; i++) check(d, bytes, 'ethernet', `shape ${i}`);
    const d = new StackDecoder({ fields: true });
    d.decode(V6_VLAN);
    const v = Field.vlan;
    expect([d.field(1, v.pcp), d.field(1, v.dei), d.field(1, v.vid)]).toEqual([5, 1, 4001]);
    expect(d.field(4, Field.vxlan.vni)).toBe(0xffffff);
    expect(d.field(6, Field.ipv4.reservedFlag)).toBe(1);
    expect(d.field(6, Field.ipv4.ihl)).toBe(6);
  });

  it('on every Scapy vector and every packet of fixtures/captures', () => {
    expect(checkAll([...SCAPY, ...CAPTURES])).toBeGreaterThan(100);
  });

  it.skipIf(CORPUS.length === 0)('on every packet of the shared real-world corpus', () => {
    expect(checkAll(CORPUS)).toBeGreaterThan(100);
  });

  it('reads packets at an offset in their buffer, in other buffers, and cut by `end`', () => {
    for (const d of decoders('ethernet')) {
      for (const bytes of SHAPES) {
        const big = new Uint8Array(bytes.length + 11).fill(0xee);
        big.set(bytes, 5);
        check(d, big.subarray(5, 5 + bytes.length), 'ethernet', 'subarray at 5');
        check(d, bytes.slice(), 'ethernet', 'copy');
        for (let len = 0; len <= bytes.length; len++) check(d, bytes.subarray(0, len), 'ethernet', `cut at ${len}`);
      }
    }
  });

  it('has no fields without the option; other layers are not written (hasFields false)', () => {
    const d = new StackDecoder();
    expect(d.fields.length).toBe(0);
    d.decode(VXLAN);
    expect(d.hasFields(0)).toBe(false);
    const e = new StackDecoder({ fields: true, maxDepth: 4 });
    expect(e.fields.length).toBe(5 * FIELDS_PER_LAYER);
    e.decode(GRE);
    expect([0, 1, 2, 3].map((i) => e.hasFields(i))).toEqual([true, true, false, true]);
    expect(e.hasFields(-1)).toBe(false);
    expect(e.hasFields(4)).toBe(false);
  });

  it('falls back to the interpreted fill where `new Function` is refused (a Content Security Policy)', () => {
    vi.stubGlobal('Function', function refused(): never {
      throw new EvalError('Refused to evaluate a string as JavaScript');
    });
    for (const d of decoders('ethernet')) for (let i = 0; i < 3; i++) for (const bytes of SHAPES) check(d, bytes, 'ethernet', `CSP ${i}`);
  });

  const all = [...SCAPY, ...CAPTURES, ...SHAPES.map((bytes, i) => ({ name: `shape ${i}`, first: 'ethernet', bytes }))];
  test.prop(
    [fc.nat(all.length - 1), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }), fc.nat()],
    {
      numRuns: 400,
    },
  )('on mutated and truncated packets, after a walker learned the original', (k, edits, cut) => {
    const s = all[k]!;
    const ds = decoders(s.first);
    for (const d of ds) d.decode(s.bytes);
    const bytes = s.bytes.slice();
    const span = Math.max(1, Math.min(bytes.length, 120));
    for (const [at, v] of edits) if (bytes.length) bytes[at % span] = v;
    const len = cut % 3 === 0 ? cut % (bytes.length + 1) : bytes.length;
    for (const d of ds) check(d, bytes.subarray(0, len), s.first, `${s.name} mutated`);
  });
});
