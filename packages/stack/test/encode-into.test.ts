/**
 * `encodeStackInto` and `encodeStack`'s `shareBuffer`: the same bytes and the same `EncodeError` as
 * `encodeStack`, on the fused path and on the generic one; what they leave in the caller's buffer; and how
 * shared results are laid out in their slab (and what happens when someone transfers one).
 */
import { test } from '@fast-check/vitest';
import { arbStack } from '@wirestack/arbitraries';
import { EncodeError, type LayerObject, toHex } from '@wirestack/core';
import { defaultRegistry, type EncodeStackOptions, encodeStack, encodeStackInto } from '@wirestack/stack';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { fastEncode } from '../src/encode-fast.js';

const RUNS = Number(process.env.WIRESTACK_ENCODE_RUNS ?? 1500);
const registry = defaultRegistry();
const SIZE = 600;

afterEach(() => {
  fastEncode.enabled = true;
});

type Outcome = { bytes: string } | { error: { name: string; message: string; layer: unknown; field: unknown; value: unknown } };

function outcome(f: () => Uint8Array | number, buf?: Uint8Array, offset = 0): Outcome {
  try {
    const r = f();
    return { bytes: typeof r === 'number' ? toHex(buf!.subarray(offset, offset + r)) : toHex(r) };
  } catch (e) {
    const x = e as Error & { layer?: unknown; field?: unknown; value?: unknown };
    return { error: { name: x.name, message: x.message, layer: x.layer, field: x.field, value: x.value } };
  }
}

/** A buffer of known, non-zero bytes. */
const pattern = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 37 + 11) & 0xff);

// Stacks the fused path takes (with one value in eight out of range or of another type), and stacks from the grammar.
const num = (bits: number) =>
  fc.oneof(
    { weight: 7, arbitrary: fc.integer({ min: 0, max: 2 ** bits - 1 }) },
    { weight: 1, arbitrary: fc.constantFrom<unknown>(-1, 0.5, 2 ** bits, Number.NaN, '1', null, true) },
  );
const mac = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.uint8Array({ minLength: 6, maxLength: 6 }).map((b) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(':')),
  },
  { weight: 1, arbitrary: fc.constantFrom<unknown>('02-42-AC-11-00-02', '02:42:ac:11:00', 'zz:00:00:00:00:00', 7) },
);
const ip = fc.oneof(
  { weight: 6, arbitrary: fc.uint8Array({ minLength: 4, maxLength: 4 }).map((b) => b.join('.')) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>('01.2.3.4', '1.2.3', '256.0.0.1', null) },
);
const hex = fc.oneof(
  { weight: 6, arbitrary: fc.uint8Array({ maxLength: 48 }).map((b) => toHex(b)) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>('abc', 'zz', 5) },
);
const rec = (layer: string, fields: Record<string, fc.Arbitrary<unknown>>) =>
  fc.record(fields, { requiredKeys: [] }).map((r) => ({ layer, ...r }) as LayerObject);
const eth = rec('ethernet', { dst: mac, src: mac, etherType: num(16) });
const ip4 = rec('ipv4', {
  identification: num(16),
  dontFragment: fc.boolean(),
  ttl: num(8),
  src: ip,
  dst: ip,
  totalLength: num(16),
  checksum: num(16),
  protocol: num(8),
});
const udp = rec('udp', { srcPort: num(16), dstPort: num(16), length: num(16), checksum: num(16) });
const vx = rec('vxlan', { vni: num(24), flags: num(8) });
const raw = rec('raw', { data: hex });
const stacks: fc.Arbitrary<LayerObject[]> = fc.oneof(
  fc.tuple(eth, ip4, udp, vx, eth, ip4, udp, raw),
  fc.tuple(eth, ip4, udp, raw),
  fc.tuple(ip4, udp, raw),
  arbStack({ maxLayers: 10 }).map((s) => s.layers as LayerObject[]),
  arbStack({ maxLayers: 10, inconsistent: true }).map((s) => s.layers as LayerObject[]),
);
const trailers = fc.oneof(
  { weight: 3, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 6 }) },
  { weight: 1, arbitrary: fc.constantFrom<string>('aabb', 'abc', '') },
);
const offsets = fc.oneof(fc.nat(120), fc.constantFrom(SIZE - 60, SIZE));

