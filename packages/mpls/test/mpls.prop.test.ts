import { arbMplsCwHeader, arbMplsHeader } from '@wirestack/arbitraries';
import { MplsCwView, MplsView, mpls, mplsCw } from '@wirestack/mpls';
import { hex, testCodec } from '@wirestack/testkit';

testCodec(mpls, arbMplsHeader(), {
  view: (b, o) => {
    const v = new MplsView(b, o);
    return { label: v.label, tc: v.tc, bottomOfStack: v.bottomOfStack, ttl: v.ttl };
  },
  viewFields: ['label', 'tc', 'bottomOfStack', 'ttl'],
  seeds: [hex('00064b40'), hex('fffffeff')],
});
testCodec(mplsCw, arbMplsCwHeader(), {
  view: (b, o) => {
    const v = new MplsCwView(b, o);
    return { flags: v.flags, fragment: v.fragment, length: v.length, sequence: v.sequence };
  },
  viewFields: ['flags', 'fragment', 'length', 'sequence'],
  seeds: [hex('0000002a'), hex('0fff ffff')],
});
