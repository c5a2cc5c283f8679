/**
 * Independent check with tshark: ESP packets sealed by `EspSa` are written to a pcap (Ethernet / IPv4 protocol 50 /
 * ESP, built with `encodeStack` and `PcapWriter`), and tshark, given the SA in its `esp_sa` table, must verify
 * the ICV, decrypt them and dissect the inner packets. Skipped, with a message, when tshark is not installed.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { concatBytes, toHex } from '@wirestack/core';
import { EspNextHeader, EspSa, esp, espLayers } from '@wirestack/esp';
import { linkTypeFirstLayer } from '@wirestack/link';
import { PcapWriter, readCapture } from '@wirestack/pcap';
import { decodeStack, defaultRegistry, encodeStack } from '@wirestack/stack';
import { CORPUS, corpusAvailable, tsharkEspOptions } from '@wirestack/testkit';
import { afterAll, describe, expect, it } from 'vitest';

const version = spawnSync('tshark', ['--version'], { encoding: 'utf8' });
const haveTshark = version.status === 0;
if (!haveTshark)
  console.warn('packages/esp/test/tshark.test.ts: tshark not found, skipping the tshark cross-check (apt-get install tshark)');

const registry = () => {
  const r = defaultRegistry();
  return r.has('esp') ? r : r.add(esp);
};
const OUTER_SRC = '198.18.0.1';
const OUTER_DST = '198.18.0.2';

interface Layer {
  [k: string]: unknown;
}
type TsharkPacket = { _source: { layers: Record<string, Layer | Layer[] | string> } };

/** With `--no-duplicate-keys`, a protocol seen twice (outer and inner IPv4) is an array: the innermost is last. */
function inner(p: TsharkPacket, proto: string): Layer {
  const v = p._source.layers[proto];
  const l = Array.isArray(v) ? v[v.length - 1] : v;
  if (!l || typeof l !== 'object') throw new Error(`tshark shows no ${proto} layer`);
  return l as Layer;
}
const colons = (h: string) => h.replace(/(..)(?=.)/g, '$1:');

const dir = haveTshark ? mkdtempSync(join(tmpdir(), 'wirestack-esp-')) : '';
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function runTshark(name: string, sa: { spi: number; key: Uint8Array }, frames: Uint8Array[]): Promise<TsharkPacket[]> {
  const w = new PcapWriter();
  const file = join(dir, `${name}.pcap`);
  writeFileSync(
    file,
    concatBytes([w.header(), ...frames.map((data, i) => w.writeRecord({ timestampNs: BigInt(i + 1) * 1_000_000_000n, data }))]),
  );
  const r = spawnSync(
    'tshark',
    [
      '-n',
      '-r',
      file,
      ...tsharkEspOptions([{ src: OUTER_SRC, dst: OUTER_DST, spi: sa.spi, key: sa.key }]),
      '-T',
      'json',
      '--no-duplicate-keys',
    ],
    {
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    },
  );
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as TsharkPacket[];
}

