/**
 * The layer expression of `wirestack build`:
 * `ethernet(dst=02:00:00:00:00:02)/ipv4(dst=10.0.0.2)/udp/vxlan(vni=42)/ethernet/ipv4/udp/raw(data=68656c6c6f)`.
 * Layers are joined by `/`; arguments are `field=value` separated by commas. Slashes and commas inside
 * brackets, braces, parentheses or quotes belong to the value, so JSON values (`options=[{"class":1,...}]`)
 * need no escaping beyond the shell's. Values are parsed by the field's kind in the codec's `fields` spec.
 */
import type { FieldSpec, LayerObject, Registry } from '@wirestack/core';
import { UsageError } from './errors.js';
import { knownLayers } from './registry.js';

const OPEN: Record<string, string> = { '(': ')', '[': ']', '{': '}' };

/** Splits `text` at every top-level `sep` (outside brackets and quotes). Throws on unbalanced input. */
export function splitTopLevel(text: string, sep: string): string[] {
  const parts: string[] = [];
  const stack: string[] = [];
  let quote: string | undefined;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quote !== undefined) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = undefined;
      continue;
    }
    if (ch === '"' || ch === "'") quote = ch;
    else if (OPEN[ch] !== undefined) stack.push(OPEN[ch]!);
    else if (ch === ')' || ch === ']' || ch === '}') {
      if (stack.pop() !== ch) throw new UsageError(`expression: unbalanced '${ch}' at character ${i + 1}`, 'build');
    } else if (ch === sep && stack.length === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  if (quote !== undefined) throw new UsageError(`expression: unterminated ${quote} quote`, 'build');
  if (stack.length) throw new UsageError(`expression: missing '${stack[stack.length - 1]}'`, 'build');
  parts.push(text.slice(start));
  return parts;
}

/** One layer of an expression before its values are typed. */
export interface RawLayerTerm {
  layer: string;
  args: Array<{ field: string; value: string }>;
}

/** Parses the syntax of an expression (no registry needed). */
export function parseExpressionSyntax(text: string): RawLayerTerm[] {
  const terms = splitTopLevel(text.trim(), '/');
  return terms.map((t, n) => {
    const term = t.trim();
    const m = /^([A-Za-z0-9_-]+)\s*(?:\(([\s\S]*)\))?$/.exec(term);
    if (!m) throw new UsageError(`expression: layer ${n + 1} '${term}' is not NAME or NAME(field=value,...)`, 'build');
    const layer = m[1]!.toLowerCase();
    const body = m[2]?.trim() ?? '';
    const args: Array<{ field: string; value: string }> = [];
    if (body !== '') {
      for (const a of splitTopLevel(body, ',')) {
        const eq = a.indexOf('=');
        if (eq <= 0) throw new UsageError(`expression: ${layer}: '${a.trim()}' is not field=value`, 'build');
        args.push({ field: a.slice(0, eq).trim(), value: a.slice(eq + 1).trim() });
      }
    }
    return { layer, args };
  });
}

function unquote(v: string): string {
  if (v.length >= 2 && (v[0] === '"' || v[0] === "'") && v[v.length - 1] === v[0]) {
    if (v[0] === '"') {
      try {
        return JSON.parse(v) as string;
      } catch {
        return v.slice(1, -1);
      }
    }
    return v.slice(1, -1);
  }
  return v;
}

/** Parses one value by its field kind. Throws {@link UsageError} naming `layer.field`. */
export function parseFieldValue(layer: string, spec: FieldSpec, text: string): unknown {
  const where = `${layer}.${spec.name}`;
  const raw = unquote(text);
  const bad = (what: string): never => {
    throw new UsageError(`expression: ${where}: '${text}' is not ${what}`, 'build');
  };
  switch (spec.kind) {
    case 'uint': {
      const t = raw.replace(/_/g, '');
      if (!/^(0x[0-9a-f]+|\d+)$/i.test(t)) return bad('an unsigned integer (decimal or 0x hex)');
      const n = Number(t);
      if (!Number.isSafeInteger(n)) return bad('a safe integer');
      return n;
    }
    case 'bool': {
      const t = raw.toLowerCase();
      if (t === 'true' || t === '1') return true;
      if (t === 'false' || t === '0') return false;
      return bad('a boolean (true, false, 1, 0)');
    }
    case 'mac': {
      const t = raw.toLowerCase().replace(/-/g, ':');
      if (!/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/.test(t)) return bad('a MAC address (aa:bb:cc:dd:ee:ff)');
      return t;
    }
    case 'ipv4':
      if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(raw)) return bad('an IPv4 address');
      return raw;
    case 'ipv6':
      if (!/^[0-9a-f:.]+$/i.test(raw) || !raw.includes(':')) return bad('an IPv6 address');
      return raw.toLowerCase();
    case 'hex': {
      const t = raw.toLowerCase().replace(/^0x/, '');
      if (!/^([0-9a-f]{2})*$/.test(t)) return bad('hex bytes (an even number of hex digits)');
      return t;
    }
    case 'json':
      try {
        return JSON.parse(raw);
      } catch {
        return bad('JSON');
      }
    default:
      return raw;
  }
}

/** Parses an expression into contract layer objects, typing each value by the codec's field spec. */
export function parseExpression(text: string, registry: Registry): LayerObject[] {
  const terms = parseExpressionSyntax(text);
  if (terms.length === 0 || (terms.length === 1 && terms[0]!.layer === '')) throw new UsageError('expression: no layers', 'build');
  return terms.map((t) => {
    const codec = registry.get(t.layer);
    if (!codec) throw new UsageError(`expression: unknown layer '${t.layer}' (known: ${knownLayers(registry)})`, 'build');
    const out: Record<string, unknown> = { layer: t.layer };
    for (const a of t.args) {
      const spec = codec.fields.find((f) => f.name === a.field);
      if (!spec)
        throw new UsageError(
          `expression: unknown field '${a.field}' of layer '${t.layer}' (fields: ${codec.fields.map((f) => f.name).join(', ') || 'none'})`,
          'build',
        );
      if (a.field in out) throw new UsageError(`expression: ${t.layer}.${a.field} given twice`, 'build');
      out[a.field] = parseFieldValue(t.layer, spec, a.value);
    }
    return out as LayerObject;
  });
}
