/** Test helpers: run `main` in-process with captured streams, and write small captures. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { main } from '@wirestack/cli';
import type { LayerObject } from '@wirestack/core';
import { writePcap } from '@wirestack/pcap';
import { encodeStack } from '@wirestack/stack';

/** What a run printed and returned. */
export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Options of {@link run}. */
export interface RunOptions {
  stdin?: string | Uint8Array;
  env?: Record<string, string | undefined>;
  stdoutTTY?: boolean;
  stderrTTY?: boolean;
}

function sink(tty: boolean): { stream: PassThrough & { isTTY?: boolean; columns?: number }; text: () => string } {
  const stream = new PassThrough() as PassThrough & { isTTY?: boolean; columns?: number };
  if (tty) {
    stream.isTTY = true;
    stream.columns = 100;
  }
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

/** Runs `wirestack ARGS...` in-process. */
export async function run(args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const out = sink(opts.stdoutTTY ?? false);
  const err = sink(opts.stderrTTY ?? false);
  const stdin = Readable.from(
    opts.stdin === undefined ? [] : [typeof opts.stdin === 'string' ? Buffer.from(opts.stdin) : Buffer.from(opts.stdin)],
  );
  const code = await main(['node', 'wirestack', ...args], { stdout: out.stream, stderr: err.stream, stdin, env: opts.env ?? {} });
  await new Promise((r) => setImmediate(r));
  return { code, stdout: out.text(), stderr: err.text() };
}

/** A fresh temporary directory. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'wirestack-cli-'));
}

/** Writes a pcap of these packets (each a layer list, encoded with encodeStack) and returns its path. */
export function writePackets(dir: string, name: string, packets: readonly (readonly LayerObject[])[], nanosecond = false): string {
  const path = join(dir, name);
  const records = packets.map((layers, i) => ({
    timestampNs: 1_700_000_000_000_000_000n + BigInt(i) * 1_234_567n,
    data: encodeStack(layers),
  }));
  writeFileSync(path, writePcap(records, { nanosecond }));
  return path;
}

/** A VXLAN packet: Ethernet / IPv4 / UDP / VXLAN / Ethernet / IPv4 / UDP / payload. */
export function vxlanPacket(vni = 42, payload = '68656c6c6f'): LayerObject[] {
  return [
    { layer: 'ethernet', dst: '02:00:00:00:00:02', src: '02:00:00:00:00:01' },
    { layer: 'ipv4', src: '10.0.0.1', dst: '10.0.0.2' },
    { layer: 'udp', srcPort: 1234 },
    { layer: 'vxlan', vni },
    { layer: 'ethernet', dst: '02:00:00:00:00:04', src: '02:00:00:00:00:03' },
    { layer: 'ipv4', src: '192.168.0.1', dst: '192.168.0.2' },
    { layer: 'udp', srcPort: 5000, dstPort: 53 },
    { layer: 'raw', data: payload },
  ];
}

/** Lines of text without the trailing empty one. */
export function lines(s: string): string[] {
  const l = s.split('\n');
  if (l[l.length - 1] === '') l.pop();
  return l;
}
