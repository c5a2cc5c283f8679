/** Arbitraries for capture pseudo-headers: Linux cooked capture (SLL, SLL2) and BSD null/loopback. */
import fc from 'fast-check';
import { arbHex, arbUint } from './common.js';

/** Any LINKTYPE_LINUX_SLL header (every field set; the address field is always 8 bytes). */
export const arbLinuxSllHeader = () =>
  fc.record({
    layer: fc.constant('linux-sll' as const),
    packetType: fc.oneof(arbUint(3), arbUint(16)),
    arphrdType: fc.oneof(fc.constantFrom(1, 512, 772, 778, 824, 0xfffe), arbUint(16)),
    addressLength: fc.oneof(fc.constantFrom(0, 6, 8), arbUint(16)),
    address: arbHex(8, 8),
    protocol: fc.oneof(fc.constantFrom(0x0800, 0x86dd, 0x0806, 0x0001, 0x0004), arbUint(16)),
  });

/** Any LINKTYPE_LINUX_SLL2 header. */
export const arbLinuxSll2Header = () =>
  fc.record({
    layer: fc.constant('linux-sll2' as const),
    protocol: fc.oneof(fc.constantFrom(0x0800, 0x86dd, 0x0806), arbUint(16)),
    reserved: fc.oneof(fc.constant(0), arbUint(16)),
    interfaceIndex: arbUint(32),
    arphrdType: fc.oneof(fc.constantFrom(1, 772, 824), arbUint(16)),
    packetType: arbUint(8),
    addressLength: fc.oneof(fc.constantFrom(0, 6), arbUint(8)),
    address: arbHex(8, 8),
  });

const KNOWN_FAMILIES = new Set([2, 10, 24, 28, 30]);

/**
 * Any NULL/LOOP header as decoding reports it: 4 bytes read in whichever order yields a known family,
 * else the order giving a value below 0x10000 (little first), else little-endian.
 */
export const arbNullHeader = () =>
  fc
    .tuple(fc.oneof(fc.constantFrom(2, 10, 24, 28, 30), arbUint(16), arbUint(32)), fc.constantFrom('little' as const, 'big' as const))
    .map(([v, order]) => {
      const b = [v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
      if (order === 'little') b.reverse();
      const le = (b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)) >>> 0;
      const be = ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
      const pick = KNOWN_FAMILIES.has(le)
        ? { family: le, byteOrder: 'little' as const }
        : KNOWN_FAMILIES.has(be)
          ? { family: be, byteOrder: 'big' as const }
          : le < 0x10000
            ? { family: le, byteOrder: 'little' as const }
            : be < 0x10000
              ? { family: be, byteOrder: 'big' as const }
              : { family: le, byteOrder: 'little' as const };
      return { layer: 'null' as const, ...pick };
    });
