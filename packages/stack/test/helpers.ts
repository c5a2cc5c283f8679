/**
 * Packets the stack's differential tests share: the Scapy vectors, the records of fixtures/captures and of the
 * shared real-world corpus (each with the first layer the CLI would choose), and a VXLAN tunnel stack.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromHex, type LayerObject, type Registry } from '@wirestack/core';
import { readCapture } from '@wirestack/pcap';
import { defaultRegistry } from '@wirestack/stack';
import { corpusAvailable, corpusFiles, FIXTURES } from '@wirestack/testkit';

/** One packet to decode: where it came from, its first layer and its bytes. */
export interface Sample {
  name: string;
  first: string;
  bytes: Uint8Array;
}

/** Every packet of fixtures/scapy/*.json, in file order (none when the folder is absent). */
export function scapySamples(): Sample[] {
  const dir = join(FIXTURES, 'scapy');
  if (!existsSync(dir)) return [];
  const out: Sample[] = [];
  for (const f of readdirSync(dir)
    .filter((x) => x.endsWith('.json'))
    .sort()) {
    const data = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { packets: Array<{ name: string; first: string; hex: string }> };
    for (const p of data.packets) out.push({ name: `${f}/${p.name}`, first: p.first, bytes: fromHex(p.hex) });
  }
  return out;
}

/** The first layer for a capture link type, as the CLI chooses it (registry `linktype` table, raw IP by version nibble). */
export function firstFor(linkType: number, bytes: Uint8Array, reg: Registry): string | undefined {
  if (linkType === 1) return 'ethernet';
  const bound = reg.lookup('linktype', linkType);
  if (bound) return bound.id;
  if (linkType === 101 || linkType === 228 || linkType === 229 || linkType === 12 || linkType === 14) {
    const v = (bytes[0] ?? 0) >>> 4;
    return v === 4 ? 'ipv4' : v === 6 ? 'ipv6' : undefined;
  }
  return undefined;
}

/** Only its `linktype` table is read, so one default registry serves every caller. */
const linkTypes = defaultRegistry();

/** The records of one capture file whose link type gives a first layer, named `label#n` (n from 1). */
export function captureSamples(path: string, label: string): Sample[] {
  const out: Sample[] = [];
  try {
    let i = 0;
    for (const rec of readCapture(new Uint8Array(readFileSync(path)))) {
      i++;
      const first = firstFor(rec.linkType, rec.data, linkTypes);
      if (first) out.push({ name: `${label}#${i}`, first, bytes: rec.data });
    }
  } catch {
    // A broken capture (the corpus has some on purpose): keep the records before the break.
  }
  return out;
}

/** Every record of fixtures/captures/*.pcap|pcapng, files in name order. */
export function fixtureCaptureSamples(): Sample[] {
  const dir = join(FIXTURES, 'captures');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /\.(pcap|pcapng)$/.test(f))
    .sort()
    .flatMap((f) => captureSamples(join(dir, f), `captures/${f}`));
}

/** Every record of the shared corpus's `real` captures (none, with a printed note, when the corpus is absent). */
export function corpusSamples(): Sample[] {
  if (!corpusAvailable()) return [];
  return corpusFiles('real').flatMap((f) => captureSamples(f.path, `corpus/${f.name}`));
}

/**
 * Ethernet / IPv4 / UDP / VXLAN / Ethernet / IPv4 / UDP / raw `payload` (hex, "hello" unless given): a tunnelled
 * packet whose lengths, checksums and next-protocol fields the encoder derives. A new array on each call.
 */
export function vxlanLayers(payload = '68656c6c6f'): LayerObject[] {
  return [
    { layer: 'ethernet', dst: '02:00:00:00:00:02', src: '02:00:00:00:00:01' },
    { layer: 'ipv4', src: '198.18.0.1', dst: '198.18.0.2' },
    { layer: 'udp', srcPort: 49152 },
    { layer: 'vxlan', vni: 42 },
    { layer: 'ethernet', dst: '02:00:00:00:01:02', src: '02:00:00:00:01:01' },
    { layer: 'ipv4', src: '10.0.0.1', dst: '10.0.0.2' },
    { layer: 'udp', srcPort: 1234, dstPort: 5678 },
    { layer: 'raw', data: payload },
  ];
}
