/** The fast paths of `toHex` and `sumWords` against plain references, at every length and alignment they split on. */
import { test } from '@fast-check/vitest';
import { foldChecksum, sumWords, toHex } from '@wirestack/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

/** Two digits per byte, one byte at a time. */
function naiveHex(b: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let i = start; i < end; i++) s += b[i]!.toString(16).padStart(2, '0');
  return s;
}

/** The 16-bit big-endian words one at a time, an odd last byte padded with zero, never folded. */
function naiveSum(b: Uint8Array, start: number, end: number, acc: number): number {
  let s = acc;
  for (let i = start; i < end; i += 2) s += (b[i]! << 8) | (i + 1 < end ? b[i + 1]! : 0);
  return s;
}

/** Deterministic pseudo-random bytes. */
function bytes(n: number, seed: number): Uint8Array {
  const b = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    b[i] = x & 0xff;
  }
  return b;
}

describe('toHex', () => {
  it('equals the naive hex for every length 0..300 at offsets 0..3', () => {
    const b = bytes(310, 7);
    for (let start = 0; start < 4; start++)
      for (let n = 0; n <= 300; n++) expect(toHex(b, start, start + n)).toBe(naiveHex(b, start, start + n));
  });
  it('writes every byte value in every position of a 16-byte block', () => {
    for (let pos = 0; pos < 16; pos++)
      for (let v = 0; v < 256; v++) {
        const b = new Uint8Array(48).fill(0xa5);
        b[pos] = v;
        b[pos + 16] = 255 - v;
        expect(toHex(b, 0, 16)).toBe(naiveHex(b, 0, 16));
        expect(toHex(b)).toBe(naiveHex(b, 0, 48));
      }
  });
  test.prop([fc.uint8Array({ maxLength: 300 }), fc.nat(300), fc.nat(300)])('equals the naive hex on random ranges', (b, x, y) => {
    const start = Math.min(x, b.length);
    const end = Math.max(start, Math.min(y, b.length));
    expect(toHex(b, start, end)).toBe(naiveHex(b, start, end));
  });
  it('reads a view at its own offset', () => {
    const all = bytes(100, 3);
    const v = all.subarray(5, 5 + 32);
    expect(toHex(v)).toBe(naiveHex(all, 5, 37));
  });
});

describe('foldChecksum', () => {
  /** The end-around-carry fold by arithmetic alone: 0 stays 0, any other sum lands in 1..0xffff, congruent mod 0xffff. */
  const byModulo = (s: number): number => (s === 0 ? 0 : ((s - 1) % 0xffff) + 1);
  it('folds the edges of 16, 32 and 53 bits', () => {
    for (const s of [0, 1, 0xfffe, 0xffff, 0x10000, 0x1fffe, 0xffffffff, 2 ** 32, 2 ** 32 + 1, 2 ** 48 - 1, Number.MAX_SAFE_INTEGER])
      expect(foldChecksum(s), `0x${s.toString(16)}`).toBe(byModulo(s));
  });
  test.prop([fc.oneof(fc.nat(), fc.integer({ min: 0, max: 0xffffffff }), fc.maxSafeNat())])('equals the fold by modulo', (s) => {
    expect(foldChecksum(s)).toBe(byModulo(s));
  });
});

describe('sumWords', () => {
  it('equals the naive sum for every length 0..300 at every alignment (short and long paths)', () => {
    const b = bytes(310, 11);
    for (let start = 0; start < 8; start++)
      for (let n = 0; n + start <= 308 && n <= 300; n++) {
        const end = start + n;
        const s = sumWords(b, start, end, 5);
        const ref = naiveSum(b, start, end, 5);
        // Long ranges add 32-bit words, congruent modulo 0xffff: equal once folded; short ones are equal outright.
        if (n < 128) expect(s).toBe(ref);
        expect(foldChecksum(s)).toBe(foldChecksum(ref));
      }
  });
  test.prop([fc.uint8Array({ maxLength: 300 }), fc.nat(300), fc.nat(300), fc.nat(0xfffff)])(
    'equals the naive sum on random ranges, once folded',
    (b, x, y, acc) => {
      const start = Math.min(x, b.length);
      const end = Math.max(start, Math.min(y, b.length));
      const s = sumWords(b, start, end, acc);
      const ref = naiveSum(b, start, end, acc);
      if (end - start < 128) expect(s).toBe(ref);
      expect(foldChecksum(s)).toBe(foldChecksum(ref));
    },
  );
  it('sums all-ones bytes without losing precision', () => {
    const b = new Uint8Array(127).fill(0xff);
    for (let n = 0; n <= 127; n++) expect(sumWords(b, 0, n)).toBe(naiveSum(b, 0, n, 0));
  });
});
