/** Validation helpers that encoders run before writing any byte. */
import { EncodeError } from './errors.js';
import { isHex } from './bytes.js';

/** Returns `v` when it is an integer in `[0, 2^bits)`, else throws `EncodeError` naming `layer.field`. */
const MAX: number[] = [];
for (let b = 0; b <= 53; b++) MAX.push(2 ** b);

export function checkUint(layer: string, field: string, v: unknown, bits: number): number {
  const max = MAX[bits] ?? 2 ** bits;
  if (typeof v !== 'number' || !(v >= 0 && v < max) || Math.floor(v) !== v)
    throw new EncodeError({ layer, field, value: v, message: `must be an integer in 0..${max - 1}, got ${JSON.stringify(v)}` });
  return v;
}

/** `checkUint` for an optional field with a default. */
export function uintOr(layer: string, field: string, v: unknown, bits: number, dflt: number): number {
  return v === undefined ? dflt : checkUint(layer, field, v, bits);
}

/** Returns a boolean field (also accepts 0/1), else throws `EncodeError`. */
export function checkBool(layer: string, field: string, v: unknown, dflt = false): boolean {
  if (v === undefined) return dflt;
  if (typeof v === 'boolean') return v;
  if (v === 0 || v === 1) return v === 1;
  throw new EncodeError({ layer, field, value: v, message: `must be a boolean, got ${JSON.stringify(v)}` });
}

/** Returns hex text of an opaque byte field, else throws `EncodeError`. */
export function checkHex(layer: string, field: string, v: unknown, dflt = ''): string {
  if (v === undefined) return dflt;
  if (typeof v !== 'string' || !isHex(v))
    throw new EncodeError({ layer, field, value: v, message: 'must be lower-case hex without separators, of even length' });
  return v;
}
