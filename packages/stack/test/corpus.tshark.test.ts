/**
 * Issues #3/#4: every capture of the shared corpus (real/ and kernel/) and of fixtures/captures/ decodes with the
 * layer sequence and the contract fields that tshark reports (FILE.tshark.json beside each capture, made with
 * tshark 4.0; see corpus/MANIFEST.md). tshark's `frame.protocols` is mapped onto our layer ids up to the first
 * protocol we do not decode (tcp, erspan, data, ...), where our next layer must be `raw` (or nothing).
 * For each layer of the common prefix every contract field tshark prints is compared (ARP/ICMP/ICMPv6 fields, which
 * the references filter out, come from fixtures/tshark/arp-icmp.json; ICMP checksum verdicts are compared too). Where tshark reports an
 * error in a layer we decode, we must report an issue too; a broken layer may end our sequence early (with an
 * issue). Genuine, documented disagreements are listed in ALLOWED_DIFFERENCES, one reason each.
 * The packet-count and timestamp checks live in packages/pcap/test/corpus.test.ts.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { linkTypeFirstLayer } from '@wirestack/link';
import { type CaptureRecord, readCapture } from '@wirestack/pcap';
import { decodeStack, defaultRegistry } from '@wirestack/stack';
import { corpusAvailable, corpusFiles, FIXTURES } from '@wirestack/testkit';
import { describe, expect, it } from 'vitest';
import { type ArpIcmpFrame, fieldChecks, type MappedLayer, mapPacket, type TsharkPacket, type TsObj } from './tshark-map.js';

/**
 * tshark's ARP/ICMP/ICMPv6 fields per file and frame (fixtures/tshark/arp-icmp.json, made by
 * fixtures/tshark/generate_arp_icmp.py with the same tshark: the references filter these protocols out).
 */
const ARP_ICMP = JSON.parse(readFileSync(join(FIXTURES, 'tshark', 'arp-icmp.json'), 'utf8')) as {
  files: Record<string, Record<string, ArpIcmpFrame>>;
};

/**
 * Disagreements that are not bugs. `file` and `diff` are matched against the file name and the difference text
 * (`#<packet> <message>`); every entry must be used by at least one file (so stale entries are noticed).
 */
const ALLOWED_DIFFERENCES: ReadonlyArray<{ file: RegExp; diff: RegExp; reason: string }> = [
  {
    file: /./,
    diff: /tshark error in udp: Illegal checksum value \(0\)/,
    reason: 'a zero UDP checksum over IPv6 is accepted for tunnels (RFC 6935, contract udp.checksum); tshark flags it',
  },
  {
    file: /./,
    diff: /tshark error in ethernet: Length field value goes past the end of the payload/,
    reason: 'an 802.3 length-field frame (etherType < 0x0600) is kept raw by contract; tshark checks the length for LLC',
  },
  {
    file: /^tcpdump--icmp-length-zero\.pcapng$/,
    diff: /ipv4\.totalLength: ours 0, tshark 84/,
    reason:
      'a zero IPv4 total length (TSO): tshark substitutes the captured length, the contract keeps the wire value (we flag bad-length)',
  },
  {
    file: /^tcpdump--icmp-length-zero\.pcapng$/,
    diff: /#1 layer 2: ours raw, tshark icmp/,
    reason:
      'the same zero IPv4 total length: the IPv4 layer is broken (bad-length) so we keep its payload raw; tshark substitutes the captured length and dissects the ICMP message',
  },
  {
    file: /^tcpdump--icmp-cksum-oobr-1\.pcap$/,
    diff: /#1 layer 2 icmp checksum: ours good, tshark bad/,
    reason:
      'the IPv4 total length (13911) runs past the 188 bytes present: a decoder cannot tell a cut capture from a bogus length, so the ICMP checksum is left unchecked (the IPv4 layer has a truncated issue); tshark checks the bytes present since frame.len equals frame.cap_len',
  },
  {
    file: /^tcpdump--icmpv6-rfc7112\.pcap$/,
    diff: /#1 layer 5: ours raw, tshark ipv6 .*truncated@5/,
    reason:
      'the packet quoted in an ICMPv6 error ends 16 bytes into an IPv6 header (behind a Fragment header): we report it truncated and keep it raw; tshark shows the partial header and flags nothing inside an ICMP error',
  },
  {
    file: /^tcpdump--ipv6-too-long-jumbo\.pcap$/,
    diff: /tshark error in ipv6-hop-by-hop: (CALIPSO: Invalid Length|Malformed Packet)/,
    reason:
      'Hop-by-Hop options are opaque hex by contract (the header itself is whole); tshark parses the option TLVs and fails on CALIPSO',
  },
  {
    file: /^tcpdump--mpls-label-heapoverflow\.pcap$/,
    diff: /tshark error in mpls: Short packet/,
    reason: 'the snapshot length cuts right after a whole MPLS stack: every layer we decode is complete; tshark marks the missing payload',
  },
];

