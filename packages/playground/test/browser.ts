/**
 * Browser test plumbing: Debian's Chromium driven by playwright-core (no browser download), the built
 * playground served by a tiny static server on 127.0.0.1, and a visible skip when either is missing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium } from 'playwright-core';

export const REPO = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
export const DIST = join(REPO, 'packages/playground/dist');
export const CLI = join(REPO, 'packages/cli/dist/bin.js');
export const CHROMIUM = process.env.WIRESTACK_CHROMIUM ?? '/usr/bin/chromium';

/** The flags the browser runs with: headless, no sandbox (root in CI), nothing that talks to the network. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-quic',
  '--disable-dev-shm-usage',
];

/**
 * Why the browser suites cannot run here, or undefined when they can. Prints the reason once, visibly:
 * CI builds before testing and installs Chromium (scripts/ci-browser.sh), so there they run.
 */
export function browserSkipReason(suite: string, needCli = false): string | undefined {
  let why: string | undefined;
  if (!existsSync(CHROMIUM)) why = `${CHROMIUM} is absent (run scripts/ci-browser.sh or apt-get install chromium)`;
  else if (!existsSync(join(DIST, 'index.html')) || !existsSync(join(DIST, 'laws.html')))
    why = 'packages/playground/dist is missing (run pnpm run build)';
  else if (needCli && !existsSync(CLI)) why = 'packages/cli/dist/bin.js is missing (run pnpm run build)';
  if (why) console.warn(`\n[wirestack] SKIPPING browser tests (${suite}): ${why}\n`);
  return why;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** Serves `root` on 127.0.0.1 at a random port. */
export async function serve(root: string): Promise<{ url: string; close: () => Promise<void> }> {
  const base = resolve(root);
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    let file = normalize(join(base, path));
    if (file !== base && !file.startsWith(base + sep)) {
      res.writeHead(403).end();
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file)) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    res.end(readFileSync(file));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}

/** Chromium with a fresh profile directory (removed on close). */
export async function launch(
  opts: { width?: number; height?: number } = {},
): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'wirestack-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: opts.width ?? 1360, height: opts.height ?? 860 },
    deviceScaleFactor: 1,
    acceptDownloads: true,
  });
  return {
    context,
    close: async () => {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Runs the built CLI; returns stdout as bytes. */
export function cli(args: string[]): Buffer {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: REPO, maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`wirestack ${args.join(' ')} exited ${r.status}: ${r.stderr.toString()}`);
  return r.stdout;
}
