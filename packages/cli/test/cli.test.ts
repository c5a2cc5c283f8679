import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseExpression } from '@wirestack/cli';
import { toHex } from '@wirestack/core';
import { readCapture, writePcap } from '@wirestack/pcap';
import { decodeStack, defaultRegistry, encodeStack } from '@wirestack/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lines, run, tempDir, vxlanPacket, writePackets } from './helpers.js';

let dir: string;
let vxlan: string;
let plain: string;

const PLAIN = [
  { layer: 'ethernet', dst: '02:00:00:00:00:02', src: '02:00:00:00:00:01' },
  { layer: 'vlan', vid: 100 },
  { layer: 'ipv4', src: '10.0.0.1', dst: '10.0.0.2' },
  { layer: 'udp', srcPort: 1111, dstPort: 2222 },
  { layer: 'raw', data: '0102030405' },
];

beforeAll(() => {
  dir = tempDir();
  vxlan = writePackets(dir, 'vxlan.pcap', [vxlanPacket(42), vxlanPacket(42, 'aabb'), vxlanPacket(7)]);
  plain = writePackets(dir, 'plain.pcap', [PLAIN]);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('decode', () => {
  it('prints one summary line per packet with the whole stack', async () => {
    const r = await run(['decode', vxlan]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const l = lines(r.stdout);
    expect(l).toHaveLength(3);
    expect(l[0]).toMatch(
      /^1 1700000000\.000000 ethernet 02:00:00:00:00:01 → 02:00:00:00:00:02 \/ ipv4 10\.0\.0\.1 → 10\.0\.0\.2 \/ udp 1234 → 4789 \/ vxlan vni 42 \//,
    );
    expect(l[0]).toContain('ipv4 192.168.0.1 → 192.168.0.2 / udp 5000 → 53 / raw 5B');
    expect(l[2]).toContain('vxlan vni 7');
    const p = await run(['decode', plain]);
    expect(p.stdout).toContain('vlan 100 / ipv4');
  });

  it('--json prints the contract packet record, keys in order', async () => {
    const r = await run(['decode', '--json', vxlan]);
    expect(r.code).toBe(0);
    const recs = lines(r.stdout).map((l) => JSON.parse(l));
    expect(recs).toHaveLength(3);
    expect(Object.keys(recs[0])).toEqual([
      'index',
      'timestamp',
      'capturedLength',
      'originalLength',
      'linkType',
      'interface',
      'layers',
      'issues',
    ]);
    expect(recs[0].index).toBe(1);
    expect(recs[1].timestamp).toBe('1700000000.001234');
    expect(recs[0].linkType).toBe(1);
    expect(recs[0].interface).toBe(0);
    expect(recs[0].issues).toEqual([]);
    expect(recs[0].layers.map((l: { layer: string }) => l.layer)).toEqual([
      'ethernet',
      'ipv4',
      'udp',
      'vxlan',
      'ethernet',
      'ipv4',
      'udp',
      'raw',
    ]);
    const bytes = encodeStack(vxlanPacket(42));
    expect(recs[0].layers).toEqual(JSON.parse(JSON.stringify(decodeStack(bytes).layers)));
  });

  it('nanosecond files keep 9 digits', async () => {
    const ns = writePackets(dir, 'ns.pcap', [PLAIN, PLAIN], true);
    const r = await run(['decode', '--json', ns]);
    expect(lines(r.stdout).map((l) => JSON.parse(l).timestamp)).toEqual(['1700000000.000000000', '1700000000.001234567']);
  });

  it('-c and --skip', async () => {
    const r = await run(['decode', '--skip', '1', '-c', '1', vxlan]);
    const l = lines(r.stdout);
    expect(l).toHaveLength(1);
    expect(l[0]).toMatch(/^2 /);
  });

  it('reads standard input with -', async () => {
    const r = await run(['decode', '-'], { stdin: readFileSync(vxlan) });
    expect(r.code).toBe(0);
    expect(lines(r.stdout)).toHaveLength(3);
  });

  it('marks bad checksums unless --no-verify-checksums', async () => {
    const bad = [{ layer: 'ethernet' }, { layer: 'ipv4', checksum: 0x1234, src: '1.2.3.4', dst: '5.6.7.8' }, { layer: 'raw', data: '00' }];
    const path = writePackets(dir, 'bad.pcap', [bad]);
    const r = await run(['decode', path]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('[bad-checksum ipv4]');
    const json = JSON.parse(lines((await run(['decode', '--json', path])).stdout)[0]!);
    expect(json.issues[0]).toMatchObject({ layerIndex: 1, code: 'bad-checksum' });
    const off = await run(['decode', '--no-verify-checksums', path]);
    expect(off.stdout).not.toContain('bad-checksum');
  });

  it('--decode-as binds a UDP port to a layer', async () => {
    const layers = vxlanPacket(9).map((l) => (l.layer === 'udp' && l.srcPort === 1234 ? { ...l, dstPort: 8472 } : l));
    const path = writePackets(dir, 'flannel.pcap', [layers]);
    expect((await run(['decode', path])).stdout).not.toContain('vxlan');
    const r = await run(['decode', '--decode-as', 'udp.port=8472:vxlan', path]);
    expect(r.stdout).toContain('udp 1234 → 8472 / vxlan vni 9 / ethernet');
  });

  it('--decode-as mpls.label=16:ethernet decodes a pseudowire', async () => {
    const pw = [
      { layer: 'ethernet' },
      { layer: 'mpls', label: 16 },
      { layer: 'ethernet', dst: '02:00:00:00:00:0a', src: '02:00:00:00:00:0b' },
      { layer: 'ipv4', src: '10.1.1.1', dst: '10.1.1.2' },
      { layer: 'raw', data: '00' },
    ];
    const path = writePackets(dir, 'pw.pcap', [pw]);
    const r = await run(['decode', '--decode-as', 'mpls.label=16:ethernet', path]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('mpls 16/s / ethernet 02:00:00:00:00:0b → 02:00:00:00:00:0a / ipv4 10.1.1.1 → 10.1.1.2');
    const r2 = await run(['decode', '--mpls-payload', 'ethernet', path]);
    expect(r2.stdout).toContain('mpls 16/s / ethernet 02:00:00:00:00:0b');
  });

  it('never draws a progress bar when stderr is not a terminal', async () => {
    const r = await run(['decode', vxlan]);
    expect(r.stderr).toBe('');
  });

  it('draws and clears a progress bar when stderr is a terminal (not with --json)', async () => {
    const many = writePackets(
      dir,
      'many.pcap',
      Array.from({ length: 600 }, () => PLAIN),
    );
    const r = await run(['decode', many], { stderrTTY: true });
    expect(r.stderr).toContain('\r');
    expect(r.stderr.endsWith('\r\x1b[K')).toBe(true);
    const j = await run(['decode', '--json', many], { stderrTTY: true });
    expect(j.stderr).toBe('');
  });
});

describe('input errors', () => {
  it('non-capture input: one line naming the file and offset, exit 1', async () => {
    const path = join(dir, 'not.pcap');
    writeFileSync(path, 'hello, this is not a capture file\n');
    const r = await run(['decode', path]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(lines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(
      new RegExp(`^wirestack: ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: at offset 0: .*not a pcap or pcapng file`),
    );
  });

  it('missing file: exit 1, one line', async () => {
    const r = await run(['decode', join(dir, 'nope.pcap')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^wirestack: .*nope\.pcap: at offset 0: cannot read: no such file or directory\n$/);
  });

  it('a capture cut short prints every complete record, then one line, exit 1', async () => {
    const bytes = readFileSync(vxlan);
    const path = join(dir, 'cut.pcap');
    writeFileSync(path, bytes.subarray(0, bytes.length - 10));
    for (const args of [
      ['decode', path],
      ['decode', '--json', path],
    ]) {
      const r = await run(args);
      expect(r.code).toBe(1);
      expect(lines(r.stdout)).toHaveLength(2);
      expect(lines(r.stderr)).toHaveLength(1);
      expect(r.stderr).toMatch(/^wirestack: .*cut\.pcap: at offset \d+: .*truncated/);
    }
    const s = await run(['stats', path]);
    expect(s.code).toBe(1);
    expect(s.stdout).toContain('packets: 2');
  });

  it('continues with the next file after a broken one', async () => {
    const path = join(dir, 'not2.pcap');
    writeFileSync(path, 'x');
    const r = await run(['decode', path, vxlan]);
    expect(r.code).toBe(1);
    expect(lines(r.stdout)).toHaveLength(3);
  });
});

describe('usage errors', () => {
  it.each([
    [['decode'], 'decode'],
    [['decode', '--bogus', 'x.pcap'], 'decode'],
    [['decode', '-c', 'x', 'x.pcap'], 'decode'],
    [['decode', '--decode-as', 'udp.port=1:nosuchlayer', 'x.pcap'], 'decode'],
    [['decode', '--decode-as', 'nosuch.table=1:vxlan', 'x.pcap'], 'decode'],
    [['show', 'x.pcap', '-n', '0'], 'show'],
    [['build', 'ethernet/nosuch'], 'build'],
    [['build', 'ethernet(nosuchfield=1)'], 'build'],
    [['build', 'ipv4(ttl=abc)'], 'build'],
    [['build'], 'build'],
    [['stats', '--top', '-1', 'x'], 'stats'],
  ])('%j exits 2 with a hint', async (args, cmd) => {
    const r = await run(args as string[]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^wirestack: /);
    expect(r.stderr).toContain(`see wirestack ${cmd} --help`);
  });

  it('unknown commands exit 2', async () => {
    const r = await run(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('see wirestack --help');
  });

  it('unknown layer and field are named', async () => {
    expect((await run(['build', 'ethernet/nosuch'])).stderr).toContain("unknown layer 'nosuch'");
    expect((await run(['build', 'ethernet(nosuchfield=1)'])).stderr).toContain("unknown field 'nosuchfield' of layer 'ethernet'");
  });

  it('every command has --help with examples', async () => {
    for (const cmd of ['decode', 'show', 'build', 'stats']) {
      const r = await run([cmd, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('Examples:');
      expect(r.stdout).toContain(`wirestack ${cmd}`);
    }
    expect((await run(['--help'])).code).toBe(0);
    expect((await run(['--version'])).stdout.trim()).toBe('0.1.0');
  });
});

describe('build', () => {
  const EXPR = 'ethernet(dst=02:00:00:00:00:02)/ipv4(dst=10.0.0.2)/udp(srcPort=1234)/vxlan(vni=42)/ethernet/ipv4/udp/raw(data=68656c6c6f)';
  const LAYERS = [
    { layer: 'ethernet', dst: '02:00:00:00:00:02' },
    { layer: 'ipv4', dst: '10.0.0.2' },
    { layer: 'udp', srcPort: 1234 },
    { layer: 'vxlan', vni: 42 },
    { layer: 'ethernet' },
    { layer: 'ipv4' },
    { layer: 'udp' },
    { layer: 'raw', data: '68656c6c6f' },
  ];

  it('expression → hex equals encodeStack of the same layers', async () => {
    const r = await run(['build', EXPR, '--hex']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${toHex(encodeStack(LAYERS))}\n`);
    expect(parseExpression(EXPR, defaultRegistry())).toEqual(LAYERS);
  });

  it('parses values by field kind (hex ints, bools, quotes, JSON with commas and slashes)', () => {
    const reg = defaultRegistry();
    const l = parseExpression(
      'ethernet(src="AA:BB:CC:DD:EE:FF",etherType=0x0800)/ipv4(dontFragment=true,moreFragments=0,ttl=0x10,options=01010101)',
      reg,
    );
    expect(l).toEqual([
      { layer: 'ethernet', src: 'aa:bb:cc:dd:ee:ff', etherType: 0x0800 },
      { layer: 'ipv4', dontFragment: true, moreFragments: false, ttl: 16, options: '01010101' },
    ]);
    if (reg.has('geneve')) {
      const g = parseExpression('udp/geneve(vni=7,options=[{"class":1,"type":2,"data":"0a/0b,"}])', reg);
      expect(g[1]).toEqual({ layer: 'geneve', vni: 7, options: [{ class: 1, type: 2, data: '0a/0b,' }] });
    }
  });

  it('several expressions give several lines', async () => {
    const r = await run(['build', 'ethernet/raw(data=00)', 'ethernet/raw(data=01)']);
    expect(lines(r.stdout)).toHaveLength(2);
  });

  it('--explain lists derived and defaulted fields', async () => {
    const r = await run(['build', 'ethernet/ipv4(dst=10.0.0.2)/udp(dstPort=53)/raw(data=00)', '--explain']);
    expect(r.code).toBe(0);
    const l = lines(r.stdout);
    expect(l).toContain('# [0] ethernet.etherType = 0x0800 (IPv4)  (derived)');
    expect(l).toContain('# [0] ethernet.dst = 00:00:00:00:00:00  (default)');
    expect(l).toContain('# [1] ipv4.ttl = 64  (default)');
    expect(l).toContain('# [1] ipv4.protocol = 17 (UDP)  (derived)');
    expect(l).toContain('# [2] udp.length = 9  (derived)');
    expect(l.some((x) => /^# \[1\] ipv4\.checksum = 0x[0-9a-f]{4} {2}\(derived\)$/.test(x))).toBe(true);
    expect(l.some((x) => x.startsWith('# [1] ipv4.dst'))).toBe(false);
    expect(l[l.length - 1]).toMatch(/^[0-9a-f]+$/);
  });

  it('-o writes pcap and pcapng that decode back', async () => {
    for (const name of ['out.pcap', 'out.pcapng']) {
      const path = join(dir, name);
      const r = await run(['build', EXPR, 'ethernet/ipv6/udp/raw(data=01)', '-o', path]);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('');
      const recs = [...readCapture(new Uint8Array(readFileSync(path)))];
      expect(recs).toHaveLength(2);
      expect(recs[0]!.linkType).toBe(1);
      expect(toHex(recs[0]!.data)).toBe(toHex(encodeStack(LAYERS)));
      const d = await run(['decode', path]);
      expect(d.stdout).toContain('vxlan vni 42');
    }
  });

  it('--json reads layer arrays and packet records; decode --json | build --json - reproduces the bytes', async () => {
    const arr = `${JSON.stringify(LAYERS)}\n\n`;
    expect((await run(['build', '--json', '-', '--hex'], { stdin: arr })).stdout).toBe(`${toHex(encodeStack(LAYERS))}\n`);
    // A frame padded to 60 bytes plus an FCS, the way a NIC writes it: the record keeps them as its trailer.
    const padded = join(dir, 'pad.pcap');
    const frame = encodeStack([{ layer: 'ethernet' }, { layer: 'ipv4' }, { layer: 'raw', data: '00' }], {
      trailer: '00'.repeat(25) + 'deadbeef',
    });
    writeFileSync(padded, writePcap([{ timestampNs: 0n, data: frame }]));
    expect(JSON.parse((await run(['decode', '--json', padded])).stdout).trailer).toBe(`${'00'.repeat(25)}deadbeef`);
    for (const file of [vxlan, plain, padded]) {
      const dec = await run(['decode', '--json', file]);
      const b = await run(['build', '--json', '-', '--hex'], { stdin: dec.stdout });
      expect(b.code).toBe(0);
      const want = [...readCapture(new Uint8Array(readFileSync(file)))].map((rec) => toHex(rec.data));
      expect(lines(b.stdout)).toEqual(want);
    }
  });

  it('keeps the trailer of a record', async () => {
    const rec = { index: 1, layers: [{ layer: 'ethernet' }, { layer: 'ipv4' }], trailer: 'deadbeef', issues: [] };
    const r = await run(['build', '--json', '-'], { stdin: JSON.stringify(rec) });
    expect(r.stdout.trim().endsWith('deadbeef')).toBe(true);
  });

  it('bad JSON lines: one line each on stderr, exit 1, other packets still built', async () => {
    const r = await run(['build', '--json', '-'], {
      stdin: `not json\n${JSON.stringify([{ layer: 'ethernet' }])}\n[{"layer":"ipv4","ttl":999}]\n`,
    });
    expect(r.code).toBe(1);
    expect(lines(r.stdout)).toHaveLength(1);
    const e = lines(r.stderr);
    expect(e).toHaveLength(2);
    expect(e[0]).toMatch(/^wirestack: <stdin>: line 1: not JSON/);
    expect(e[1]).toMatch(/^wirestack: <stdin>: line 3: ipv4\.ttl/);
  });
});

describe('show', () => {
  it('prints a tree of every field and a labelled hexdump, plain when not a terminal', async () => {
    const r = await run(['show', vxlan, '-n', '2']);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('\x1b[');
    expect(r.stdout).toMatch(/^Packet 2 {2}time 1700000000\.001234/);
    expect(r.stdout).toContain('etherType  0x0800 (IPv4)');
    expect(r.stdout).toMatch(/protocol +17 \(UDP\)/);
    expect(r.stdout).toMatch(/vni +42/);
    expect(r.stdout).toContain('Layers: ■ 0 ethernet [0-13, 14 bytes]');
    expect(r.stdout).toMatch(/\n0000 {2}02 00 00 00 00 02 02 00 {2}00 00 00 01 08 00 45 00 +\|/);
    expect(r.stdout).toMatch(/\n {6}\^0 {41}\^1\n/);
  });

  it('colours layers on a terminal, honours --no-color and NO_COLOR', async () => {
    const tty = await run(['show', vxlan], { stdoutTTY: true });
    expect(tty.stdout).toContain('\x1b[36m');
    expect(tty.stdout).toContain('\x1b[33m');
    expect((await run(['show', vxlan, '--no-color'], { stdoutTTY: true })).stdout).not.toContain('\x1b[');
    expect((await run(['show', vxlan], { stdoutTTY: true, env: { NO_COLOR: '1' } })).stdout).not.toContain('\x1b[');
    expect((await run(['show', vxlan, '--color'])).stdout).toContain('\x1b[');
  });

  it('marks issues', async () => {
    const bad = [{ layer: 'ethernet' }, { layer: 'ipv4', checksum: 1 }, { layer: 'raw', data: '00' }];
    const path = writePackets(dir, 'bad2.pcap', [bad]);
    const r = await run(['show', path]);
    expect(r.stdout).toContain('⚠ bad-checksum');
  });

  it('a packet number past the end is a usage error', async () => {
    const r = await run(['show', vxlan, '-n', '9']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('has 3 packets; there is no packet 9');
  });
});

describe('stats', () => {
  it('prints the protocol hierarchy, tunnels and inner flows', async () => {
    const r = await run(['stats', vxlan]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Protocol Hierarchy Statistics');
    expect(r.stdout).toMatch(/\nethernet +packets:3 +bytes:\d+/);
    expect(r.stdout).toMatch(/\n {6}\s*vxlan +packets:3/);
    expect(r.stdout).toMatch(/vxlan +42 +2 +\d+/);
    expect(r.stdout).toMatch(/vxlan +7 +1 +\d+/);
    expect(r.stdout).toContain('udp 192.168.0.1:5000 → 192.168.0.2:53');
  });

  it('--json and --top', async () => {
    const r = await run(['stats', '--json', '--top', '1', vxlan, plain]);
    const s = JSON.parse(r.stdout);
    expect(s.packets).toBe(4);
    expect(s.hierarchy[0].layer).toBe('ethernet');
    expect(s.hierarchy[0].packets).toBe(4);
    expect(s.tunnels).toEqual([
      { kind: 'vxlan', id: 7, packets: 1, bytes: expect.any(Number) },
      { kind: 'vxlan', id: 42, packets: 2, bytes: expect.any(Number) },
    ]);
    expect(s.flows).toHaveLength(1);
    expect(s.flows[0]).toMatchObject({ flow: 'udp 192.168.0.1:5000 → 192.168.0.2:53', packets: 3 });
  });
});
