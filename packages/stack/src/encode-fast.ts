/**
 * The fused encoder: `encodeStack` for stacks made only of the stock `ethernet`, `ipv4`, `udp`, `vxlan` and
 * `raw` codecs (the common tunnel and plain UDP packets), without the generic engine's per-layer calls.
 *
 * It writes the same bytes as the generic path (encode.ts), in the same order: every header outer to inner
 * with the codecs' defaults and next-protocol fields, then lengths and checksums inner to outer as the codecs'
 * `finish` does. The difference is how: a stack's shape (its layer names under one plan of one registry) is
 * looked at once, its next-protocol values read from the registry once; each layer is read by a function of
 * its own kind, so every property load sees one object shape; address text goes through caches
 * (encode-text.ts); and checksums are summed from the header values rather than from the written bytes
 * (see `finish`).
 *
 * It never throws for the caller's values. Phase 1 reads and checks every value and size before any byte is
 * written; on anything it does not handle (another codec, IPv4 options, a value the codec would reject, text
 * in another notation, a buffer too small), it answers `undefined` having written nothing, and `encodeStack`
 * runs the generic path, which produces the result or the `EncodeError`, exactly as it would have anyway.
 */
import { foldChecksum, isHex, type LayerObject, type Registry, writeHex } from '@wirestack/core';
import { ethernet as ethernetCodec } from '@wirestack/ethernet';
import { ipv4Checksum, ipv4 as ipv4Codec } from '@wirestack/ipv4';
import { udp as udpCodec, udpChecksum, udpTunnelSourcePort } from '@wirestack/udp';
import { vxlan as vxlanCodec } from '@wirestack/vxlan';
import { hexWordSum, ipv4Number, macNumber, parseHexInto } from './encode-text.js';
import { type Plan, planOf } from './plan.js';
import { raw as rawCodec } from './raw.js';

/** Switch for tests (the generic path alone, to compare both) and for ruling the fused path out when measuring. */
export const fastEncode = { enabled: true };

const ETHERNET = 1;
const IPV4 = 2;
const UDP = 3;
const VXLAN = 4;
const RAW = 5;

/** Layer kinds by the codec the plan resolves a name to; anything else keeps a stack on the generic path. */
function kindOf(plan: Plan, name: string): number {
  const c = plan.get(name)?.codec;
  if (c === undefined) return 0;
  if (c === ethernetCodec) return ETHERNET;
  if (c === ipv4Codec) return IPV4;
  if (c === udpCodec) return UDP;
  if (c === vxlanCodec) return VXLAN;
  if (c === rawCodec) return RAW;
  return 0;
}

/** Most layers a fused stack may have (deeper stacks take the generic path). */
const MAX_LAYERS = 32;
/** Slots of {@link values} per layer. */
const W = 16;
/** Given/derived flags in slot 15 of a layer's values. */
const GIVEN_LENGTH = 1;
const GIVEN_CHECKSUM = 2;

/** A stack's layer names under one plan, with what the registry says about them. */
class Shape {
  readonly n: number;
  /** Kind of each layer, or `undefined` when some layer keeps the stack on the generic path. */
  readonly kinds: Uint8Array | undefined;
  /** Per layer: the derived next-protocol value (etherType, protocol, UDP dstPort), -1 when the codec would throw. */
  readonly derived: Int32Array;
  /** Per UDP layer: the next layer is a tunnel with a `udp.port` binding (its derived srcPort is a flow hash). */
  readonly tunnel: Uint8Array;
  /** Per UDP layer: index of the nearest IPv4 layer before it (its pseudo-header), or -1. */
  readonly network: Int8Array;
  /**
   * Per layer, the address texts (`dst`, `src`) given last and their values: the same string again, which is
   * what re-encoding the same objects or one flow's packets gives, costs one comparison. `undefined` (the
   * zero address for both kinds) is where every slot starts.
   */
  readonly texts: unknown[];
  readonly numbers: Float64Array;

