/**
 * Geneve: Generic Network Virtualization Encapsulation (RFC 8926).
 *
 * ```text
 * Fixed header (RFC 8926 §3.4):
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |Ver|  Opt Len  |O|C|    Rsvd.  |          Protocol Type        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |        Virtual Network Identifier (VNI)       |    Reserved   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                                                               |
 * ~                    Variable-Length Options                    ~
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Option (RFC 8926 §3.5; the top bit of Type is the critical bit):
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          Option Class         |      Type     |R|R|R| Length  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                                                               |
 * ~                  Variable-Length Option Data                  ~
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 */
import {
  checkBool,
  checkLength,
  checkUint,
  DecodeError,
  type EncodeContext,
  EncodeError,
  isHex,
  type LayerInput,
  nextValue,
  readU16BE,
  readU24BE,
  toHex,
  uintOr,
  writeHex,
  writeU16BE,
  writeU24BE,
} from '@wirestack/core';
import {
  GENEVE_HEADER_LEN,
  GENEVE_MAX_OPTION_DATA,
  GENEVE_MAX_OPTIONS,
  GENEVE_MAX_OPTIONS_LEN,
  GENEVE_OPTION_CRITICAL,
  GENEVE_OPTION_HEADER_LEN,
  GENEVE_VERSION,
  GeneveField,
  GeneveFlag,
  GeneveOptionField,
} from './constants.js';

/** One Geneve option TLV (RFC 8926 §3.5). */
export interface GeneveOption {
  /** Option class (16 bits). */
  readonly class: number;
  /** Type (8 bits); its top bit 0x80 is the critical bit (see {@link isCriticalOption}). */
  readonly type: number;
  /** Option data as hex; a multiple of 4 bytes, at most 124. */
  readonly data: string;
  /** The 3 reserved bits before the length; present only when non-zero (lossless). */
  readonly reserved?: number;
}

/** A Geneve header as the JSON contract writes it (RFC 8926 §3.4). */
export interface GeneveHeader {
  readonly layer: 'geneve';
  /** Version (2 bits); only 0 is defined. */
  readonly version: number;
  /** Length of the options in 4-byte units (6 bits). */
  readonly optionsLength: number;
  /** O bit: control (OAM) packet. */
  readonly oam: boolean;
  /** C bit: critical options present. */
  readonly critical: boolean;
  /** EtherType of the payload. */
  readonly protocolType: number;
  /** Virtual Network Identifier (24 bits). */
  readonly vni: number;
  /** Options, in wire order. */
  readonly options: readonly GeneveOption[];
  /** The 6 reserved bits after O and C; present only when non-zero (lossless). */
  readonly reserved1?: number;
  /** The 8 reserved bits after the VNI; present only when non-zero (lossless). */
  readonly reserved2?: number;
}

/** Options of {@link decodeGeneve}. */
export interface GeneveDecodeOptions {
  /** Most options parsed before `too-deep` (default {@link GENEVE_MAX_OPTIONS}). */
  maxOptions?: number;
}

const L = 'geneve';

/** Whether an option (or an option type) has the critical bit 0x80 set (RFC 8926 §3.5). */
export function isCriticalOption(option: number | { readonly type: number }): boolean {
  const type = typeof option === 'number' ? option : option.type;
  return (type & GENEVE_OPTION_CRITICAL) !== 0;
}

/**
 * Bytes of the Geneve header at `offset`, fixed part plus options (RFC 8926 §3.4). Reads only the
 * first byte; throws `DecodeError` `truncated` when fewer than 8 bytes are present.
 */
export function geneveHeaderLength(buf: Uint8Array, offset = 0, end = buf.length): number {
  checkLength(L, offset, end, GENEVE_HEADER_LEN);
  return GENEVE_HEADER_LEN + (buf[offset + GeneveField.VER_OPT_LEN]! & GeneveFlag.OPT_LEN_MASK) * 4;
}

/**
 * Decodes a Geneve header with its options at `offset` (RFC 8926 §3.4, §3.5). Throws `DecodeError`:
 * `truncated` (the header or the options length runs past `end`), `bad-version` (version ≠ 0, which
 * RFC 8926 §3.4 says to drop), `malformed` (an option overruns the options length), `too-deep` (more
 * than `maxOptions` options).
 */
