import { hex, testCodec } from '@wirestack/testkit';
import { EspView, esp } from '@wirestack/esp';
import { arbEspHeader } from './arbitraries.js';

testCodec(esp, arbEspHeader(), {
  view: (b, o) => {
    const v = new EspView(b, o);
    return { spi: v.spi, sequence: v.sequence };
  },
  viewFields: ['spi', 'sequence'],
  seeds: [hex('c37f86f6c465f804635c7a4fec1c7771'), hex('0000123400000005')],
});
