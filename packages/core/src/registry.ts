/**
 * Dispatch tables as values. A `Registry` is an instance: two decoders can bind port 8472 differently,
 * and nothing is registered at import time (unlike gopacket's global tables).
 */
import type { AnyCodec, Binding, NextRef, TableName } from './layer.js';

/** What follows the bottom MPLS label: guess from the first nibble (4 → ipv4, 6 → ipv6), or a fixed layer. */
export type MplsPayloadPolicy = 'guess-by-nibble' | (string & {});

/** Options of a registry. */
export interface RegistryOptions {
  /** Default for MPLS payloads whose label has no binding in the `mpls.label` table. */
  mplsPayload?: MplsPayloadPolicy;
  /** Whether a pseudowire payload bound to `ethernet` starts with the RFC 4385 control word (`0000` nibble). */
  mplsControlWord?: boolean;
}

/** Thrown when a registry is built or changed inconsistently (duplicate ids, unknown layers). */
export class RegistryError extends Error {
  override readonly name = 'RegistryError';
}

/** A set of codecs plus the dispatch tables that link them. */
export class Registry {
  private readonly codecs = new Map<string, AnyCodec>();
  private readonly tables = new Map<string, Map<number, string>>();
  private readonly preferred = new Map<string, Map<string, number>>();
  /** Per table, the codecs by value in a dense array (built on first lookup; `null` when a value does not fit one). */
  private dense = new Map<string, Array<AnyCodec | undefined> | null>();
  private lastTable: string | undefined;
  private lastDense: Array<AnyCodec | undefined> | null = null;
  private rev = 0;
  mplsPayload: MplsPayloadPolicy;
  mplsControlWord: boolean;

  constructor(codecs: readonly AnyCodec[] = [], options: RegistryOptions = {}) {
    this.mplsPayload = options.mplsPayload ?? 'guess-by-nibble';
    this.mplsControlWord = options.mplsControlWord ?? false;
    for (const c of codecs) this.add(c);
  }

  /** Adds a layer and its default bindings. A second codec with the same id is an error (use `replace`). */
  add(codec: AnyCodec): this {
    if (this.codecs.has(codec.id)) throw new RegistryError(`duplicate layer id '${codec.id}'`);
    this.codecs.set(codec.id, codec);
    this.changed();
    for (const b of codec.binds) this.bind(b.table, b.value, codec.id);
    return this;
  }

  /** Replaces the codec for an existing id (keeps its bindings). */
  replace(codec: AnyCodec): this {
    this.codecs.set(codec.id, codec);
    this.changed();
    return this;
  }

  /**
   * Binds `table[value]` to a layer, replacing any earlier binding of that key. The first value bound
   * to a layer in a table is the one encoders use to derive next-protocol fields, unless `prefer` is set.
   */
  bind(table: TableName, value: number, layer: string | AnyCodec, prefer = false): this {
    const id = typeof layer === 'string' ? layer : layer.id;
    if (typeof layer !== 'string' && !this.codecs.has(id)) this.add(layer);
    let t = this.tables.get(table);
    if (!t) {
      t = new Map();
      this.tables.set(table, t);
    }
    t.set(value, id);
    let p = this.preferred.get(table);
    if (!p) {
      p = new Map();
      this.preferred.set(table, p);
    }
    if (prefer || !p.has(id)) p.set(id, value);
    this.changed();
    return this;
  }

  /** Removes `table[value]`. */
  unbind(table: TableName, value: number): this {
    const id = this.tables.get(table)?.get(value);
    this.tables.get(table)?.delete(value);
    const p = this.preferred.get(table);
    if (id !== undefined && p?.get(id) === value) {
      p.delete(id);
      for (const [v, other] of this.tables.get(table) ?? []) if (other === id) p.set(id, v);
    }
    this.changed();
    return this;
  }

  /**
   * A number that changes whenever codecs or bindings change (`add`, `replace`, `bind`, `unbind`), so that
   * caches built from this registry (the stack engine's dispatch tables) know when to rebuild.
   */
  get revision(): number {
    return this.rev;
  }

  private changed(): void {
    this.rev++;
    this.dense = new Map();
    this.lastTable = undefined;
    this.lastDense = null;
  }

  /** The codec bound to `table[value]`, if any. */
  lookup(table: TableName, value: number): AnyCodec | undefined {
    let d: Array<AnyCodec | undefined> | null | undefined;
    if (table === this.lastTable) d = this.lastDense;
    else {
      d = this.dense.get(table);
      if (d === undefined) d = this.buildDense(table);
      this.lastTable = table;
      this.lastDense = d;
    }
    if (d !== null) return value >= 0 && value < d.length ? d[value] : undefined;
    const id = this.tables.get(table)?.get(value);
    return id === undefined ? undefined : this.codecs.get(id);
  }

  /** The dense form of a table when every value is an integer in 0..65535 (Ethertypes, IP protocols, ports), else `null`. */
  private buildDense(table: string): Array<AnyCodec | undefined> | null {
    const t = this.tables.get(table);
    let max = -1;
    let dense = true;
    for (const v of t?.keys() ?? []) {
      if (Number.isInteger(v) && v >= 0 && v < 65536) max = Math.max(max, v);
      else dense = false;
    }
    let d: Array<AnyCodec | undefined> | null = null;
    if (dense) {
      d = [];
      for (let i = 0; i <= max; i++) d.push(undefined);
      if (t) for (const [v, id] of t) d[v] = this.codecs.get(id);
    }
    this.dense.set(table, d);
    return d;
  }

  /** The codec a `NextRef` points at, if any. */
  resolve(ref: NextRef): AnyCodec | undefined {
    return 'layer' in ref ? this.codecs.get(ref.layer) : this.lookup(ref.table, ref.value);
  }

  /** The value encoders write in `table` to announce `layer` (e.g. `ethertype`, `ipv4` → 0x0800). */
  valueFor(table: TableName, layer: string): number | undefined {
    return this.preferred.get(table)?.get(layer);
  }

  /** The codec with this id. */
  get(id: string): AnyCodec | undefined {
    return this.codecs.get(id);
  }

  /** Whether a codec with this id is present. */
  has(id: string): boolean {
    return this.codecs.has(id);
  }

  /** Every codec, in insertion order. */
  layers(): AnyCodec[] {
    return [...this.codecs.values()];
  }

  /** Every binding of a table as `[value, layer]` pairs. */
  entries(table: TableName): Array<[number, string]> {
    return [...(this.tables.get(table) ?? [])];
  }

  /** An independent copy: changes to the copy leave this registry alone. */
  clone(): Registry {
    const r = new Registry([], { mplsPayload: this.mplsPayload, mplsControlWord: this.mplsControlWord });
    for (const [id, c] of this.codecs) r.codecs.set(id, c);
    for (const [t, m] of this.tables) r.tables.set(t, new Map(m));
    for (const [t, m] of this.preferred) r.preferred.set(t, new Map(m));
    r.changed();
    return r;
  }
}

/** A new registry holding `codecs` with their default bindings. */
export function createRegistry(codecs: readonly AnyCodec[] = [], options: RegistryOptions = {}): Registry {
  return new Registry(codecs, options);
}

export type { Binding };
