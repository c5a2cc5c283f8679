/** Loads fixtures/esp/esp.json: AES-GCM ESP packets sealed by Scapy 2.5 (see fixtures/esp/generate.py). */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ScapyEspVector {
  name: string;
  spi: number;
  /** AES key || 4-byte salt (RFC 4106 §8.1), hex. */
  key: string;
  sequence: number;
  iv: string;
  nextHeader: number;
  /** The inner packet, hex. */
  inner: string;
  /** The ESP bytes after the outer IP header, hex. */
  esp: string;
  /** The whole outer IPv4 packet, hex. */
  packet: string;
}

export const SCAPY: { scapy: string; packets: ScapyEspVector[] } = JSON.parse(
  readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'fixtures', 'esp', 'esp.json'), 'utf8'),
);
