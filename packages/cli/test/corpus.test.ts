/**
 * Every real-capture corpus file through the command line: decode exits 0 or 1 (1 only for broken
 * containers, with one line and no stack trace), and `decode --json | build --json - --hex` gives back
 * every packet's bytes.
 */
import { readFileSync } from 'node:fs';
import { toHex } from '@wirestack/core';
import { readCapture } from '@wirestack/pcap';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { corpusAvailable, corpusFiles, FIXTURES } from '@wirestack/testkit';
import { describe, expect, it } from 'vitest';
import { lines, run } from './helpers.js';

const CAPTURES = join(FIXTURES, 'captures');
const fixtureFiles = readdirSync(CAPTURES)
  .filter((f) => /\.(pcap|pcapng)$/.test(f))
  .sort()
  .map((name) => ({ name: `fixtures/captures/${name}`, path: join(CAPTURES, name) }));
const files = [...fixtureFiles, ...(corpusAvailable() ? corpusFiles('real') : [])];

/** Packets as the reader sees them (stopping at a broken container). */
function packetsOf(path: string): string[] {
  const out: string[] = [];
  try {
    for (const rec of readCapture(new Uint8Array(readFileSync(path)))) out.push(toHex(rec.data));
  } catch {
    // broken container: the complete records before the break are what decode prints
  }
  return out;
}

describe('fixtures/captures/vxlan.pcap', () => {
  it('decodes to the VXLAN stack', async () => {
    const r = await run(['decode', join(CAPTURES, 'vxlan.pcap')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/ \/ udp \d+ → 4789 \/ vxlan vni \d+ \/ ethernet /);
  });
});

describe.skipIf(files.length === 0)('fixtures and corpus', () => {
  it.each(files.map((f) => [f.name, f.path]))('%s: decode, decode --json, round trip through build', async (_name, path) => {
    const summary = await run(['decode', path]);
    expect([0, 1]).toContain(summary.code);
    const json = await run(['decode', '--json', path]);
    expect(json.code).toBe(summary.code);
    for (const r of [summary, json]) {
      if (r.code === 1) {
        expect(lines(r.stderr)).toHaveLength(1);
        expect(r.stderr).toMatch(/^wirestack: .+: at offset \d+: /);
      } else expect(r.stderr).toBe('');
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.stderr).not.toContain('internal error');
    }
    const want = packetsOf(path);
    const recs = lines(json.stdout);
    expect(recs).toHaveLength(want.length);
    expect(lines(summary.stdout)).toHaveLength(want.length);
    const built = await run(['build', '--json', '-', '--hex'], { stdin: json.stdout });
    expect(built.stderr).toBe('');
    expect(built.code).toBe(0);
    const got = lines(built.stdout);
    const bad: string[] = [];
    want.forEach((hex, i) => {
      if (got[i] !== hex) bad.push(`packet ${i + 1}`);
    });
    expect(bad).toEqual([]);
    const stats = await run(['stats', '--json', path]);
    expect(stats.code).toBe(summary.code);
    expect(JSON.parse(stats.stdout).packets).toBe(want.length);
  });
});
