/**
 * The codec laws in a real browser: the playground's laws.html runs fast-check round-trip, offset,
 * truncation and arbitrary-bytes laws for every codec of the default registry, the capture reader laws on
 * the fixture captures and the stack laws, and publishes the results. Here we assert that every law ran
 * and passed, that the number of laws is what the registry implies, and that what the browser read from
 * each fixture matches tshark's reading of it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { allCodecs } from '@wirestack/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LawReport } from '../src/laws/main.js';
import { browserSkipReason, DIST, launch, REPO, serve } from './browser.js';

const skip = browserSkipReason('codec laws');
/** Laws per codec, and the fixed number of pcap and stack laws (see src/laws/laws.ts). */
const PER_CODEC = 4;
const PCAP_LAWS = 5;
const STACK_LAWS = 3;
const SEED = Number(process.env.WIRESTACK_FC_SEED || 0) || (Math.random() * 2 ** 31) | 0;

interface Frame {
  'frame.time_epoch': string;
  'frame.len': string;
  'frame.cap_len': string;
}

function tsharkNs(epoch: string): string {
  const [sec, frac = ''] = epoch.split('.');
  return (BigInt(sec!) * 1_000_000_000n + BigInt(frac.padEnd(9, '0').slice(0, 9) || '0')).toString();
}

describe.skipIf(skip !== undefined)('codec laws in Chromium', () => {
  let report: LawReport;
  let close: () => Promise<void> = async () => undefined;

  beforeAll(async () => {
    const server = await serve(DIST);
    const browser = await launch();
    close = async () => {
      await browser.close();
      await server.close();
    };
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${server.url}laws.html?seed=${SEED}`);
    await page.waitForSelector('body[data-state="done"], body[data-state="error"]', { timeout: 170_000 });
    const r = await page.evaluate(() => window.__wirestackLaws);
    if (!r?.done) throw new Error(`the law page failed: ${r && 'error' in r ? r.error : 'no report'} ${errors.join('\n')}`);
    report = r;
  }, 180_000);

  afterAll(async () => {
    await close();
  });

  it('ran every law, and every law passed', () => {
    const failed = report.results.filter((r) => !r.ok).map((r) => `${r.suite}: ${r.law}: ${r.error}\n  counterexample ${r.counterexample}`);
    expect(failed, `seed ${report.seed}`).toEqual([]);
    const codecs = allCodecs().filter((c) => c.id !== 'raw' && c.id !== 'padding');
    expect(report.results.length).toBe(codecs.length * PER_CODEC + PCAP_LAWS + STACK_LAWS);
    for (const c of codecs) expect(report.results.filter((r) => r.suite === `codec ${c.id}`).length, c.id).toBe(PER_CODEC);
    for (const r of report.results) expect(r.runs, `${r.suite}: ${r.law}`).toBeGreaterThan(0);
    console.info(
      `[wirestack] ${report.results.length} laws passed in ${report.userAgent.match(/Chrome\/[\d.]+/)?.[0] ?? 'the browser'} in ${report.ms} ms ` +
        `(${report.results.reduce((n, r) => n + r.runs, 0)} runs, seed ${report.seed})`,
    );
  });

  it('read each fixture capture as tshark did', () => {
    const names = Object.keys(report.fixtures);
    expect(names.length).toBe(13);
    for (const name of names) {
      const got = report.fixtures[name]!;
      const frames = (
        JSON.parse(readFileSync(join(REPO, 'fixtures/captures', `${name}.tshark.json`), 'utf8')) as {
          _source: { layers: { frame: Frame } };
        }[]
      ).map((p) => p._source.layers.frame);
      if (name.includes('modpcap')) {
        // The modified-pcap magic (Kuznetzov's patched libpcap) is refused as unsupported; tshark reads it.
        expect(got.error, name).toMatch(/^unsupported/);
        continue;
      }
      expect(got.error, name).toBeUndefined();
      expect(got.records, name).toBe(frames.length);
      expect(got.capturedLengths, name).toEqual(frames.map((f) => Number(f['frame.cap_len'])));
      expect(got.originalLengths, name).toEqual(frames.map((f) => Number(f['frame.len'])));
      expect(got.timestampsNs, name).toEqual(frames.map((f) => tsharkNs(f['frame.time_epoch'])));
    }
  });
});