  constructor(
    readonly plan: Plan,
    readonly names: readonly string[],
  ) {
    const n = names.length;
    this.n = n;
    this.derived = new Int32Array(n);
    this.tunnel = new Uint8Array(n);
    this.network = new Int8Array(n);
    this.texts = new Array<unknown>(2 * n).fill(undefined);
    this.numbers = new Float64Array(2 * n);
    const kinds = new Uint8Array(n);
    let ok = n > 0 && n <= MAX_LAYERS;
    const registry = plan.registry;
    let net = -1;
    for (let i = 0; ok && i < n; i++) {
      const k = kindOf(plan, names[i]!);
      kinds[i] = k;
      if (k === 0) ok = false;
      // One `raw` layer, the last: every header before it has an even length (see `finish`).
      if (k === RAW && i !== n - 1) ok = false;
      const next = i + 1 < n ? names[i + 1] : undefined;
      // What `nextValue` (core's derive.ts) answers: `none` when nothing, `raw` or `padding` follows.
      const announce = (table: string, none: number): number =>
        next === undefined || next === 'raw' || next === 'padding' ? none : (registry.valueFor(table, next) ?? -1);
      if (k === ETHERNET) this.derived[i] = next === 'vlan' && names[i + 2] === 'vlan' ? 0x88a8 : announce('ethertype', 0x9000);
      else if (k === IPV4) this.derived[i] = announce('ip.proto', 0);
      else if (k === UDP) {
        this.derived[i] = announce('udp.port', 0);
        this.tunnel[i] = next !== undefined && registry.valueFor('udp.port', next) !== undefined ? 1 : 0;
        this.network[i] = net;
      }
      if (k === IPV4) net = i;
    }
    this.kinds = ok ? kinds : undefined;
  }
}

/** The shape of the last stack encoded, and every shape seen under the current plan (bounded). */
let last: Shape | undefined;
let shapesPlan: Plan | undefined;
const shapes = new Map<string, Shape>();
const MAX_SHAPES = 64;

function shapeOf(layers: readonly LayerObject[], plan: Plan): Shape | undefined {
  const names: string[] = [];
  for (let i = 0; i < layers.length; i++) {
    const l = layers[i];
    if (l === null || typeof l !== 'object' || typeof l.layer !== 'string') return undefined;
    names.push(l.layer);
  }
  if (shapesPlan !== plan) {
    shapes.clear();
    shapesPlan = plan;
  }
  const key = names.join('\n');
  let s = shapes.get(key);
  if (s === undefined) {
    if (shapes.size >= MAX_SHAPES) shapes.clear();
    s = new Shape(plan, names);
    shapes.set(key, s);
  }
  last = s;
  return s;
}

/** True when `layers` has the layer names of `s` (for shapes that cannot be fused, so that their stacks go straight to the generic path). */
function sameNames(s: Shape, layers: readonly LayerObject[]): boolean {
  const names = s.names;
  for (let i = 0; i < names.length; i++) {
    const l = layers[i];
    if (l === null || typeof l !== 'object' || l.layer !== names[i]) return false;
  }
  return true;
}

/**
 * Checked values of every layer, `W` slots per layer as 32-bit integers (filled in phase 1, written in
 * phase 2, summed in phase 3). Slot 15 holds the GIVEN_* flags of IPv4 and UDP.
 */
const values = new Int32Array(MAX_LAYERS * W);
/** Offset of each layer from the start of the packet. */
const starts = new Int32Array(MAX_LAYERS);
/** Set by phase 1 when an IPv4 layer gives an IHL other than 5 (its header checksum covers other bytes). */
let otherIhl = false;
/** The pseudo-header reference handed to `udpChecksum` (it only reads it during the call). */
const netRef: { layer: 'ipv4'; offset: number } = { layer: 'ipv4', offset: 0 };

/**
 * The bytes of the stack's `raw` layer: parsed in phase 1 (nothing may be written before every value is
 * checked), copied in phase 2, with the sum of their 16-bit words for the checksums. The text parsed last is
 * remembered: encoding the same payload text again (the same string, or an equal one) skips the parse.
 */
