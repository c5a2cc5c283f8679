/** The `udp` layer codec for registries and stacks (RFC 768). */
import type { LayerCodec } from '@wirestack/core';
import { udpChecksum } from './checksum.js';
import { UDP_HEADER_LEN } from './constants.js';
import { decodeUdp, encodeUdp, finishUdp, type UdpHeader, udpEncodingLength } from './header.js';

/**
 * UDP (RFC 768). Reached by IP protocol 17; points to its payload by `dstPort`, then `srcPort`, in the
 * registry's `udp.port` table (as gopacket does), else the payload is raw.
 */
export const udp: LayerCodec<UdpHeader> = {
  id: 'udp',
  minLength: UDP_HEADER_LEN,
  fields: [
    {
      name: 'srcPort',
      kind: 'uint',
      bits: 16,
      derived: true,
      doc: 'before a tunnel layer: a hash of the inner flow in 49152-65535 (RFC 7348 §5); else 0',
    },
    { name: 'dstPort', kind: 'uint', bits: 16, derived: true, doc: "the next layer's udp.port binding; else 0" },
    { name: 'length', kind: 'uint', bits: 16, derived: true },
    { name: 'checksum', kind: 'uint', bits: 16, derived: true, doc: 'over the IPv4/IPv6 pseudo-header; 0 means none' },
  ],
  binds: [{ table: 'ip.proto', value: 17 }],
  decode: decodeUdp,
  headerLength: () => UDP_HEADER_LEN,
  next: (h, ctx) => {
    if (ctx.registry.lookup('udp.port', h.dstPort)) return { table: 'udp.port', value: h.dstPort };
    if (ctx.registry.lookup('udp.port', h.srcPort)) return { table: 'udp.port', value: h.srcPort };
    return undefined;
  },
  datagramLength: (h) => h.length,
  // 0 is "no checksum" (RFC 768), accepted over IPv6 too: tunnels send zero checksums (RFC 6935).
  verify: (h, buf, offset, vctx) => {
    const checksum = h.checksum;
    if (checksum === 0) return true;
    const c = udpChecksum(buf, offset, h.length, vctx.network, Math.min(offset + h.length, vctx.end));
    return c === undefined || c === checksum;
  },
  encodingLength: udpEncodingLength,
  encode: encodeUdp,
  finish: finishUdp,
};
