/** The error `EspSa` throws: a `DecodeError` (so stack code catches one type) with the ESP-specific reason. */
import { DecodeError, type IssueCode } from '@wirestack/core';

/**
 * Why an ESP packet was refused or could not be sent:
 * - `wrong-spi`: the SPI is not this SA's (code `unsupported`: no SA for it here; RFC 4303 §3.4.2);
 * - `replay`: a duplicate, a number left of the anti-replay window, or 0 (code `malformed`; RFC 4303 §3.4.3);
 * - `auth-failed`: the ICV does not verify (code `bad-checksum`; RFC 4303 §3.4.4, RFC 4106 §5);
 * - `bad-padding`: the decrypted padding is not 1, 2, 3, ... or longer than the plaintext (code `malformed`; RFC 4303 §2.4);
 * - `truncated`: too short for header, IV, trailer and ICV (code `truncated`);
 * - `sequence-exhausted`: `seal` would wrap the 32-bit counter; rekey (code `unsupported`; RFC 4303 §3.3.3).
 */
export type EspErrorReason = 'wrong-spi' | 'replay' | 'auth-failed' | 'bad-padding' | 'truncated' | 'sequence-exhausted';

const CODE: Record<EspErrorReason, IssueCode> = {
  'wrong-spi': 'unsupported',
  replay: 'malformed',
  'auth-failed': 'bad-checksum',
  'bad-padding': 'malformed',
  truncated: 'truncated',
  'sequence-exhausted': 'unsupported',
};

/** Details of an {@link EspError}. */
export interface EspErrorInit {
  reason: EspErrorReason;
  /** Absolute offset of the offending bytes. */
  offset: number;
  field?: string;
  required?: number;
  actual?: number;
  message: string;
}

/** Thrown by `EspSa.open` (and by `seal` for `sequence-exhausted`); `code` is the JSON contract's issue code for `reason`. */
export class EspError extends DecodeError {
  readonly reason: EspErrorReason;
  constructor(init: EspErrorInit) {
    super({
      code: CODE[init.reason],
      layer: 'esp',
      offset: init.offset,
      ...(init.field !== undefined ? { field: init.field } : {}),
      ...(init.required !== undefined ? { required: init.required } : {}),
      ...(init.actual !== undefined ? { actual: init.actual } : {}),
      message: `esp at offset ${init.offset}: ${init.reason}: ${init.message}`,
    });
    this.reason = init.reason;
    Object.defineProperty(this, 'name', { value: 'EspError', enumerable: false, configurable: true, writable: false });
  }
}
