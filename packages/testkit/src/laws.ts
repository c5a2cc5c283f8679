import { test } from '@fast-check/vitest';
import { DecodeError, type LayerCodec, type LayerBase } from '@wirestack/core';
import fc from 'fast-check';
import { describe, expect } from 'vitest';

/** Options of {@link testCodec}. */
export interface CodecLawOptions<H extends LayerBase> {
  /** Runs per property (default 300). */
  numRuns?: number;
  /** Runs of the arbitrary-bytes property (default 2000). */
  bytesRuns?: number;
  /** Longest arbitrary byte string (default 96). */
  maxBytes?: number;
  /** A zero-copy view: the test checks that each of its getters named in `viewFields` equals the decoded field. */
  view?: (buf: Uint8Array, offset: number) => Record<string, unknown>;
  viewFields?: readonly (keyof H & string)[];
  /** Seed bytes (real headers) to mutate in the arbitrary-bytes property. */
  seeds?: readonly Uint8Array[];
}

/** Throws unless `e` is a `DecodeError` (a `TypeError`/`RangeError` fails the property). */
export function expectDecodeError(e: unknown): asserts e is DecodeError {
  if (!(e instanceof DecodeError)) throw e;
}

/** Fails when any number anywhere in `v` is NaN or not finite. */
export function expectNoNaN(v: unknown, path = '$'): void {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`non-finite number at ${path}: ${v}`);
  } else if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) expectNoNaN(v[i], `${path}[${i}]`);
  } else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) expectNoNaN(x, `${path}.${k}`);
  else if (v === undefined) throw new Error(`undefined at ${path}`);
}

/**
 * The codec laws, for every header `arb` produces:
 * 1. `decode(encode(h))` deep-equals `h`;
 * 2. bytes written === `encodingLength(h)` === `headerLength(decoded)`;
 * 3. encoding at an offset inside a larger buffer leaves every other byte alone, and decodes back;
 * 4. every prefix shorter than the header throws `DecodeError` with code `truncated`;
 * 5. arbitrary bytes decode (with no NaN/undefined field) or throw `DecodeError`, never anything else;
 * 6. view getters agree with the decoded object.
 */
export function testCodec<H extends LayerBase>(codec: LayerCodec<H>, arb: fc.Arbitrary<H>, opts: CodecLawOptions<H> = {}): void {
  const numRuns = opts.numRuns ?? 300;
  describe(`${codec.id} codec laws`, () => {
    test.prop([arb], { numRuns })('decode(encode(h)) equals h; written length equals encodingLength', (h) => {
      const n = codec.encodingLength(h);
      const buf = new Uint8Array(n);
      const written = codec.encode(h, buf, 0);
      expect(written).toBe(n);
      const back = codec.decode(buf, 0, buf.length);
      expect(back).toEqual(h);
      expect(codec.headerLength(back)).toBe(n);
    });

    test.prop([arb, fc.nat(16), fc.nat(16), fc.integer({ min: 0, max: 255 })], { numRuns })(
      'encoding at an offset leaves other bytes alone',
      (h, before, after, fill) => {
        const n = codec.encodingLength(h);
        const buf = new Uint8Array(before + n + after).fill(fill);
        codec.encode(h, buf, before);
        for (let i = 0; i < before; i++) expect(buf[i]).toBe(fill);
        for (let i = before + n; i < buf.length; i++) expect(buf[i]).toBe(fill);
        expect(codec.decode(buf, before, before + n)).toEqual(h);
      },
    );

    test.prop([arb], { numRuns: Math.max(20, numRuns >> 2) })('every truncation throws DecodeError truncated', (h) => {
      const n = codec.encodingLength(h);
      const buf = new Uint8Array(n);
      codec.encode(h, buf, 0);
      for (let len = 0; len < n; len++) {
        let err: unknown;
        try {
          codec.decode(buf.subarray(0, len), 0, len);
        } catch (e) {
          err = e;
        }
        expect(err, `prefix of ${len}/${n} bytes`).toBeInstanceOf(DecodeError);
        expect((err as DecodeError).code).toBe('truncated');
      }
    });

    const bytesArb = opts.seeds?.length
      ? fc.oneof(
          fc.uint8Array({ maxLength: opts.maxBytes ?? 96 }),
          fc
            .tuple(fc.constantFrom(...opts.seeds), fc.array(fc.tuple(fc.nat(), fc.nat(255)), { maxLength: 8 }), fc.nat())
            .map(([seed, flips, cut]) => {
              const b = seed.slice();
              for (const [i, v] of flips) if (b.length) b[i % b.length] = v;
              return b.subarray(0, b.length ? cut % (b.length + 1) : 0);
            }),
        )
      : fc.uint8Array({ maxLength: opts.maxBytes ?? 96 });
    test.prop([bytesArb, fc.nat(4)], { numRuns: opts.bytesRuns ?? 2000 })('arbitrary bytes decode or throw DecodeError', (bytes, off) => {
      const offset = Math.min(off, bytes.length);
      try {
        const h = codec.decode(bytes, offset, bytes.length);
        expectNoNaN(h);
        const len = codec.headerLength(h);
        expect(len).toBeGreaterThanOrEqual(codec.minLength);
        expect(offset + len).toBeLessThanOrEqual(bytes.length);
      } catch (e) {
        expectDecodeError(e);
      }
    });

    if (opts.view && opts.viewFields?.length) {
      const view = opts.view;
      const fields = opts.viewFields;
      test.prop([arb, fc.nat(8)], { numRuns })('view getters agree with decode', (h, off) => {
        const n = codec.encodingLength(h);
        const buf = new Uint8Array(off + n);
        codec.encode(h, buf, off);
        const v = view(buf, off);
        const d = codec.decode(buf, off, buf.length);
        for (const f of fields) expect(v[f], f).toEqual(d[f]);
      });
    }
  });
}
