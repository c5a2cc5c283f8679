/**
 * The TLV options of Hop-by-Hop and Destination Options headers (RFC 8200 §4.2), for readers and
 * builders. The contract keeps `options` as hex; these turn it into a list and back.
 *
 * ```text
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+- - - - - - - - -
 * |  Option Type  |  Opt Data Len |  Option Data
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+- - - - - - - - -
 * ```
 * Pad1 (type 0) is a single byte with neither length nor data.
 */
import { DecodeError, EncodeError, fromHex, isHex, toHex } from '@wirestack/core';
import { Ipv6OptionType } from './constants.js';

/** One option: its type byte and its data as lower-case hex (`""` for Pad1 and empty options). */
export interface Ipv6Option {
  readonly type: number;
  readonly data: string;
}

/**
 * Splits the `options` hex of a Hop-by-Hop / Destination Options header into options (RFC 8200 §4.2),
 * padding included. Throws `DecodeError` (`malformed`) on bad hex or an option that runs past the end;
 * the error's `offset` is the byte offset within `hex`.
 */
export function parseIpv6Options(hex: string): Ipv6Option[] {
  if (!isHex(hex))
    throw new DecodeError({ code: 'malformed', layer: 'ipv6-options', offset: 0, message: 'ipv6 options: not hex of even length' });
  const b = fromHex(hex);
  const out: Ipv6Option[] = [];
  let i = 0;
  while (i < b.length) {
    const type = b[i]!;
    if (type === Ipv6OptionType.Pad1) {
      out.push({ type, data: '' });
      i += 1;
      continue;
    }
    if (i + 2 > b.length)
      throw new DecodeError({ code: 'malformed', layer: 'ipv6-options', offset: i, message: `ipv6 option at byte ${i}: no length byte` });
    const len = b[i + 1]!;
    if (i + 2 + len > b.length)
      throw new DecodeError({
        code: 'malformed',
        layer: 'ipv6-options',
        offset: i,
        message: `ipv6 option at byte ${i}: ${len} data bytes declared, ${b.length - i - 2} present`,
      });
    out.push({ type, data: toHex(b, i + 2, i + 2 + len) });
    i += 2 + len;
  }
  return out;
}

/** The padding (RFC 8200 §4.2: Pad1 for one byte, else PadN) that fills `n` bytes, as hex. */
export function ipv6OptionPadding(n: number): string {
  if (n <= 0) return '';
  if (n === 1) return '00';
  return `01${(n - 2).toString(16).padStart(2, '0')}${'00'.repeat(n - 2)}`;
}

/**
 * Joins options into the `options` hex of a Hop-by-Hop / Destination Options header and pads the result
 * with Pad1/PadN so that 2 + its length is a multiple of 8 (RFC 8200 §4.2, §4.3). Alignment requirements
 * of individual options (RFC 8200 §4.2 `xn+y`) are not applied: add padding options yourself where needed.
 * Throws `EncodeError` on a bad type, bad hex, or data over 255 bytes.
 */
export function ipv6OptionsToHex(options: readonly Ipv6Option[]): string {
  let s = '';
  for (const [i, o] of options.entries()) {
    if (!Number.isInteger(o.type) || o.type < 0 || o.type > 255)
      throw new EncodeError({ layer: 'ipv6-options', field: `options[${i}].type`, value: o.type, message: 'must be an integer in 0..255' });
    if (typeof o.data !== 'string' || !isHex(o.data) || o.data.length > 510)
      throw new EncodeError({
        layer: 'ipv6-options',
        field: `options[${i}].data`,
        value: o.data,
        message: 'must be hex of at most 255 bytes',
      });
    if (o.type === Ipv6OptionType.Pad1) {
      if (o.data !== '')
        throw new EncodeError({ layer: 'ipv6-options', field: `options[${i}].data`, value: o.data, message: 'Pad1 carries no data' });
      s += '00';
    } else s += o.type.toString(16).padStart(2, '0') + (o.data.length >>> 1).toString(16).padStart(2, '0') + o.data.toLowerCase();
  }
  return s + ipv6OptionPadding((8 - (((s.length >>> 1) + 2) % 8)) % 8);
}
