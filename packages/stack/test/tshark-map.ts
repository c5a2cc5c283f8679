/**
 * Reads tshark `-T json` packets (as produced for the shared corpus, see corpus/MANIFEST.md) and maps them onto
 * wirestack's JSON layer contract: the layer sequence tshark reports (`frame.protocols`) and, per layer, the
 * contract fields tshark has a value for. Test-only helper of corpus.tshark.test.ts.
 */

/** One tshark protocol layer object (values are strings, nested `*_tree` objects, or arrays of them). */
export type TsObj = Record<string, unknown>;

/** A tshark packet of `-T json`. */
export interface TsharkPacket {
  _source: { layers: Record<string, unknown> };
}

/** One layer tshark decoded, mapped to our layer id, with its tshark object. */
export interface MappedLayer {
  /** Our layer id (`ethernet`, `vlan`, `ipv4`, ...). */
  layer: string;
  /** tshark's protocol token in `frame.protocols`. */
  token: string;
  /** tshark's layer object (undefined when tshark printed none). */
  obj: TsObj | undefined;
}

/**
 * tshark's ARP/ICMP/ICMPv6/ESP objects of one frame, in dissection order per protocol (fixtures/tshark/arp-icmp.json:
 * the corpus references filter these protocols out, so they come from a second tshark run).
 */
export type ArpIcmpFrame = Partial<Record<'arp' | 'icmp' | 'icmpv6' | 'esp', TsObj[]>>;

/** The protocol tokens whose objects come from {@link ArpIcmpFrame}. */
const SIDECAR = new Set(['arp', 'icmp', 'icmpv6', 'esp']);

/** What tshark reports for one packet, in our terms. */
export interface MappedPacket {
  /** The layers we also decode, outermost first, up to the first one we do not. */
  layers: MappedLayer[];
  /** The first `frame.protocols` token we do not decode (tcp, erspan, data, ...), or undefined. */
  stoppedAt: string | undefined;
  /** The full `frame.protocols`. */
  protocols: string;
  /** Whether tshark reports an error for the packet (`_ws.malformed`, `_ws.short`, an expert error). */
  error: boolean;
  /** Whether the frame was cut by the snapshot length (`frame.cap_len` < `frame.len`). */
  snapCut: boolean;
}

/** tshark's expert severity for errors (PI_ERROR). */
const PI_ERROR = '8388608';

/** Tokens of `frame.protocols` that carry no layer of their own (pseudo-protocols). */
const PSEUDO = new Set(['ethertype', 'raw']);

/** The i-th object of a top-level layer (a single object, or an array when the protocol repeats). */
function nth(layers: Record<string, unknown>, key: string, i: number): TsObj | undefined {
  const v = layers[key];
  if (Array.isArray(v)) return v[i] as TsObj | undefined;
  return i === 0 && v && typeof v === 'object' ? (v as TsObj) : undefined;
}

/** The i-th nested object `key` inside `obj` (IPv6 extension headers live inside the `ipv6` object). */
function nested(obj: TsObj | undefined, key: string, i: number): TsObj | undefined {
  if (!obj) return undefined;
  const v = obj[key];
  if (Array.isArray(v)) return v[i] as TsObj | undefined;
  return i === 0 && v && typeof v === 'object' ? (v as TsObj) : undefined;
}

/** Breadth-first search for `key` anywhere in `obj` (shallowest occurrence wins); undefined when absent. */
export function find(obj: unknown, key: string): unknown {
  let level: unknown[] = [obj];
  while (level.length) {
    const next: unknown[] = [];
    for (const o of level) {
      if (Array.isArray(o)) {
        next.push(...o);
        continue;
      }
      if (!o || typeof o !== 'object') continue;
      const r = o as TsObj;
      if (Object.hasOwn(r, key)) return r[key];
      for (const v of Object.values(r)) if (v && typeof v === 'object') next.push(v);
    }
    level = next;
  }
  return undefined;
}