let rawBytes = new Uint8Array(256);
let rawText: string | undefined;
let rawLength = 0;
let rawSum = 0;

/** Returned by phase 1 when the layer names are not those of the shape it was given. */
const OTHER_SHAPE = -2;

/** A uint field of `bits` bits as `checkUint` accepts it (`mask` = 2^bits − 1), else -1. */
function uint(v: unknown, mask: number): number {
  return typeof v === 'number' && (v & mask) === v ? v : -1;
}

/** A uint field with a default, as `uintOr` accepts it, else -1. */
function uintOr(v: unknown, mask: number, dflt: number): number {
  return v === undefined ? dflt : typeof v === 'number' && (v & mask) === v ? v : -1;
}

/** A boolean field as `checkBool` accepts it (0/1 too): 0 or 1, else -1. */
function bool(v: unknown): number {
  if (v === undefined || v === false || v === 0) return 0;
  if (v === true || v === 1) return 1;
  return -1;
}

/** A MAC field as `encodeEthernet` reads it (`== null` is the zero address): its 48-bit value, else -1. */
function mac(s: Shape, slot: number, v: unknown): number {
  if (v === s.texts[slot]) return s.numbers[slot]!;
  const x = v == null ? 0 : typeof v === 'string' ? macNumber(v) : -1;
  if (x >= 0) {
    s.texts[slot] = v;
    s.numbers[slot] = x;
  }
  return x;
}

/** An IPv4 address field as `encodeIpv4` reads it (only `undefined` is 0.0.0.0): its 32-bit value, else -1. */
function ip(s: Shape, slot: number, v: unknown): number {
  if (v === s.texts[slot]) return s.numbers[slot]!;
  const x = v === undefined ? 0 : typeof v === 'string' ? ipv4Number(v) : -1;
  if (x >= 0) {
    s.texts[slot] = v;
    s.numbers[slot] = x;
  }
  return x;
}

function prepEthernet(l: LayerObject, s: Shape, i: number, v: Int32Array): number {
  if (l.layer !== 'ethernet') return OTHER_SHAPE;
  const et = l.etherType;
  const etherType = et === undefined ? s.derived[i]! : uint(et, 0xffff);
  const dst = mac(s, 2 * i, l.dst);
  const src = mac(s, 2 * i + 1, l.src);
  if (etherType < 0 || dst < 0 || src < 0) return -1;
  const b = i * W;
  const dh = Math.floor(dst / 0x100000000);
  const sh = Math.floor(src / 0x100000000);
  v[b] = etherType;
  v[b + 1] = dh;
  v[b + 2] = dst - dh * 0x100000000;
  v[b + 3] = sh;
  v[b + 4] = src - sh * 0x100000000;
  return 14;
}

function prepIpv4(l: LayerObject, s: Shape, i: number, v: Int32Array): number {
  if (l.layer !== 'ipv4') return OTHER_SHAPE;
  const options = l.options;
  // Options take the generic path.
  if (options !== undefined && options !== '') return -1;
  const version = uintOr(l.version, 15, 4);
  const ihl = uintOr(l.ihl, 15, 5);
  const dscp = uintOr(l.dscp, 63, 0);
  const ecn = uintOr(l.ecn, 3, 0);
  const tl = l.totalLength;
  const totalLength = uintOr(tl, 0xffff, 0);
  const identification = uintOr(l.identification, 0xffff, 0);
  const reserved = bool(l.reservedFlag);
  const df = bool(l.dontFragment);
  const mf = bool(l.moreFragments);
  const fragmentOffset = uintOr(l.fragmentOffset, 0x1fff, 0);
  const ttl = uintOr(l.ttl, 0xff, 64);
  const p = l.protocol;
  const protocol = p === undefined ? s.derived[i]! : uint(p, 0xff);
  const c = l.checksum;
  const checksum = uintOr(c, 0xffff, 0);
  const src = ip(s, 2 * i, l.src);
  const dst = ip(s, 2 * i + 1, l.dst);
  if (
    (version | ihl | dscp | ecn | totalLength | identification | reserved | df | mf | fragmentOffset | ttl | protocol | checksum) < 0 ||
    src < 0 ||
    dst < 0
  )
    return -1;
  if (ihl !== 5) otherIhl = true;
  const b = i * W;
  v[b] = (version << 4) | ihl;
  v[b + 1] = (dscp << 2) | ecn;
  v[b + 2] = totalLength;
  v[b + 3] = identification;
  v[b + 4] = (reserved << 15) | (df << 14) | (mf << 13) | fragmentOffset;
  v[b + 5] = ttl;
  v[b + 6] = protocol;
  v[b + 7] = checksum;
  v[b + 8] = src;
  v[b + 9] = dst;
  v[b + 10] = ihl;
  v[b + 15] = (tl === undefined ? 0 : GIVEN_LENGTH) | (c === undefined ? 0 : GIVEN_CHECKSUM);
  return 20;
}

