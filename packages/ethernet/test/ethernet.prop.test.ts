import { arbEthernetHeader, arbVlanHeader } from '@wirestack/arbitraries';
import { EthernetView, ethernet, VlanView, vlan } from '@wirestack/ethernet';
import { testCodec } from '@wirestack/testkit';

testCodec(ethernet, arbEthernetHeader(), {
  view: (b, o) => {
    const v = new EthernetView(b, o);
    return { dst: v.dst, src: v.src, etherType: v.etherType };
  },
  viewFields: ['dst', 'src', 'etherType'],
});
testCodec(vlan, arbVlanHeader(), {
  view: (b, o) => {
    const v = new VlanView(b, o);
    return { pcp: v.pcp, dei: v.dei, vid: v.vid, etherType: v.etherType };
  },
  viewFields: ['pcp', 'dei', 'vid', 'etherType'],
});
