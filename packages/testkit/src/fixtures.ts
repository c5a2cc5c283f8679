/** Paths to `fixtures/` and `../shared/corpus/`, and readers for both. Node-only (tests). */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
/** `fixtures/` at the repository root. */
export const FIXTURES = join(REPO_ROOT, 'fixtures');
/** `../shared/corpus` beside the repository (CI has it; a bare clone may not). */
export const CORPUS = process.env.WIRESTACK_CORPUS ?? resolve(REPO_ROOT, '../shared/corpus');

/** Whether the shared corpus is present; when not, prints a visible note once and returns false. */
let warned = false;
export function corpusAvailable(): boolean {
  const ok = existsSync(join(CORPUS, 'MANIFEST.md'));
  if (!ok && !warned) {
    warned = true;
    console.warn(`\n[wirestack] SKIPPING corpus tests: ${CORPUS} is absent (it lives in ../shared/corpus beside the repo)\n`);
  }
  return ok;
}

/** Reads a file under `fixtures/`. */
export function readFixture(...parts: string[]): Uint8Array {
  return new Uint8Array(readFileSync(join(FIXTURES, ...parts)));
}

/** Reads and parses a JSON file under `fixtures/`. */
export function readFixtureJson<T = unknown>(...parts: string[]): T {
  return JSON.parse(readFileSync(join(FIXTURES, ...parts), 'utf8')) as T;
}

/** Every capture file in a corpus folder (`real` or `kernel`), with its tshark reference path. */
export function corpusFiles(folder = 'real'): Array<{ name: string; path: string; tsharkPath: string }> {
  const dir = join(CORPUS, folder);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /\.(pcap|pcapng)$/.test(f))
    .sort()
    .map((name) => ({ name, path: join(dir, name), tsharkPath: join(dir, `${name}.tshark.json`) }));
}

/** Parses hex text into bytes (test helper). */
export function hex(s: string): Uint8Array {
  const clean = s.replace(/[^0-9a-fA-F]/g, '');
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(clean.substr(i * 2, 2), 16);
  return out;
}