describe('encodeStackInto', () => {
  test.prop([stacks, trailers, offsets, fc.boolean()], { numRuns: RUNS })(
    'writes what encodeStack gives (bytes or EncodeError), as encodeStack with into does, and returns its length',
    (layers, trailer, offset, fused) => {
      fastEncode.enabled = fused;
      const options: EncodeStackOptions = { registry, trailer };
      const a = pattern(SIZE);
      const b = pattern(SIZE);
      const viaInto = outcome(() => encodeStackInto(layers, a, offset, options), a, offset);
      const viaView = outcome(() => encodeStack(layers, { ...options, into: b, offset }));
      // One code path: the same outcome and the same bytes left in the buffer, written or not.
      expect(viaInto).toEqual(viaView);
      expect(toHex(a)).toBe(toHex(b));
      const allocated = outcome(() => encodeStack(layers, options));
      const big = pattern(70_000);
      expect(outcome(() => encodeStackInto(layers, big, 5, options), big, 5)).toEqual(allocated);
      if ('bytes' in allocated && 'bytes' in viaInto) {
        expect(viaInto).toEqual(allocated);
        // Nothing outside the packet's bytes changed.
        const n = allocated.bytes.length / 2;
        const p = pattern(SIZE);
        expect(toHex(a.subarray(0, offset))).toBe(toHex(p.subarray(0, offset)));
        expect(toHex(a.subarray(offset + n))).toBe(toHex(p.subarray(offset + n)));
      }
      if ('bytes' in allocated && 'error' in viaInto) {
        // The only error a valid stack can meet here: a buffer too small, reported before writing anything.
        const n = allocated.bytes.length / 2;
        expect(offset + n).toBeGreaterThan(SIZE);
        expect(viaInto.error).toMatchObject({
          name: 'EncodeError',
          layer: 'stack',
          message: `stack: buffer too small: ${n} bytes needed at offset ${offset}, ${SIZE - offset} available`,
        });
        expect(toHex(a)).toBe(toHex(pattern(SIZE)));
      }
    },
  );

  it('writes at its offset, returns the byte count and leaves the rest of the buffer alone', () => {
    const layers: LayerObject[] = [
      { layer: 'ethernet', dst: '02:00:00:00:00:02', src: '02:00:00:00:00:01' },
      { layer: 'ipv4', src: '10.0.0.1', dst: '10.0.0.2' },
      { layer: 'udp', srcPort: 1234, dstPort: 5678 },
      { layer: 'raw', data: '68656c6c6f' },
    ];
    const expected = encodeStack(layers);
    expect(expected.length).toBe(47);
    for (let k = 0; k < 20; k++) {
      const buf = pattern(100);
      expect(encodeStackInto(layers, buf, 13)).toBe(47);
      expect(toHex(buf.subarray(13, 60))).toBe(toHex(expected));
      expect(toHex(buf.subarray(0, 13))).toBe(toHex(pattern(13)));
      expect(toHex(buf.subarray(60))).toBe(toHex(pattern(100).subarray(60)));
    }
    // The default offset, the trailer, and a buffer of exactly the right size.
    const exact = new Uint8Array(49);
    expect(encodeStackInto(layers, exact, undefined, { trailer: 'ffff' })).toBe(49);
    expect(toHex(exact)).toBe(`${toHex(expected)}ffff`);
    // A stack the generic path encodes (IPv4 options).
    const withOptions = [layers[0]!, { ...layers[1]!, options: '01010101' }, layers[2]!, layers[3]!];
    const buf = new Uint8Array(64);
    expect(encodeStackInto(withOptions, buf, 2)).toBe(51);
    expect(toHex(buf.subarray(2, 53))).toBe(toHex(encodeStack(withOptions)));
  });

  it('throws EncodeError for a buffer too small (writing nothing), or one that is not a Uint8Array, or a bad offset', () => {
    for (const layers of [
      [{ layer: 'ethernet' }, { layer: 'ipv4' }, { layer: 'udp' }, { layer: 'raw', data: '00'.repeat(20) }],
      [{ layer: 'ethernet' }, { layer: 'ipv6' }, { layer: 'udp' }, { layer: 'raw', data: '00'.repeat(20) }],
    ] as LayerObject[][]) {
      for (let k = 0; k < 3; k++) {
        const buf = pattern(70);
        const e = (() => {
          try {
            encodeStackInto(layers, buf, 10);
          } catch (x) {
            return x;
          }
          return undefined;
        })();
        expect(e).toBeInstanceOf(EncodeError);
        const n = encodeStack(layers).length;
        expect(e).toMatchObject({ layer: 'stack', message: `stack: buffer too small: ${n} bytes needed at offset 10, 60 available` });
        expect(() => encodeStack(layers, { into: pattern(70), offset: 10 })).toThrow((e as Error).message);
        expect(toHex(buf)).toBe(toHex(pattern(70)));
      }
    }
    const layers: LayerObject[] = [{ layer: 'ethernet' }, { layer: 'raw', data: 'ab' }];
    expect(() => encodeStackInto(layers, [] as unknown as Uint8Array)).toThrow(EncodeError);
    expect(() => encodeStackInto(layers, undefined as unknown as Uint8Array)).toThrow('into must be a Uint8Array');
    for (const bad of [-1, 0.5, Number.NaN, '1' as unknown as number])
      expect(() => encodeStackInto(layers, new Uint8Array(64), bad)).toThrow(/offset must be a non-negative integer/);
    // Value errors are encodeStack's.
    const invalid: LayerObject[] = [{ layer: 'ethernet', dst: 'nope' }, { layer: 'raw' }];
    expect(outcome(() => encodeStackInto(invalid, new Uint8Array(64)))).toEqual(outcome(() => encodeStack(invalid)));
  });
});

