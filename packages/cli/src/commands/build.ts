/**
 * `wirestack build EXPR... | --json FILE`: packets from layer expressions or JSON (layer arrays or the
 * packet records `decode --json` prints), written as hex lines or a pcap/pcapng file, with `--explain`
 * listing every field the encoder derived or defaulted.
 */
import { writeFile } from 'node:fs/promises';
import { EncodeError, type LayerObject, type Registry, toHex } from '@wirestack/core';
import { PcapngWriter, PcapWriter } from '@wirestack/pcap';
import { decodeStack, encodeStack } from '@wirestack/stack';
import { parseExpression } from '../expr.js';
import { formatValue } from '../format.js';
import { type CliStreams, InputError, LineWriter, readLines, toInputError, UsageError } from '../io.js';
import { linkTypeFor } from '../link.js';
import { buildRegistry } from '../registry.js';
import { reportInputError } from './common.js';

/** Options of `build`. */
export interface BuildOptions {
  json?: string;
  hex?: boolean;
  output?: string;
  explain?: boolean;
  decodeAs?: string[];
  mplsPayload?: string;
  mplsControlWord?: boolean;
}

/** A packet to build. */
export interface BuildItem {
  layers: LayerObject[];
  trailer?: string;
  /** From a packet record: its timestamp and link type (kept in `-o` output). */
  timestampNs?: bigint;
  timestampDigits?: number;
  linkType?: number;
  /** Where it came from, for messages (`expression 1`, `FILE: line 3`). */
  where: string;
}

/** One field the encoder filled in. */
export interface ExplainEntry {
  index: number;
  layer: string;
  field: string;
  value: unknown;
  how: 'derived' | 'default';
}

/** Parses a decimal seconds string (`"1700000000.123456"`) to nanoseconds and its digit count. */
export function parseTimestamp(s: string): { ns: bigint; digits: number } | undefined {
  const m = /^(\d+)(?:\.(\d{1,9}))?$/.exec(s);
  if (!m) return undefined;
  const frac = m[2] ?? '';
  return { ns: BigInt(m[1]!) * 1_000_000_000n + BigInt(frac.padEnd(9, '0') || '0'), digits: frac.length };
}

/** Turns one JSON line (a layer array or a packet record) into a {@link BuildItem}; throws a message on bad input. */
export function itemFromJson(value: unknown, where: string): BuildItem {
  if (Array.isArray(value)) return { layers: value as LayerObject[], where };
  if (value && typeof value === 'object' && Array.isArray((value as { layers?: unknown }).layers)) {
    const r = value as { layers: LayerObject[]; trailer?: unknown; timestamp?: unknown; linkType?: unknown };
    const item: BuildItem = { layers: r.layers, where };
    if (r.trailer !== undefined) {
      if (typeof r.trailer !== 'string') throw new Error('trailer must be a hex string');
      item.trailer = r.trailer;
    }
    if (typeof r.timestamp === 'string') {
      const t = parseTimestamp(r.timestamp);
      if (t) {
        item.timestampNs = t.ns;
        item.timestampDigits = t.digits;
      }
    }
    if (typeof r.linkType === 'number') item.linkType = r.linkType;
    return item;
  }
  throw new Error('expected a JSON array of layer objects or a packet record with "layers"');
}

/**
 * The fields of `input` that the encoder filled in, read back from the built bytes: a field the input
 * leaves out is `derived` when the codec's spec says so, else `default`.
 */
export function explain(input: readonly LayerObject[], bytes: Uint8Array, registry: Registry): ExplainEntry[] {
  const first = input[0]?.layer ?? 'raw';
  const dec = decodeStack(bytes, { first, registry, verifyChecksums: false });
  const out: ExplainEntry[] = [];
  input.forEach((l, i) => {
    const d = dec.layers[i];
    const codec = registry.get(l.layer);
    if (!d || d.layer !== l.layer || !codec) return;
    for (const spec of codec.fields) {
      if (l[spec.name] !== undefined || d[spec.name] === undefined) continue;
      out.push({ index: i, layer: l.layer, field: spec.name, value: d[spec.name], how: spec.derived ? 'derived' : 'default' });
    }
  });
  return out;
}

function explainLine(e: ExplainEntry, registry: Registry): string {
  const spec = registry.get(e.layer)?.fields.find((f) => f.name === e.field);
  return `# [${e.index}] ${e.layer}.${e.field} = ${formatValue(e.field, e.value, spec, true)}  (${e.how})`;
}

/** Collects packets, writes a pcap or pcapng at the end. */
class CaptureOut {
  private parts: Uint8Array[] = [];
  private pcap: PcapWriter | undefined;
  private ng: PcapngWriter | undefined;
  private readonly ifaces = new Map<number, number>();
  constructor(
    readonly path: string,
    readonly pcapng: boolean,
  ) {}

