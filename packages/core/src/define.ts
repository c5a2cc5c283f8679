/**
 * `defineLayer`: a whole new layer in a few lines, from a parse function (for instance a `binary-parser`
 * `Parser`'s `parse`) and an encode function. The result is a `LayerCodec` to add to a registry.
 */
import { DecodeError, EncodeError } from './errors.js';
import type { Binding, EncodeContext, FieldSpec, LayerBase, LayerCodec, LayerInput, NextRef } from './layer.js';

/** What {@link defineLayer} needs. */
export interface LayerDefinition<H extends LayerBase> {
  id: H['layer'];
  /** Fixed header length in bytes, or a function of the decoded header. */
  headerLength: number | ((h: H) => number);
  /** Smallest header, checked before `parse` is called (default: `headerLength` when it is a number). */
  minLength?: number;
  fields?: readonly FieldSpec[];
  binds?: readonly Binding[];
  /** Parses the header at the start of `bytes` (a zero-copy view from the header's offset to the end). Throwing anything becomes a `DecodeError`. */
  parse(bytes: Uint8Array): Omit<H, 'layer'>;
  /** Bytes `write` will produce. Default: `headerLength` when it is a number. */
  encodingLength?(h: LayerInput<H>): number;
  /** Writes the header at `offset`; returns bytes written. */
  write(h: LayerInput<H>, buf: Uint8Array, offset: number, ctx?: EncodeContext): number;
  next?(h: H): NextRef | undefined;
}

/** Builds a `LayerCodec` from a definition; bad bytes always surface as `DecodeError`. */
export function defineLayer<H extends LayerBase>(def: LayerDefinition<H>): LayerCodec<H> {
  const fixed = typeof def.headerLength === 'number' ? def.headerLength : undefined;
  const minLength = def.minLength ?? fixed ?? 0;
  const headerLength = (h: H): number => (typeof def.headerLength === 'number' ? def.headerLength : def.headerLength(h));
  return {
    id: def.id,
    minLength,
    fields: def.fields ?? [],
    binds: def.binds ?? [],
    decode(buf, offset, end = buf.length) {
      if (end - offset < minLength)
        throw new DecodeError({ code: 'truncated', layer: def.id, offset, required: minLength, actual: Math.max(0, end - offset) });
      let parsed: Omit<H, 'layer'>;
      try {
        parsed = def.parse(buf.subarray(offset, end));
      } catch (e) {
        if (e instanceof DecodeError) throw e;
        throw new DecodeError({
          code: 'malformed',
          layer: def.id,
          offset,
          message: `${def.id} at offset ${offset}: ${(e as Error)?.message ?? e}`,
        });
      }
      const h = { layer: def.id, ...parsed } as unknown as H;
      const n = headerLength(h);
      if (!(n >= 0) || offset + n > end)
        throw new DecodeError({ code: 'truncated', layer: def.id, offset, required: n, actual: end - offset });
      return h;
    },
    headerLength,
    next: (h) => def.next?.(h),
    encodingLength: (h) => {
      if (def.encodingLength) return def.encodingLength(h);
      if (fixed !== undefined) return fixed;
      throw new EncodeError({ layer: def.id, message: 'a variable-length layer needs encodingLength in its definition' });
    },
    encode: (h, buf, offset = 0, ctx) => def.write(h, buf, offset, ctx),
  };
}
