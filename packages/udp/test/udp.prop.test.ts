import { arbUdpHeader } from '@wirestack/arbitraries';
import { UdpView, udp } from '@wirestack/udp';
import { hex, testCodec } from '@wirestack/testkit';

testCodec(udp, arbUdpHeader(), {
  // UDP headers from Scapy 2.5.0 (see udp.vectors.test.ts).
  seeds: [hex('04d2162e00188acc68656c6c6f'), hex('04d20035000d75916162636465')],
  view: (b, o) => {
    const v = new UdpView(b, o);
    return { srcPort: v.srcPort, dstPort: v.dstPort, length: v.length, checksum: v.checksum };
  },
  viewFields: ['srcPort', 'dstPort', 'length', 'checksum'],
});
