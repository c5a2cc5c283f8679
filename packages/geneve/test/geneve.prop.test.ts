import { arbGeneveHeader } from '@wirestack/arbitraries';
import { GeneveView, geneve } from '@wirestack/geneve';
import { hex, testCodec } from '@wirestack/testkit';

testCodec(geneve, arbGeneveHeader(), {
  view: (b, o) => {
    const v = new GeneveView(b, o);
    return {
      version: v.version,
      optionsLength: v.optionsLength,
      oam: v.oam,
      critical: v.critical,
      protocolType: v.protocolType,
      vni: v.vni,
    };
  },
  viewFields: ['version', 'optionsLength', 'oam', 'critical', 'protocolType', 'vni'],
  seeds: [hex('00006558abcdef00'), hex('03c00800000102000102800101020304ffff0100')],
  maxBytes: 160,
});
