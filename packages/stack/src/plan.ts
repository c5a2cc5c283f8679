/**
 * A registry compiled for the stack engine's hot loops (internal; not exported from the package).
 *
 * `decodeStack` and `encodeStack` call codecs of many shapes, so every `codec.decode` / `codec.encode` /
 * `codec.next` load would be megamorphic. A {@link Plan} reads each codec once into a {@link CodecInfo} (one
 * shape for all) and keeps the `ethertype`, `ip.proto` and `udp.port` tables as typed arrays of codec
 * indexes. A plan belongs to one revision of one registry: any `add`/`replace`/`bind`/`unbind` makes a new one.
 */
import type { AnyCodec, NextRef, Registry } from '@wirestack/core';
import type { PathSlot, Step } from './compiled.js';

/** Which per-packet limit a layer counts against (decodeStack's `limits`). */
export type LimitName = 'ipv6ExtensionHeaders' | 'mplsLabels' | 'greHeaders';

const LIMIT_OF: Record<string, LimitName> = {
  'ipv6-hop-by-hop': 'ipv6ExtensionHeaders',
  'ipv6-routing': 'ipv6ExtensionHeaders',
  'ipv6-fragment': 'ipv6ExtensionHeaders',
  'ipv6-destination-options': 'ipv6ExtensionHeaders',
  mpls: 'mplsLabels',
  gre: 'greHeaders',
};
/** Limit classes: 0 none, 1 IPv6 extension headers, 2 MPLS labels, 3 GRE headers. */
const LIMIT_CLASS: Record<LimitName, number> = { ipv6ExtensionHeaders: 1, mplsLabels: 2, greHeaders: 3 };

/** The limit class of a layer id (0 when it counts against no limit); `StackDecoder` keeps it in its meta bits. */
export function limitClassOf(id: string): number {
  return Object.hasOwn(LIMIT_OF, id) ? LIMIT_CLASS[LIMIT_OF[id]!] : 0;
}

const noDatagram = (): undefined => undefined;
const noVerify = (): boolean => true;
const noFinish = (): void => {};

/**
 * What the loops need to know about a codec. The functions are the codec's own; call them with
 * `.call(info.codec, ...)` so that a codec written as a class keeps its `this`.
 */
export class CodecInfo {
  readonly id: string;
  readonly minLength: number;
  readonly limitClass: number;
  readonly limitName: LimitName | undefined;
  /** Has `datagramLength`. */
  readonly bounds: boolean;
  /** Has `verify`. */
  readonly verifies: boolean;
  /** Has `finish`. */
  readonly finishes: boolean;
  readonly network: boolean;
  readonly decode: AnyCodec['decode'];
  readonly headerLength: AnyCodec['headerLength'];
  readonly next: AnyCodec['next'];
  readonly datagramLength: NonNullable<AnyCodec['datagramLength']>;
  readonly verify: NonNullable<AnyCodec['verify']>;
  readonly encodingLength: AnyCodec['encodingLength'];
  readonly encode: AnyCodec['encode'];
  readonly finish: NonNullable<AnyCodec['finish']>;

  constructor(
    readonly codec: AnyCodec,
    readonly index: number,
  ) {
    this.id = codec.id;
    this.minLength = codec.minLength;
    this.limitName = Object.hasOwn(LIMIT_OF, codec.id) ? LIMIT_OF[codec.id] : undefined;
    this.limitClass = this.limitName === undefined ? 0 : LIMIT_CLASS[this.limitName];
    this.bounds = typeof codec.datagramLength === 'function';
    this.verifies = typeof codec.verify === 'function';
    this.finishes = typeof codec.finish === 'function';
    this.network = codec.network === true;
    this.decode = codec.decode;
    this.headerLength = codec.headerLength;
    this.next = codec.next;
    this.datagramLength = codec.datagramLength ?? noDatagram;
    this.verify = codec.verify ?? noVerify;
    this.encodingLength = codec.encodingLength;
    this.encode = codec.encode;
    this.finish = codec.finish ?? noFinish;
  }
}

