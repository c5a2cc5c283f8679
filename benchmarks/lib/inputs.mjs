/** Benchmark inputs, read from fixtures/ (no inline packet literals). */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const FIXTURES = join(REPO_ROOT, 'fixtures');

/** Records of a little- or big-endian classic pcap file (a minimal reader, independent of @wirestack/pcap). */
export function pcapRecords(bytes) {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = dv.getUint32(0, true);
  const le = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  const out = [];
  let o = 24;
  while (o + 16 <= bytes.length) {
    const cap = dv.getUint32(o + 8, le);
    out.push(bytes.subarray(o + 16, o + 16 + cap));
    o += 16 + cap;
  }
  return out;
}

const u16 = (b, o) => (b[o] << 8) | b[o + 1];

/** True for Ethernet/IPv4/UDP(4789)/VXLAN/Ethernet/IPv4/UDP with a payload: the 8-layer benchmark packet. */
export function isVxlanStack(b) {
  if (b.length < 14 + 20 + 8 + 8 + 14 + 20 + 8 + 1 || u16(b, 12) !== 0x0800) return false;
  const ihl = (b[14] & 15) * 4;
  if (b[14 + 9] !== 17) return false;
  const udp = 14 + ihl;
  if (u16(b, udp + 2) !== 4789) return false;
  const inner = udp + 16;
  if (u16(b, inner + 12) !== 0x0800) return false;
  const iip = inner + 14;
  const iihl = (b[iip] & 15) * 4;
  if (b[iip + 9] !== 17 || (u16(b, iip + 6) & 0x1fff) !== 0) return false;
  return b.length > iip + iihl + 8;
}

/** The 8-layer VXLAN packet from fixtures/captures/vxlan.pcap, copied to its own 8-aligned buffer. */
export function vxlanPacket() {
  const recs = pcapRecords(new Uint8Array(readFileSync(join(FIXTURES, 'captures', 'vxlan.pcap'))));
  const p = recs.find(isVxlanStack);
  if (!p) throw new Error('fixtures/captures/vxlan.pcap has no Ethernet/IPv4/UDP/VXLAN/Ethernet/IPv4/UDP packet');
  return new Uint8Array(p);
}

/**
 * A classic little-endian µs pcap in memory, `targetBytes` long, cycling through `packets`
 * (each record: 16-byte header plus the packet).
 */
export function buildCapture(packets, targetBytes) {
  let per = 0;
  for (const p of packets) per += 16 + p.length;
  const cycles = Math.max(1, Math.floor((targetBytes - 24) / per));
  const out = new Uint8Array(24 + cycles * per);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, 0xa1b2c3d4, true);
  dv.setUint16(4, 2, true);
  dv.setUint16(6, 4, true);
  dv.setUint32(16, 65535, true);
  dv.setUint32(20, 1, true);
  let o = 24;
  let t = 0;
  for (let c = 0; c < cycles; c++) {
    for (const p of packets) {
      dv.setUint32(o, 1700000000 + Math.floor(t / 1e6), true);
      dv.setUint32(o + 4, t % 1e6, true);
      dv.setUint32(o + 8, p.length, true);
      dv.setUint32(o + 12, p.length, true);
      out.set(p, o + 16);
      o += 16 + p.length;
      t += 7;
    }
  }
  return { bytes: out, records: cycles * packets.length };
}
