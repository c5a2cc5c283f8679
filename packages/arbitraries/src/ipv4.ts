import fc from 'fast-check';
import { arbHexMultiple, arbIpv4Address, arbUint } from './common.js';

/**
 * Any valid IPv4 header (RFC 791 §3.1) with every field set: version 4, `ihl` matching the options
 * (0..40 bytes, a multiple of 4), and the extra `reservedFlag` present (as `true`) on some headers only.
 */
export const arbIpv4Header = () =>
  fc
    .record({
      options: arbHexMultiple(4, 10),
      dscp: arbUint(6),
      ecn: arbUint(2),
      totalLength: arbUint(16),
      identification: arbUint(16),
      reservedFlag: fc.boolean(),
      dontFragment: fc.boolean(),
      moreFragments: fc.boolean(),
      fragmentOffset: arbUint(13),
      ttl: arbUint(8),
      protocol: arbUint(8),
      checksum: arbUint(16),
      src: arbIpv4Address(),
      dst: arbIpv4Address(),
    })
    .map((r) => {
      const h = {
        layer: 'ipv4' as const,
        version: 4,
        ihl: 5 + r.options.length / 8,
        dscp: r.dscp,
        ecn: r.ecn,
        totalLength: r.totalLength,
        identification: r.identification,
        dontFragment: r.dontFragment,
        moreFragments: r.moreFragments,
        fragmentOffset: r.fragmentOffset,
        ttl: r.ttl,
        protocol: r.protocol,
        checksum: r.checksum,
        src: r.src,
        dst: r.dst,
        options: r.options,
      };
      return r.reservedFlag ? { ...h, reservedFlag: true as const } : (h as typeof h & { reservedFlag?: true });
    });