function prepUdp(l: LayerObject, s: Shape, i: number, v: Int32Array, layers: readonly LayerObject[]): number {
  if (l.layer !== 'udp') return OTHER_SHAPE;
  const dp = l.dstPort;
  const dstPort = dp === undefined ? s.derived[i]! : uint(dp, 0xffff);
  const sp = l.srcPort;
  let srcPort: number;
  if (sp !== undefined) srcPort = uint(sp, 0xffff);
  else if (s.tunnel[i] === 1) srcPort = udpTunnelSourcePort(layers.slice(i + 2));
  else srcPort = 0;
  const len = l.length;
  const length = uintOr(len, 0xffff, 0);
  const c = l.checksum;
  const checksum = uintOr(c, 0xffff, 0);
  if ((dstPort | srcPort | length | checksum) < 0) return -1;
  const b = i * W;
  v[b] = srcPort;
  v[b + 1] = dstPort;
  v[b + 2] = length;
  v[b + 3] = checksum;
  v[b + 15] = (len === undefined ? 0 : GIVEN_LENGTH) | (c === undefined ? 0 : GIVEN_CHECKSUM);
  return 8;
}

function prepVxlan(l: LayerObject, i: number, v: Int32Array): number {
  if (l.layer !== 'vxlan') return OTHER_SHAPE;
  const flags = uintOr(l.flags, 0xff, 0x08);
  const vni = uintOr(l.vni, 0xffffff, 0);
  const reserved1 = uintOr(l.reserved1, 0xffffff, 0);
  const reserved2 = uintOr(l.reserved2, 0xff, 0);
  if ((flags | vni | reserved1 | reserved2) < 0) return -1;
  const b = i * W;
  v[b] = flags;
  v[b + 1] = vni;
  v[b + 2] = reserved1;
  v[b + 3] = reserved2;
  return 8;
}

function prepRaw(l: LayerObject): number {
  if (l.layer !== 'raw') return OTHER_SHAPE;
  const data = l.data;
  if (data === undefined) {
    rawText = undefined;
    rawLength = 0;
    rawSum = 0;
    return 0;
  }
  if (typeof data !== 'string') return -1;
  if (data === rawText) return rawLength;
  const n = data.length >>> 1;
  if (rawBytes.length < n) rawBytes = new Uint8Array(Math.max(n, 2 * rawBytes.length));
  const w = parseHexInto(data, rawBytes, 0);
  if (w < 0) {
    rawText = undefined;
    return -1;
  }
  rawText = data;
  rawLength = w;
  rawSum = hexWordSum;
  return w;
}

/**
 * Phase 1: checks every layer against the shape, stores its values and start; returns the bytes of the
 * layers, or -1 (something for the generic path) or OTHER_SHAPE.
 */
