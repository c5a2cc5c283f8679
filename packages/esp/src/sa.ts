/**
 * An ESP security association with AES-GCM (RFC 4106) over WebCrypto (`globalThis.crypto.subtle`: Node 20
 * and browsers). Transport-agnostic: `seal` returns the bytes that follow the outer IP (or UDP, for NAT-T)
 * header, `open` takes them back.
 *
 * Per packet (RFC 4106 §3-§5, RFC 4303 §2-§3):
 * - nonce = salt (the last 4 bytes of the keying material) || 8-byte explicit IV;
 * - AAD = SPI || 32-bit sequence number (no Extended Sequence Numbers);
 * - plaintext = payload || padding 1, 2, 3, ... || Pad Length || Next Header, ending on a 4-byte boundary;
 * - wire = SPI || sequence || IV || ciphertext || 16-byte ICV.
 */
import { EncodeError, readU32BE, writeU32BE } from '@wirestack/core';
import {
  ESP_ALIGNMENT,
  ESP_DEFAULT_REPLAY_WINDOW,
  ESP_DUMMY_NEXT_HEADER,
  ESP_GCM_ICV_LEN,
  ESP_GCM_IV_LEN,
  ESP_GCM_MIN_LEN,
  ESP_GCM_SALT_LEN,
  ESP_HEADER_LEN,
  ESP_MAX_REPLAY_WINDOW,
  ESP_MAX_SEQUENCE,
  ESP_TRAILER_LEN,
  EspField,
} from './constants.js';
import { EspError } from './errors.js';
import { ReplayWindow } from './replay.js';

/** Options of {@link EspSa.create}. */
export interface EspSaOptions {
  /** Security Parameters Index, 32 bits, not 0 (RFC 4303 §2.1). */
  spi: number;
  /**
   * 20, 28 or 36 bytes: the AES key (16/24/32 bytes) followed by the 4-byte salt, the RFC 4106 §8.1 keying
   * material (as tshark's `esp_sa` table and Linux `ip xfrm ... aead 'rfc4106(gcm(aes))'` take it).
   * AES-192 is not available in Chromium's WebCrypto; Node and Firefox have it.
   */
  key: Uint8Array;
  /** Anti-replay window in packets (default 64, RFC 4303 §3.4.3); 0 disables anti-replay. At most 65536. */
  replayWindow?: number;
  /** Sequence number of the first packet `seal` sends (default 1, RFC 4303 §3.3.3); 1..2^32-1. */
  initialSequence?: number;
  /**
   * The 8-byte explicit IV for sequence `seq`. It must never repeat under one key (RFC 4106 §3.1). Default:
   * the 64-bit sequence counter (32 zero bits, then `seq`), which is unique because the counter never wraps.
   */
  ivSource?: (seq: number) => Uint8Array;
}

/** What {@link EspSa.open} returns. */
export interface EspOpened {
  /** The Next Header of the ESP trailer: 4 IPv4, 41 IPv6, 143 Ethernet, 59 a dummy packet (see `dummy`). */
  nextHeader: number;
  /** The inner payload (a fresh buffer): an inner IP packet or Ethernet frame in tunnel mode. */
  payload: Uint8Array;
  sequence: number;
  padLength: number;
  /** True when `nextHeader` is 59: a traffic-flow-confidentiality dummy packet that must be dropped (RFC 4303 §2.6). */
  dummy: boolean;
}

type Subtle = SubtleCrypto;

function subtle(): Subtle {
  const s = (globalThis as { crypto?: Crypto }).crypto?.subtle;
  if (!s) throw new EncodeError({ layer: 'esp', message: 'WebCrypto (globalThis.crypto.subtle) is not available' });
  return s;
}

function intIn(field: string, v: unknown, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
    throw new EncodeError({ layer: 'esp', field, value: v, message: `must be an integer in ${min}..${max}, got ${String(v)}` });
  return v;
}

/** The default IV: the 64-bit counter, 32 zero bits then `seq` (RFC 4106 §3.1 allows a counter). */
function counterIv(seq: number): Uint8Array {
  const iv = new Uint8Array(ESP_GCM_IV_LEN);
  writeU32BE(iv, 4, seq);
  return iv;
}

/**
 * One direction of an ESP tunnel: AES-GCM-16 (RFC 4106) with a 32-bit sequence number. A real tunnel has
 * one SA per direction; this object keeps the sender's counter and the receiver's anti-replay window
 * separately, so one instance can also seal and open its own packets (tests, loopback).
 */
export class EspSa {
  /** The SA's Security Parameters Index. */
  readonly spi: number;
  /** Bytes `seal` adds to a payload before padding: header, IV, trailer, ICV. */
  static readonly OVERHEAD = ESP_HEADER_LEN + ESP_GCM_IV_LEN + ESP_TRAILER_LEN + ESP_GCM_ICV_LEN;
  private nextSequence: number;
  private readonly window: ReplayWindow | undefined;

