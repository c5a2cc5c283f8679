/**
 * Text output: the one-line packet summary of `decode`, the field tree and the layer-coloured hexdump of
 * `show`, and value formatting driven by each codec's `fields` spec.
 */
import { etherTypeName, type FieldSpec, ipProtocolName, type LayerObject, type Registry } from '@wirestack/core';
import { arpOpcodeName } from '@wirestack/arp';
import { icmpTypeName, icmpv6TypeName } from '@wirestack/icmp';
import type { DecodedPacket, Issue } from '@wirestack/stack';

// ---------------------------------------------------------------------------------------------
// Summary line

function str(v: unknown): string {
  return v === undefined ? '?' : String(v);
}

/** The key fields of one layer, e.g. `ipv4 10.0.0.1 → 10.0.0.2`, `vxlan vni 42`, `mpls 16/s`. */
export function summarizeLayer(l: LayerObject): string {
  switch (l.layer) {
    case 'ethernet':
      return `ethernet ${str(l.src)} → ${str(l.dst)}`;
    case 'vlan':
      return `vlan ${str(l.vid)}`;
    case 'ipv4': {
      const frag = (typeof l.fragmentOffset === 'number' && l.fragmentOffset > 0) || l.moreFragments === true;
      return `ipv4 ${str(l.src)} → ${str(l.dst)}${frag ? ` frag ${str(l.fragmentOffset)}${l.moreFragments ? '+' : ''}` : ''}`;
    }
    case 'ipv6':
      return `ipv6 ${str(l.src)} → ${str(l.dst)}`;
    case 'udp':
      return `udp ${str(l.srcPort)} → ${str(l.dstPort)}`;
    case 'gre':
      return l.key === undefined ? 'gre' : `gre key ${str(l.key)}`;
    case 'vxlan':
      return `vxlan vni ${str(l.vni)}`;
    case 'geneve': {
      const n = Array.isArray(l.options) ? l.options.length : 0;
      return `geneve vni ${str(l.vni)}${n > 0 ? ` opts ${n}` : ''}`;
    }
    case 'mpls':
      return `mpls ${str(l.label)}${l.bottomOfStack === true ? '/s' : ''}`;
    case 'arp':
      // as tcpdump says it
      return l.opcode === 1
        ? `arp who-has ${str(l.targetIp)} tell ${str(l.senderIp)}`
        : l.opcode === 2
          ? `arp reply ${str(l.senderIp)} is-at ${str(l.senderMac)}`
          : `arp ${arpOpcodeName(Number(l.opcode))}`;
    case 'icmp':
    case 'icmpv6': {
      const t = Number(l.type);
      const name = l.layer === 'icmp' ? icmpTypeName(t) : icmpv6TypeName(t);
      const echo = typeof l.identifier === 'number' ? ` id ${l.identifier} seq ${str(l.sequence)}` : '';
      return `${l.layer} ${name}${echo}${l.code === 0 || l.code === undefined ? '' : ` code ${str(l.code)}`}`;
    }
    case 'esp':
      return `esp spi 0x${Number(l.spi).toString(16)} seq ${str(l.sequence)}`;
    case 'raw':
    case 'padding':
      return `${l.layer} ${typeof l.data === 'string' ? l.data.length >>> 1 : 0}B`;
    default:
      return l.layer;
  }
}

/** The layer an issue is about, by name (for a layer that failed to decode: the codec named in the message). */
export function issueLayer(pkt: DecodedPacket, issue: Issue): string {
  const named = pkt.layers[issue.layerIndex]?.layer;
  if (named !== undefined && named !== 'raw') return named;
  const m = /^([a-z0-9-]+):/.exec(issue.message);
  return m?.[1] ?? named ?? 'packet';
}

/** One readable line per packet: number, time, the stack outermost first, trailer and issues. */
export function summaryLine(index: number, timestamp: string, pkt: DecodedPacket): string {
  let s = `${index} ${timestamp} `;
  const L = pkt.layers;
  for (let i = 0; i < L.length; i++) {
    const l = L[i]!;
    // Sizes of opaque bytes from the spans: the packet may have been decoded without their hex (`opaqueHex: false`).
    const text = l.layer === 'raw' || l.layer === 'padding' ? `${l.layer} ${pkt.layerLength(i)}B` : summarizeLayer(l);
    s += (i === 0 ? '' : ' / ') + text;
  }
  if (L.length === 0) s += '(no layers)';
  if (pkt.trailer !== undefined) s += ` + trailer ${pkt.trailerLength}B`;
  for (const issue of pkt.issues) s += ` [${issue.code} ${issueLayer(pkt, issue)}]`;
  return s;
}