function prepare(s: Shape, kinds: Uint8Array, layers: readonly LayerObject[]): number {
  const v = values;
  otherIhl = false;
  let total = 0;
  for (let i = 0; i < s.n; i++) {
    const l = layers[i];
    if (l === null || typeof l !== 'object') return -1;
    const k = kinds[i];
    let len: number;
    if (k === ETHERNET) len = prepEthernet(l, s, i, v);
    else if (k === IPV4) len = prepIpv4(l, s, i, v);
    else if (k === UDP) len = prepUdp(l, s, i, v, layers);
    else if (k === VXLAN) len = prepVxlan(l, i, v);
    else len = prepRaw(l);
    if (len < 0) return len;
    starts[i] = total;
    total += len;
  }
  return total;
}

/**
 * What the generic path would report or read outside the packet: a derived IPv4 total length or UDP length
 * past 16 bits (an `EncodeError`), or a given IHL that takes the header checksum past the packet (it would
 * sum the caller's other bytes). True when the packet is clear of both.
 */
function clear(kinds: Uint8Array, n: number, body: number): boolean {
  const v = values;
  for (let i = 0; i < n; i++) {
    const k = kinds[i];
    if (k !== IPV4 && k !== UDP) continue;
    const b = i * W;
    const rest = body - starts[i]!;
    if ((v[b + 15]! & GIVEN_LENGTH) === 0 && rest > 0xffff) return false;
    if (k === IPV4 && v[b + 10]! * 4 > rest) return false;
  }
  return true;
}

function writeEthernet(out: Uint8Array, o: number, b: number, v: Int32Array): void {
  const dh = v[b + 1]!;
  const dl = v[b + 2]!;
  const sh = v[b + 3]!;
  const sl = v[b + 4]!;
  const et = v[b]!;
  out[o] = dh >>> 8;
  out[o + 1] = dh;
  out[o + 2] = dl >>> 24;
  out[o + 3] = dl >>> 16;
  out[o + 4] = dl >>> 8;
  out[o + 5] = dl;
  out[o + 6] = sh >>> 8;
  out[o + 7] = sh;
  out[o + 8] = sl >>> 24;
  out[o + 9] = sl >>> 16;
  out[o + 10] = sl >>> 8;
  out[o + 11] = sl;
  out[o + 12] = et >>> 8;
  out[o + 13] = et;
}

function writeIpv4(out: Uint8Array, o: number, b: number, v: Int32Array): void {
  const tl = v[b + 2]!;
  const id = v[b + 3]!;
  const ff = v[b + 4]!;
  const c = v[b + 7]!;
  const src = v[b + 8]!;
  const dst = v[b + 9]!;
  out[o] = v[b]!;
  out[o + 1] = v[b + 1]!;
  out[o + 2] = tl >>> 8;
  out[o + 3] = tl;
  out[o + 4] = id >>> 8;
  out[o + 5] = id;
  out[o + 6] = ff >>> 8;
  out[o + 7] = ff;
  out[o + 8] = v[b + 5]!;
  out[o + 9] = v[b + 6]!;
  out[o + 10] = c >>> 8;
  out[o + 11] = c;
  out[o + 12] = src >>> 24;
  out[o + 13] = src >>> 16;
  out[o + 14] = src >>> 8;
  out[o + 15] = src;
  out[o + 16] = dst >>> 24;
  out[o + 17] = dst >>> 16;
  out[o + 18] = dst >>> 8;
  out[o + 19] = dst;
}

function writeUdp(out: Uint8Array, o: number, b: number, v: Int32Array): void {
  const sp = v[b]!;
  const dp = v[b + 1]!;
  const len = v[b + 2]!;
  const c = v[b + 3]!;
  out[o] = sp >>> 8;
  out[o + 1] = sp;
  out[o + 2] = dp >>> 8;
  out[o + 3] = dp;
  out[o + 4] = len >>> 8;
  out[o + 5] = len;
  out[o + 6] = c >>> 8;
  out[o + 7] = c;
}

