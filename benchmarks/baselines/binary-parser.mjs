/**
 * The same Ethernet/IPv4/UDP/VXLAN/Ethernet/IPv4/UDP/raw stack written with binary-parser (the
 * declarative parser builder wirestack's design names as the alternative). Two flavours:
 * - `contract`: objects with the contract's text fields (MAC and IPv4 text, options/raw as hex), the
 *   same work `decodeStack` does;
 * - `numeric`: every field as a number (addresses as u32, MACs as zero-copy byte views), the closest
 *   binary-parser gets to StackDecoder's slots.
 * Dispatch uses `choice` on the EtherType, IP protocol and UDP destination port like the contract's tables.
 */
import { Parser } from 'binary-parser';

const HEX = [];
for (let i = 0; i < 256; i++) HEX.push(i.toString(16).padStart(2, '0'));
function hex(b) {
  let s = '';
  for (let i = 0; i < b.length; i++) s += HEX[b[i]];
  return s;
}
function mac(b) {
  return `${HEX[b[0]]}:${HEX[b[1]]}:${HEX[b[2]]}:${HEX[b[3]]}:${HEX[b[4]]}:${HEX[b[5]]}`;
}
function ipv4(n) {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

function build(text) {
  const raw = new Parser().buffer('data', { readUntil: 'eof', ...(text ? { formatter: hex } : {}) });
  const macField = text ? { length: 6, formatter: mac } : { length: 6 };
  const addr = text ? { formatter: ipv4 } : {};

  // binary-parser resolves named types when they are declared, so recursion through VXLAN is written
  // as two levels: the inner frame's UDP has no VXLAN choice (the benchmark packet has one tunnel).
  const level = (inner) => {
    const udpChoices = inner ? { 4789: new Parser().uint8('flags').seek(3).bit24('vni').seek(1).nest('payload', { type: inner }) } : {};
    const udp = new Parser()
      .uint16('srcPort')
      .uint16('dstPort')
      .uint16('length')
      .uint16('checksum')
      .choice('payload', { tag: 'dstPort', choices: udpChoices, defaultChoice: raw });
    const ip = new Parser()
      .bit4('version')
      .bit4('ihl')
      .bit6('dscp')
      .bit2('ecn')
      .uint16('totalLength')
      .uint16('identification')
      .bit1('reserved')
      .bit1('dontFragment')
      .bit1('moreFragments')
      .bit13('fragmentOffset')
      .uint8('ttl')
      .uint8('protocol')
      .uint16('checksum')
      .uint32('src', addr)
      .uint32('dst', addr)
      .buffer('options', {
        length: function () {
          return this.ihl * 4 - 20;
        },
        ...(text ? { formatter: hex } : {}),
      })
      .choice('payload', { tag: 'protocol', choices: { 17: udp }, defaultChoice: raw });
    return new Parser()
      .buffer('dst', macField)
      .buffer('src', macField)
      .uint16('etherType')
      .choice('payload', { tag: 'etherType', choices: { 2048: ip }, defaultChoice: raw });
  };
  const eth = level(level(undefined));
  return eth;
}

/** The whole stack with text fields (the work `decodeStack` does). */
export const contractParser = build(1);
/** The whole stack, numbers only. */
export const numericParser = build(0);

/** Outer Ethernet/IPv4/UDP only (the UDP payload left as a zero-copy buffer). */
export const outerParser = new Parser()
  .buffer('dst', { length: 6, formatter: mac })
  .buffer('src', { length: 6, formatter: mac })
  .uint16('etherType')
  .nest('ip', {
    type: new Parser()
      .bit4('version')
      .bit4('ihl')
      .bit6('dscp')
      .bit2('ecn')
      .uint16('totalLength')
      .uint16('identification')
      .bit1('reserved')
      .bit1('dontFragment')
      .bit1('moreFragments')
      .bit13('fragmentOffset')
      .uint8('ttl')
      .uint8('protocol')
      .uint16('checksum')
      .uint32('src', { formatter: ipv4 })
      .uint32('dst', { formatter: ipv4 })
      .buffer('options', {
        length: function () {
          return this.ihl * 4 - 20;
        },
        formatter: hex,
      }),
  })
  .nest('udp', { type: new Parser().uint16('srcPort').uint16('dstPort').uint16('length').uint16('checksum') });
