import { arbGreHeader } from '@wirestack/arbitraries';
import { GreView, gre } from '@wirestack/gre';
import { hex, testCodec } from '@wirestack/testkit';

const FIELDS = [
  'checksumPresent',
  'keyPresent',
  'sequencePresent',
  'version',
  'protocolType',
  'checksum',
  'key',
  'sequence',
  'acknowledgmentPresent',
  'acknowledgment',
] as const;

testCodec(gre, arbGreHeader(), {
  view: (b, o) => {
    const v = new GreView(b, o);
    const out: Record<string, unknown> = {};
    for (const f of FIELDS) out[f] = v[f];
    // The view reports acknowledgmentPresent for every version; the object only in version 1.
    if (v.version !== 1) out.acknowledgmentPresent = undefined;
    return out;
  },
  viewFields: [...FIELDS],
  seeds: [hex('300065580000123400000007'), hex('80000800b338000061626364'), hex('3081880b002012340000000500000004'), hex('0d8886dd')],
});
