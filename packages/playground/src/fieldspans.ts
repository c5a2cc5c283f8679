/**
 * Which bytes of a header each field occupies, found with the codec itself: encode the header, encode it
 * again with one field's every bit flipped, and the bytes that differ are the field's. This needs nothing
 * from a codec beyond `encode`, so it works for every layer, including ones added later; a field whose
 * flip changes the header's length or is refused by the encoder (a presence flag, a length the encoder
 * checks) gets no bytes of its own, and when exactly one field is left without bytes it takes the header
 * bytes after the last byte another field claimed (the variable tail: Geneve options, IPv6 extension options).
 */
import type { AnyCodec, FieldSpec, LayerObject } from '@wirestack/core';

/** Byte offsets relative to the start of the header, ascending. */
export type FieldBytes = number[];

const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i;
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
const HEX = /^([0-9a-f]{2})*$/;

function flipHex(h: string): string {
  let out = '';
  for (let i = 0; i < h.length; i += 2) out += (0xff ^ Number.parseInt(h.slice(i, i + 2), 16)).toString(16).padStart(2, '0');
  return out;
}

/** The 8 groups of an IPv6 address in text form (no embedded dotted quad: decoders print RFC 5952 hex). */
function ipv6Groups(s: string): number[] | undefined {
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const part = (t: string) => (t === '' ? [] : t.split(':').map((g) => Number.parseInt(g, 16)));
  const head = part(halves[0]!);
  const tail = halves.length === 2 ? part(halves[1]!) : [];
  const fill = 8 - head.length - tail.length;
  if (fill < 0 || (halves.length === 1 && fill !== 0)) return undefined;
  const all = [...head, ...new Array<number>(fill).fill(0), ...tail];
  return all.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? all : undefined;
}

/** Candidate values with every bit of `v` flipped, most likely first (several widths when the spec has none). */
function flips(v: unknown, spec: FieldSpec | undefined): unknown[] {
  if (typeof v === 'boolean') return [!v];
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v) || v < 0) return [];
    const widths = spec?.bits !== undefined ? [spec.bits] : [32, 24, 16, 8, 4, 1];
    return widths.filter((b) => b > 0 && b <= 48 && v < 2 ** b).map((b) => 2 ** b - 1 - v);
  }
  if (typeof v !== 'string') return [];
  if (spec?.kind === 'mac' || (spec === undefined && MAC.test(v)))
    return [
      v
        .split(':')
        .map((b) => (0xff ^ Number.parseInt(b, 16)).toString(16).padStart(2, '0'))
        .join(':'),
    ];
  if (spec?.kind === 'ipv4' || (spec === undefined && IPV4.test(v)))
    return [
      v
        .split('.')
        .map((b) => 255 ^ Number(b))
        .join('.'),
    ];
  if (spec?.kind === 'ipv6' || (spec === undefined && v.includes(':'))) {
    const g = ipv6Groups(v);
    return g ? [g.map((x) => (0xffff ^ x).toString(16)).join(':')] : [];
  }
  if (HEX.test(v) && v.length > 0) return [flipHex(v)];
  return [];
}

function encodeAlone(codec: AnyCodec, h: LayerObject): Uint8Array {
  const buf = new Uint8Array(codec.encodingLength(h));
  codec.encode(h, buf, 0);
  return buf;
}

/** The bytes where `h` encodes differently from `base`; undefined when it cannot be encoded, changes length or differs nowhere. */
function diff(codec: AnyCodec, h: LayerObject, base: Uint8Array): FieldBytes | undefined {
  let b: Uint8Array;
  try {
    b = encodeAlone(codec, h);
  } catch {
    return undefined;
  }
  if (b.length !== base.length) return undefined;
  const out: number[] = [];
  for (let i = 0; i < b.length; i++) if (b[i] !== base[i]) out.push(i);
  return out.length ? out : undefined;
}

/**
 * The bytes each field of `h` occupies, relative to the header's first byte. Fields with no bytes found
 * are absent from the map. `length` is the header's length in the packet.
 */
export function fieldBytes(codec: AnyCodec, h: LayerObject, length: number): Map<string, FieldBytes> {
  const out = new Map<string, FieldBytes>();
  let base: Uint8Array;
  try {
    base = encodeAlone(codec, h);
  } catch {
    return out;
  }
  if (base.length !== length) return out;
  const specs = new Map(codec.fields.map((f) => [f.name, f]));
  const missing: string[] = [];
  for (const name of Object.keys(h)) {
    if (name === 'layer' || h[name] === undefined) continue;
    let found: FieldBytes | undefined;
    for (const alt of flips(h[name], specs.get(name))) {
      found = diff(codec, { ...h, [name]: alt }, base);
      if (found) break;
    }
    if (found) out.set(name, found);
    else missing.push(name);
  }
  if (missing.length === 1) {
    let last = -1;
    for (const bytes of out.values()) last = Math.max(last, ...bytes);
    // Optional fields left out of the object (reserved bits that are zero) still own their bytes.
    for (const spec of codec.fields) {
      if (h[spec.name] !== undefined || spec.kind !== 'uint' || spec.bits === undefined) continue;
      const d = diff(codec, { ...h, [spec.name]: 2 ** spec.bits - 1 }, base);
      if (d) last = Math.max(last, ...d);
    }
    const rest: number[] = [];
    for (let i = last + 1; i < length; i++) rest.push(i);
    if (rest.length) out.set(missing[0]!, rest);
  }
  return out;
}
