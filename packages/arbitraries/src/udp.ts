import fc from 'fast-check';
import { arbUint } from './common.js';

/** Any UDP header (RFC 768) with every field set. */
export const arbUdpHeader = () =>
  fc.record({ layer: fc.constant('udp' as const), srcPort: arbUint(16), dstPort: arbUint(16), length: arbUint(16), checksum: arbUint(16) });