describe('encodeStack with shareBuffer', () => {
  test.prop([stacks, trailers, fc.boolean()], { numRuns: Math.ceil(RUNS / 2) })(
    'gives the bytes or the EncodeError of encodeStack',
    (layers, trailer, fused) => {
      fastEncode.enabled = fused;
      const shared = outcome(() => encodeStack(layers, { registry, trailer, shareBuffer: true }));
      expect(shared).toEqual(outcome(() => encodeStack(layers, { registry, trailer })));
    },
  );

  const tunnel = (i: number): LayerObject[] => [
    { layer: 'ethernet', dst: '02:00:00:00:00:02', src: '02:00:00:00:00:01' },
    { layer: 'ipv4', src: '192.0.2.1', dst: '192.0.2.2' },
    { layer: 'udp', srcPort: 50000 },
    { layer: 'vxlan', vni: i & 0xffffff },
    { layer: 'ethernet', dst: '02:42:ac:11:00:0b', src: '02:42:ac:11:00:0a' },
    { layer: 'ipv4', identification: i & 0xffff, src: '10.0.0.10', dst: '10.0.0.11' },
    { layer: 'udp', srcPort: 40000, dstPort: 5000 },
    {
      layer: 'raw',
      data: (i & 0xff)
        .toString(16)
        .padStart(2, '0')
        .repeat(1 + (i % 23)),
    },
  ];

  it('carves results 8-byte aligned from 64 KiB slabs, each its own bytes, and they stay intact', () => {
    const kept: Array<{ out: Uint8Array; hex: string }> = [];
    // About 3 slabs' worth, on the fused path and (IPv6) the generic one.
    for (let i = 0; i < 1500; i++) {
      const layers =
        i % 5 === 4 ? [tunnel(i)[0]!, { layer: 'ipv6', src: '2001:db8::1', dst: '2001:db8::2' }, ...tunnel(i).slice(2)] : tunnel(i);
      const out = encodeStack(layers, { shareBuffer: true });
      expect(out.buffer.byteLength).toBe(65536);
      expect(out.byteOffset % 8).toBe(0);
      kept.push({ out, hex: toHex(encodeStack(layers)) });
    }
    for (const { out, hex } of kept) expect(toHex(out)).toBe(hex);
    const slabs = new Set(kept.map((k) => k.out.buffer));
    expect(slabs.size).toBeGreaterThanOrEqual(3);
    // No two results of one slab overlap.
    for (const slab of slabs) {
      const spans = kept
        .filter((k) => k.out.buffer === slab)
        .map((k) => [k.out.byteOffset, k.out.byteOffset + k.out.length] as const)
        .sort((x, y) => x[0] - y[0]);
      for (let j = 1; j < spans.length; j++) expect(spans[j]![0]).toBeGreaterThanOrEqual(spans[j - 1]![1]);
    }
    // `slice()` is an owned copy.
    const copy = kept[0]!.out.slice();
    expect(copy.byteOffset).toBe(0);
    expect(copy.buffer.byteLength).toBe(copy.length);
    // Without the option, each result owns its buffer.
    const own = encodeStack(tunnel(1));
    expect(own.byteOffset).toBe(0);
    expect(own.buffer.byteLength).toBe(own.length);
  });

  it('gives a result over 4 KiB its own buffer', () => {
    const layers: LayerObject[] = [{ layer: 'ethernet' }, { layer: 'ipv4' }, { layer: 'udp' }, { layer: 'raw', data: 'ab'.repeat(5000) }];
    const out = encodeStack(layers, { shareBuffer: true });
    expect(out.byteOffset).toBe(0);
    expect(out.buffer.byteLength).toBe(out.length);
    expect(toHex(out)).toBe(toHex(encodeStack(layers)));
  });

  it('starts a new slab when a result`s buffer was transferred (which detaches the results that share it)', () => {
    for (const fused of [true, false]) {
      fastEncode.enabled = fused;
      const a = encodeStack(tunnel(1), { shareBuffer: true });
      const b = encodeStack(tunnel(2), { shareBuffer: true });
      expect(b.buffer).toBe(a.buffer);
      const moved = structuredClone(a.buffer, { transfer: [a.buffer] });
      expect(moved.byteLength).toBe(65536);
      // Both views of the transferred slab are now empty.
      expect(a.length).toBe(0);
      expect(b.length).toBe(0);
      const c = encodeStack(tunnel(3), { shareBuffer: true });
      expect(c.buffer).not.toBe(moved);
      expect(c.buffer.byteLength).toBe(65536);
      expect(c.byteOffset).toBe(0);
      expect(toHex(c)).toBe(toHex(encodeStack(tunnel(3))));
      // Transferring an owned copy leaves the slab alone.
      const d = encodeStack(tunnel(4), { shareBuffer: true });
      const copy = c.slice();
      structuredClone(copy.buffer, { transfer: [copy.buffer] });
      expect(toHex(c)).toBe(toHex(encodeStack(tunnel(3))));
      expect(toHex(d)).toBe(toHex(encodeStack(tunnel(4))));
    }
  });
});
