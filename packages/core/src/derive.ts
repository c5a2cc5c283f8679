/** Helpers codecs use to derive fields from the layers around them when encoding. */
import { EncodeError } from './errors.js';
import type { EncodeContext, LayerObject, TableName } from './layer.js';

/** The layer after the current one, if any. */
export function nextLayer(ctx: EncodeContext | undefined): LayerObject | undefined {
  return ctx ? ctx.layers[ctx.index + 1] : undefined;
}

/**
 * The value a next-protocol field takes to announce the next layer (read backwards from the registry's
 * dispatch table). `none` when there is no next layer or it is `raw`; an `EncodeError` when the next
 * layer has no entry in `table` (the caller should give the field explicitly, or bind one).
 */
export function nextValue(ctx: EncodeContext | undefined, table: TableName, layer: string, field: string, none: number): number {
  const next = nextLayer(ctx);
  if (!ctx || !next) return none;
  const nextId = next.layer;
  // `raw` and `padding` carry no protocol of their own: nothing announces them.
  if (nextId === 'raw' || nextId === 'padding') return none;
  const v = ctx.registry.valueFor(table, nextId);
  if (v === undefined)
    throw new EncodeError({
      layer,
      field,
      message: `no '${table}' value announces the next layer '${nextId}'; give ${field} explicitly or bind one in the registry`,
    });
  return v;
}
