/**
 * The two error types of wirestack: one per direction, structured, carrying the layer and the
 * absolute offset (etherparse's LenError shape), never bare strings.
 */

/** Issue codes of the JSON layer contract; `DecodeError.code` is always one of them. */
export type IssueCode = 'truncated' | 'bad-length' | 'bad-version' | 'bad-checksum' | 'unsupported' | 'too-deep' | 'malformed';

/** Details of a {@link DecodeError}. */
export interface DecodeErrorInit {
  code: IssueCode;
  /** Layer name (`'ipv4'`) or container (`'pcap'`, `'pcapng'`). */
  layer: string;
  /** Absolute byte offset of the problem in the buffer (or file) being decoded. */
  offset: number;
  field?: string;
  /** Bytes needed (length errors). */
  required?: number;
  /** Bytes present (length errors). */
  actual?: number;
  message?: string;
}

/** Thrown by every decoder for bad bytes. Nothing else is thrown on bad input. */
export class DecodeError extends Error {
  override readonly name = 'DecodeError';
  readonly code: IssueCode;
  readonly layer: string;
  readonly offset: number;
  readonly field: string | undefined;
  readonly required: number | undefined;
  readonly actual: number | undefined;

  constructor(init: DecodeErrorInit) {
    super(init.message ?? DecodeError.describe(init));
    this.code = init.code;
    this.layer = init.layer;
    this.offset = init.offset;
    this.field = init.field;
    this.required = init.required;
    this.actual = init.actual;
  }

  /** The default message for an error. */
  static describe(i: DecodeErrorInit): string {
    const where = `${i.layer}${i.field ? `.${i.field}` : ''} at offset ${i.offset}`;
    if (i.code === 'truncated' && i.required !== undefined)
      return `${where}: truncated, ${i.required} bytes needed, ${i.actual ?? 0} present`;
    return `${where}: ${i.code}`;
  }
}

/** Throws `truncated` unless `need` bytes are available from `offset` up to `end`. */
export function checkLength(layer: string, offset: number, end: number, need: number): void {
  if (end - offset < need) throw new DecodeError({ code: 'truncated', layer, offset, required: need, actual: Math.max(0, end - offset) });
}

/** Details of an {@link EncodeError}. */
export interface EncodeErrorInit {
  layer: string;
  field?: string;
  value?: unknown;
  message: string;
}

/** Thrown by encoders for out-of-range or malformed header values, before any byte is written. */
export class EncodeError extends Error {
  override readonly name = 'EncodeError';
  readonly layer: string;
  readonly field: string | undefined;
  readonly value: unknown;
  constructor(init: EncodeErrorInit) {
    super(`${init.layer}${init.field ? `.${init.field}` : ''}: ${init.message}`);
    this.layer = init.layer;
    this.field = init.field;
    this.value = init.value;
  }
}
