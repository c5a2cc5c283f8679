import fc from 'fast-check';
import { arbHex, arbUint } from './common.js';

/** ICMP types with an identifier and a sequence number (RFC 792, RFC 950). */
const ICMP_ID_SEQ = new Set([0, 8, 13, 14, 15, 16, 17, 18]);
/** ICMPv6 echo types (RFC 4443 §4). */
const ICMPV6_ID_SEQ = new Set([128, 129]);

const arbMessage = <L extends 'icmp' | 'icmpv6'>(layer: L, idSeq: ReadonlySet<number>) =>
  fc
    .record({
      type: fc.oneof(fc.constantFrom(...idSeq), arbUint(8)),
      code: arbUint(8),
      checksum: arbUint(16),
      identifier: arbUint(16),
      sequence: arbUint(16),
      rest: arbHex(4, 4),
    })
    .map(({ type, code, checksum, identifier, sequence, rest }) =>
      idSeq.has(type) ? { layer, type, code, checksum, identifier, sequence } : { layer, type, code, checksum, rest },
    );

/** Any canonical ICMP header (RFC 792): identifier/sequence for echo-like types, `rest` for every other type. */
export const arbIcmpHeader = () => arbMessage('icmp', ICMP_ID_SEQ);

/** Any canonical ICMPv6 header (RFC 4443): identifier/sequence for echo, `rest` for every other type. */
export const arbIcmpv6Header = () => arbMessage('icmpv6', ICMPV6_ID_SEQ);
