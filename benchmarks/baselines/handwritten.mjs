/**
 * A floor for `decode/vxlan-stack`: the same work as `decodeStack` on the benchmark's packet, written by hand
 * for exactly one path (Ethernet/IPv4/UDP/VXLAN/Ethernet/IPv4/UDP/raw) with no registry, no dispatch tables,
 * no generated code and no recovery beyond stopping. It builds the same plain contract objects (same fields,
 * same order, addresses as text, the payload as hex), the same spans and issues, and verifies the same four
 * checksums, through the same leaf helpers wirestack uses (cached address text, `toHex`, `ipv4ChecksumValid`,
 * `udpChecksum`). What `decodeStack` costs above this is the general walk; what this
 * costs is what any JS decoder of these objects pays on this machine.
 *
 * It is a benchmark reference, not a decoder: anything off the path (another EtherType, options, a short
 * datagram) returns `undefined`. run.mjs compares its output with `decodeStack`'s (on the packet and on two
 * copies with broken checksums) before it measures it, and leaves its rows out when they differ.
 */
import { macToString, toHex } from '@wirestack/core';
import { formatIpv4, ipv4ChecksumValid } from '@wirestack/ipv4';
import { udpChecksum } from '@wirestack/udp';

function ethernet(b, o) {
  return { layer: 'ethernet', dst: macToString(b, o), src: macToString(b, o + 6), etherType: (b[o + 12] << 8) | b[o + 13] };
}

function ipv4(b, o) {
  const f = (b[o + 6] << 8) | b[o + 7];
  return {
    layer: 'ipv4',
    version: b[o] >>> 4,
    ihl: b[o] & 15,
    dscp: b[o + 1] >>> 2,
    ecn: b[o + 1] & 3,
    totalLength: (b[o + 2] << 8) | b[o + 3],
    identification: (b[o + 4] << 8) | b[o + 5],
    dontFragment: (f & 0x4000) !== 0,
    moreFragments: (f & 0x2000) !== 0,
    fragmentOffset: f & 0x1fff,
    ttl: b[o + 8],
    protocol: b[o + 9],
    checksum: (b[o + 10] << 8) | b[o + 11],
    src: formatIpv4(b, o + 12),
    dst: formatIpv4(b, o + 16),
    options: '',
  };
}

function udp(b, o) {
  return {
    layer: 'udp',
    srcPort: (b[o] << 8) | b[o + 1],
    dstPort: (b[o + 2] << 8) | b[o + 3],
    length: (b[o + 4] << 8) | b[o + 5],
    checksum: (b[o + 6] << 8) | b[o + 7],
  };
}

/** One Ethernet/IPv4/UDP level from `o` to `end`; returns the UDP payload's end, or -1 off the path. */
function level(b, o, end, verify, layers, spans, issues, net) {
  if (o + 42 > end || b[o + 12] !== 0x08 || b[o + 13] !== 0) return -1;
  layers.push(ethernet(b, o));
  spans.push(o, 14);
  const ip = o + 14;
  if (b[ip] !== 0x45 || b[ip + 9] !== 17) return -1;
  const ipEnd = ip + ((b[ip + 2] << 8) | b[ip + 3]);
  if (ipEnd > end || ipEnd < ip + 28) return -1;
  const h4 = ipv4(b, ip);
  layers.push(h4);
  spans.push(ip, 20);
  if (verify && !ipv4ChecksumValid(b, ip, 5))
    issues.push({ layerIndex: layers.length - 1, offset: ip, code: 'bad-checksum', message: 'ipv4 checksum does not match' });
  const u = ip + 20;
  const h = udp(b, u);
  const uEnd = u + h.length;
  if (uEnd > ipEnd || h.length < 8) return -1;
  layers.push(h);
  spans.push(u, 8);
  if (verify && h.checksum !== 0) {
    net.layer = 'ipv4';
    net.offset = ip;
    if (udpChecksum(b, u, h.length, net, uEnd) !== h.checksum)
      issues.push({ layerIndex: layers.length - 1, offset: u, code: 'bad-checksum', message: 'udp checksum does not match' });
  }
  return uEnd;
}

const net = { layer: '', offset: 0 };

/** The packet's layers, spans and issues as `decodeStack` gives them, or `undefined` off the benchmark's path. */
export function decodeByHand(b, verify = true) {
  const layers = [];
  const spans = [];
  const issues = [];
  const outerEnd = level(b, 0, b.length, verify, layers, spans, issues, net);
  if (outerEnd < 0 || b[36] !== 0x12 || b[37] !== 0xb5) return undefined;
  const v = 42;
  if (v + 8 > outerEnd) return undefined;
  layers.push({ layer: 'vxlan', flags: b[v], vni: (b[v + 4] << 16) | (b[v + 5] << 8) | b[v + 6] });
  spans.push(v, 8);
  const innerEnd = level(b, v + 8, outerEnd, verify, layers, spans, issues, net);
  if (innerEnd < 0 || innerEnd !== outerEnd) return undefined;
  const p = v + 8 + 42;
  if (p < innerEnd) {
    layers.push({ layer: 'raw', data: toHex(b, p, innerEnd) });
    spans.push(p, innerEnd - p);
  }
  return { layers, spans, issues, trailer: outerEnd < b.length ? toHex(b, outerEnd, b.length) : undefined };
}
