/** Arbitraries for IPv6 (RFC 8200) headers and addresses. */
import fc from 'fast-check';
import { arbHex, arbUint } from './common.js';

/** RFC 5952 §4 text of 8 16-bit groups (an independent formatter, so tests cross-check the codec's). */
function rfc5952(groups: readonly number[]): string {
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

/** An IPv6 address as RFC 5952 text, biased towards zero runs (compression), IPv4-mapped and link-local forms. */
export const arbIpv6Address = (): fc.Arbitrary<string> =>
  fc
    .oneof(
      fc.array(fc.oneof(fc.constant(0), fc.constant(0), arbUint(16), arbUint(4)), { minLength: 8, maxLength: 8 }),
      fc.tuple(arbUint(16), arbUint(16)).map(([a, b]) => [0, 0, 0, 0, 0, 0xffff, a, b]),
      fc.tuple(arbUint(16), arbUint(16)).map(([a, b]) => [0xfe80, 0, 0, 0, 0, 0, a, b]),
    )
    .map(rfc5952);

/** Any valid IPv6 fixed header (version 6; every field set). */
export const arbIpv6Header = () =>
  fc.record({
    layer: fc.constant('ipv6' as const),
    version: fc.constant(6),
    trafficClass: arbUint(8),
    flowLabel: arbUint(20),
    payloadLength: arbUint(16),
    nextHeader: arbUint(8),
    hopLimit: arbUint(8),
    src: arbIpv6Address(),
    dst: arbIpv6Address(),
  });

/** Options hex whose length + 2 is a multiple of 8 (0..47 units of 8 bytes, so headers up to 384 bytes). */
const arbOptionsHex = () => fc.nat(47).chain((k) => arbHex(6 + 8 * k, 6 + 8 * k));

/** Any Hop-by-Hop Options header (RFC 8200 §4.3). */
export const arbIpv6HopByHopHeader = () =>
  fc.record({ layer: fc.constant('ipv6-hop-by-hop' as const), nextHeader: arbUint(8), options: arbOptionsHex() });

/** Any Destination Options header (RFC 8200 §4.6). */
export const arbIpv6DestinationOptionsHeader = () =>
  fc.record({ layer: fc.constant('ipv6-destination-options' as const), nextHeader: arbUint(8), options: arbOptionsHex() });

/** Any Routing header (RFC 8200 §4.4): data of 4 + 8k bytes. */
export const arbIpv6RoutingHeader = () =>
  fc.record({
    layer: fc.constant('ipv6-routing' as const),
    nextHeader: arbUint(8),
    routingType: arbUint(8),
    segmentsLeft: arbUint(8),
    data: fc.nat(31).chain((k) => arbHex(4 + 8 * k, 4 + 8 * k)),
  });

/** Any Fragment header (RFC 8200 §4.5); `reserved` / `res` appear only when not zero, as decoding writes them. */
export const arbIpv6FragmentHeader = () =>
  fc
    .record({
      nextHeader: arbUint(8),
      fragmentOffset: arbUint(13),
      moreFragments: fc.boolean(),
      identification: arbUint(32),
      reserved: fc.oneof(fc.constant(0), arbUint(8)),
      res: fc.oneof(fc.constant(0), arbUint(2)),
    })
    .map(({ reserved, res, ...rest }) => ({
      layer: 'ipv6-fragment' as const,
      ...rest,
      ...(reserved !== 0 ? { reserved } : {}),
      ...(res !== 0 ? { res } : {}),
    }));
