/**
 * The playground page in a real browser: open fixtures/captures/vxlan.pcap through the file picker, check
 * the packet list against `wirestack decode`, the layer tree, the field ↔ byte highlighting, and build
 * packets from expressions, comparing bytes and the downloaded pcap with `wirestack build`.
 * `WIRESTACK_SCREENSHOT=1` also writes docs/playground.png.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCapture } from '@wirestack/pcap';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSkipReason, cli, DIST, launch, REPO, serve } from './browser.js';

const skip = browserSkipReason('playground page', true);
const VXLAN = join(REPO, 'fixtures/captures/vxlan.pcap');

describe.skipIf(skip !== undefined)('the playground page in Chromium', () => {
  let server: Awaited<ReturnType<typeof serve>>;
  let browser: Awaited<ReturnType<typeof launch>>;
  let context: BrowserContext;
  let page: Page;
  const errors: string[] = [];
  let tmp: string;

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'wirestack-page-'));
    server = await serve(DIST);
    browser = await launch();
    context = browser.context;
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(server.url);
    await page.setInputFiles('#file', VXLAN);
    await page.waitForSelector('body[data-state="done"]', { timeout: 20_000 });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  /** Every row of the virtualised list, scrolling through it. */
  async function allRows(): Promise<string[]> {
    return page.evaluate(async () => {
      const list = document.querySelector<HTMLElement>('#list')!;
      const rows = new Map<number, string>();
      const count = Number(document.body.dataset.packets);
      for (let top = 0; ; top += list.clientHeight / 2) {
        list.scrollTop = top;
        await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
        for (const row of Array.from(list.querySelectorAll<HTMLElement>('.row:not([hidden])'))) {
          const cells = Array.from(row.querySelectorAll('span')).map((s) => s.textContent);
          rows.set(Number(row.dataset.i), cells.join(' '));
        }
        if (rows.size >= count || top > list.scrollHeight) break;
      }
      list.scrollTop = 0;
      return [...rows.entries()].sort((a, b) => a[0] - b[0]).map(([, l]) => l);
    });
  }

  const litBytes = () => page.$$eval('#packet .hb span.hl', (els) => els.map((e) => Number((e as HTMLElement).dataset.b)));
  const litRows = () => page.$$eval('#packet .hl[data-f]', (els) => els.map((e) => (e as HTMLElement).dataset.f));

  it('lists every packet with the summary line `wirestack decode` prints', async () => {
    const expected = cli(['decode', VXLAN]).toString().trimEnd().split('\n');
    expect(await page.getAttribute('body', 'data-packets')).toBe(String(expected.length));
    expect(expected.length).toBe(12);
    expect(await allRows()).toEqual(expected);
    await expect(page.textContent('#status')).resolves.toMatch(/vxlan\.pcap \(pcap\): 12 packets/);
  });

  it('shows the layer tree of the selected packet, inner layers and fields', async () => {
    await page.click('#list .row[data-i="6"]');
    await page.waitForFunction(() => document.querySelector('#packet .pv-head')?.textContent?.startsWith('Packet 7 '));
    const layers = await page.$$eval('#packet .layer-head b', (els) => els.map((e) => e.textContent));
    expect(layers).toEqual(['ethernet', 'ipv4', 'udp', 'vxlan', 'ethernet', 'ipv4', 'udp', 'raw']);
    const val = (id: string) => page.textContent(`#packet [data-f="${id}"] .fval`);
    expect(await val('3:vni')).toBe('42');
    expect(await val('1:dst')).toBe('192.0.2.2');
    expect(await val('2:dstPort')).toBe('4789');
    expect(await val('5:src')).toBe('10.0.0.10');
    expect(await val('6:dstPort')).toBe('5000');
    expect(await val('0:etherType')).toBe('0x0800 (IPv4)');
    expect(await page.textContent('#packet .pv-head')).toContain('link type 1');
  });

  it('hovering a field lights its bytes; hovering a byte lights its field', async () => {
    await page.click('#list .row[data-i="6"]');
    // Bytes read independently of the page: the packet as the capture holds it.
    const data = [...readCapture(new Uint8Array(readFileSync(VXLAN)))][6]!.data;
    const hex = (bytes: number[]) => bytes.map((b) => data[b]!.toString(16).padStart(2, '0')).join('');

    await page.hover('#packet [data-f="3:vni"]');
    expect(await litBytes()).toEqual([46, 47, 48]); // ethernet 14 + ipv4 20 + udp 8 + vxlan's 4 flag/reserved bytes
    expect(hex([46, 47, 48])).toBe('00002a');
    expect(await page.$$eval('#packet .hb span.hl', (els) => els.map((e) => e.textContent).join(''))).toBe('00002a');

    await page.hover('#packet [data-f="5:src"]');
    expect(await litBytes()).toEqual([76, 77, 78, 79]); // inner IPv4 at 64, src at +12
    expect(hex([76, 77, 78, 79])).toBe('0a00000a');

    await page.hover('#packet [data-f="L2"]');
    expect(await litBytes()).toEqual([34, 35, 36, 37, 38, 39, 40, 41]);

    await page.hover('#packet .hb [data-b="47"]');
    expect(await litRows()).toEqual(expect.arrayContaining(['3:vni', 'L3']));
    expect(await litBytes()).toEqual([46, 47, 48]);

    await page.hover('#packet .hb [data-b="14"]');
    expect(await litRows()).toEqual(expect.arrayContaining(['1:version', '1:ihl', 'L1']));
    expect(await litBytes()).toEqual([14]);

    await page.hover('#packet .asc [data-b="2"]');
    expect(await litRows()).toEqual(expect.arrayContaining(['0:dst']));
    expect(await litBytes()).toEqual([0, 1, 2, 3, 4, 5]);
  });

  const EXPRESSIONS = [
    'ethernet(dst=02:00:00:00:00:02)/ipv4(src=198.18.0.1,dst=198.18.0.2)/udp(srcPort=49152)/vxlan(vni=42)/ethernet/ipv4/udp(dstPort=5000)/raw(data=68656c6c6f)',
    'ethernet/vlan(vid=100)/ipv6(src=2001:db8::1,dst=2001:db8::2)/gre(key=5)/ipv4/udp/raw(data=00)',
    'ethernet/mpls(label=16)/mpls(label=17)/ipv4(ttl=3)/udp(dstPort=53)',
    'ethernet/ipv4/udp/geneve(vni=7,options=[{"class":1,"type":2,"data":"00000001"}])/ethernet/ipv6/raw(data=abcd)',
    'ipv4(dst=198.18.0.9)/udp/raw(data=0102030405)',
  ];

  it('builds each expression to the bytes and the pcap `wirestack build` writes', async () => {
    await page.click('[data-tab="build"]');
    for (const [n, expr] of EXPRESSIONS.entries()) {
      await page.fill('#expr', expr);
      await page.press('#expr', 'Enter');
      const hexCli = cli(['build', expr]).toString().trim();
      await page.waitForFunction((h) => document.querySelector('#build-hex')?.textContent === h, hexCli, { timeout: 5000 });
      expect(await page.isHidden('#build-error')).toBe(true);

      const out = join(tmp, `cli-${n}.pcap`);
      cli(['build', expr, '-o', out]);
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
      const saved = join(tmp, `page-${n}.pcap`);
      await download.saveAs(saved);
      expect(readFileSync(saved).equals(readFileSync(out)), `${expr}: downloaded pcap equals the CLI's`).toBe(true);
    }
    // The tree of the last build: what was built, decoded.
    expect(await page.$$eval('#built .layer-head b', (els) => els.map((e) => e.textContent))).toEqual(['ipv4', 'udp', 'raw']);
    expect(await page.textContent('#built [data-f="0:dst"] .fval')).toBe('198.18.0.9');
  });

  it("shows the parser's message for a bad expression", async () => {
    await page.click('[data-tab="build"]');
    await page.fill('#expr', 'ethernet/bogus');
    await page.press('#expr', 'Enter');
    await page.waitForSelector('#build-error:not([hidden])');
    expect(await page.textContent('#build-error')).toContain("unknown layer 'bogus'");
    await page.fill('#expr', 'ethernet/ipv4/udp/vxlan(vni=16777216)');
    await page.press('#expr', 'Enter');
    await page.waitForFunction(() => /vni/.test(document.querySelector('#build-error')?.textContent ?? ''));
  });

  it('raised no page errors', () => {
    expect(errors).toEqual([]);
  });

  it.runIf(process.env.WIRESTACK_SCREENSHOT === '1')('writes docs/playground.png', async () => {
    await page.setViewportSize({ width: 1360, height: 1000 });
    await page.click('[data-tab="capture"]');
    await page.click('#list .row[data-i="6"]');
    // Fold the outer Ethernet, IPv4 and UDP headers and the inner IPv4, pin the VNI, leave the mouse aside.
    for (const i of [0, 1, 2, 5]) await page.click(`#packet .layer[data-layer="${i}"] .chev`);
    await page.click('#packet [data-f="3:vni"]');
    await page.mouse.move(1350, 990);
    await page.waitForTimeout(100);
    expect(await litBytes()).toEqual([46, 47, 48]);
    await page.screenshot({ path: join(REPO, 'docs/playground.png') });
  });
});