export function decodeGeneve(buf: Uint8Array, offset = 0, end = buf.length, opts: GeneveDecodeOptions = {}): GeneveHeader {
  const maxOptions = opts.maxOptions ?? GENEVE_MAX_OPTIONS;
  checkLength(L, offset, end, GENEVE_HEADER_LEN);
  const b0 = buf[offset + GeneveField.VER_OPT_LEN]!;
  const b1 = buf[offset + GeneveField.FLAGS]!;
  const version = b0 >>> GeneveFlag.VERSION_SHIFT;
  if (version !== GENEVE_VERSION)
    throw new DecodeError({
      code: 'bad-version',
      layer: L,
      offset,
      field: 'version',
      message: `geneve at offset ${offset}: version ${version} is not 0`,
    });
  const optionsLength = b0 & GeneveFlag.OPT_LEN_MASK;
  const total = GENEVE_HEADER_LEN + optionsLength * 4;
  checkLength(L, offset, end, total);
  const options: GeneveOption[] = [];
  const optEnd = offset + total;
  let o = offset + GeneveField.OPTIONS;
  while (o < optEnd) {
    if (options.length >= maxOptions)
      throw new DecodeError({
        code: 'too-deep',
        layer: L,
        offset: o,
        field: 'options',
        message: `geneve at offset ${offset}: more than ${maxOptions} options`,
      });
    // optEnd - o is a positive multiple of 4, so the option header is always there.
    const lenByte = buf[o + GeneveOptionField.LENGTH]!;
    const dataLen = (lenByte & 0x1f) * 4;
    const next = o + GENEVE_OPTION_HEADER_LEN + dataLen;
    if (next > optEnd)
      throw new DecodeError({
        code: 'malformed',
        layer: L,
        offset: o,
        field: 'options',
        message: `geneve option at offset ${o}: ${dataLen} data bytes overrun the options length`,
      });
    const reserved = lenByte >>> 5;
    const opt: { -readonly [K in keyof GeneveOption]: GeneveOption[K] } = {
      class: readU16BE(buf, o + GeneveOptionField.CLASS),
      type: buf[o + GeneveOptionField.TYPE]!,
      data: toHex(buf, o + GeneveOptionField.DATA, next),
    };
    if (reserved) opt.reserved = reserved;
    options.push(opt);
    o = next;
  }
  const h: { -readonly [K in keyof GeneveHeader]: GeneveHeader[K] } = {
    layer: L,
    version,
    optionsLength,
    oam: (b1 & GeneveFlag.OAM) !== 0,
    critical: (b1 & GeneveFlag.CRITICAL) !== 0,
    protocolType: readU16BE(buf, offset + GeneveField.PROTOCOL_TYPE),
    vni: readU24BE(buf, offset + GeneveField.VNI),
    options,
  };
  const reserved1 = b1 & GeneveFlag.RESERVED_MASK;
  const reserved2 = buf[offset + GeneveField.RESERVED2]!;
  if (reserved1) h.reserved1 = reserved1;
  if (reserved2) h.reserved2 = reserved2;
  return h;
}

interface OptionPlan {
  cls: number;
  type: number;
  reserved: number;
  data: string;
  units: number;
}

