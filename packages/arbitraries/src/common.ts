/** Building blocks: MAC and IP address text, hex strings, unsigned fields. */
import fc from 'fast-check';

const HEX2 = (n: number) => n.toString(16).padStart(2, '0');

/** An unsigned integer of `bits` bits. */
export const arbUint = (bits: number): fc.Arbitrary<number> => fc.integer({ min: 0, max: 2 ** bits - 1 });

/** A MAC address in the contract's lower-case colon form. */
export const arbMac = (): fc.Arbitrary<string> => fc.uint8Array({ minLength: 6, maxLength: 6 }).map((b) => Array.from(b, HEX2).join(':'));

/** An IPv4 address as a dotted quad. */
export const arbIpv4Address = (): fc.Arbitrary<string> => fc.uint8Array({ minLength: 4, maxLength: 4 }).map((b) => b.join('.'));

/** Lower-case hex of `minBytes..maxBytes` random bytes. */
export const arbHex = (minBytes = 0, maxBytes = 32): fc.Arbitrary<string> =>
  fc.uint8Array({ minLength: minBytes, maxLength: maxBytes }).map((b) => Array.from(b, HEX2).join(''));

/** Lower-case hex of a byte count that is a multiple of `unit`. */
export const arbHexMultiple = (unit: number, maxUnits: number): fc.Arbitrary<string> =>
  fc.nat(maxUnits).chain((k) => arbHex(k * unit, k * unit));
