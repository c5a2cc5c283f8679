/**
 * Timestamp conversion: pcap seconds + fraction (pcap spec §5) and pcapng tick counts with
 * if_tsresol / if_tsoffset (pcapng spec §4.2, §4.3) to exact nanoseconds, and back to text.
 */

const NS_PER_S = 1_000_000_000n;
const TWO_32 = 4294967296;

/** Converts raw pcapng 64-bit tick counts of one interface to nanoseconds since the epoch. */
export interface TickConverter {
  /** Decimal digits for formatting (6 for µs, 9 for ns, ceil(n·log10 2) for 2^-n, at most 9). */
  readonly digits: number;
  /** Nanoseconds for the tick count `high·2^32 + low`, if_tsoffset included. */
  toNs(high: number, low: number): bigint;
  /** The tick count (as a bigint) for a nanosecond timestamp, if exactly representable; else undefined. */
  fromNs(ns: bigint): bigint | undefined;
}

/**
 * Builds the converter for an if_tsresol byte (pcapng spec §4.2: high bit clear means 10^-n s,
 * set means 2^-n s) and an if_tsoffset in seconds. Power-of-2 resolutions are floored to whole
 * nanoseconds with exact bigint arithmetic.
 */
export function tickConverter(tsresol: number, tsoffsetSeconds = 0n): TickConverter {
  const off = tsoffsetSeconds * NS_PER_S;
  const n = tsresol & 0x7f;
  const units = (high: number, low: number): bigint =>
    high < 0x200000 ? BigInt(high * TWO_32 + low) : (BigInt(high) << 32n) | BigInt(low);
  if (tsresol & 0x80) {
    const shift = BigInt(n);
    return {
      digits: Math.min(9, Math.ceil(n * Math.log10(2) - 1e-12)),
      toNs: (h, l) => ((units(h, l) * NS_PER_S) >> shift) + off,
      fromNs: (ns) => {
        const t = ns - off;
        const ticks = (t << shift) / NS_PER_S;
        return (ticks * NS_PER_S) >> shift === t && ticks >= 0n ? ticks : undefined;
      },
    };
  }
  if (n <= 9) {
    const mul = 10n ** BigInt(9 - n);
    return {
      digits: n,
      toNs: (h, l) => units(h, l) * mul + off,
      fromNs: (ns) => {
        const t = ns - off;
        return t >= 0n && t % mul === 0n ? t / mul : undefined;
      },
    };
  }
  const div = 10n ** BigInt(n - 9);
  return {
    digits: 9,
    toNs: (h, l) => units(h, l) / div + off,
    fromNs: (ns) => {
      const t = ns - off;
      return t >= 0n ? t * div : undefined;
    },
  };
}

/** Nanoseconds of a pcap record timestamp (pcap spec §5): seconds plus a µs or ns fraction. */
export function pcapTimestampNs(seconds: number, fraction: number, nanosecond: boolean): bigint {
  return BigInt(seconds) * NS_PER_S + BigInt(nanosecond ? fraction : fraction * 1000);
}

/**
 * Formats nanoseconds since the epoch as decimal seconds with `digits` fraction digits (0-9,
 * truncated, not rounded), e.g. `formatTimestamp(1234567890123456000n, 6)` → `"1234567890.123456"`.
 * Negative values get a leading `-`. Use 6 for pcap µs files, 9 for ns files and a record's
 * `timestampDigits` for pcapng.
 */
export function formatTimestamp(ns: bigint, digits = 9): string {
  const d = Math.max(0, Math.min(9, Math.trunc(Number.isFinite(digits) ? digits : 9)));
  if (ns >= 0n) {
    // One decimal conversion, cut at the ninth digit from the right: no bigint division or remainder.
    let t = ns.toString();
    if (t.length < 10) t = t.padStart(10, '0');
    const cut = t.length - 9;
    return d > 0 ? `${t.slice(0, cut)}.${t.slice(cut, cut + d)}` : t.slice(0, cut);
  }
  const neg = ns < 0n;
  const a = neg ? -ns : ns;
  const sec = (a / NS_PER_S).toString();
  const frac = (a % NS_PER_S).toString().padStart(9, '0').slice(0, d);
  return `${neg ? '-' : ''}${sec}${d > 0 ? `.${frac}` : ''}`;
}