/** A registry compiled for the loops: codec records, and the three busiest tables as typed arrays (index + 1). */
export class Plan {
  readonly revision: number;
  readonly infos: CodecInfo[] = [];
  private readonly byCodec = new Map<AnyCodec, CodecInfo>();
  private readonly byId = new Map<string, CodecInfo>();
  readonly ethertype = new Uint16Array(65536);
  readonly ipProto = new Uint16Array(256);
  readonly udpPort = new Uint16Array(65536);
  /** `decodeStack`'s learned paths and walkers, by the index of the first codec (see `compiled.ts`). */
  readonly slots: Array<PathSlot | undefined> = [];
  /** Per codec index: its generated step function (see `compiled.ts`), shared by every walker of this plan. */
  readonly steps: Array<Step | undefined> = [];
  /** Walkers generated for this plan so far. */
  compiles = 0;

  constructor(readonly registry: Registry) {
    this.revision = registry.revision;
    for (const c of registry.layers()) this.byId.set(c.id, this.info(c));
    this.fill(this.ethertype, 'ethertype');
    this.fill(this.ipProto, 'ip.proto');
    this.fill(this.udpPort, 'udp.port');
  }

  private fill(t: Uint16Array, table: string): void {
    for (const [v, id] of this.registry.entries(table)) {
      const c = this.registry.get(id);
      if (c && Number.isInteger(v) && v >= 0 && v < t.length) t[v] = this.info(c).index + 1;
    }
  }

  /** The record of a codec (made on first use). */
  info(c: AnyCodec): CodecInfo {
    let i = this.byCodec.get(c);
    if (i === undefined) {
      i = new CodecInfo(c, this.infos.length);
      this.infos.push(i);
      this.byCodec.set(c, i);
    }
    return i;
  }

  /** The record of the codec with this id, as `registry.get` finds it. */
  get(id: string): CodecInfo | undefined {
    return this.byId.get(id);
  }

  private firstId: string | undefined = undefined;
  private firstInfo: CodecInfo | undefined = undefined;

  /**
   * The record of `registry.get(id)` (`undefined` when there is none), remembering the last id asked for:
   * `decodeStack` asks for its first layer on every packet, and two map lookups per packet show up.
   */
  first(id: string): CodecInfo | undefined {
    if (id === this.firstId) return this.firstInfo;
    const c = this.registry.get(id);
    const info = c === undefined ? undefined : this.info(c);
    this.firstId = id;
    this.firstInfo = info;
    return info;
  }

  /** The codec a `NextRef` points at, as `registry.resolve` finds it. */
  resolve(ref: NextRef): CodecInfo | undefined {
    const layer = (ref as { layer?: string }).layer;
    if (typeof layer === 'string') return this.byId.get(layer);
    const table = (ref as { table?: string }).table;
    if (layer === undefined && table !== undefined) {
      const v = (ref as { value: number }).value;
      let k = -1;
      if (table === 'ethertype') k = this.ethertype[v] ?? -1;
      else if (table === 'ip.proto') k = this.ipProto[v] ?? -1;
      else if (table === 'udp.port') k = this.udpPort[v] ?? -1;
      if (k > 0) return this.infos[k - 1];
      // 0: nothing bound there; -1: a table or a value the typed arrays do not hold, so ask the registry.
      if (k === 0) return undefined;
    }
    const c = this.registry.resolve(ref);
    return c === undefined ? undefined : this.info(c);
  }
}

let lastPlan: Plan | undefined;
const plans = new WeakMap<Registry, Plan>();

/** The plan of the registry's current revision (rebuilt after any change to the registry). */
export function planOf(registry: Registry): Plan {
  const last = lastPlan;
  if (last !== undefined && last.registry === registry && last.revision === registry.revision) return last;
  let p = plans.get(registry);
  if (p === undefined || p.revision !== registry.revision) {
    p = new Plan(registry);
    plans.set(registry, p);
  }
  lastPlan = p;
  return p;
}