  add(data: Uint8Array, linkType: number, ns: bigint, digits: number): void {
    if (this.pcapng) {
      if (!this.ng) {
        this.ng = new PcapngWriter({ userAppl: 'wirestack build' });
        this.parts.push(this.ng.sectionHeader());
      }
      let id = this.ifaces.get(linkType);
      if (id === undefined) {
        id = this.ifaces.size;
        this.ifaces.set(linkType, id);
        this.parts.push(this.ng.addInterface({ linkType, tsresol: digits > 6 ? 9 : 6 }));
      }
      this.parts.push(this.ng.writeRecord({ interfaceId: id, timestampNs: ns, data }));
      return;
    }
    if (!this.pcap) {
      this.pcap = new PcapWriter({ linkType, nanosecond: digits > 6 });
      this.parts.push(this.pcap.header());
    } else if ((this.pcap.linkTypeField & 0xffff) !== linkType)
      throw new EncodeError({
        layer: 'pcap',
        field: 'linkType',
        message: `a pcap file has one link type (${this.pcap.linkTypeField & 0xffff}) but this packet needs ${linkType}; write .pcapng instead`,
      });
    this.parts.push(this.pcap.writeRecord({ timestampNs: ns, data }));
  }

  async save(): Promise<void> {
    if (this.parts.length === 0) {
      if (this.pcapng) {
        const w = new PcapngWriter({ userAppl: 'wirestack build' });
        this.parts.push(w.sectionHeader());
      } else this.parts.push(new PcapWriter().header());
    }
    let n = 0;
    for (const p of this.parts) n += p.length;
    const all = new Uint8Array(n);
    n = 0;
    for (const p of this.parts) {
      all.set(p, n);
      n += p.length;
    }
    await writeFile(this.path, all);
  }
}

async function* expressionItems(exprs: readonly string[], registry: Registry): AsyncGenerator<BuildItem> {
  for (let i = 0; i < exprs.length; i++) yield { layers: parseExpression(exprs[i]!, registry), where: `expression ${i + 1}` };
}

async function* jsonItems(path: string, streams: CliStreams): AsyncGenerator<BuildItem | InputError> {
  const name = path === '-' ? '<stdin>' : path;
  let lineNo = 0;
  for await (const line of readLines(path, streams)) {
    lineNo++;
    const t = line.trim();
    if (t === '' || t.startsWith('#')) continue;
    let v: unknown;
    try {
      v = JSON.parse(t);
    } catch (e) {
      yield new InputError(name, 0, `not JSON (${(e as Error).message})`, `line ${lineNo}`);
      continue;
    }
    try {
      yield itemFromJson(v, `${name}: line ${lineNo}`);
    } catch (e) {
      yield new InputError(name, 0, (e as Error).message, `line ${lineNo}`);
    }
  }
}

/** Runs `build`; returns the exit status. */
export async function runBuild(exprs: string[], opts: BuildOptions, streams: CliStreams): Promise<number> {
  const registry = buildRegistry(opts, 'build');
  if (opts.json !== undefined && exprs.length > 0) throw new UsageError('give either expressions or --json FILE, not both', 'build');
  if (opts.json === undefined && exprs.length === 0) throw new UsageError('nothing to build: give an expression or --json FILE', 'build');
  const output = opts.output;
  const cap = output !== undefined ? new CaptureOut(output, /\.pcapng$/i.test(output)) : undefined;
  const hex = opts.hex === true || cap === undefined;
  const fromJson = opts.json !== undefined;
  const out = new LineWriter(streams.stdout);
  let code = 0;
  const items = fromJson ? jsonItems(opts.json as string, streams) : expressionItems(exprs, registry);
  try {
    for await (const item of items) {
      if (out.closed) break;
      if (item instanceof InputError) {
        await out.flush();
        reportInputError(streams, item);
        code = 1;
        continue;
      }
      let bytes: Uint8Array;
      try {
        bytes = encodeStack(item.layers, { registry, ...(item.trailer !== undefined ? { trailer: item.trailer } : {}) });
        if (cap) {
          const first = item.layers[0]?.layer ?? 'raw';
          const lt = item.linkType ?? linkTypeFor(first);
          if (lt === undefined)
            throw new EncodeError({ layer: first, message: `no capture link type for a packet starting with '${first}'` });
          cap.add(bytes, lt, item.timestampNs ?? 0n, item.timestampDigits ?? 6);
        }
      } catch (e) {
        if (!(e instanceof EncodeError)) throw e;
        if (!fromJson) throw new UsageError(`${item.where}: ${e.message}`, 'build');
        await out.flush();
        const m = /^(.*): line (\d+)$/.exec(item.where);
        reportInputError(streams, new InputError(m?.[1] ?? item.where, 0, e.message, `line ${m?.[2] ?? '?'}`));
        code = 1;
        continue;
      }
      if (opts.explain) for (const e of explain(item.layers, bytes, registry)) out.line(explainLine(e, registry));
      if (hex) out.line(toHex(bytes));
      if (out.full) await out.flush();
    }
  } catch (e) {
    if (e instanceof UsageError) throw e;
    await out.flush();
    reportInputError(streams, toInputError(opts.json === '-' ? '<stdin>' : (opts.json ?? 'build'), e));
    return 1;
  }
  await out.end();
  if (cap) await cap.save();
  return code;
}
