/**
 * Files are read into a small pool of reused buffers (packages/pcap `CaptureFileSource`); standard input is
 * not. A capture several buffers long, with records that straddle buffers and records bigger than a whole
 * buffer, must print exactly the same from a file as from stdin, in every mode: the commands never keep a
 * record's bytes past the next record.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCapture, writePcap, writePcapng } from '@wirestack/pcap';
import { FIXTURES } from '@wirestack/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { run, tempDir } from './helpers.js';

const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Records of the bundled captures, cycled to ~6 MiB, with a few records of 250 KiB (the most a reader accepts is 256 KiB), so many straddle two buffers. */
function records(): { timestampNs: bigint; data: Uint8Array }[] {
  const frames: Uint8Array[] = [];
  for (const name of ['vxlan.pcap', 'tunnels.pcap', 'tcpdump-lo.pcap', 'scapy-wrpcapng.pcapng']) {
    try {
      for (const r of readCapture(readFileSync(join(FIXTURES, 'captures', name)))) frames.push(r.data.slice());
    } catch {
      // A fixture that is not there does not matter: the others make the file.
    }
  }
  expect(frames.length).toBeGreaterThan(4);
  const out: { timestampNs: bigint; data: Uint8Array }[] = [];
  let size = 0;
  for (let i = 0; size < 6 << 20; i++) {
    let data = frames[i % frames.length]!;
    if (i % 97 === 50) {
      // A frame followed by 250 KiB of trailer bytes that vary, so a stale buffer would show.
      const big = new Uint8Array(250 * 1024);
      big.set(data);
      for (let k = data.length; k < big.length; k++) big[k] = (k * 31 + i) & 0xff;
      data = big;
    }
    out.push({ timestampNs: 1_700_000_000_000_000_000n + BigInt(i) * 1_000_003n, data });
    size += data.length + 32;
  }
  return out;
}

const recs = records();
const files = {
  pcap: (() => {
    const p = join(dir, 'big.pcap');
    writeFileSync(p, writePcap(recs, { nanosecond: true, snapLength: 1 << 20 }));
    return p;
  })(),
  pcapng: (() => {
    const p = join(dir, 'big.pcapng');
    writeFileSync(p, writePcapng({ interfaces: [{ linkType: 1, snapLength: 1 << 20 }], records: recs }));
    return p;
  })(),
};

describe('reading files through reused buffers prints what reading stdin prints', () => {
  for (const [format, path] of Object.entries(files)) {
    for (const args of [['decode'], ['decode', '--json'], ['decode', '--no-verify-checksums'], ['stats']]) {
      it(`${format}: ${args.join(' ')}`, { timeout: 120_000 }, async () => {
        const fromFile = await run([...args, path]);
        const fromStdin = await run([...args, '-'], { stdin: readFileSync(path) });
        expect(fromFile.code).toBe(0);
        expect(fromFile.stderr).toBe('');
        expect(fromStdin.code).toBe(0);
        expect(fromFile.stdout.length).toBeGreaterThan(1000);
        // Compared as whole texts: equal lengths first, so a failure says something short.
        expect(fromFile.stdout.length).toBe(fromStdin.stdout.length);
        expect(fromFile.stdout === fromStdin.stdout).toBe(true);
      });
    }
  }
});