/** Whether `key` occurs anywhere in `obj`, or (with `value`) a key with that value. */
function has(obj: unknown, key: string, value?: string): boolean {
  if (Array.isArray(obj)) return obj.some((x) => has(x, key, value));
  if (!obj || typeof obj !== 'object') return false;
  for (const [k, v] of Object.entries(obj as TsObj)) {
    if (k === key && (value === undefined || v === value)) return true;
    if (v && typeof v === 'object' && has(v, key, value)) return true;
  }
  return false;
}

/** The IPv6 extension header tokens of `frame.protocols` → our layer ids. */
const IPV6_EXT: Record<string, string> = {
  'ipv6.hopopts': 'ipv6-hop-by-hop',
  'ipv6.routing': 'ipv6-routing',
  'ipv6.fraghdr': 'ipv6-fragment',
  'ipv6.dstopts': 'ipv6-destination-options',
};

/** Top-level tokens we decode → our layer ids (sll depends on the link type). */
const SIMPLE: Record<string, string> = {
  eth: 'ethernet',
  vlan: 'vlan',
  ieee8021ad: 'vlan',
  ip: 'ipv4',
  ipv6: 'ipv6',
  udp: 'udp',
  gre: 'gre',
  vxlan: 'vxlan',
  geneve: 'geneve',
  mpls: 'mpls',
  null: 'null',
  arp: 'arp',
  icmp: 'icmp',
  icmpv6: 'icmpv6',
};

/** VXLAN-GPE's port: tshark decodes it under the `vxlan` protocol but leaves it out of `frame.protocols`. */
const VXLAN_GPE_PORT = '4790';

/**
 * Maps a tshark packet onto our layer ids. `linkType` tells SLL (113) from SLL2 (276); `sidecar` holds the frame's
 * ARP/ICMP/ICMPv6 objects. A packet quoted in an ICMP error is dissected inside the ICMP object, so its IP/IPv6
 * (and extension headers), UDP and ICMP layers have no top-level object; tshark puts what it dissects from the
 * quoted UDP payload (VXLAN, ...) at the top level again.
 */
