/** `ipv4ChecksumValid` (its straight-line path for 20-byte headers) against the RFC 1071 sum one word at a time. */
import { test } from '@fast-check/vitest';
import { ipv4Checksum, ipv4ChecksumValid } from '@wirestack/ipv4';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

/** True when the words of `b[o, o + 4 × ihl)` fold to 0xffff, summed one at a time. */
function refValid(b: Uint8Array, o: number, ihl: number): boolean {
  let s = 0;
  for (let i = o; i < o + ihl * 4; i += 2) {
    s += (b[i]! << 8) | b[i + 1]!;
    s = (s & 0xffff) + (s >>> 16);
  }
  return s === 0xffff;
}

describe('ipv4ChecksumValid', () => {
  test.prop([fc.uint8Array({ minLength: 80, maxLength: 80 }), fc.integer({ min: 5, max: 15 }), fc.nat(19), fc.boolean()])(
    'equals the reference for any bytes, ihl and offset, with and without a correct checksum',
    (b, ihl, o, fix) => {
      if (fix) {
        const c = ipv4Checksum(b, o, ihl);
        b[o + 10] = c >>> 8;
        b[o + 11] = c & 0xff;
      }
      expect(ipv4ChecksumValid(b, o, ihl)).toBe(refValid(b, o, ihl));
      if (fix) expect(ipv4ChecksumValid(b, o, ihl)).toBe(true);
    },
  );
  it('treats an all-zero header as invalid and an all-ones one as valid (one’s complement zero)', () => {
    expect(ipv4ChecksumValid(new Uint8Array(20), 0, 5)).toBe(false);
    expect(ipv4ChecksumValid(new Uint8Array(20).fill(0xff), 0, 5)).toBe(true);
  });
  it('is false when the header is cut short', () => {
    expect(ipv4ChecksumValid(new Uint8Array(19).fill(0xff), 0, 5)).toBe(false);
  });
});
