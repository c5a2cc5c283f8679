import fc from 'fast-check';
import { arbHexMultiple, arbUint } from './common.js';

const nonZero = (bits: number) => fc.option(fc.integer({ min: 1, max: 2 ** bits - 1 }), { nil: undefined });

/** Any canonical Geneve option (RFC 8926 §3.5): data a multiple of 4 bytes up to 124, reserved only when non-zero. */
export const arbGeneveOption = (maxUnits = 31) =>
  fc.record({ class: arbUint(16), type: arbUint(8), data: arbHexMultiple(4, maxUnits), reserved: nonZero(3) }).map((r) => ({
    class: r.class,
    type: r.type,
    data: r.data,
    ...(r.reserved !== undefined ? { reserved: r.reserved } : {}),
  }));

/** Any canonical Geneve header (RFC 8926), options fitting in the 6-bit options length. */
export const arbGeneveHeader = () =>
  fc
    .record({
      oam: fc.boolean(),
      critical: fc.boolean(),
      protocolType: arbUint(16),
      vni: arbUint(24),
      options: fc.array(arbGeneveOption(8), { maxLength: 6 }),
      reserved1: nonZero(6),
      reserved2: nonZero(8),
    })
    .filter((r) => r.options.reduce((n, o) => n + 4 + o.data.length / 2, 0) <= 252)
    .map((r) => ({
      layer: 'geneve' as const,
      version: 0,
      optionsLength: r.options.reduce((n, o) => n + 1 + o.data.length / 8, 0),
      oam: r.oam,
      critical: r.critical,
      protocolType: r.protocolType,
      vni: r.vni,
      options: r.options,
      ...(r.reserved1 !== undefined ? { reserved1: r.reserved1 } : {}),
      ...(r.reserved2 !== undefined ? { reserved2: r.reserved2 } : {}),
    }));
