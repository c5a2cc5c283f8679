import { arbIcmpHeader, arbIcmpv6Header } from '@wirestack/arbitraries';
import { IcmpView, Icmpv6View, icmp, icmpv6 } from '@wirestack/icmp';
import { hex, testCodec } from '@wirestack/testkit';

const viewOf = (v: IcmpView | Icmpv6View, idSeq: boolean) => ({
  type: v.type,
  code: v.code,
  checksum: v.checksum,
  identifier: idSeq ? v.identifier : undefined,
  sequence: idSeq ? v.sequence : undefined,
  rest: idSeq ? undefined : v.rest,
});
const ID_SEQ = new Set([0, 8, 13, 14, 15, 16, 17, 18]);

testCodec(icmp, arbIcmpHeader(), {
  view: (b, o) => {
    const v = new IcmpView(b, o);
    return viewOf(v, ID_SEQ.has(v.type));
  },
  viewFields: ['type', 'code', 'checksum', 'identifier', 'sequence', 'rest'],
  seeds: [hex('08004cf51f4a8bc0'), hex('0303fc00000005dc')],
});
testCodec(icmpv6, arbIcmpv6Header(), {
  view: (b, o) => {
    const v = new Icmpv6View(b, o);
    return viewOf(v, v.type === 128 || v.type === 129);
  },
  viewFields: ['type', 'code', 'checksum', 'identifier', 'sequence', 'rest'],
  seeds: [hex('80001234abcd0001'), hex('0200000000000500')],
});
