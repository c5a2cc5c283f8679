/** tshark helpers shared by the test suites. */
import { spawnSync } from 'node:child_process';

/** Whether tshark runs here. */
export function tsharkAvailable(): boolean {
  return spawnSync('tshark', ['-v'], { encoding: 'utf8' }).status === 0;
}

/** An ESP security association as tshark takes it (AES-GCM with a 16-byte ICV, RFC 4106). */
export interface TsharkEspSa {
  src: string;
  dst: string;
  spi: number;
  /** AES key followed by the 4-byte salt (RFC 4106 §8.1). */
  key: Uint8Array;
}

const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

/**
 * tshark options that decrypt and authenticate ESP with these SAs: one `esp_sa` UAT entry each. Columns of
 * Wireshark 4.0's table: protocol, source, destination, SPI, encryption, encryption key, authentication
 * (NULL for an AEAD cipher), authentication key.
 */
export function tsharkEspOptions(sas: readonly TsharkEspSa[]): string[] {
  const out = ['-o', 'esp.enable_encryption_decode:TRUE', '-o', 'esp.enable_authentication_check:TRUE'];
  for (const sa of sas) {
    const proto = sa.src.includes(':') ? 'IPv6' : 'IPv4';
    const spi = `0x${sa.spi.toString(16).padStart(8, '0')}`;
    out.push(
      '-o',
      `uat:esp_sa:"${proto}","${sa.src}","${sa.dst}","${spi}","AES-GCM with 16 octet ICV [RFC4106]","0x${hex(sa.key)}","NULL",""`,
    );
  }
  return out;
}
