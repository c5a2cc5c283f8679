import fc from 'fast-check';
import { arbUint } from './common.js';

/** Any MPLS label stack entry (RFC 3032 §2.1, every field set). */
export const arbMplsHeader = () =>
  fc.record({ layer: fc.constant('mpls' as const), label: arbUint(20), tc: arbUint(3), bottomOfStack: fc.boolean(), ttl: arbUint(8) });

/** Any pseudowire control word (RFC 4385 §3, every field set). */
export const arbMplsCwHeader = () =>
  fc.record({ layer: fc.constant('mpls-cw' as const), flags: arbUint(4), fragment: arbUint(2), length: arbUint(6), sequence: arbUint(16) });
