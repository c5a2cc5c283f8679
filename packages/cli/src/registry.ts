/** The registry a command decodes with: the default one plus `--decode-as` bindings and the MPLS policy. */
import type { Registry, TableName } from '@wirestack/core';
import { defaultRegistry } from '@wirestack/stack';
import { UsageError } from './errors.js';

/** Tables `--decode-as` may bind in. */
export const DECODE_AS_TABLES: readonly TableName[] = ['udp.port', 'ethertype', 'ip.proto', 'mpls.label'];

/** A parsed `--decode-as table=value:layer`. */
export interface DecodeAs {
  table: TableName;
  value: number;
  layer: string;
}

/** Parses `udp.port=8472:vxlan` (values decimal or 0x hex). Throws {@link UsageError}. */
export function parseDecodeAs(text: string, command = 'decode'): DecodeAs {
  const m = /^([a-z0-9.-]+)=(0x[0-9a-f]+|\d+):([a-z0-9-]+)$/i.exec(text.trim());
  if (!m) throw new UsageError(`--decode-as '${text}': expected TABLE=VALUE:LAYER, e.g. udp.port=8472:vxlan`, command);
  const table = m[1]!.toLowerCase();
  if (!DECODE_AS_TABLES.includes(table))
    throw new UsageError(`--decode-as '${text}': unknown table '${table}' (one of ${DECODE_AS_TABLES.join(', ')})`, command);
  const value = Number(m[2]);
  if (!Number.isSafeInteger(value)) throw new UsageError(`--decode-as '${text}': bad value '${m[2]}'`, command);
  return { table, value, layer: m[3]!.toLowerCase() };
}

/** Options that shape the registry. */
export interface RegistryChoices {
  decodeAs?: readonly string[];
  mplsPayload?: string;
  mplsControlWord?: boolean;
}

/** Builds the registry for a command, validating layer names against it. */
export function buildRegistry(choices: RegistryChoices = {}, command = 'decode'): Registry {
  const r = defaultRegistry();
  if (choices.mplsPayload !== undefined) {
    const p = choices.mplsPayload;
    if (p !== 'guess-by-nibble' && !r.has(p))
      throw new UsageError(`--mpls-payload '${p}': unknown layer (ethernet, guess-by-nibble or a layer name)`, command);
    r.mplsPayload = p;
  }
  if (choices.mplsControlWord !== undefined) r.mplsControlWord = choices.mplsControlWord;
  for (const text of choices.decodeAs ?? []) {
    const b = parseDecodeAs(text, command);
    if (!r.has(b.layer)) throw new UsageError(`--decode-as '${text}': unknown layer '${b.layer}' (known: ${knownLayers(r)})`, command);
    r.bind(b.table, b.value, b.layer);
  }
  return r;
}

/** The registry's layer names, for messages. */
export function knownLayers(r: Registry): string {
  return r
    .layers()
    .map((c) => c.id)
    .join(', ');
}
