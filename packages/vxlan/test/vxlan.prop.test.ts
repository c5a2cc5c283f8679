import { arbVxlanGpeHeader, arbVxlanHeader } from '@wirestack/arbitraries';
import { hex, testCodec } from '@wirestack/testkit';
import { VxlanGpeView, VxlanView, vxlan, vxlanGpe } from '@wirestack/vxlan';

const opt = (v: number) => (v === 0 ? undefined : v);

testCodec(vxlan, arbVxlanHeader(), {
  view: (b, o) => {
    const v = new VxlanView(b, o);
    return { flags: v.flags, vni: v.vni, reserved1: opt(v.reserved1), reserved2: opt(v.reserved2) };
  },
  viewFields: ['flags', 'vni', 'reserved1', 'reserved2'],
  seeds: [hex('0800000000002a00'), hex('8800000012345699')],
});
testCodec(vxlanGpe, arbVxlanGpeHeader(), {
  view: (b, o) => {
    const v = new VxlanGpeView(b, o);
    return { flags: v.flags, nextProtocol: v.nextProtocol, vni: v.vni, reserved1: opt(v.reserved1), reserved2: opt(v.reserved2) };
  },
  viewFields: ['flags', 'nextProtocol', 'vni', 'reserved1', 'reserved2'],
  seeds: [hex('0c00000312345600')],
});