export function mapPacket(p: TsharkPacket, linkType: number, sidecar?: ArpIcmpFrame): MappedPacket {
  const layers = p._source.layers;
  const frame = layers.frame as TsObj;
  const protocols = String(frame['frame.protocols'] ?? '');
  const tokens = protocols ? protocols.split(':') : [];
  const count: Record<string, number> = {};
  const take = (key: string): TsObj | undefined => {
    const i = count[key] ?? 0;
    count[key] = i + 1;
    return nth(layers, key, i);
  };
  const sideCount: Record<string, number> = {};
  const side = (key: 'arp' | 'icmp' | 'icmpv6' | 'esp'): TsObj | undefined => {
    const i = sideCount[key] ?? 0;
    sideCount[key] = i + 1;
    return sidecar?.[key]?.[i];
  };
  let inQuote = false;
  const out: MappedLayer[] = [];
  let stoppedAt: string | undefined;
  let ipv6Obj: TsObj | undefined;
  let extCount: Record<string, number> = {};
  for (let t = 0; t < tokens.length; t++) {
    const tok = tokens[t]!;
    if (PSEUDO.has(tok)) continue;
    if (SIDECAR.has(tok)) {
      out.push({ layer: tok, token: tok, obj: side(tok as 'arp' | 'icmp' | 'icmpv6' | 'esp') });
      if (tok !== 'arp' && tok !== 'esp' && (tokens[t + 1] === 'ip' || tokens[t + 1] === 'ipv6')) inQuote = true;
      continue;
    }
    if (inQuote && SIMPLE[tok] !== undefined) {
      // Inside an ICMP error's quote: nested in the ICMP object, no top-level object.
      if (tok === 'ipv6') ipv6Obj = undefined;
      out.push({ layer: SIMPLE[tok]!, token: tok, obj: undefined });
      if (tok === 'udp') inQuote = false;
      continue;
    }
    const ext = IPV6_EXT[tok];
    if (ext) {
      const i = extCount[tok] ?? 0;
      extCount[tok] = i + 1;
      out.push({ layer: ext, token: tok, obj: nested(ipv6Obj, tok, i) });
      continue;
    }
    if (tok === 'sll') {
      out.push({ layer: (linkType & 0xffff) === 276 ? 'linux-sll2' : 'linux-sll', token: tok, obj: take('sll') });
      continue;
    }
    const id = SIMPLE[tok];
    if (!id) {
      stoppedAt = tok;
      break;
    }
    if (tok === 'mpls') {
      // One `mpls` token stands for a whole label stack: its entries, up to the bottom of stack, are consecutive objects.
      for (;;) {
        const entry = take('mpls');
        out.push({ layer: 'mpls', token: tok, obj: entry });
        if (!entry || bool(entry['mpls.bottom']) !== false) break;
      }
      continue;
    }
    const obj = take(tok);
    if (tok === 'ipv6') {
      ipv6Obj = obj;
      extCount = {};
    }
    if (tok === 'vxlan' && obj && obj['vxlan.next_proto'] !== undefined) {
      out.push({ layer: 'vxlan-gpe', token: tok, obj });
      continue;
    }
    out.push({ layer: id, token: tok, obj });
    // VXLAN-GPE: tshark shows a `vxlan` object but no `vxlan` token; insert it after its UDP layer.
    if (tok === 'udp' && obj && tokens[t + 1] !== 'vxlan' && [obj['udp.dstport'], obj['udp.srcport']].includes(VXLAN_GPE_PORT)) {
      const i = count.vxlan ?? 0;
      const gpe = nth(layers, 'vxlan', i);
      if (gpe && gpe['vxlan.next_proto'] !== undefined) {
        count.vxlan = i + 1;
        out.push({ layer: 'vxlan-gpe', token: 'vxlan', obj: gpe });
        // tshark stops the chain at GPE payloads it cannot dissect (e.g. next protocol 4 NSH) without a token.
      }
    }
  }
  const error = has(layers, '_ws.malformed') || has(layers, '_ws.short') || has(layers, '_ws.expert.severity', PI_ERROR);
  const snapCut = Number(frame['frame.cap_len']) < Number(frame['frame.len']);
  return { layers: out, stoppedAt, protocols, error, snapCut };
}

// ---------------------------------------------------------------------------------------------------------
// Field values

/** A tshark number: decimal or 0x hex. */
export function num(v: unknown): number | undefined {
  if (typeof v !== 'string' || v === '') return undefined;
  const n = /^0x[0-9a-f]+$/i.test(v) ? Number.parseInt(v.slice(2), 16) : /^-?\d+$/.test(v) ? Number(v) : Number.NaN;
  return Number.isNaN(n) ? undefined : n;
}

/** A tshark boolean: "1"/"0", "True"/"False". */
export function bool(v: unknown): boolean | undefined {
  if (v === '1' || v === 'True' || v === 'true') return true;
  if (v === '0' || v === 'False' || v === 'false') return false;
  return undefined;
}

/** Colon-separated bytes ("aa:bb") → lower-case hex without separators. */
export function bytesHex(v: unknown): string | undefined {
  return typeof v === 'string' ? v.replace(/:/g, '').toLowerCase() : undefined;
}