// ---------------------------------------------------------------------------------------------
// Field values

const HEX16 = new Set(['etherType', 'protocolType']);
const IP_PROTO = new Set(['protocol', 'nextHeader']);
const HEX_NUM = new Set(['checksum', 'flags', 'class', 'tpid']);

function hexNum(n: number, width: number): string {
  return `0x${n.toString(16).padStart(width, '0')}`;
}

/** Longest hex shown in a tree before it is cut (the hexdump shows every byte). */
const TREE_HEX_MAX = 64;

/** A field value as text: EtherTypes in hex with names, IP protocols with names, hex strings cut when long. */
export function formatValue(name: string, value: unknown, spec?: FieldSpec, full = false): string {
  if (typeof value === 'number') {
    if (HEX16.has(name)) return `${hexNum(value, 4)} (${etherTypeName(value)})`;
    if (IP_PROTO.has(name)) return `${value} (${ipProtocolName(value)})`;
    if (HEX_NUM.has(name)) return hexNum(value, Math.max(2, Math.ceil((spec?.bits ?? 16) / 4)));
    return String(value);
  }
  if (typeof value === 'string') {
    if (spec?.kind === 'hex' || name === 'data' || name === 'options') {
      if (value === '') return '(empty)';
      const n = value.length >>> 1;
      if (!full && value.length > TREE_HEX_MAX) return `${value.slice(0, TREE_HEX_MAX)}… (${n} bytes)`;
      return `${value} (${n} byte${n === 1 ? '' : 's'})`;
    }
    return value;
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return JSON.stringify(value);
}

/** The fields of a layer in display order: the codec's spec first, then any other keys it carries. */
export function layerFields(l: LayerObject, registry: Registry): Array<{ name: string; value: unknown; spec: FieldSpec | undefined }> {
  const specs = registry.get(l.layer)?.fields ?? [];
  const out: Array<{ name: string; value: unknown; spec: FieldSpec | undefined }> = [];
  const seen = new Set<string>(['layer']);
  for (const s of specs) {
    seen.add(s.name);
    if (l[s.name] !== undefined) out.push({ name: s.name, value: l[s.name], spec: s });
  }
  for (const k of Object.keys(l)) if (!seen.has(k) && l[k] !== undefined) out.push({ name: k, value: l[k], spec: undefined });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Colour

/** ANSI foreground colours, one per layer, cycling. */
const PALETTE = [36, 33, 32, 35, 34, 31, 96, 93, 92, 95, 94, 91];
const TRAILER_COLOUR = 90;

/** Wraps text in an ANSI colour when `on`. */
export function paint(text: string, code: number, on: boolean, bold = false): string {
  return on ? `\x1b[${bold ? '1;' : ''}${code}m${text}\x1b[0m` : text;
}

function colourOf(i: number, layers: number): number {
  return i >= layers ? TRAILER_COLOUR : PALETTE[i % PALETTE.length]!;
}

// ---------------------------------------------------------------------------------------------
// show: tree

/** What `show` prints above the tree. */
export interface PacketHeading {
  index: number;
  timestamp: string;
  capturedLength: number;
  originalLength: number;
  linkType: number;
  /** The link type's name, when known. */
  linkTypeName?: string;
  interfaceId: number;
}

function range(offset: number, length: number): string {
  return length === 0 ? `[${offset}, empty]` : `[${offset}-${offset + length - 1}, ${length} byte${length === 1 ? '' : 's'}]`;
}

/** The packet as a tree: every field of every layer with names and values, issues marked. */
export function packetTree(pkt: DecodedPacket, head: PacketHeading, registry: Registry, colour: boolean): string[] {
  const out: string[] = [];
  out.push(
    paint(
      `Packet ${head.index}  time ${head.timestamp}  ${head.capturedLength} bytes captured, ${head.originalLength} on the wire  link type ${head.linkType}${head.linkTypeName ? ` (${head.linkTypeName})` : ''}  interface ${head.interfaceId}`,
      37,
      colour,
      true,
    ),
  );
  const L = pkt.layers;
  const hasTrailer = pkt.trailer !== undefined;
  const packetIssues = pkt.issues.filter((i) => i.layerIndex >= L.length);
  for (let i = 0; i < L.length; i++) {
    const l = L[i]!;
    const last = i === L.length - 1 && !hasTrailer && packetIssues.length === 0;
    const span = pkt.spans[i];
    const issues = pkt.issues.filter((x) => x.layerIndex === i);
    const mark = issues.length ? ` ${paint(`⚠ ${issues.map((x) => x.code).join(', ')}`, 31, colour, true)}` : '';
    out.push(
      `${last ? '└─' : '├─'} ${paint(l.layer, colourOf(i, L.length), colour, true)}  ${span ? range(span.offset, span.length) : ''}${mark}`,
    );
    const bar = last ? '   ' : '│  ';
    const fields = layerFields(l, registry);
    const w = fields.reduce((m, f) => Math.max(m, f.name.length), 0);
    for (const f of fields) out.push(`${bar}  ${f.name.padEnd(w)}  ${formatValue(f.name, f.value, f.spec)}`);
    for (const x of issues) out.push(`${bar}  ${paint(`⚠ ${x.code} at offset ${x.offset}: ${x.message}`, 31, colour)}`);
  }
  if (hasTrailer) {
    const t = pkt.trailer as string;
    const n = t.length >>> 1;
    const last = packetIssues.length === 0;
    out.push(
      `${last ? '└─' : '├─'} ${paint('trailer', TRAILER_COLOUR, colour, true)}  ${range(pkt.bytes.length - n, n)}  ${formatValue('data', t)}`,
    );
  }
  if (packetIssues.length) {
    out.push(`└─ ${paint('issues', 31, colour, true)}`);
    for (const x of packetIssues) out.push(`     ${paint(`⚠ ${x.code} at offset ${x.offset}: ${x.message}`, 31, colour)}`);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// show: hexdump

/** For each byte of the packet, the index of the layer that holds it (`layers.length` for the trailer, -1 for none). */
export function byteOwners(pkt: DecodedPacket): Int16Array {
  const owner = new Int16Array(pkt.bytes.length).fill(-1);
  pkt.spans.forEach((s, i) => {
    owner.fill(i, Math.min(s.offset, owner.length), Math.min(s.offset + s.length, owner.length));
  });
  if (pkt.trailer !== undefined) owner.fill(pkt.layers.length, pkt.bytes.length - (pkt.trailer.length >>> 1));
  return owner;
}

const PER_LINE = 16;

/** Column of byte `j` (0-15) of a hexdump line, counted from the first hex digit. */
function col(j: number): number {
  return j * 3 + (j >= 8 ? 1 : 0);
}

/**
 * A hexdump with each layer's bytes in its own colour, a legend, and a marker line under every row in
 * which a layer starts (`^N` under its first byte), so boundaries show without colour too.
 */
export function hexdump(pkt: DecodedPacket, colour: boolean): string[] {
  const L = pkt.layers;
  const owner = byteOwners(pkt);
  const out: string[] = [];
  const legend: string[] = [];
  L.forEach((l, i) => {
    const s = pkt.spans[i];
    legend.push(paint(`■ ${i} ${l.layer}${s ? ` ${range(s.offset, s.length)}` : ''}`, colourOf(i, L.length), colour));
  });
  if (pkt.trailer !== undefined) {
    const n = pkt.trailer.length >>> 1;
    legend.push(paint(`■ T trailer ${range(pkt.bytes.length - n, n)}`, TRAILER_COLOUR, colour));
  }
  out.push(`Layers: ${legend.join('  ')}`);
  const b = pkt.bytes;
  const width = Math.max(4, b.length.toString(16).length);
  for (let row = 0; row < b.length; row += PER_LINE) {
    let hex = '';
    let ascii = '';
    let marks = '';
    let markCol = 0;
    let prev = row > 0 ? owner[row - 1]! : -2;
    for (let j = 0; j < PER_LINE; j++) {
      const k = row + j;
      const gap = j === 8 ? ' ' : '';
      if (k >= b.length) {
        hex += `${gap}   `;
        continue;
      }
      const o = owner[k]!;
      const byte = b[k]!;
      const h = byte.toString(16).padStart(2, '0');
      const a = byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : '.';
      const on = colour && o >= 0;
      const c = o < 0 ? 0 : colourOf(o, L.length);
      hex += `${gap}${paint(h, c, on)} `;
      ascii += paint(a, c, on);
      if (o !== prev && o >= 0) {
        const label = o >= L.length ? '^T' : `^${o}`;
        const at = col(j);
        if (at >= markCol) {
          marks += ' '.repeat(at - markCol) + paint(label, c, colour);
          markCol = at + label.length;
        }
      }
      prev = o;
    }
    out.push(`${row.toString(16).padStart(width, '0')}  ${hex} |${ascii}|`);
    if (marks) out.push(`${' '.repeat(width + 2)}${marks}`);
  }
  return out;
}