function writeVxlan(out: Uint8Array, o: number, b: number, v: Int32Array): void {
  const r1 = v[b + 2]!;
  const vni = v[b + 1]!;
  out[o] = v[b]!;
  out[o + 1] = r1 >>> 16;
  out[o + 2] = r1 >>> 8;
  out[o + 3] = r1;
  out[o + 4] = vni >>> 16;
  out[o + 5] = vni >>> 8;
  out[o + 6] = vni;
  out[o + 7] = v[b + 3]!;
}

function writeRaw(out: Uint8Array, o: number): void {
  const n = rawLength;
  const src = rawBytes;
  if (n > 64) out.set(src.subarray(0, n), o);
  else for (let i = 0; i < n; i++) out[o + i] = src[i]!;
}

/** Sum of the 16-bit words of the four address words of an IPv4 header's values. */
function addressSum(v: Int32Array, b: number): number {
  const src = v[b + 8]!;
  const dst = v[b + 9]!;
  return (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff);
}

/**
 * Phase 3, inner to outer: the lengths and checksums `finishIpv4` and `finishUdp` write. Every header has an
 * even length and `raw` comes last, so each header's 16-bit words line up with those of any checksum that
 * covers it: a running sum of the words of the layers after `i` (as finally written) gives a UDP checksum
 * without reading the payload again. When a given value makes a checksum cover something else (a UDP length
 * short of the packet, an IHL other than 5), the codecs' own functions sum the written bytes instead.
 */
function finish(out: Uint8Array, s: Shape, kinds: Uint8Array, base: number, packetEnd: number): void {
  const v = values;
  const network = s.network;
  let after = 0;
  for (let i = s.n - 1; i >= 0; i--) {
    const k = kinds[i];
    const b = i * W;
    const o = base + starts[i]!;
    if (k === ETHERNET) {
      const dl = v[b + 2]!;
      const sl = v[b + 4]!;
      after += v[b]! + v[b + 1]! + (dl >>> 16) + (dl & 0xffff) + v[b + 3]! + (sl >>> 16) + (sl & 0xffff);
    } else if (k === VXLAN) {
      const r1 = v[b + 2]!;
      const vni = v[b + 1]!;
      after += ((v[b]! << 8) | (r1 >>> 16)) + (r1 & 0xffff) + (vni >>> 8) + (((vni & 0xff) << 8) | v[b + 3]!);
    } else if (k === RAW) after += rawSum;
    else if (k === UDP) {
      const given = v[b + 15]!;
      let length = v[b + 2]!;
      if ((given & GIVEN_LENGTH) === 0) {
        length = packetEnd - o;
        out[o + 4] = length >>> 8;
        out[o + 5] = length;
      }
      let c = v[b + 3]!;
      if ((given & GIVEN_CHECKSUM) === 0) {
        const j = network[i]!;
        if (j < 0) c = 0;
        else if (v[j * W + 10] === 5 && o + length >= packetEnd) {
          // Pseudo-header (RFC 768), the header without its checksum, then everything after it.
          const sum = addressSum(v, j * W) + 17 + length + v[b]! + v[b + 1]! + length + after;
          c = ~foldChecksum(sum) & 0xffff;
          if (c === 0) c = 0xffff;
        } else {
          netRef.offset = base + starts[j]!;
          c = udpChecksum(out, o, length, netRef, Math.min(o + length, packetEnd)) ?? 0;
        }
        out[o + 6] = c >>> 8;
        out[o + 7] = c;
      }
      after += v[b]! + v[b + 1]! + length + c;
    } else {
      const given = v[b + 15]!;
      let total = v[b + 2]!;
      if ((given & GIVEN_LENGTH) === 0) {
        total = packetEnd - o;
        out[o + 2] = total >>> 8;
        out[o + 3] = total;
      }
      const words = ((v[b]! << 8) | v[b + 1]!) + total + v[b + 3]! + v[b + 4]! + ((v[b + 5]! << 8) | v[b + 6]!) + addressSum(v, b);
      let c = v[b + 7]!;
      if ((given & GIVEN_CHECKSUM) === 0) {
        c = v[b + 10] === 5 ? ~foldChecksum(words) & 0xffff : ipv4Checksum(out, o, v[b + 10]!);
        out[o + 10] = c >>> 8;
        out[o + 11] = c;
      }
      after += words + c;
    }
  }
}

