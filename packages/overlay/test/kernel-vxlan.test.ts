/**
 * Issue #7, the real peer: our user-space VTEP (`src/node/`) against the Linux kernel's own VXLAN driver.
 *
 * Recipe (this kernel has vxlan and bridge devices but no veth/dummy, and iproute2 6.1 cannot clear the
 * driver's local bypass; see fixtures/kernel/mkvxlan.py):
 *   namespace U (loopback only) owns the kernel device's UDP socket, 127.0.0.1:4789;
 *   the device vx0 (VNI 42, local 127.0.0.1, learning off, localbypass off) is moved to namespace A,
 *   gets 198.19.42.1/24 and the FDB entry `00:00:00:00:00:00 dst 127.0.0.1 port 5789`;
 *   our VTEP's socket is bound in U at 127.0.0.1:5789 (by a child run with `ip netns exec`, which passes
 *   the socket back over IPC, so the VTEP itself runs in this test process), flooding VNI 42 to
 *   127.0.0.1:4789, with a virtual host 198.19.42.2 attached.
 * Then `ip netns exec A ping 198.19.42.2` must be answered by the virtual host (ARP and ICMP echo), the
 * virtual host's own ping of 198.19.42.1 must be answered by the kernel, and every frame the kernel sent
 * must decode with wirestack as tshark decodes it, field for field. The lo traffic in U is captured with
 * dumpcap too, so the kernel's outer IPv4/UDP headers are checked as well.
 *
 * Needs root, iproute2, iputils-ping, python3-pyroute2, tshark (scripts/ci-network.sh installs them);
 * skips with a visible message otherwise. The last block runs the same VTEP code between two user-space
 * peers on loopback, which needs none of that.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { foldChecksum, type LayerObject, toHex } from '@wirestack/core';
import { parseIpv4U32 } from '@wirestack/ipv4';
import { readCapture, writePcap } from '@wirestack/pcap';
import { type DecodedPacket, decodeStack, defaultRegistry, encodeStack, type Issue } from '@wirestack/stack';
import { REPO_ROOT } from '@wirestack/testkit';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { bytesHex, fieldChecks, find, mapPacket, num, type TsharkPacket, type TsObj } from '../../stack/test/tshark-map.js';
import { bindUdpInNetns, type DatagramRecord, type PingReply, UdpVtep, VirtualHost } from '../src/node/index.js';

const U = `ws-u-${process.pid}`;
const A = `ws-a-${process.pid}`;
const VNI = 42;
const KERNEL_IP = '198.19.42.1';
const HOST_IP = '198.19.42.2';
const HOST_MAC = '02:00:c6:13:2a:02';
const KERNEL_PORT = 4789;
const VTEP_PORT = 5789;
const PYTHON = '/usr/bin/python3';
const MKVXLAN = join(REPO_ROOT, 'fixtures/kernel/mkvxlan.py');

function run(cmd: string, args: string[], timeout = 15_000): { ok: boolean; out: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout });
  return { ok: r.status === 0, out: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}`.trim() };
}

const has = (cmd: string, args: string[]): boolean => run(cmd, args).ok;

/** Why the test cannot run here (checked before touching anything), or undefined. */
function staticSkipReason(): string | undefined {
  if (process.platform !== 'linux') return 'not Linux';
  if (process.getuid?.() !== 0) return 'not running as root (network namespaces need CAP_SYS_ADMIN)';
  if (!has('ip', ['-V'])) return 'iproute2 (`ip`) is not installed';
  if (!has('bridge', ['-V'])) return 'iproute2 `bridge` is not installed';
  if (!has('ping', ['-V'])) return 'iputils-ping is not installed';
  if (!existsSync(PYTHON) || !has(PYTHON, ['-c', 'import pyroute2']))
    return 'python3-pyroute2 is not installed (/usr/bin/python3 -c "import pyroute2" fails)';
  if (!has('tshark', ['-v'])) return 'tshark is not installed';
  return undefined;
}

let skipReason = staticSkipReason();
const haveDumpcap = skipReason === undefined && has('dumpcap', ['-v']);

function skipWith(reason: string): void {
  skipReason = reason;
  console.warn(`\n[overlay] SKIPPING the kernel VXLAN test: ${reason}\n`);
}

