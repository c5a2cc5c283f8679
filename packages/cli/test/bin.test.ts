/**
 * The built executable (dist/bin.js) as a real process: pipes closed early (EPIPE), and terminal output
 * under a pseudo-terminal (util-linux `script`). Skipped, visibly, when dist/ has not been built.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writePcap } from '@wirestack/pcap';
import { encodeStack } from '@wirestack/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir, vxlanPacket } from './helpers.js';

const BIN = resolve(dirname(fileURLToPath(import.meta.url)), '../dist/bin.js');
const built = existsSync(BIN);
if (!built) console.warn(`\n[wirestack] SKIPPING executable tests: ${BIN} is missing (run the build first)\n`);
const hasScript = spawnSync('script', ['--version']).status === 0;
if (built && !hasScript) console.warn('\n[wirestack] SKIPPING pseudo-terminal tests: util-linux `script` is not installed\n');

let dir: string | undefined;
let big: string;
let small: string;

beforeAll(() => {
  if (!built) return;
  dir = tempDir();
  const data = encodeStack(vxlanPacket(42));
  const recs = Array.from({ length: 200_000 }, (_, i) => ({ timestampNs: BigInt(i) * 1000n, data }));
  big = join(dir, 'big.pcap');
  writeFileSync(big, writePcap(recs));
  small = join(dir, 'small.pcap');
  writeFileSync(small, writePcap(recs.slice(0, 3)));
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function sh(s: string): string {
  return `'${s.replace(/'/g, "'\\''")}'`;
}

describe.skipIf(!built)('dist/bin.js', () => {
  it('runs, with a shebang', () => {
    const r = spawnSync(process.execPath, [BIN, 'decode', small], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n')).toHaveLength(4);
    const r2 = spawnSync(process.execPath, [BIN, 'decode', join(small, 'nope')], { encoding: 'utf8' });
    expect(r2.status).toBe(1);
    expect(r2.stderr.trim().split('\n')).toHaveLength(1);
    const r3 = spawnSync(process.execPath, [BIN, 'decode', '--nope'], { encoding: 'utf8' });
    expect(r3.status).toBe(2);
  });

  it('ends quietly with status 0 when the reader of its pipe goes away (| head)', async () => {
    const child = spawn(process.execPath, [BIN, 'decode', big], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    await new Promise<void>((res) => child.stdout.once('data', () => res()));
    child.stdout.destroy();
    const code = await new Promise<number | null>((res) => child.on('exit', (c) => res(c)));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it.skipIf(!hasScript)('show colours layers under a terminal', () => {
    const r = spawnSync('script', ['-qfec', `${sh(process.execPath)} ${sh(BIN)} show ${sh(small)}`, '/dev/null'], { encoding: 'utf8' });
    expect(r.stdout).toContain('\x1b[36m');
    expect(r.stdout).toContain('Layers:');
    const plain = spawnSync(process.execPath, [BIN, 'show', small], { encoding: 'utf8' });
    expect(plain.stdout).not.toContain('\x1b[');
  });

  it.skipIf(!hasScript)('decode draws a progress bar on a terminal stderr, and clears it', () => {
    const r = spawnSync('script', ['-qfec', `${sh(process.execPath)} ${sh(BIN)} decode ${sh(big)} > /dev/null`, '/dev/null'], {
      encoding: 'utf8',
    });
    expect(r.stdout).toMatch(/\rbig\.pcap .*%.*pkts.*pkt\/s/);
    expect(r.stdout).toContain('\r\x1b[K');
    const piped = spawnSync(process.execPath, [BIN, 'decode', big], { encoding: 'utf8', maxBuffer: 1 << 28 });
    expect(piped.stderr).toBe('');
  });
});
