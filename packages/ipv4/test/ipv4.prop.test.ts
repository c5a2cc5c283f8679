import { arbIpv4Header } from '@wirestack/arbitraries';
import { Ipv4View, ipv4 } from '@wirestack/ipv4';
import { hex, testCodec } from '@wirestack/testkit';

// Real headers (from Scapy 2.5.0, see ipv4.vectors.test.ts) to mutate in the arbitrary-bytes law.
const seeds = [
  hex('4500002c1234400040113c56c0000201c633640204d2162e00188acc68656c6c6f2077697265737461636b21'),
  hex('4600001c00010000010210d90a0000010a0000029404000011223344'),
  hex('45b900170001a0644000c5c60a0000010a00000278797a'),
];

testCodec(ipv4, arbIpv4Header(), {
  seeds,
  view: (b, o) => {
    const v = new Ipv4View(b, o);
    return {
      version: v.version,
      ihl: v.ihl,
      dscp: v.dscp,
      ecn: v.ecn,
      totalLength: v.totalLength,
      identification: v.identification,
      dontFragment: v.dontFragment,
      moreFragments: v.moreFragments,
      fragmentOffset: v.fragmentOffset,
      ttl: v.ttl,
      protocol: v.protocol,
      checksum: v.checksum,
      src: v.src,
      dst: v.dst,
      options: v.options,
      reservedFlag: v.reservedFlag ? true : undefined,
    };
  },
  viewFields: [
    'version',
    'ihl',
    'dscp',
    'ecn',
    'totalLength',
    'identification',
    'dontFragment',
    'moreFragments',
    'fragmentOffset',
    'ttl',
    'protocol',
    'checksum',
    'src',
    'dst',
    'options',
    'reservedFlag',
  ],
});