const registry = defaultRegistry();

interface Source {
  name: string;
  path: string;
  tsharkPath: string;
}

function fixtureCaptures(): Source[] {
  const dir = join(FIXTURES, 'captures');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /\.(pcap|pcapng)$/.test(f) && existsSync(join(dir, `${f}.tshark.json`)))
    .sort()
    .map((name) => ({ name: `fixtures/${name}`, path: join(dir, name), tsharkPath: join(dir, `${name}.tshark.json`) }));
}

/** Every complete record of a capture (a broken container ends the list; its complete records still count). */
function records(bytes: Uint8Array): CaptureRecord[] {
  const out: CaptureRecord[] = [];
  try {
    for (const r of readCapture(bytes)) out.push(r);
  } catch {
    // CaptureError: the container is broken past this point (tested in packages/pcap).
  }
  return out;
}

/** Expert error messages (severity PI_ERROR) anywhere in a tshark layer object. */
function expertErrors(o: unknown, out: string[] = []): string[] {
  if (Array.isArray(o)) for (const x of o) expertErrors(x, out);
  else if (o && typeof o === 'object') {
    const r = o as TsObj;
    if (r['_ws.expert.severity'] === '8388608') out.push(String(r['_ws.expert.message']));
    for (const v of Object.values(r)) if (v && typeof v === 'object') expertErrors(v, out);
  }
  return out;
}

/** A layer object without the IPv6 extension headers tshark nests inside its `ipv6` object (they are layers of their own). */
function ownPart(l: MappedLayer): TsObj | undefined {
  if (l.layer !== 'ipv6' || !l.obj) return l.obj;
  const { 'ipv6.hopopts': _h, 'ipv6.routing': _r, 'ipv6.fraghdr': _f, 'ipv6.dstopts': _d, ...rest } = l.obj;
  return rest;
}

const show = (v: unknown): string => JSON.stringify(v);

/** How many fields were compared per layer id, over all files (guards against a mapping that compares nothing). */
const compared = new Map<string, number>();

/** The differences between our decode of one packet and tshark's, as readable lines. */
function comparePacket(index: number, rec: CaptureRecord, tp: TsharkPacket, sidecar?: Record<string, ArpIcmpFrame>): string[] {
  const diffs: string[] = [];
  const at = `#${index}`;
  const first = linkTypeFirstLayer(rec.linkType, rec.data[0]);
  const frameNumber = String((tp._source.layers.frame as TsObj)['frame.number']);
  const mapped = mapPacket(tp, rec.linkType, sidecar?.[frameNumber]);
  const tsLayers = mapped.layers;
  if (!first) {
    if (tsLayers.length) diffs.push(`${at} link type ${rec.linkType} has no first layer; tshark decodes ${mapped.protocols}`);
    return diffs;
  }
  const d = decodeStack(rec.data, { first, registry });
  const ours = d.layers.filter((l) => l.layer !== 'padding');
  const firstIssue = d.issues.length ? Math.min(...d.issues.map((i) => i.layerIndex)) : Number.POSITIVE_INFINITY;
  const issueText = d.issues.map((i) => `${i.code}@${i.layerIndex}: ${i.message}`).join('; ');

  // tshark errors inside layers we decode (top-level _ws.malformed/_ws.short count when tshark's chain ends in one of ours).
  const tsErrors: Array<{ layer: number; message: string }> = [];
  tsLayers.forEach((l: MappedLayer, i) => {
    for (const m of expertErrors(ownPart(l))) tsErrors.push({ layer: i, message: m });
  });
  const layersObj = tp._source.layers;
  if (mapped.stoppedAt === undefined && tsLayers.length && ('_ws.malformed' in layersObj || '_ws.short' in layersObj))
    tsErrors.push({ layer: tsLayers.length - 1, message: '_ws.malformed' in layersObj ? 'Malformed Packet' : 'Short packet' });
  const broken = tsErrors.length > 0 || mapped.snapCut;

  let matched = 0;
  for (let i = 0; i < tsLayers.length; i++) {
    const t = tsLayers[i]!;
    const o = ours[i];
    if (!o || o.layer !== t.layer) {
      if (firstIssue <= i && broken) break; // both sides see a broken packet here
      diffs.push(
        `${at} layer ${i}: ours ${o ? o.layer : '(none)'}, tshark ${t.layer} [tshark ${mapped.protocols}; ours ${ours.map((l) => l.layer).join('/')}${issueText ? `; issues ${issueText}` : ''}]`,
      );
      break;
    }
    matched = i + 1;
    if (t.obj)
      for (const c of fieldChecks(t.layer, o as Record<string, unknown>, t.obj)) {
        compared.set(t.layer, (compared.get(t.layer) ?? 0) + 1);
        if (JSON.stringify(c.ours) !== JSON.stringify(c.theirs))
          diffs.push(`${at} layer ${i} ${t.layer}.${c.field}: ours ${show(c.ours)}, tshark ${show(c.theirs)} (${c.key})`);
      }
    // ICMP checksums: tshark's verdict (1 good, 0 bad; 2 unverified, e.g. a cut quote) against our bad-checksum issue.
    const status = t.obj?.[`${t.layer}.checksum.status`];
    if ((t.layer === 'icmp' || t.layer === 'icmpv6') && (status === '0' || status === '1')) {
      compared.set(t.layer, (compared.get(t.layer) ?? 0) + 1);
      const bad = d.issues.some((x) => x.layerIndex === i && x.code === 'bad-checksum');
      if (bad !== (status === '0'))
        diffs.push(`${at} layer ${i} ${t.layer} checksum: ours ${bad ? 'bad' : 'good'}, tshark ${status === '0' ? 'bad' : 'good'}`);
    }
  }
  if (matched === tsLayers.length) {
    const next = ours[matched];
    if (next && next.layer !== 'raw')
      diffs.push(
        `${at} ours decodes further: layer ${matched} is ${next.layer}, tshark stops at ${mapped.stoppedAt ?? '(end)'} [tshark ${mapped.protocols}; ours ${ours.map((l) => l.layer).join('/')}]`,
      );
  }
  if (d.issues.length === 0)
    for (const e of tsErrors) diffs.push(`${at} tshark error in ${tsLayers[e.layer]!.layer}: ${e.message}; we report no issue`);
  return diffs;
}