/** Runs a setup step; on failure records the reason and returns false. */
function step(what: string, cmd: string, args: string[]): boolean {
  const r = run(cmd, args);
  if (!r.ok) skipWith(`${what} failed: ${cmd} ${args.join(' ')}: ${r.out || '(no message)'}`);
  return r.ok;
}

let dir = '';
let vtep: UdpVtep | undefined;
let host: VirtualHost | undefined;
let capture: ChildProcess | undefined;
let capturePath = '';
const created: string[] = [];

async function startCapture(): Promise<void> {
  capturePath = join(dir, 'lo.pcapng');
  const c = spawn('ip', ['netns', 'exec', U, 'dumpcap', '-q', '-i', 'lo', '-w', capturePath], { stdio: ['ignore', 'ignore', 'pipe'] });
  capture = c;
  // dumpcap says "Capturing on 'Loopback: lo'" once it captures.
  await new Promise<void>((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => reject(new Error(`dumpcap did not start: ${err}`)), 10_000);
    c.stderr?.setEncoding('utf8');
    c.stderr?.on('data', (d: string) => {
      err += d;
      if (err.includes('Capturing on')) {
        clearTimeout(timer);
        resolve();
      }
    });
    c.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`dumpcap exited with ${code}: ${err}`));
    });
  });
}

async function stopCapture(): Promise<void> {
  const c = capture;
  capture = undefined;
  if (!c || c.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    const t = setTimeout(() => {
      c.kill('SIGKILL');
      resolve();
    }, 5000);
    c.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
    c.kill('SIGINT'); // `ip netns exec` execs dumpcap, so this pid is dumpcap's
  });
}

beforeAll(async () => {
  if (skipReason) {
    console.warn(`\n[overlay] SKIPPING the kernel VXLAN test: ${skipReason}\n`);
    return;
  }
  dir = mkdtempSync(join(tmpdir(), 'ws-kernel-vxlan-'));
  for (const ns of [U, A]) {
    if (!step('creating a network namespace', 'ip', ['netns', 'add', ns])) return;
    created.push(ns);
    if (!step('bringing up loopback', 'ip', ['-n', ns, 'link', 'set', 'lo', 'up'])) return;
  }
  const mk = spawnSync(
    'ip',
    ['netns', 'exec', U, PYTHON, MKVXLAN, '--name', 'vx0', '--vni', String(VNI), '--local', '127.0.0.1', '--port', String(KERNEL_PORT)],
    {
      encoding: 'utf8',
      timeout: 15_000,
    },
  );
  if (mk.status !== 0) {
    skipWith(`cannot make the kernel VXLAN device (mkvxlan.py exit ${mk.status}): ${`${mk.stdout}${mk.stderr}`.trim()}`);
    return;
  }
  if (!step('moving vx0 to namespace A', 'ip', ['-n', U, 'link', 'set', 'vx0', 'netns', A])) return;
  if (!step('addressing vx0', 'ip', ['-n', A, 'addr', 'add', `${KERNEL_IP}/24`, 'dev', 'vx0'])) return;
  if (
    !step('adding the default FDB entry', 'ip', [
      'netns',
      'exec',
      A,
      'bridge',
      'fdb',
      'append',
      '00:00:00:00:00:00',
      'dev',
      'vx0',
      'dst',
      '127.0.0.1',
      'port',
      String(VTEP_PORT),
    ])
  )
    return;
  if (haveDumpcap) await startCapture();
  const socket = await bindUdpInNetns({ netns: U, address: '127.0.0.1', port: VTEP_PORT });
  vtep = await UdpVtep.open({ socket, record: true });
  vtep.addRemote(VNI, { address: '127.0.0.1', port: KERNEL_PORT });
  host = new VirtualHost({ vni: VNI, mac: HOST_MAC, ipv4: HOST_IP });
  vtep.attach(host);
  // Up last, so the capture also holds what the kernel sends when the link comes up (IPv6 DAD, MLD).
  step('bringing vx0 up', 'ip', ['-n', A, 'link', 'set', 'vx0', 'up']);
});