/** An IPv6 address in any text form → 32 hex digits (so RFC 5952 and tshark's spelling compare equal). */
export function ipv6Hex(s: unknown): string | undefined {
  if (typeof s !== 'string') return undefined;
  let text = s.toLowerCase();
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) {
    const b = v4.slice(1).map(Number);
    text = `${text.slice(0, v4.index)}${((b[0]! << 8) | b[1]!).toString(16)}:${((b[2]! << 8) | b[3]!).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const h = head ? head.split(':') : [];
  const t = tail === undefined ? [] : tail ? tail.split(':') : [];
  const fill = tail === undefined ? [] : Array(8 - h.length - t.length).fill('0');
  const groups = [...h, ...fill, ...t];
  if (groups.length !== 8) return undefined;
  return groups.map((g) => g.padStart(4, '0')).join('');
}

/** One field comparison: our value and tshark's, as comparable values. */
export interface FieldCheck {
  field: string;
  ours: unknown;
  theirs: unknown;
  /** tshark key(s) the value came from. */
  key: string;
}

type Ours = Record<string, unknown>;

/** Adds a check when tshark has a value for it. */
function push(out: FieldCheck[], field: string, ours: unknown, key: string, theirs: unknown): void {
  if (theirs === undefined) return;
  out.push({ field, ours, theirs, key });
}

function u(o: TsObj, key: string): number | undefined {
  return num(find(o, key));
}

function b(o: TsObj, key: string): boolean | undefined {
  return bool(find(o, key));
}

/** Length in bytes of an extension header from tshark's `len_oct`. */
function extBytes(o: TsObj, prefix: string): number | undefined {
  return u(o, `${prefix}.len_oct`);
}

/**
 * The contract fields tshark reports for one of our layers. `ours` is our decoded object; the returned checks
 * hold values normalised so that `ours` and `theirs` compare with `toEqual`.
 */
export function fieldChecks(layer: string, ours: Ours, o: TsObj): FieldCheck[] {
  const out: FieldCheck[] = [];
  switch (layer) {
    case 'ethernet': {
      push(out, 'dst', ours.dst, 'eth.dst', find(o, 'eth.dst'));
      push(out, 'src', ours.src, 'eth.src', find(o, 'eth.src'));
      const type = u(o, 'eth.type');
      if (type !== undefined) push(out, 'etherType', ours.etherType, 'eth.type', type);
      else push(out, 'etherType', ours.etherType, 'eth.len', u(o, 'eth.len'));
      break;
    }
    case 'vlan': {
      const p = o['ieee8021ad.id'] !== undefined ? 'ieee8021ad' : 'vlan';
      push(out, 'pcp', ours.pcp, `${p}.priority`, u(o, `${p}.priority`));
      const dei = u(o, `${p}.dei`) ?? u(o, `${p}.cfi`);
      push(out, 'dei', ours.dei, `${p}.dei`, dei);
      push(out, 'vid', ours.vid, `${p}.id`, u(o, `${p}.id`));
      const et = p === 'vlan' ? (u(o, 'vlan.etype') ?? u(o, 'vlan.len')) : (u(o, 'ieee8021ah.etype') ?? u(o, 'ieee8021ad.etype'));
      push(out, 'etherType', ours.etherType, `${p}.etype`, et);
      break;
    }
    case 'ipv4': {
      push(out, 'version', ours.version, 'ip.version', u(o, 'ip.version'));
      const hl = u(o, 'ip.hdr_len');
      push(out, 'ihl', ours.ihl, 'ip.hdr_len (bytes / 4)', hl === undefined ? undefined : hl / 4);
      push(out, 'dscp', ours.dscp, 'ip.dsfield.dscp', u(o, 'ip.dsfield.dscp'));
      push(out, 'ecn', ours.ecn, 'ip.dsfield.ecn', u(o, 'ip.dsfield.ecn'));
      push(out, 'totalLength', ours.totalLength, 'ip.len', u(o, 'ip.len'));
      push(out, 'identification', ours.identification, 'ip.id', u(o, 'ip.id'));
      push(out, 'reservedFlag', ours.reservedFlag ?? false, 'ip.flags.rb', b(o, 'ip.flags.rb'));
      push(out, 'dontFragment', ours.dontFragment, 'ip.flags.df', b(o, 'ip.flags.df'));
      push(out, 'moreFragments', ours.moreFragments, 'ip.flags.mf', b(o, 'ip.flags.mf'));
      // tshark 4.0 prints ip.frag_offset in 8-octet units, as on the wire (a 1480-byte offset is 185).
      push(out, 'fragmentOffset', ours.fragmentOffset, 'ip.frag_offset', u(o, 'ip.frag_offset'));
      push(out, 'ttl', ours.ttl, 'ip.ttl', u(o, 'ip.ttl'));
      push(out, 'protocol', ours.protocol, 'ip.proto', u(o, 'ip.proto'));
      push(out, 'checksum', ours.checksum, 'ip.checksum', u(o, 'ip.checksum'));
      push(out, 'src', ours.src, 'ip.src', find(o, 'ip.src'));
      push(out, 'dst', ours.dst, 'ip.dst', find(o, 'ip.dst'));
      if (hl !== undefined && hl >= 20 && typeof ours.options === 'string')
        push(out, 'options (bytes)', ours.options.length / 2, 'ip.hdr_len - 20', hl - 20);
      break;
    }
    case 'ipv6': {
      push(out, 'version', ours.version, 'ipv6.version', u(o, 'ipv6.version'));
      push(out, 'trafficClass', ours.trafficClass, 'ipv6.tclass', u(o, 'ipv6.tclass'));
      push(out, 'flowLabel', ours.flowLabel, 'ipv6.flow', u(o, 'ipv6.flow'));
      push(out, 'payloadLength', ours.payloadLength, 'ipv6.plen', u(o, 'ipv6.plen'));
      push(out, 'nextHeader', ours.nextHeader, 'ipv6.nxt', u(o, 'ipv6.nxt'));
      push(out, 'hopLimit', ours.hopLimit, 'ipv6.hlim', u(o, 'ipv6.hlim'));
      push(out, 'src', ipv6Hex(ours.src), 'ipv6.src', ipv6Hex(o['ipv6.src']));
      push(out, 'dst', ipv6Hex(ours.dst), 'ipv6.dst', ipv6Hex(o['ipv6.dst']));
      break;
    }
    case 'ipv6-hop-by-hop':
    case 'ipv6-destination-options': {
      const p = layer === 'ipv6-hop-by-hop' ? 'ipv6.hopopts' : 'ipv6.dstopts';
      push(out, 'nextHeader', ours.nextHeader, `${p}.nxt`, u(o, `${p}.nxt`));
      const n = extBytes(o, p);
      push(out, 'options (bytes + 2)', typeof ours.options === 'string' ? ours.options.length / 2 + 2 : ours.options, `${p}.len_oct`, n);
      break;
    }
    case 'ipv6-routing': {
      push(out, 'nextHeader', ours.nextHeader, 'ipv6.routing.nxt', u(o, 'ipv6.routing.nxt'));
      push(out, 'routingType', ours.routingType, 'ipv6.routing.type', u(o, 'ipv6.routing.type'));
      push(out, 'segmentsLeft', ours.segmentsLeft, 'ipv6.routing.segleft', u(o, 'ipv6.routing.segleft'));
      const n = extBytes(o, 'ipv6.routing');
      push(out, 'data (bytes + 4)', typeof ours.data === 'string' ? ours.data.length / 2 + 4 : ours.data, 'ipv6.routing.len_oct', n);
      break;
    }
    case 'ipv6-fragment': {
      push(out, 'nextHeader', ours.nextHeader, 'ipv6.fraghdr.nxt', u(o, 'ipv6.fraghdr.nxt'));
      push(out, 'fragmentOffset', ours.fragmentOffset, 'ipv6.fraghdr.offset', u(o, 'ipv6.fraghdr.offset'));
      push(out, 'moreFragments', ours.moreFragments, 'ipv6.fraghdr.more', b(o, 'ipv6.fraghdr.more'));
      push(out, 'identification', ours.identification, 'ipv6.fraghdr.ident', u(o, 'ipv6.fraghdr.ident'));
      push(out, 'reserved', ours.reserved ?? 0, 'ipv6.fraghdr.reserved_octet', u(o, 'ipv6.fraghdr.reserved_octet'));
      push(out, 'res', ours.res ?? 0, 'ipv6.fraghdr.reserved_bits', u(o, 'ipv6.fraghdr.reserved_bits'));
      break;
    }
    case 'udp': {
      push(out, 'srcPort', ours.srcPort, 'udp.srcport', u(o, 'udp.srcport'));
      push(out, 'dstPort', ours.dstPort, 'udp.dstport', u(o, 'udp.dstport'));
      push(out, 'length', ours.length, 'udp.length', u(o, 'udp.length'));
      push(out, 'checksum', ours.checksum, 'udp.checksum', u(o, 'udp.checksum'));
      break;
    }
    case 'gre': {
      push(out, 'checksumPresent', ours.checksumPresent, 'gre.flags.checksum', b(o, 'gre.flags.checksum'));
      push(out, 'keyPresent', ours.keyPresent, 'gre.flags.key', b(o, 'gre.flags.key'));
      push(out, 'sequencePresent', ours.sequencePresent, 'gre.flags.sequence_number', b(o, 'gre.flags.sequence_number'));
      push(
        out,
        'strictSourceRoute',
        ours.strictSourceRoute ?? false,
        'gre.flags.strict_source_route',
        b(o, 'gre.flags.strict_source_route'),
      );
      push(out, 'recursionControl', ours.recursionControl ?? 0, 'gre.flags.recursion_control', u(o, 'gre.flags.recursion_control'));
      const version = u(o, 'gre.flags.version');
      push(out, 'version', ours.version, 'gre.flags.version', version);
      if (version === 1) push(out, 'acknowledgmentPresent', ours.acknowledgmentPresent, 'gre.flags.ack', b(o, 'gre.flags.ack'));
      push(out, 'flags', ours.flags ?? 0, 'gre.flags.reserved', u(o, 'gre.flags.reserved'));
      push(out, 'protocolType', ours.protocolType, 'gre.proto', u(o, 'gre.proto'));
      push(out, 'checksum', ours.checksum, 'gre.checksum', u(o, 'gre.checksum'));
      push(out, 'reserved1', ours.reserved1 ?? 0, 'gre.offset', u(o, 'gre.offset'));
      const pl = u(o, 'gre.key.payload_length');
      const cid = u(o, 'gre.key.call_id');
      if (pl !== undefined && cid !== undefined)
        push(out, 'key', ours.key, 'gre.key.payload_length << 16 | gre.key.call_id', pl * 65536 + cid);
      else push(out, 'key', ours.key, 'gre.key', u(o, 'gre.key'));
      push(out, 'sequence', ours.sequence, 'gre.sequence_number', u(o, 'gre.sequence_number'));
      push(out, 'acknowledgment', ours.acknowledgment, 'gre.ack_number', u(o, 'gre.ack_number'));
      break;
    }
    case 'vxlan': {
      // tshark 4.0 reads VXLAN with the Group Policy extension: a 16-bit `vxlan.flags` and a 16-bit `vxlan.gbp`;
      // ours keeps the first byte as `flags` and the next 24 bits as `reserved1`.
      const flags = u(o, 'vxlan.flags');
      const gbp = u(o, 'vxlan.gbp');
      if (flags !== undefined) {
        push(out, 'flags', ours.flags, 'vxlan.flags >> 8', flags >>> 8);
        if (gbp !== undefined)
          push(out, 'reserved1', ours.reserved1 ?? 0, '(vxlan.flags & 0xff) << 16 | vxlan.gbp', (flags & 0xff) * 65536 + gbp);
      }
      push(out, 'vni', ours.vni, 'vxlan.vni', u(o, 'vxlan.vni'));
      push(out, 'reserved2', ours.reserved2 ?? 0, 'vxlan.reserved8', u(o, 'vxlan.reserved8'));
      break;
    }
    case 'vxlan-gpe': {
      push(out, 'flags', ours.flags, 'vxlan.flags', u(o, 'vxlan.flags'));
      push(out, 'reserved1', ours.reserved1 ?? 0, 'vxlan.reserved_16', u(o, 'vxlan.reserved_16'));
      push(out, 'nextProtocol', ours.nextProtocol, 'vxlan.next_proto', u(o, 'vxlan.next_proto'));
      push(out, 'vni', ours.vni, 'vxlan.vni', u(o, 'vxlan.vni'));
      push(out, 'reserved2', ours.reserved2 ?? 0, 'vxlan.reserved8', u(o, 'vxlan.reserved8'));
      break;
    }
    case 'geneve': {
      push(out, 'version', ours.version, 'geneve.version', u(o, 'geneve.version'));
      // The top-level `geneve.option.length` is the options length in bytes (header opt len × 4).
      const ol = num(o['geneve.option.length']);
      push(out, 'optionsLength', ours.optionsLength, 'geneve.option.length (top level, bytes / 4)', ol === undefined ? undefined : ol / 4);
      push(out, 'oam', ours.oam, 'geneve.flags.oam', b(o, 'geneve.flags.oam'));
      push(out, 'critical', ours.critical, 'geneve.flags.critical', b(o, 'geneve.flags.critical'));
      push(out, 'reserved1', ours.reserved1 ?? 0, 'geneve.flags.reserved', u(o, 'geneve.flags.reserved'));
      push(out, 'protocolType', ours.protocolType, 'geneve.proto_type', u(o, 'geneve.proto_type'));
      push(out, 'vni', ours.vni, 'geneve.vni', u(o, 'geneve.vni'));
      push(out, 'reserved2', ours.reserved2 ?? 0, 'geneve.reserved', u(o, 'geneve.reserved'));
      const tree = o['geneve.options_tree'] as TsObj | undefined;
      if (tree && Array.isArray(ours.options)) {
        const raws = ([] as unknown[]).concat(tree['geneve.option'] ?? []).filter((x) => typeof x === 'string') as string[];
        const trees = ([] as unknown[]).concat(tree['geneve.option_tree'] ?? []) as TsObj[];
        const theirs = trees.map((t, i) => ({
          class: num(t['geneve.option.class']),
          type: num(t['geneve.option.type']),
          data: raws[i] === undefined ? undefined : bytesHex(raws[i])!.slice(8),
        }));
        const mine = (ours.options as Array<Record<string, unknown>>).map((x) => ({ class: x.class, type: x.type, data: x.data }));
        push(out, 'options', mine, 'geneve.options_tree', theirs);
      }
      break;
    }
    case 'mpls': {
      push(out, 'label', ours.label, 'mpls.label', u(o, 'mpls.label'));
      push(out, 'tc', ours.tc, 'mpls.exp', u(o, 'mpls.exp') ?? u(o, 'mpls.tc'));
      push(out, 'bottomOfStack', ours.bottomOfStack, 'mpls.bottom', b(o, 'mpls.bottom'));
      push(out, 'ttl', ours.ttl, 'mpls.ttl', u(o, 'mpls.ttl'));
      break;
    }
    case 'linux-sll':
    case 'linux-sll2': {
      push(out, 'packetType', ours.packetType, 'sll.pkttype', u(o, 'sll.pkttype'));
      push(out, 'arphrdType', ours.arphrdType, 'sll.hatype', u(o, 'sll.hatype'));
      push(out, 'addressLength', ours.addressLength, 'sll.halen', u(o, 'sll.halen'));
      push(out, 'protocol', ours.protocol, 'sll.etype', u(o, 'sll.etype') ?? u(o, 'sll.ltype'));
      if (layer === 'linux-sll2') push(out, 'interfaceIndex', ours.interfaceIndex, 'sll.ifindex', u(o, 'sll.ifindex'));
      const halen = u(o, 'sll.halen');
      const src = bytesHex(o['sll.src.eth']);
      if (src !== undefined && typeof ours.address === 'string')
        push(out, 'address (first halen bytes)', ours.address.slice(0, src.length), 'sll.src.eth', src);
      const unused = bytesHex(o['sll.unused']);
      if (unused !== undefined && halen !== undefined && typeof ours.address === 'string')
        push(out, 'address (after halen)', ours.address.slice(ours.address.length - unused.length), 'sll.unused', unused);
      break;
    }
    case 'null': {
      push(out, 'family', ours.family, 'null.family', u(o, 'null.family'));
      break;
    }
    case 'arp': {
      push(out, 'hwType', ours.hwType, 'arp.hw.type', u(o, 'arp.hw.type'));
      push(out, 'protoType', ours.protoType, 'arp.proto.type', u(o, 'arp.proto.type'));
      push(out, 'hwSize', ours.hwSize, 'arp.hw.size', u(o, 'arp.hw.size'));
      push(out, 'protoSize', ours.protoSize, 'arp.proto.size', u(o, 'arp.proto.size'));
      push(out, 'opcode', ours.opcode, 'arp.opcode', u(o, 'arp.opcode'));
      // 6-byte hardware addresses and IPv4 protocol addresses as text; other sizes as bytes (ours: hex).
      push(out, 'senderMac', ours.senderMac, 'arp.src.hw_mac', o['arp.src.hw_mac'] ?? bytesHex(o['arp.src.hw']));
      push(out, 'senderIp', ours.senderIp, 'arp.src.proto_ipv4', o['arp.src.proto_ipv4'] ?? bytesHex(o['arp.src.proto']));
      push(out, 'targetMac', ours.targetMac, 'arp.dst.hw_mac', o['arp.dst.hw_mac'] ?? bytesHex(o['arp.dst.hw']));
      push(out, 'targetIp', ours.targetIp, 'arp.dst.proto_ipv4', o['arp.dst.proto_ipv4'] ?? bytesHex(o['arp.dst.proto']));
      break;
    }
    case 'esp':
      push(out, 'spi', ours.spi, 'esp.spi', u(o, 'esp.spi'));
      push(out, 'sequence', ours.sequence, 'esp.sequence', u(o, 'esp.sequence'));
      break;
    case 'icmp':
    case 'icmpv6': {
      const p = layer;
      push(out, 'type', ours.type, `${p}.type`, u(o, `${p}.type`));
      push(out, 'code', ours.code, `${p}.code`, u(o, `${p}.code`));
      push(out, 'checksum', ours.checksum, `${p}.checksum`, u(o, `${p}.checksum`));
      const [idKey, seqKey] = p === 'icmp' ? ['icmp.ident', 'icmp.seq'] : ['icmpv6.echo.identifier', 'icmpv6.echo.sequence_number'];
      push(out, 'identifier', ours.identifier, idKey, u(o, idKey));
      push(out, 'sequence', ours.sequence, seqKey, u(o, seqKey));
      // The rest of header where tshark shows it as typed fields (ours: 4 bytes of hex).
      const rest = typeof ours.rest === 'string' && ours.rest.length === 8 ? Number.parseInt(ours.rest, 16) >>> 0 : undefined;
      const restHex = typeof ours.rest === 'string' ? ours.rest : undefined;
      if (p === 'icmp') {
        push(out, 'rest (next-hop MTU)', rest === undefined ? ours.rest : rest & 0xffff, 'icmp.mtu', u(o, 'icmp.mtu'));
        const gw = o['icmp.redir_gw'];
        push(
          out,
          'rest (gateway)',
          rest === undefined ? ours.rest : [rest >>> 24, (rest >>> 16) & 255, (rest >>> 8) & 255, rest & 255].join('.'),
          'icmp.redir_gw',
          gw,
        );
        push(out, 'rest (pointer)', rest === undefined ? ours.rest : rest >>> 24, 'icmp.pointer', u(o, 'icmp.pointer'));
      } else {
        push(out, 'rest (MTU)', rest ?? ours.rest, 'icmpv6.mtu', u(o, 'icmpv6.mtu'));
        push(out, 'rest (pointer)', rest ?? ours.rest, 'icmpv6.pointer', u(o, 'icmpv6.pointer'));
      }
      // tshark's `unused` / `reserved` bytes when they are the whole rest of header (4 bytes).
      for (const k of [`${p}.unused`, `${p}.reserved`]) {
        const h = bytesHex(o[k]);
        if (h !== undefined && h.length === 8) push(out, `rest (${k})`, restHex, k, h);
      }
      break;
    }
  }
  return out;
}
