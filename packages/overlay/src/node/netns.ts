/// <reference types="node" />
/**
 * UDP sockets bound inside another Linux network namespace.
 *
 * A Node process cannot enter a network namespace (there is no setns(2) binding), but a socket keeps the
 * namespace it was created in. So a short-lived child, started with `ip netns exec NS node -e ...`, binds
 * the socket inside NS and hands it to this process over Node's IPC channel (file-descriptor passing, the
 * `sendHandle` of `subprocess.send`), then exits. The socket we get back sends and receives in NS while
 * all the VTEP logic stays in this process.
 */
import { spawn } from 'node:child_process';
import type { Socket } from 'node:dgram';

/** Options of {@link bindUdpInNetns}. */
export interface BindUdpInNetnsOptions {
  /** Name of the namespace (as `ip netns list` shows it). */
  netns: string;
  /** Local address to bind, e.g. `127.0.0.1`. */
  address: string;
  /** Local UDP port (0: the kernel picks one). */
  port: number;
  /** `udp4` (default) or `udp6`. */
  type?: 'udp4' | 'udp6';
  /** The `ip` binary (default `ip`, looked up in PATH). */
  ipCommand?: string;
  /** Give up after this many milliseconds (default 10 000). */
  timeoutMs?: number;
}

/** Child program: bind, send the socket to the parent, exit. Runs as CommonJS under `node -e`. */
const CHILD = `
const dgram = require('node:dgram');
const [type, address, port] = process.argv.slice(1);
const s = dgram.createSocket(type);
s.on('error', (e) => { process.send({ error: String(e && e.message || e) }, () => process.exit(1)); });
s.bind(Number(port), address, () => {
  process.send({ bound: s.address() }, s, (err) => {
    if (err) process.exit(1);
    s.close();
    process.disconnect();
  });
});
`;

/**
 * Binds a UDP socket at `address:port` inside network namespace `netns` and returns it (requires the
 * privileges `ip netns exec` needs, normally root). Rejects with the child's error text when the bind or
 * the namespace fails.
 */
export function bindUdpInNetns(opts: BindUdpInNetnsOptions): Promise<Socket> {
  const type = opts.type ?? 'udp4';
  const timeoutMs = opts.timeoutMs ?? 10_000;
  return new Promise<Socket>((resolve, reject) => {
    const child = spawn(
      opts.ipCommand ?? 'ip',
      ['netns', 'exec', opts.netns, process.execPath, '-e', CHILD, type, opts.address, String(opts.port)],
      { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] },
    );
    let stderr = '';
    let settled = false;
    const done = (err: Error | undefined, socket?: Socket): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) {
        if (child.exitCode === null) child.kill();
        reject(err);
      } else resolve(socket!);
    };
    const timer = setTimeout(
      () => done(new Error(`bindUdpInNetns: no socket from namespace ${opts.netns} after ${timeoutMs} ms`)),
      timeoutMs,
    );
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (d: string) => {
      stderr += d;
    });
    child.on('error', (e) => done(new Error(`bindUdpInNetns: cannot run ${opts.ipCommand ?? 'ip'}: ${e.message}`)));
    child.on('message', (msg: { error?: string; bound?: unknown }, handle: unknown) => {
      if (msg?.error) done(new Error(`bindUdpInNetns: bind ${opts.address}:${opts.port} in ${opts.netns}: ${msg.error}`));
      else if (handle) done(undefined, handle as Socket);
    });
    child.on('exit', (code) => {
      // Also fires after success (the child exits once the socket is sent; `done` ignores a second call).
      // A passed handle may still be in flight when the exit is seen, so the failure waits a moment.
      setTimeout(
        () => done(new Error(`bindUdpInNetns: child exited with ${code} before sending a socket: ${stderr.trim() || '(no message)'}`)),
        500,
      ).unref();
    });
  });
}