afterAll(async () => {
  await stopCapture();
  await vtep?.close();
  for (const ns of created.reverse()) run('ip', ['netns', 'del', ns]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function ready(ctx: TestContext): { vtep: UdpVtep; host: VirtualHost } {
  ctx.skip(skipReason !== undefined, skipReason);
  if (!vtep || !host) throw new Error('setup did not finish');
  return { vtep, host };
}

// ---------------------------------------------------------------------------------------------------------
// Comparing our decode with tshark's

const registry = defaultRegistry();
registry.bind('udp.port', VTEP_PORT, 'vxlan'); // the VTEP's port; tshark gets `-d udp.port==5789,vxlan`

function tshark(path: string): TsharkPacket[] {
  const r = spawnSync('tshark', ['-n', '-r', path, '-d', `udp.port==${VTEP_PORT},vxlan`, '-T', 'json', '--no-duplicate-keys'], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: 60_000,
  });
  if (r.status !== 0) throw new Error(`tshark failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as TsharkPacket[];
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Field checks for the layers tshark-map does not cover (arp, icmp, icmpv6, the echo data). */
function tailChecks(layer: string, ours: Record<string, unknown>, o: TsObj): Array<{ field: string; ours: unknown; theirs: unknown }> {
  const out: Array<{ field: string; ours: unknown; theirs: unknown }> = [];
  const push = (field: string, theirs: unknown) => {
    if (theirs !== undefined) out.push({ field, ours: ours[field], theirs });
  };
  switch (layer) {
    case 'arp':
      push('hwType', num(o['arp.hw.type']));
      push('protoType', num(o['arp.proto.type']));
      push('hwSize', num(o['arp.hw.size']));
      push('protoSize', num(o['arp.proto.size']));
      push('opcode', num(o['arp.opcode']));
      push('senderMac', str(o['arp.src.hw_mac']));
      push('senderIp', str(o['arp.src.proto_ipv4']));
      push('targetMac', str(o['arp.dst.hw_mac']));
      push('targetIp', str(o['arp.dst.proto_ipv4']));
      break;
    case 'icmp':
      push('type', num(o['icmp.type']));
      push('code', num(o['icmp.code']));
      push('checksum', num(o['icmp.checksum']));
      // tshark also prints both little-endian (`icmp.ident_le`, `icmp.seq_le`); these are the wire order.
      push('identifier', num(o['icmp.ident']));
      push('sequence', num(o['icmp.seq']));
      // tshark verifies the ICMP checksum: 1 means good.
      if (o['icmp.checksum.status'] !== undefined) out.push({ field: 'checksum status', ours: '1', theirs: o['icmp.checksum.status'] });
      break;
    case 'icmpv6':
      push('type', num(o['icmpv6.type']));
      push('code', num(o['icmpv6.code']));
      push('checksum', num(o['icmpv6.checksum']));
      push('identifier', num(find(o, 'icmpv6.echo.identifier')));
      push('sequence', num(find(o, 'icmpv6.echo.sequence_number')));
      break;
    case 'raw': {
      const skip = 2 * (num(o['data.skip']) ?? 0);
      const theirs = bytesHex(find(o, 'data.data'));
      if (theirs !== undefined)
        out.push({ field: skip ? `data after ${skip / 2} timestamp bytes` : 'data', ours: String(ours.data).slice(skip), theirs });
      break;
    }
  }
  return out;
}

/** Tokens after tshark-map's stop (`arp`, `icmp`, `data`, `icmpv6`) → our layer ids. */
const TAIL: Record<string, string> = { arp: 'arp', icmp: 'icmp', icmpv6: 'icmpv6', data: 'raw' };

/**
 * Differences between our decode of `bytes` (first layer `first`) and tshark's packet, as readable lines;
 * `counted` collects how many fields were compared per layer.
 */
function comparePacket(
  at: string,
  d: DecodedPacket,
  tp: TsharkPacket,
  counted: Map<string, number>,
  issues: readonly Issue[] = d.issues,
): string[] {
  const diffs: string[] = [];
  const mapped = mapPacket(tp, 1);
  const ours = d.layers.filter((l) => l.layer !== 'padding');
  if (issues.length) diffs.push(`${at} our issues: ${issues.map((i) => `${i.code}: ${i.message}`).join('; ')}`);
  const layers = tp._source.layers;
  // tshark-map's layers up to its first unmapped token, then the tokens this test maps itself.
  // (Where tshark-map maps arp/icmp/icmpv6 but leaves their objects to the caller, they are this frame's
  // top-level objects: this test runs tshark without a protocol filter.)
  const theirs: Array<{ layer: string; obj: TsObj | undefined }> = mapped.layers.map((l) => ({
    layer: l.layer,
    obj: l.obj ?? (TAIL[l.token] ? (layers[l.token] as TsObj | undefined) : undefined),
  }));
  if (mapped.stoppedAt !== undefined) {
    const tokens = mapped.protocols.split(':');
    for (const tok of tokens.slice(tokens.indexOf(mapped.stoppedAt))) {
      const id = TAIL[tok];
      if (!id) {
        diffs.push(`${at} tshark decodes ${tok} (${mapped.protocols}), which this test does not map`);
        break;
      }
      // tshark nests the echo data inside its `icmp` object; where it recognises a ping timestamp at the start
      // of the data (iputils ping puts one there), it shows those 8 bytes as `icmp.data_time`, not as data.
      const parent = theirs.at(-1)?.obj;
      const obj = (layers[tok] ?? (tok === 'data' ? parent?.data : undefined)) as TsObj | undefined;
      const skip = tok === 'data' && parent && find(parent, 'icmp.data_time') !== undefined ? 8 : 0;
      theirs.push({ layer: id, obj: obj && skip ? { ...obj, 'data.skip': String(skip) } : obj });
    }
  }
  for (let i = 0; i < theirs.length; i++) {
    const t = theirs[i]!;
    const o = ours[i] as Record<string, unknown> | undefined;
    if (!o || o.layer !== t.layer) {
      diffs.push(`${at} layer ${i}: ours ${String(o?.layer ?? '(none)')}, tshark ${t.layer} [ours ${d.path}; tshark ${mapped.protocols}]`);
      return diffs;
    }
    if (!t.obj) continue;
    // tshark-map's checks where it has them, and this test's own for arp, icmp, icmpv6 and the echo data.
    const checks = [...fieldChecks(t.layer, o, t.obj), ...tailChecks(t.layer, o, t.obj)];
    for (const c of checks) {
      counted.set(t.layer, (counted.get(t.layer) ?? 0) + 1);
      if (JSON.stringify(c.ours) !== JSON.stringify(c.theirs))
        diffs.push(`${at} ${t.layer}.${c.field}: ours ${JSON.stringify(c.ours)}, tshark ${JSON.stringify(c.theirs)}`);
    }
  }
  // What we decode beyond tshark: only the ND/MLD body of ICMPv6 (tshark dissects it as options, we keep it raw).
  const extra = ours.slice(theirs.length);
  if (extra.length && !(extra.length === 1 && extra[0]!.layer === 'raw' && theirs.at(-1)?.layer === 'icmpv6'))
    diffs.push(`${at} ours decodes further: ${extra.map((l) => l.layer).join('/')} [tshark ${mapped.protocols}]`);
  return diffs;
}

/** A datagram as a whole Ethernet/IPv4/UDP frame on loopback (the outer headers are ours, the datagram the peer's). */
function asFrame(r: DatagramRecord): Uint8Array {
  const rx = r.direction === 'rx';
  const [srcPort, dstPort] = rx ? [r.remote.port, VTEP_PORT] : [VTEP_PORT, r.remote.port];
  return encodeStack(
    [
      { layer: 'ethernet', dst: '00:00:00:00:00:00', src: '00:00:00:00:00:00' },
      { layer: 'ipv4', ttl: 64, src: rx ? r.remote.address : '127.0.0.1', dst: rx ? '127.0.0.1' : r.remote.address },
      { layer: 'udp', srcPort, dstPort },
      { layer: 'raw', data: toHex(r.bytes) },
    ],
    { registry },
  );
}

/** Whether the UDP checksum at layer `u` is the folded IPv4 pseudo-header sum that checksum offload leaves. */
function isPartialUdpChecksum(d: DecodedPacket, u: number): boolean {
  const ip = d.layers[u - 1];
  const udp = d.layers[u]!;
  if (ip?.layer !== 'ipv4') return false;
  const words = (a: number) => (a >>> 16) + (a & 0xffff);
  const sum = words(parseIpv4U32(ip.src)) + words(parseIpv4U32(ip.dst)) + 17 + (udp.length as number);
  return foldChecksum(sum) === udp.checksum;
}

const path = (d: DecodedPacket): string => d.layers.map((l: LayerObject) => l.layer).join('/');

// ---------------------------------------------------------------------------------------------------------

describe('our VTEP against the Linux kernel VXLAN driver', () => {
  it('the kernel pings our virtual host through the tunnel and gets every reply (ARP and ICMP echo)', async (ctx) => {
    const { vtep: v, host: h } = ready(ctx);
    const t0 = performance.now();
    const p = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const c = spawn('ip', ['netns', 'exec', A, 'ping', '-n', '-c', '3', '-i', '0.2', '-W', '2', HOST_IP], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      c.stdout.on('data', (d) => {
        out += String(d);
      });
      c.stderr.on('data', (d) => {
        out += String(d);
      });
      c.on('exit', (code) => resolve({ code, out }));
    });
    console.info(`[overlay] kernel ping through the VTEP (${Math.round(performance.now() - t0)} ms):\n${p.out.trim()}`);
    expect(p.out).toMatch(/3 packets transmitted, 3 received/);
    expect(p.code).toBe(0);
    expect(h.stats.arpRequestsAnswered).toBeGreaterThanOrEqual(1);
    expect(h.stats.echoRequestsAnswered).toBe(3);
    // The kernel's MAC was learned from its frames, pointing at its VXLAN port (not the per-flow source port).
    const kernelMac = h.arpCache.get(KERNEL_IP);
    expect(kernelMac).toMatch(/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/);
    expect(v.lookup(VNI, kernelMac!)).toMatchObject({ remote: { address: '127.0.0.1', port: KERNEL_PORT }, static: false });
  });

  it('our virtual host pings the kernel (ARP resolution first) and the kernel answers', async (ctx) => {
    const { host: h } = ready(ctx);
    h.arpCache.clear();
    const before = h.stats.arpRepliesReceived;
    const replies: PingReply[] = [];
    for (let seq = 1; seq <= 3; seq++) replies.push(await h.ping(KERNEL_IP, { identifier: 0x4242, sequence: seq, timeoutMs: 3000 }));
    expect(h.stats.arpRepliesReceived).toBeGreaterThan(before);
    for (const [i, r] of replies.entries()) {
      expect(r.layers.map((l) => l.layer)).toEqual(['ethernet', 'ipv4', 'icmp', 'raw']);
      expect(r.layers[1]).toMatchObject({ src: KERNEL_IP, dst: HOST_IP });
      expect(r.layers[2]).toMatchObject({ type: 0, code: 0, identifier: 0x4242, sequence: i + 1 });
      expect(r.rttMs).toBeLessThan(3000);
    }
  });

  it('every frame the kernel sent decodes as tshark decodes it, field for field', (ctx) => {
    const { vtep: v } = ready(ctx);
    const rx = v.records.filter((r) => r.direction === 'rx');
    const tx = v.records.filter((r) => r.direction === 'tx');
    const decoded = rx.map((r) => decodeStack(r.bytes, { first: 'vxlan', registry }));
    const paths = new Set(decoded.map(path));
    console.info(`[overlay] the kernel sent ${rx.length} datagrams (${[...paths].join(', ')}); the VTEP sent ${tx.length}`);
    expect(paths).toContain('vxlan/ethernet/arp');
    expect(paths).toContain('vxlan/ethernet/ipv4/icmp/raw');
    for (const d of decoded) {
      expect(d.issues).toEqual([]);
      expect(d.layers[0]).toMatchObject({ layer: 'vxlan', flags: 0x08, vni: VNI });
    }
    // The datagrams as the VTEP logged them, each in an Ethernet/IPv4/UDP frame, written with PcapWriter.
    const records = v.records.map((r) => ({ timestampNs: r.timeNs, data: asFrame(r) }));
    const pcapPath = join(dir, 'vtep.pcap');
    writeFileSync(pcapPath, writePcap(records, { linkType: 1, nanosecond: true }));
    const ts = tshark(pcapPath);
    expect(ts.length).toBe(records.length);
    const counted = new Map<string, number>();
    const diffs = records.flatMap((r, i) =>
      comparePacket(`vtep.pcap #${i + 1} (${v.records[i]!.direction})`, decodeStack(r.data, { registry }), ts[i]!, counted),
    );
    expect(diffs).toEqual([]);
    console.info(
      `[overlay] vtep.pcap: ${records.length} datagrams, fields compared: ${[...counted].map(([k, n]) => `${k} ${n}`).join(', ')}`,
    );
    for (const layer of ['vxlan', 'ethernet', 'arp', 'ipv4', 'icmp', 'raw']) expect(counted.get(layer) ?? 0, layer).toBeGreaterThan(0);
  });

  it.skipIf(!haveDumpcap)('the loopback capture in U: the kernel’s own outer headers decode as tshark decodes them too', async (ctx) => {
    const { vtep: v } = ready(ctx);
    // The kernel keeps sending IPv6 (router solicitations, MLD): take the VTEP's log first, give dumpcap a
    // moment to write what it has seen, then stop it, so every logged datagram is in the file.
    const logged = v.records.slice();
    await new Promise((r) => setTimeout(r, 300));
    await stopCapture();
    const bytes = new Uint8Array(readFileSync(capturePath));
    const recs = [...readCapture(bytes)];
    const ts = tshark(capturePath);
    expect(ts.length).toBe(recs.length);
    const counted = new Map<string, number>();
    const diffs: string[] = [];
    const payloads = new Map<string, number>();
    let partial = 0;
    recs.forEach((r, i) => {
      const d = decodeStack(r.data, { registry });
      // Loopback never fills in UDP checksums (checksum offload, CHECKSUM_PARTIAL): the field holds the folded
      // pseudo-header sum, and tshark leaves it unverified. Accept exactly that value, nothing else.
      const issues = d.issues.filter((is) => {
        const ok = is.code === 'bad-checksum' && d.layers[is.layerIndex]?.layer === 'udp' && isPartialUdpChecksum(d, is.layerIndex);
        if (ok) partial++;
        return !ok;
      });
      diffs.push(...comparePacket(`lo.pcapng #${i + 1}`, d, ts[i]!, counted, issues));
      const u = d.indexesOf('udp')[0];
      if (u !== undefined) {
        const start = d.spans[u]!.offset + d.spans[u]!.length;
        const udp = d.layers[u]!;
        const k = `${udp.srcPort}>${udp.dstPort}:${toHex(r.data, start, start + (udp.length as number) - 8)}`;
        payloads.set(k, (payloads.get(k) ?? 0) + 1);
      }
    });
    expect(diffs).toEqual([]);
    console.info(
      `[overlay] lo capture: ${recs.length} packets, ${partial} with loopback's partial UDP checksum; fields compared: ${[...counted].map(([k, n]) => `${k} ${n}`).join(', ')}`,
    );
    for (const layer of ['ethernet', 'ipv4', 'udp', 'vxlan', 'arp', 'icmp', 'raw'])
      expect(counted.get(layer) ?? 0, layer).toBeGreaterThan(0);
    // Every datagram the VTEP received or sent is on the wire byte for byte (the log is what the kernel wrote).
    for (const r of logged) {
      const [s, d] = r.direction === 'rx' ? [r.remote.port, VTEP_PORT] : [VTEP_PORT, r.remote.port];
      const k = `${s}>${d}:${toHex(r.bytes)}`;
      expect(payloads.get(k) ?? 0, `${r.direction} ${k.slice(0, 60)}…`).toBeGreaterThan(0);
    }
  });
});

