/** Issue #3: any stack from the grammar, up to 16 layers deep, survives decode(encode(stack)). */
import { test } from '@fast-check/vitest';
import { arbStack } from '@wirestack/arbitraries';
import { toHex } from '@wirestack/core';
import { decodeStack, defaultRegistry, encodeStack } from '@wirestack/stack';
import { describe, expect } from 'vitest';

const registry = defaultRegistry();
const RUNS = Number(process.env.WIRESTACK_GRAMMAR_RUNS ?? 1500);

describe('the stack grammar', () => {
  test.prop([arbStack({ maxLayers: 16 })], { numRuns: RUNS })(
    'decode(encode(stack)) gives every given field back, and re-encoding gives the same bytes',
    ({ first, layers }) => {
      const bytes = encodeStack(layers, { registry });
      const pkt = decodeStack(bytes, { first, registry });
      expect(pkt.issues).toEqual([]);
      expect(pkt.layers.map((l) => l.layer)).toEqual(layers.map((l) => l.layer));
      layers.forEach((given, i) => {
        for (const [k, v] of Object.entries(given)) expect(pkt.layers[i]![k], `${i}:${given.layer}.${k}`).toEqual(v);
      });
      expect(toHex(encodeStack(pkt.layers, { registry, trailer: pkt.trailer }))).toBe(toHex(bytes));
    },
  );

  test.prop([arbStack({ maxLayers: 16, inconsistent: true })], { numRuns: RUNS })(
    'deliberately inconsistent stacks encode as given, decode without throwing, and re-encode losslessly',
    ({ first, layers }) => {
      let bytes: Uint8Array;
      try {
        bytes = encodeStack(layers, { registry });
      } catch (e) {
        // Random derived values can be unencodable (a checksum on a GRE header without the flag, ...): typed errors only.
        expect((e as Error).name).toBe('EncodeError');
        return;
      }
      const pkt = decodeStack(bytes, { first, registry });
      expect(toHex(encodeStack(pkt.layers, { registry, trailer: pkt.trailer }))).toBe(toHex(bytes));
    },
  );
});