describe.skipIf(!haveTshark)('tshark decrypts what EspSa seals', () => {
  for (const keyLen of [16, 24, 32])
    it(`AES-${keyLen * 8}-GCM: inner IPv4/UDP, IPv6/UDP and an Ethernet frame (143)`, async () => {
      const key = Uint8Array.from({ length: keyLen + 4 }, (_, i) => (i * 37 + keyLen) & 0xff);
      const spi = 0x10000000 + keyLen;
      const sa = await EspSa.create({ spi, key });
      const reg = registry();
      const innerV4 = encodeStack(
        [
          { layer: 'ipv4', src: '198.18.1.1', dst: '198.18.1.2', identification: 0x1234, ttl: 61 },
          { layer: 'udp', srcPort: 4000, dstPort: 5000 },
          { layer: 'raw', data: toHex(new TextEncoder().encode('wirestack esp')) },
        ],
        { registry: reg },
      );
      const innerV6 = encodeStack(
        [
          { layer: 'ipv6', src: '2001:db8::1', dst: '2001:db8::2', hopLimit: 9 },
          { layer: 'udp', srcPort: 6000, dstPort: 7000 },
          { layer: 'raw', data: 'aabbcc' },
        ],
        { registry: reg },
      );
      const innerEth = encodeStack(
        [
          { layer: 'ethernet', src: '02:00:00:00:00:01', dst: '02:00:00:00:00:02' },
          { layer: 'ipv4', src: '198.18.2.1', dst: '198.18.2.2' },
          { layer: 'udp', srcPort: 1, dstPort: 2 },
        ],
        { registry: reg },
      );
      const inners: Array<[Uint8Array, number]> = [
        [innerV4, EspNextHeader.IPv4],
        [innerV6, EspNextHeader.IPv6],
        [innerEth, EspNextHeader.Ethernet],
      ];
      const frames: Uint8Array[] = [];
      const sealed: Uint8Array[] = [];
      for (const [bytes, nh] of inners) sealed.push(await sa.seal(bytes, nh));
      // A fourth packet, its ciphertext altered: tshark must flag the ICV as bad.
      const forged = (await sa.seal(innerV4, EspNextHeader.IPv4)).slice();
      forged[20]! ^= 0x01;
      for (const s of [...sealed, forged])
        frames.push(
          encodeStack(
            [
              { layer: 'ethernet', src: '02:00:00:00:00:0a', dst: '02:00:00:00:00:0b' },
              { layer: 'ipv4', src: OUTER_SRC, dst: OUTER_DST },
              ...espLayers(s),
            ],
            { registry: reg },
          ),
        );
      const pkts = await runTshark(`aes${keyLen * 8}`, { spi, key }, frames);
      expect(pkts).toHaveLength(4);
      for (let i = 0; i < 3; i++) {
        const e = inner(pkts[i]!, 'esp');
        const [bytes, nh] = inners[i]!;
        expect(e['esp.spi']).toBe(`0x${spi.toString(16)}`);
        expect(e['esp.sequence']).toBe(String(i + 1));
        expect(e['esp.iv']).toBe(colons(`00000000${(i + 1).toString(16).padStart(8, '0')}`));
        expect(e['esp.icv_tree']).toEqual({ 'esp.icv_good': '1', 'esp.icv_bad': '0' });
        const d = e['esp.decrypted_data_tree'] as Layer;
        expect(d['esp.contained_data']).toBe(colons(toHex(bytes)));
        expect(d['esp.protocol']).toBe(`0x${nh.toString(16).padStart(2, '0')}`);
        expect(Number(d['esp.pad_len'])).toBe((4 - ((bytes.length + 2) % 4)) % 4);
      }
      // The inner packets, as tshark dissects them after decryption.
      const v4 = inner(pkts[0]!, 'ip');
      expect([v4['ip.src'], v4['ip.dst'], v4['ip.id'], v4['ip.ttl'], v4['ip.proto']]).toEqual([
        '198.18.1.1',
        '198.18.1.2',
        '0x1234',
        '61',
        '17',
      ]);
      const u4 = inner(pkts[0]!, 'udp');
      expect([u4['udp.srcport'], u4['udp.dstport'], u4['udp.payload']]).toEqual([
        '4000',
        '5000',
        colons(toHex(new TextEncoder().encode('wirestack esp'))),
      ]);
      const v6 = inner(pkts[1]!, 'ipv6');
      expect([v6['ipv6.src'], v6['ipv6.dst'], v6['ipv6.hlim'], v6['ipv6.nxt']]).toEqual(['2001:db8::1', '2001:db8::2', '9', '17']);
      expect(inner(pkts[1]!, 'udp')['udp.payload']).toBe('aa:bb:cc');
      const eth = inner(pkts[2]!, 'eth');
      expect([eth['eth.src'], eth['eth.dst'], eth['eth.type']]).toEqual(['02:00:00:00:00:01', '02:00:00:00:00:02', '0x0800']);
      expect([inner(pkts[2]!, 'ip')['ip.src'], inner(pkts[2]!, 'udp')['udp.dstport']]).toEqual(['198.18.2.1', '2']);
      // The forged packet.
      expect(inner(pkts[3]!, 'esp')['esp.icv_tree']).toEqual({ 'esp.icv_good': '0', 'esp.icv_bad': '1' });
      // EspSa agrees on all four.
      const rx = await EspSa.create({ spi, key });
      for (let i = 0; i < 3; i++) expect((await rx.open(sealed[i]!)).payload).toEqual(inners[i]![0]);
      await expect(rx.open(forged)).rejects.toMatchObject({ reason: 'auth-failed' });
    });
});

describe.skipIf(!haveTshark || !corpusAvailable())('real ESP packets of the shared corpus: spi and sequence as tshark reads them', () => {
  // The corpus's own tshark references name the files with ESP (frame.protocols ...:esp); tshark is run only on those.
  const files = corpusAvailable()
    ? readdirSync(join(CORPUS, 'real'))
        .filter((f) => f.endsWith('.tshark.json') && /:esp[:"]/.test(readFileSync(join(CORPUS, 'real', f), 'utf8')))
        .map((f) => f.slice(0, -'.tshark.json'.length))
    : [];
  it('every ESP packet', () => {
    let checked = 0;
    for (const f of files) {
      const path = join(CORPUS, 'real', f);
      const r = spawnSync(
        'tshark',
        ['-n', '-r', path, '-Y', 'esp', '-T', 'fields', '-e', 'frame.number', '-e', 'esp.spi', '-e', 'esp.sequence'],
        {
          encoding: 'utf8',
          maxBuffer: 64 << 20,
        },
      );
      const rows = r.stdout.split('\n').filter((l) => /^\d+\t0x/.test(l));
      if (!rows.length) continue;
      const records = [...readCapture(new Uint8Array(readFileSync(path)))];
      for (const row of rows) {
        const [num, spi, seq] = row.split('\t');
        const rec = records[Number(num) - 1]!;
        const p = decodeStack(rec.data, { first: linkTypeFirstLayer(rec.linkType, rec.data[0]) ?? 'ethernet', registry: registry() });
        const e = p.layers.find((l) => l.layer === 'esp');
        expect(e, `${f} frame ${num}`).toEqual({ layer: 'esp', spi: Number(spi), sequence: Number(seq) });
        checked++;
      }
    }
    console.log(`esp: ${checked} real ESP packet(s) in the corpus agree with tshark`);
    expect(checked).toBeGreaterThan(0);
  });
});