// ---------------------------------------------------------------------------------------------------------
// The same VTEP code between two user-space peers on loopback (no root needed)

describe('two user-space VTEPs over loopback', () => {
  const open = () => UdpVtep.open({ address: '127.0.0.1', port: 0, learnSourcePort: true, record: true });

  it('hosts on each side resolve and ping each other; MACs are learned, unknown and broadcast frames flood', async () => {
    const [a, b] = [await open(), await open()];
    try {
      a.addRemote(7, b.local);
      b.addRemote(7, a.local);
      const ha = new VirtualHost({ vni: 7, mac: '02:00:00:00:07:01', ipv4: '198.18.7.1' });
      const hb = new VirtualHost({ vni: 7, mac: '02:00:00:00:07:02', ipv4: '198.18.7.2' });
      a.attach(ha);
      b.attach(hb);
      const r = await ha.ping('198.18.7.2', { identifier: 1, sequence: 1 });
      expect(r.layers[2]).toMatchObject({ layer: 'icmp', type: 0, identifier: 1, sequence: 1 });
      expect(await hb.ping('198.18.7.1', { identifier: 2, sequence: 9 })).toMatchObject({
        layers: [{}, { src: '198.18.7.1' }, { sequence: 9 }, {}],
      });
      expect(b.lookup(7, ha.mac)).toMatchObject({ remote: a.local, static: false });
      expect(a.lookup(7, hb.mac)).toMatchObject({ remote: b.local, static: false });
      // One ARP broadcast (flooded), then unicast only: A sent the request, the echo request and the echo reply.
      const sentByA = a.records.filter((x) => x.direction === 'tx').map((x) => decodeStack(x.bytes, { first: 'vxlan' }).path);
      expect(sentByA).toEqual(['vxlan/ethernet/arp', 'vxlan/ethernet/ipv4/icmp/raw', 'vxlan/ethernet/ipv4/icmp/raw']);
      expect(ha.stats).toMatchObject({ arpRequestsAnswered: 0, echoRequestsAnswered: 1, echoRepliesReceived: 1 });
      expect(hb.stats).toMatchObject({ arpRequestsAnswered: 1, echoRequestsAnswered: 1, echoRepliesReceived: 1 });
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('learning points at the VXLAN port by default; static entries win; other VNIs and bad datagrams are dropped', async () => {
    // Stands in for the peer's VXLAN port: learned entries must point here, not at the peer's source port.
    const sink = createSocket('udp4');
    await new Promise<void>((r) => sink.bind(0, '127.0.0.1', r));
    const atSink: Uint8Array[] = [];
    sink.on('message', (m) => atSink.push(new Uint8Array(m)));
    const a = await open();
    const b = await UdpVtep.open({ address: '127.0.0.1', port: 0, record: true, remotePort: sink.address().port });
    try {
      const drops: string[] = [];
      b.on('drop', (e: { reason: string }) => drops.push(e.reason));
      a.addRemote(7, b.local);
      const ha = new VirtualHost({ vni: 7, mac: '02:00:00:00:07:01', ipv4: '198.18.7.1' });
      const hb = new VirtualHost({ vni: 7, mac: '02:00:00:00:07:02', ipv4: '198.18.7.2' });
      a.attach(ha);
      b.attach(hb);
      await expect(ha.ping('198.18.7.2', { timeoutMs: 300 })).rejects.toThrow(/ARP: no reply/);
      // B learned A's host at A's address and the VXLAN port, not A's source port, and its ARP reply went there.
      expect(b.lookup(7, ha.mac)).toMatchObject({ remote: { address: '127.0.0.1', port: sink.address().port }, static: false });
      expect(atSink.map((x) => decodeStack(x, { first: 'vxlan' }).layers[2])).toEqual([
        expect.objectContaining({ layer: 'arp', opcode: 2, senderIp: '198.18.7.2', targetMac: ha.mac }),
      ]);
      b.addStatic(7, ha.mac, a.local);
      expect(await ha.ping('198.18.7.2', { timeoutMs: 2000 })).toMatchObject({ layers: [{}, { src: '198.18.7.2' }, {}, {}] });
      expect(b.lookup(7, ha.mac)).toMatchObject({ remote: a.local, static: true });
      // A frame for VNI 8, a datagram with the I flag clear, and bytes that are not VXLAN at all.
      a.sendDatagram(
        encodeStack([
          { layer: 'vxlan', vni: 8 },
          { layer: 'ethernet', dst: hb.mac, src: ha.mac },
          { layer: 'raw', data: '00' },
        ]),
        b.local,
      );
      a.sendDatagram(
        encodeStack([
          { layer: 'vxlan', flags: 0, vni: 7 },
          { layer: 'ethernet', dst: hb.mac, src: ha.mac },
          { layer: 'raw', data: '00' },
        ]),
        b.local,
      );
      a.sendDatagram(new Uint8Array([1, 2, 3]), b.local);
      await new Promise((r) => setTimeout(r, 200));
      expect(drops.slice(-3)).toEqual([
        expect.stringMatching(/no port for 02:00:00:00:07:02 on VNI 8/),
        expect.stringMatching(/I flag clear/),
        expect.stringMatching(/not a VXLAN datagram/),
      ]);
    } finally {
      await a.close();
      await b.close();
      sink.close();
    }
  });

  it('two hosts on one VTEP reach each other without leaving it', async () => {
    const v = await open();
    try {
      const h1 = new VirtualHost({ vni: 9, mac: '02:00:00:00:09:01', ipv4: '198.18.9.1' });
      const h2 = new VirtualHost({ vni: 9, mac: '02:00:00:00:09:02', ipv4: '198.18.9.2' });
      v.attach(h1);
      v.attach(h2);
      expect(await h1.ping('198.18.9.2')).toMatchObject({ layers: [{}, { src: '198.18.9.2' }, { type: 0 }, {}] });
      expect(v.records).toEqual([]);
    } finally {
      await v.close();
    }
  });
});
