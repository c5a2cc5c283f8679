/** fast-check arbitraries for ESP tests (not published). */
import fc from 'fast-check';

/** Any ESP header (RFC 4303 §2): both fields are full 32-bit values, so every header is canonical. */
export const arbEspHeader = () =>
  fc.record({ spi: fc.nat({ max: 0xffffffff }), sequence: fc.nat({ max: 0xffffffff }) }).map((r) => ({ layer: 'esp' as const, ...r }));

/** AES-GCM keying material for RFC 4106: a 16/24/32-byte key followed by the 4-byte salt. */
export const arbKeymat = () => fc.constantFrom(16, 24, 32).chain((n) => fc.uint8Array({ minLength: n + 4, maxLength: n + 4 }));

/** A valid SPI (not 0). */
export const arbSpi = () => fc.integer({ min: 1, max: 0xffffffff });
