import fc from 'fast-check';
import { arbUint } from './common.js';

const nonZero = (bits: number) => fc.option(fc.integer({ min: 1, max: 2 ** bits - 1 }), { nil: undefined });

/** Any canonical VXLAN header (RFC 7348): reserved fields only when non-zero. */
export const arbVxlanHeader = () =>
  fc.record({ flags: arbUint(8), vni: arbUint(24), reserved1: nonZero(24), reserved2: nonZero(8) }).map((r) => ({
    layer: 'vxlan' as const,
    flags: r.flags,
    vni: r.vni,
    ...(r.reserved1 !== undefined ? { reserved1: r.reserved1 } : {}),
    ...(r.reserved2 !== undefined ? { reserved2: r.reserved2 } : {}),
  }));

/** Any canonical VXLAN-GPE header (draft-ietf-nvo3-vxlan-gpe): reserved fields only when non-zero. */
export const arbVxlanGpeHeader = () =>
  fc.record({ flags: arbUint(8), nextProtocol: arbUint(8), vni: arbUint(24), reserved1: nonZero(16), reserved2: nonZero(8) }).map((r) => ({
    layer: 'vxlan-gpe' as const,
    flags: r.flags,
    nextProtocol: r.nextProtocol,
    vni: r.vni,
    ...(r.reserved1 !== undefined ? { reserved1: r.reserved1 } : {}),
    ...(r.reserved2 !== undefined ? { reserved2: r.reserved2 } : {}),
  }));
