/**
 * docs/layers.md is the project's layer reference: every codec must be documented there with exactly the fields
 * it declares, in order, and every key a decoder emits (on the fixtures and on the real corpus) must be documented.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCapture } from '@wirestack/pcap';
import { linkTypeFirstLayer } from '@wirestack/link';
import { decodeStack, defaultRegistry } from '@wirestack/stack';
import { corpusAvailable, corpusFiles, FIXTURES, REPO_ROOT } from '@wirestack/testkit';
import { describe, expect, it } from 'vitest';

interface DocLayer {
  fields: string[];
  extras: string[];
}

function parseDocs(): Map<string, DocLayer> {
  const md = readFileSync(join(REPO_ROOT, 'docs/layers.md'), 'utf8');
  const out = new Map<string, DocLayer>();
  let current: DocLayer | undefined;
  for (const line of md.split('\n')) {
    const h = /^### `([a-z0-9-]+)`/.exec(line);
    if (h) {
      current = { fields: [], extras: [] };
      out.set(h[1]!, current);
      continue;
    }
    if (line.startsWith('## ')) current = undefined;
    const row = /^\| `([A-Za-z0-9]+)` \|/.exec(line);
    if (row && current) (line.includes('*extra*') ? current.extras : current.fields).push(row[1]!);
  }
  return out;
}

const docs = parseDocs();
const registry = defaultRegistry();

describe('docs/layers.md', () => {
  for (const codec of registry.layers()) {
    it(`documents ${codec.id} with the codec's fields, in order`, () => {
      const d = docs.get(codec.id);
      expect(d, `no section for ${codec.id}`).toBeDefined();
      const declared = codec.fields.map((f) => f.name).filter((n) => !d!.extras.includes(n));
      expect(d!.fields).toEqual(declared);
    });
  }

  it('documents every key decoders emit on the fixtures and the corpus', () => {
    const seen = new Map<string, Set<string>>();
    const note = (layers: readonly Record<string, unknown>[]) => {
      for (const l of layers) {
        const s = seen.get(l.layer as string) ?? new Set<string>();
        for (const k of Object.keys(l)) if (k !== 'layer') s.add(k);
        seen.set(l.layer as string, s);
      }
    };
    for (const f of readdirSync(join(FIXTURES, 'scapy')).filter((x) => x.endsWith('.json'))) {
      const j = JSON.parse(readFileSync(join(FIXTURES, 'scapy', f), 'utf8')) as { packets: Array<{ hex: string; first: string }> };
      for (const p of j.packets) note(decodeStack(Uint8Array.from(Buffer.from(p.hex, 'hex')), { first: p.first, registry }).layers);
    }
    const files = [...(corpusAvailable() ? corpusFiles('real') : []), ...(corpusAvailable() ? corpusFiles('kernel') : [])];
    for (const f of files) {
      try {
        for (const rec of readCapture(new Uint8Array(readFileSync(f.path)))) {
          const first = linkTypeFirstLayer(rec.linkType, rec.data[0]);
          if (first) note(decodeStack(rec.data, { first, registry }).layers);
        }
      } catch {
        // broken containers are tested elsewhere
      }
    }
    for (const [layer, keys] of seen) {
      const d = docs.get(layer);
      expect(d, `layer ${layer} is not documented`).toBeDefined();
      for (const k of keys) expect([...d!.fields, ...d!.extras], `${layer}.${k}`).toContain(k);
    }
  });
});