const used = new Set<number>();
const results = new Map<string, string[]>();

/** The differences of one file not covered by ALLOWED_DIFFERENCES (computed once per file). */
function checkFile(f: Source): string[] {
  let r = results.get(f.path);
  if (!r) {
    r = compareFile(f);
    results.set(f.path, r);
  }
  return r;
}

function compareFile(f: Source): string[] {
  const tshark = (JSON.parse(readFileSync(f.tsharkPath, 'utf8')) as TsharkPacket[]).filter(
    // pcapng custom blocks are shown by tshark as frames; they are not packets.
    (p) => (p._source.layers.frame as TsObj)['frame.cb_pen'] === undefined,
  );
  const recs = records(new Uint8Array(readFileSync(f.path)));
  const diffs: string[] = [];
  const sidecar = ARP_ICMP.files[f.name.startsWith('fixtures/') ? f.name : `${basename(dirname(f.path))}/${f.name}`];
  const n = Math.min(recs.length, tshark.length); // references may be trimmed; counts are checked in packages/pcap
  for (let i = 0; i < n; i++) diffs.push(...comparePacket(i + 1, recs[i]!, tshark[i]!, sidecar));
  return diffs.filter((d) => {
    const k = ALLOWED_DIFFERENCES.findIndex((a) => a.file.test(f.name) && a.diff.test(d));
    if (k >= 0) used.add(k);
    return k < 0;
  });
}

const have = corpusAvailable();
const files: Source[] = [...(have ? [...corpusFiles('real'), ...corpusFiles('kernel')] : []), ...fixtureCaptures()];

describe('captures decode as tshark decodes them', () => {
  it.skipIf(!have)('has the corpus', () => {
    expect(files.length).toBeGreaterThan(90);
  });

  for (const f of files) {
    it(f.name, () => {
      expect(checkFile(f)).toEqual([]);
    });
  }

  it.skipIf(!have)('compares fields of every layer kind', () => {
    for (const f of files) checkFile(f);
    const kinds = [
      'ethernet',
      'vlan',
      'ipv4',
      'ipv6',
      'ipv6-hop-by-hop',
      'ipv6-routing',
      'ipv6-fragment',
      'ipv6-destination-options',
      'udp',
      'gre',
      'vxlan',
      'vxlan-gpe',
      'geneve',
      'mpls',
      'linux-sll',
      'linux-sll2',
      'null',
      'arp',
      'icmp',
      'icmpv6',
    ];
    expect(kinds.filter((k) => !(compared.get(k)! > 0))).toEqual([]);
  });

  it.skipIf(!have)('uses every allowed difference', () => {
    for (const f of files) checkFile(f);
    const unused = ALLOWED_DIFFERENCES.filter((_, k) => !used.has(k)).map((a) => a.reason);
    expect(unused).toEqual([]);
  });
});
