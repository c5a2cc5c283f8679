import fc from 'fast-check';
import { arbMac, arbUint } from './common.js';

/** Any Ethernet II header (every field set). */
export const arbEthernetHeader = () =>
  fc.record({ layer: fc.constant('ethernet' as const), dst: arbMac(), src: arbMac(), etherType: arbUint(16) });

/** Any VLAN tag (every field set). */
export const arbVlanHeader = () =>
  fc.record({ layer: fc.constant('vlan' as const), pcp: arbUint(3), dei: arbUint(1), vid: arbUint(12), etherType: arbUint(16) });
