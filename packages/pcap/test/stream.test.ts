/** Streaming equals sync on every corpus file, whatever the chunk boundaries; gzip both ways. */
import { readFileSync } from 'node:fs';
import { corpusAvailable, corpusFiles } from '@wirestack/testkit';
import fc from 'fast-check';
import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { chunked, outcomeSummary, readAllStream, readAllSync } from './helpers.js';

const have = corpusAvailable();
const files = have ? [...corpusFiles('real'), ...corpusFiles('kernel')] : [];
const load = (p: string) => new Uint8Array(readFileSync(p));

describe.skipIf(!have)('streaming equals sync on the corpus', () => {
  for (const f of files) {
    it(f.name, async () => {
      const bytes = load(f.path);
      const expected = outcomeSummary(readAllSync(bytes));
      for (const size of [1, 7, 4096]) expect(outcomeSummary(await readAllStream(chunked(bytes, [size])))).toEqual(expected);
      // A Web ReadableStream source.
      const web = new ReadableStream<Uint8Array>({
        start(c) {
          for (let o = 0; o < bytes.length; o += 1000) c.enqueue(bytes.slice(o, o + 1000));
          c.close();
        },
      });
      expect(outcomeSummary(await readAllStream(web))).toEqual(expected);
      // gzip-compressed, sync and streamed.
      const gz = gzipSync(bytes);
      const gzSync = readAllSync(gz);
      expect(outcomeSummary(gzSync)).toEqual(expected);
      expect(outcomeSummary(await readAllStream(chunked(gz, [5, 300, 1])))).toEqual(expected);
    });
  }

  it('random chunk boundaries (fast-check)', async () => {
    const inputs = files.map((f) => load(f.path));
    const expected = inputs.map((b) => outcomeSummary(readAllSync(b)));
    await fc.assert(
      fc.asyncProperty(
        fc.nat(inputs.length - 1),
        fc.array(fc.integer({ min: 1, max: 3000 }), { minLength: 1, maxLength: 20 }),
        async (i, sizes) => {
          const got = outcomeSummary(await readAllStream(chunked(inputs[i] as Uint8Array, sizes)));
          expect(got).toEqual(expected[i]);
        },
      ),
      { numRuns: 200 },
    );
  });
});
