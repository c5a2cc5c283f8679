import fc from 'fast-check';
import { arbUint } from './common.js';

/** An optional non-zero value: absent, or in 1..2^bits-1 (how the GRE/VXLAN/Geneve codecs keep reserved bits). */
const nonZero = (bits: number) => fc.option(fc.integer({ min: 1, max: 2 ** bits - 1 }), { nil: undefined });

/**
 * Any canonical GRE header (RFC 2784/2890 version 0, RFC 2637 version 1), as `decodeGre` returns it:
 * optional fields only when their flag is set, extras only when non-zero, no RFC 1701 routing.
 */
export const arbGreHeader = () =>
  fc
    .record({
      version: fc.constantFrom(0, 1),
      protocolType: arbUint(16),
      checksum: fc.option(arbUint(16), { nil: undefined }),
      key: fc.option(arbUint(32), { nil: undefined }),
      sequence: fc.option(arbUint(32), { nil: undefined }),
      acknowledgment: fc.option(arbUint(32), { nil: undefined }),
      strictSourceRoute: fc.boolean(),
      recursionControl: nonZero(3),
      flags5: nonZero(5),
      flags4: nonZero(4),
      reserved1: nonZero(16),
    })
    .map((r) => {
      const v1 = r.version === 1;
      return {
        layer: 'gre' as const,
        checksumPresent: r.checksum !== undefined,
        keyPresent: r.key !== undefined,
        sequencePresent: r.sequence !== undefined,
        version: r.version,
        protocolType: r.protocolType,
        ...(r.checksum !== undefined ? { checksum: r.checksum } : {}),
        ...(r.key !== undefined ? { key: r.key } : {}),
        ...(r.sequence !== undefined ? { sequence: r.sequence } : {}),
        ...(r.strictSourceRoute ? { strictSourceRoute: true } : {}),
        ...(r.recursionControl !== undefined ? { recursionControl: r.recursionControl } : {}),
        ...(v1 ? { acknowledgmentPresent: r.acknowledgment !== undefined } : {}),
        ...((v1 ? r.flags4 : r.flags5) !== undefined ? { flags: (v1 ? r.flags4 : r.flags5) as number } : {}),
        ...(r.checksum !== undefined && r.reserved1 !== undefined ? { reserved1: r.reserved1 } : {}),
        ...(v1 && r.acknowledgment !== undefined ? { acknowledgment: r.acknowledgment } : {}),
      };
    });