/** Checks every option; returns them with their sizes (never writes). */
function planOptions(v: unknown): OptionPlan[] {
  if (v === undefined) return [];
  if (!Array.isArray(v))
    throw new EncodeError({ layer: L, field: 'options', value: v, message: 'must be an array of { class, type, data }' });
  return v.map((o: unknown, i): OptionPlan => {
    const f = `options[${i}]`;
    if (typeof o !== 'object' || o === null)
      throw new EncodeError({ layer: L, field: f, value: o, message: 'must be an object { class, type, data }' });
    const opt = o as Partial<Record<keyof GeneveOption, unknown>>;
    const cls = uintOr(L, `${f}.class`, opt.class, 16, 0);
    const type = uintOr(L, `${f}.type`, opt.type, 8, 0);
    const reserved = uintOr(L, `${f}.reserved`, opt.reserved, 3, 0);
    const data = opt.data === undefined ? '' : opt.data;
    if (typeof data !== 'string' || !isHex(data))
      throw new EncodeError({ layer: L, field: `${f}.data`, value: data, message: 'must be hex without separators, of even length' });
    const bytes = data.length / 2;
    if (bytes % 4 !== 0 || bytes > GENEVE_MAX_OPTION_DATA)
      throw new EncodeError({
        layer: L,
        field: `${f}.data`,
        value: data,
        message: `must be a multiple of 4 bytes, at most ${GENEVE_MAX_OPTION_DATA}; got ${bytes}`,
      });
    return { cls, type, reserved, data: data.toLowerCase(), units: bytes / 4 };
  });
}

/** Bytes of the options block that `options` encode to. */
function optionBytes(p: readonly OptionPlan[]): number {
  let n = 0;
  for (const o of p) n += GENEVE_OPTION_HEADER_LEN + o.units * 4;
  return n;
}

/** Bytes `encodeGeneve` writes for `h`: 8 plus the options. Throws `EncodeError` on bad values. */
export function geneveEncodingLength(h: LayerInput<GeneveHeader>): number {
  return GENEVE_HEADER_LEN + optionBytes(planOptions(h.options));
}

/**
 * Writes a Geneve header with its options; returns bytes written (RFC 8926 §3.4, §3.5). `optionsLength`
 * is derived from the options unless given (a given value is written as given, even when it disagrees);
 * `protocolType` is derived from the next layer (0 when nothing follows). Throws `EncodeError` before
 * writing on a bad value (VNI ≥ 2^24, bad option data, options longer than 252 bytes, ...).
 */
export function encodeGeneve(h: LayerInput<GeneveHeader>, buf: Uint8Array, offset = 0, ctx?: EncodeContext): number {
  const version = uintOr(L, 'version', h.version, 2, GENEVE_VERSION);
  const oam = checkBool(L, 'oam', h.oam);
  const critical = checkBool(L, 'critical', h.critical);
  const vni = uintOr(L, 'vni', h.vni, 24, 0);
  const reserved1 = uintOr(L, 'reserved1', h.reserved1, 6, 0);
  const reserved2 = uintOr(L, 'reserved2', h.reserved2, 8, 0);
  const options = planOptions(h.options);
  const optLen = optionBytes(options);
  let optionsLength: number;
  if (h.optionsLength === undefined) {
    if (optLen > GENEVE_MAX_OPTIONS_LEN)
      throw new EncodeError({
        layer: L,
        field: 'options',
        value: optLen,
        message: `options take ${optLen} bytes, more than ${GENEVE_MAX_OPTIONS_LEN}`,
      });
    optionsLength = optLen / 4;
  } else optionsLength = checkUint(L, 'optionsLength', h.optionsLength, 6);
  const protocolType =
    h.protocolType === undefined ? nextValue(ctx, 'ethertype', L, 'protocolType', 0) : checkUint(L, 'protocolType', h.protocolType, 16);
  buf[offset + GeneveField.VER_OPT_LEN] = (version << GeneveFlag.VERSION_SHIFT) | optionsLength;
  buf[offset + GeneveField.FLAGS] = (oam ? GeneveFlag.OAM : 0) | (critical ? GeneveFlag.CRITICAL : 0) | reserved1;
  writeU16BE(buf, offset + GeneveField.PROTOCOL_TYPE, protocolType);
  writeU24BE(buf, offset + GeneveField.VNI, vni);
  buf[offset + GeneveField.RESERVED2] = reserved2;
  let o = offset + GeneveField.OPTIONS;
  for (const opt of options) {
    writeU16BE(buf, o + GeneveOptionField.CLASS, opt.cls);
    buf[o + GeneveOptionField.TYPE] = opt.type;
    buf[o + GeneveOptionField.LENGTH] = (opt.reserved << 5) | opt.units;
    o += GeneveOptionField.DATA + writeHex(opt.data, buf, o + GeneveOptionField.DATA);
  }
  return o - offset;
}