  private constructor(
    spi: number,
    private readonly key: CryptoKey,
    private readonly salt: Uint8Array,
    initialSequence: number,
    replayWindow: number,
    private readonly ivSource: ((seq: number) => Uint8Array) | undefined,
  ) {
    this.spi = spi;
    this.nextSequence = initialSequence;
    this.window = replayWindow > 0 ? new ReplayWindow(replayWindow) : undefined;
  }

  /** Checks the options and imports the AES key (non-extractable). Throws `EncodeError` on a bad option. */
  static async create(opts: EspSaOptions): Promise<EspSa> {
    const spi = intIn('spi', opts.spi, 1, 0xffffffff);
    const keymat = opts.key;
    if (!(keymat instanceof Uint8Array) || ![20, 28, 36].includes(keymat.length))
      throw new EncodeError({
        layer: 'esp',
        field: 'key',
        message: 'must be 20, 28 or 36 bytes: an AES-128/192/256 key followed by the 4-byte salt (RFC 4106 §8.1)',
      });
    const replayWindow = intIn('replayWindow', opts.replayWindow ?? ESP_DEFAULT_REPLAY_WINDOW, 0, ESP_MAX_REPLAY_WINDOW);
    const initialSequence = intIn('initialSequence', opts.initialSequence ?? 1, 1, ESP_MAX_SEQUENCE);
    const aesLen = keymat.length - ESP_GCM_SALT_LEN;
    const key = await subtle().importKey('raw', keymat.slice(0, aesLen), { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']);
    return new EspSa(spi, key, keymat.slice(aesLen), initialSequence, replayWindow, opts.ivSource);
  }

  /** The sequence number the next `seal` will use (2^32 once exhausted). */
  get sequence(): number {
    return this.nextSequence;
  }

  /** The highest sequence number `open` has accepted (0: none, or anti-replay disabled). */
  get highestReceived(): number {
    return this.window?.top ?? 0;
  }

  /**
   * Encrypts `payload` (in tunnel mode an entire inner IP packet or Ethernet frame) and returns the ESP bytes
   * that go after the outer IP header: SPI, sequence, IV, ciphertext (payload + padding to 4 bytes + Pad Length
   * + Next Header), 16-byte ICV. AAD = SPI || sequence (RFC 4106 §5). `nextHeader` is an IP protocol number
   * ({@link EspNextHeader}: 4 IPv4, 41 IPv6, 143 Ethernet, 59 a dummy packet). The sequence number is taken
   * synchronously, so concurrent calls never share one. Throws `EncodeError` on a bad `nextHeader` or IV and
   * `EspError` `sequence-exhausted` once 2^32-1 has been sent (RFC 4303 §3.3.3: rekey).
   */
  async seal(payload: Uint8Array, nextHeader: number): Promise<Uint8Array> {
    intIn('nextHeader', nextHeader, 0, 255);
    const seq = this.nextSequence;
    if (seq > ESP_MAX_SEQUENCE)
      throw new EspError({
        reason: 'sequence-exhausted',
        offset: 0,
        field: 'sequence',
        message: `SPI 0x${this.spi.toString(16).padStart(8, '0')} has sent sequence number 2^32-1; establish a new SA`,
      });
    const iv = this.ivSource ? this.ivSource(seq) : counterIv(seq);
    if (!(iv instanceof Uint8Array) || iv.length !== ESP_GCM_IV_LEN)
      throw new EncodeError({ layer: 'esp', field: 'iv', message: `ivSource must return ${ESP_GCM_IV_LEN} bytes` });
    this.nextSequence = seq + 1;

    const padLength = (ESP_ALIGNMENT - ((payload.length + ESP_TRAILER_LEN) % ESP_ALIGNMENT)) % ESP_ALIGNMENT;
    const ptLen = payload.length + padLength + ESP_TRAILER_LEN;
    const pt = new Uint8Array(ptLen);
    pt.set(payload);
    for (let i = 0; i < padLength; i++) pt[payload.length + i] = i + 1;
    pt[ptLen - 2] = padLength;
    pt[ptLen - 1] = nextHeader;

    const out = new Uint8Array(ESP_HEADER_LEN + ESP_GCM_IV_LEN + ptLen + ESP_GCM_ICV_LEN);
    writeU32BE(out, EspField.SPI, this.spi);
    writeU32BE(out, EspField.SEQUENCE, seq);
    out.set(iv, ESP_HEADER_LEN);
    const ct = await subtle().encrypt(
      { name: 'AES-GCM', iv: this.nonce(iv), additionalData: out.slice(0, ESP_HEADER_LEN), tagLength: ESP_GCM_ICV_LEN * 8 },
      this.key,
      pt,
    );
    out.set(new Uint8Array(ct), ESP_HEADER_LEN + ESP_GCM_IV_LEN);
    return out;
  }

  /**
   * Verifies and decrypts the ESP packet in `bytes[offset, end)` (RFC 4303 §3.4): checks the SPI, then the
   * anti-replay window (duplicates, numbers left of the window and 0 are refused before any crypto), then the
   * ICV; the window is updated only after the ICV verifies (RFC 4303 §3.4.3) and re-checked at that moment,
   * so of two concurrent opens of one packet only one succeeds. Then the padding must be 1, 2, 3, ...
   * (RFC 4303 §2.4). A Next Header of 59 is a dummy packet, returned with `dummy: true` for the caller to
   * drop (RFC 4303 §2.6). Throws only `EspError`.
   */
  async open(bytes: Uint8Array, offset = 0, end = bytes.length): Promise<EspOpened> {
    const stop = Math.min(end, bytes.length);
    const n = stop - offset;
    if (!(n >= ESP_GCM_MIN_LEN))
      throw new EspError({
        reason: 'truncated',
        offset,
        required: ESP_GCM_MIN_LEN,
        actual: Math.max(0, n || 0),
        message: `${ESP_GCM_MIN_LEN} bytes needed (header, IV, trailer, ICV), ${Math.max(0, n || 0)} present`,
      });
    const spi = readU32BE(bytes, offset + EspField.SPI);
    if (spi !== this.spi)
      throw new EspError({
        reason: 'wrong-spi',
        offset: offset + EspField.SPI,
        field: 'spi',
        message: `SPI 0x${spi.toString(16).padStart(8, '0')} is not this SA's 0x${this.spi.toString(16).padStart(8, '0')}`,
      });
    const seq = readU32BE(bytes, offset + EspField.SEQUENCE);
    if (this.window && !this.window.check(seq)) throw this.replayError(seq, offset);

    const ivStart = offset + ESP_HEADER_LEN;
    const ctStart = ivStart + ESP_GCM_IV_LEN;
    let pt: Uint8Array;
    try {
      const r = await subtle().decrypt(
        {
          name: 'AES-GCM',
          iv: this.nonce(bytes.subarray(ivStart, ctStart)),
          additionalData: bytes.slice(offset, offset + ESP_HEADER_LEN),
          tagLength: ESP_GCM_ICV_LEN * 8,
        },
        this.key,
        bytes.slice(ctStart, stop),
      );
      pt = new Uint8Array(r);
    } catch {
      throw new EspError({
        reason: 'auth-failed',
        offset: stop - ESP_GCM_ICV_LEN,
        field: 'icv',
        message: 'the ICV does not verify (wrong key, or the packet was altered)',
      });
    }
    if (this.window && !this.window.update(seq)) throw this.replayError(seq, offset);

    const padLength = pt[pt.length - 2]!;
    const nextHeader = pt[pt.length - 1]!;
    const payloadEnd = pt.length - ESP_TRAILER_LEN - padLength;
    if (payloadEnd < 0)
      throw new EspError({
        reason: 'bad-padding',
        offset: ctStart + pt.length - 2,
        field: 'padLength',
        message: `Pad Length ${padLength} exceeds the ${pt.length - ESP_TRAILER_LEN} bytes before the trailer`,
      });
    for (let i = 0; i < padLength; i++)
      if (pt[payloadEnd + i] !== i + 1)
        throw new EspError({
          reason: 'bad-padding',
          offset: ctStart + payloadEnd + i,
          field: 'padding',
          message: `padding byte ${i + 1} is ${pt[payloadEnd + i]}, not ${i + 1} (RFC 4303 §2.4)`,
        });
    return { nextHeader, payload: pt.subarray(0, payloadEnd), sequence: seq, padLength, dummy: nextHeader === ESP_DUMMY_NEXT_HEADER };
  }

  private nonce(iv: Uint8Array): Uint8Array<ArrayBuffer> {
    const nonce = new Uint8Array(ESP_GCM_SALT_LEN + ESP_GCM_IV_LEN);
    nonce.set(this.salt);
    nonce.set(iv, ESP_GCM_SALT_LEN);
    return nonce;
  }

  private replayError(seq: number, offset: number): EspError {
    const top = this.window?.top ?? 0;
    const why =
      seq === 0
        ? 'sequence number 0 is never sent'
        : top - seq >= (this.window?.size ?? 0)
          ? `left of the ${this.window?.size}-packet window ending at ${top}`
          : 'already received';
    return new EspError({ reason: 'replay', offset: offset + EspField.SEQUENCE, field: 'sequence', message: `sequence ${seq}: ${why}` });
  }
}