/**
 * Encodes `layers` when the fused path handles them, else returns `undefined` having written nothing (the
 * caller then runs the generic path). Same arguments and results as `encodeStack`.
 */
export function encodeFast(
  layers: readonly LayerObject[],
  trailer: string | Uint8Array | undefined,
  into: Uint8Array | undefined,
  offset: number | undefined,
  registry: Registry,
): Uint8Array | undefined {
  // The scratch state is module-wide: a call made from inside this one (a layer's getter or `toString` that
  // encodes) takes the generic path. Anything that throws here (a getter) is the generic path's to report,
  // in its own order.
  if (!fastEncode.enabled || busy) return undefined;
  busy = true;
  try {
    return encodeFused(layers, trailer, into, offset, registry);
  } catch {
    return undefined;
  } finally {
    busy = false;
  }
}

let busy = false;

function encodeFused(
  layers: readonly LayerObject[],
  trailer: string | Uint8Array | undefined,
  into: Uint8Array | undefined,
  offset: number | undefined,
  registry: Registry,
): Uint8Array | undefined {
  if (!Array.isArray(layers)) return undefined;
  const plan = planOf(registry);
  let s = last;
  if (s === undefined || s.plan !== plan || s.n !== layers.length || (s.kinds === undefined && !sameNames(s, layers))) {
    s = shapeOf(layers, plan);
    if (s === undefined) return undefined;
  }
  let kinds = s.kinds;
  if (kinds === undefined) return undefined;
  let body = prepare(s, kinds, layers);
  if (body === OTHER_SHAPE) {
    // The last shape was another stack's: look this one up.
    s = shapeOf(layers, plan);
    kinds = s?.kinds;
    if (s === undefined || kinds === undefined) return undefined;
    body = prepare(s, kinds, layers);
  }
  if (body < 0) return undefined;
  if ((body > 0xffff || otherIhl) && !clear(kinds, s.n, body)) return undefined;

  // The trailer, as `toBytes` in encode.ts takes it.
  let tail: Uint8Array | undefined;
  let tailText: string | undefined;
  let tailLength = 0;
  if (trailer !== undefined) {
    if (typeof trailer === 'string') {
      if (!isHex(trailer)) return undefined;
      tailText = trailer;
      tailLength = trailer.length >>> 1;
    } else if (trailer instanceof Uint8Array) {
      tail = trailer;
      tailLength = trailer.length;
    } else return undefined;
  }
  const total = body + tailLength;

  // Where to write: the caller's buffer at `offset` when it is large enough, else a new array of the exact size.
  let out: Uint8Array;
  let base = 0;
  const allocated = into === undefined || into === null;
  if (allocated) {
    if (offset !== undefined && offset !== 0) return undefined;
    out = new Uint8Array(total);
  } else {
    base = offset ?? 0;
    if (!(into instanceof Uint8Array) || !Number.isInteger(base) || base < 0 || into.length < base + total) return undefined;
    out = into;
  }

  // Phase 2: headers outer to inner (nothing below can fail).
  const v = values;
  const n = s.n;
  for (let i = 0; i < n; i++) {
    const k = kinds[i];
    const o = base + starts[i]!;
    const b = i * W;
    if (k === ETHERNET) writeEthernet(out, o, b, v);
    else if (k === IPV4) writeIpv4(out, o, b, v);
    else if (k === UDP) writeUdp(out, o, b, v);
    else if (k === VXLAN) writeVxlan(out, o, b, v);
    else writeRaw(out, o);
  }
  const packetEnd = base + body;
  if (tail !== undefined) {
    if (tailLength > 0) out.set(tail, packetEnd);
  } else if (tailText !== undefined) writeHex(tailText, out, packetEnd);

  finish(out, s, kinds, base, packetEnd);
  return allocated ? out : into.subarray(base, base + total);
}
