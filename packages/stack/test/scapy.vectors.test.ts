/**
 * Independent vectors: packets built and dissected by Scapy (fixtures/scapy/generate.py), checked against
 * decodeStack and encodeStack. Expected values come from Scapy, never from wirestack.
 *
 * For every packet: (a) decoding its bytes gives exactly `layers`, no issues (or the listed `issues` for a
 * packet broken on purpose) and the `trailer`;
 * (b) encoding `layers` gives exactly the bytes; (c) encoding `minimal` (derived fields left out) does too.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { decodeStack, encodeStack } from '@wirestack/stack';
import { FIXTURES } from '@wirestack/testkit';
import { describe, expect, it } from 'vitest';

interface Vector {
  name: string;
  first: 'ethernet' | 'ipv4' | 'ipv6';
  hex: string;
  layers: Array<Record<string, unknown> & { layer: string }>;
  minimal: Array<Record<string, unknown> & { layer: string }>;
  trailer?: string;
  /** Expected decode issues (a packet broken on purpose); absent means none. */
  issues?: Array<{ layerIndex: number; code: string }>;
  note?: string;
}

interface VectorFile {
  generator: string;
  scapy: string;
  packets: Vector[];
}

const DIR = join(FIXTURES, 'scapy');
const GROUPS = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .sort();

function toHex(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return s;
}

function fromHex(s: string): Uint8Array {
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(s.slice(i * 2, i * 2 + 2), 16);
  return out;
}

it('has the Scapy vector files', () => {
  expect(GROUPS).toEqual(expect.arrayContaining(['ethernet-vlan-ipv4-udp.json', 'ipv6.json', 'tunnels.json']));
});

for (const file of GROUPS) {
  const group = file.replace(/\.json$/, '');
  const data = JSON.parse(readFileSync(join(DIR, file), 'utf8')) as VectorFile;

  describe(`scapy ${data.scapy}: ${group}`, () => {
    for (const v of data.packets) {
      it(`${group}/${v.name}`, () => {
        const bytes = fromHex(v.hex);
        const opts = v.trailer === undefined ? {} : { trailer: v.trailer };

        // (a) decode
        const pkt = decodeStack(bytes, { first: v.first });
        expect(pkt.layers, 'decoded layers').toEqual(v.layers);
        const issues = pkt.issues.map(({ layerIndex, code }) => ({ layerIndex, code }));
        expect(issues, 'decode issues').toEqual(v.issues ?? []);
        expect(pkt.trailer, 'trailer').toBe(v.trailer);

        // (b) encode the full layers
        expect(toHex(encodeStack(v.layers, opts)), 'encodeStack(layers)').toBe(v.hex);

        // (c) encode with every derived field left out
        expect(toHex(encodeStack(v.minimal, opts)), 'encodeStack(minimal)').toBe(v.hex);
      });
    }
  });
}
