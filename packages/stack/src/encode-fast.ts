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
 * The packet is built in a private scratch buffer, each layer checked and written in one pass with 16- and
 * 32-bit `DataView` stores (a byte store costs about as much as a 32-bit one), then copied to its destination
 * in one `set`. So nothing reaches the destination until every value has been checked.
 *
 * Once a shape has been encoded `fastEncode.compileAfter` times, a straight-line encoder is generated for it
 * (`compile`, with `new Function`): the same checks, writes, lengths and checksums with the layers' offsets and
 * derived values as constants and every value in a local, which takes about half the time of the plain
 * functions. Where `new Function` is refused (a Content Security Policy) the plain functions go on alone.
 *
 * It never throws for the caller's values. On anything it does not handle (another codec, IPv4 options, a
 * value the codec would reject, text in another notation, a buffer too small), it answers "not handled"
 * having written nothing, and `encodeStack` runs the generic path, which produces the result or the
 * `EncodeError`, exactly as it would have anyway.
 */
import { foldChecksum, isHex, type LayerObject, type Registry, writeHex } from '@wirestack/core';
import { ethernet as ethernetCodec } from '@wirestack/ethernet';
import { ipv4Checksum, ipv4 as ipv4Codec } from '@wirestack/ipv4';
import { udp as udpCodec, udpChecksum, udpTunnelSourcePort } from '@wirestack/udp';
import { vxlan as vxlanCodec } from '@wirestack/vxlan';
import { hexWordSum, ipv4Number, macNumber, parseHexInto } from './encode-text.js';
import { type Plan, planOf } from './plan.js';
import { raw as rawCodec } from './raw.js';

/**
 * Switches for tests (the generic path alone, to compare both; the fused path with or without generated code)
 * and for ruling the fused path out when measuring.
 */
export const fastEncode = {
  enabled: true,
  /** Generate a straight-line encoder for a shape (`new Function`) once it has been encoded this many times; 0: never. */
  compileAfter: 8,
  /** Encoders generated per plan at most (a bound on compile work when shapes keep changing). */
  maxCompiles: 32,
  /** Set when `new Function` threw once (a Content Security Policy): never tried again. */
  unavailable: false,
  /** Encoders generated so far (for tests). */
  compiled: 0,
};

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
/** Given (not derived) length and checksum, in {@link given}. */
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
   * zero address for both kinds) is where every slot starts. A MAC is kept as its high 16 and low 32 bits,
   * an IPv4 address in `lo`; `words` is the sum of the address's 16-bit words.
   */
  readonly texts: unknown[];
  readonly hi: Int32Array;
  readonly lo: Int32Array;
  readonly words: Int32Array;
  /** Stacks of this shape encoded so far (up to `fastEncode.compileAfter`), and the encoder generated for it. */
  uses = 0;
  filler: Filler | undefined = undefined;

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
    this.hi = new Int32Array(2 * n);
    this.lo = new Int32Array(2 * n);
    this.words = new Int32Array(2 * n);
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
/** Encoders generated for the shapes of `shapesPlan`. */
let compiles = 0;

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
    compiles = 0;
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
 * The scratch buffer the packet is built in (headers, then the payload), and a `DataView` over it. It grows
 * for large payloads (keeping what was written) and is never shrunk.
 */
const io = { scratch: new Uint8Array(2048), dv: new DataView(new ArrayBuffer(0)) };
io.dv = new DataView(io.scratch.buffer);
/** `scratch.subarray(0, view.length)`, kept for the next packet of the same length. */
let view = io.scratch.subarray(0, 0);

/** Makes room for `n` bytes in the scratch buffer, keeping the bytes already written. */
function room(n: number): void {
  const scratch = io.scratch;
  if (scratch.length >= n) return;
  const next = new Uint8Array(Math.max(n, 2 * scratch.length));
  next.set(scratch);
  io.scratch = next;
  io.dv = new DataView(next.buffer);
  view = next.subarray(0, 0);
}

/** Per layer, filled while it is written: its offset, the sum of its 16-bit words (without the fields `finish` fills), and for IPv4 and UDP what `finish` needs. */
const starts = new Int32Array(MAX_LAYERS);
const sums = new Int32Array(MAX_LAYERS);
/** GIVEN_* flags of IPv4 and UDP layers. */
const given = new Uint8Array(MAX_LAYERS);
/** The given length (IPv4 totalLength, UDP length) or 0, the given checksum or 0. */
const lengths = new Int32Array(MAX_LAYERS);
const checksums = new Int32Array(MAX_LAYERS);
/** IPv4: the IHL, and the sum of the address words (a UDP pseudo-header's). UDP: source and destination ports. */
const ihls = new Int32Array(MAX_LAYERS);
const addresses = new Int32Array(MAX_LAYERS);
/** Set when an IPv4 layer gives an IHL other than 5 (its header checksum covers other bytes). */
let otherIhl = false;
/** The pseudo-header reference handed to `udpChecksum` (it only reads it during the call). */
const netRef: { layer: 'ipv4'; offset: number } = { layer: 'ipv4', offset: 0 };

/**
 * The bytes of the stack's `raw` layer, with the sum of their 16-bit words for the checksums. The text
 * parsed last is remembered: encoding the same payload text again (the same string, or an equal one) copies
 * its bytes instead of parsing them.
 */
let rawBytes = new Uint8Array(256);
let rawView = rawBytes.subarray(0, 0);
let rawText: string | undefined;
let rawSum = 0;
/** The word sum of the payload of the stack being encoded (0 when its `raw` layer has no `data`). */
let payloadSum = 0;

/** Returned by `fill` when the layer names are not those of the shape it was given. */
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

/** A MAC field as `encodeEthernet` reads it (`== null` is the zero address): true, with its value in the shape's slot, else false. */
function mac(s: Shape, slot: number, v: unknown): boolean {
  if (v === s.texts[slot]) return true;
  const x = v == null ? 0 : typeof v === 'string' ? macNumber(v) : -1;
  if (x < 0) return false;
  const hi = Math.floor(x / 0x100000000);
  const lo = x - hi * 0x100000000;
  s.texts[slot] = v;
  s.hi[slot] = hi;
  s.lo[slot] = lo;
  s.words[slot] = hi + Math.floor(lo / 0x10000) + (lo & 0xffff);
  return true;
}

/** An IPv4 address field as `encodeIpv4` reads it (only `undefined` is 0.0.0.0): true, with its value in the shape's slot, else false. */
function ip(s: Shape, slot: number, v: unknown): boolean {
  if (v === s.texts[slot]) return true;
  const x = v === undefined ? 0 : typeof v === 'string' ? ipv4Number(v) : -1;
  if (x < 0) return false;
  s.texts[slot] = v;
  s.lo[slot] = x;
  s.words[slot] = Math.floor(x / 0x10000) + (x & 0xffff);
  return true;
}

function fillEthernet(l: LayerObject, s: Shape, i: number, o: number): number {
  if (l.layer !== 'ethernet') return OTHER_SHAPE;
  const et = l.etherType;
  const etherType = et === undefined ? s.derived[i]! : uint(et, 0xffff);
  const d = 2 * i;
  if (etherType < 0 || !mac(s, d, l.dst) || !mac(s, d + 1, l.src)) return -1;
  const hi = s.hi;
  const lo = s.lo;
  const v = io.dv;
  v.setUint16(o, hi[d]!);
  v.setInt32(o + 2, lo[d]!);
  v.setUint16(o + 6, hi[d + 1]!);
  v.setInt32(o + 8, lo[d + 1]!);
  v.setUint16(o + 12, etherType);
  sums[i] = s.words[d]! + s.words[d + 1]! + etherType;
  return 14;
}

function fillIpv4(l: LayerObject, s: Shape, i: number, o: number): number {
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
  const a = 2 * i;
  if (
    (version | ihl | dscp | ecn | totalLength | identification | reserved | df | mf | fragmentOffset | ttl | protocol | checksum) < 0 ||
    !ip(s, a, l.src) ||
    !ip(s, a + 1, l.dst)
  )
    return -1;
  if (ihl !== 5) otherIhl = true;
  const w0 = (version << 12) | (ihl << 8) | (dscp << 2) | ecn;
  const ff = (reserved << 15) | (df << 14) | (mf << 13) | fragmentOffset;
  const w4 = (ttl << 8) | protocol;
  const v = io.dv;
  v.setInt32(o, (w0 << 16) | totalLength);
  v.setInt32(o + 4, (identification << 16) | ff);
  v.setInt32(o + 8, (w4 << 16) | checksum);
  v.setInt32(o + 12, s.lo[a]!);
  v.setInt32(o + 16, s.lo[a + 1]!);
  const addressWords = s.words[a]! + s.words[a + 1]!;
  sums[i] = w0 + identification + ff + w4 + addressWords;
  addresses[i] = addressWords;
  ihls[i] = ihl;
  lengths[i] = totalLength;
  checksums[i] = checksum;
  given[i] = (tl === undefined ? 0 : GIVEN_LENGTH) | (c === undefined ? 0 : GIVEN_CHECKSUM);
  return 20;
}

function fillUdp(l: LayerObject, s: Shape, i: number, o: number, layers: readonly LayerObject[]): number {
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
  const v = io.dv;
  v.setInt32(o, (srcPort << 16) | dstPort);
  v.setInt32(o + 4, (length << 16) | checksum);
  sums[i] = srcPort + dstPort;
  lengths[i] = length;
  checksums[i] = checksum;
  given[i] = (len === undefined ? 0 : GIVEN_LENGTH) | (c === undefined ? 0 : GIVEN_CHECKSUM);
  return 8;
}

function fillVxlan(l: LayerObject, i: number, o: number): number {
  if (l.layer !== 'vxlan') return OTHER_SHAPE;
  const flags = uintOr(l.flags, 0xff, 0x08);
  const vni = uintOr(l.vni, 0xffffff, 0);
  const reserved1 = uintOr(l.reserved1, 0xffffff, 0);
  const reserved2 = uintOr(l.reserved2, 0xff, 0);
  if ((flags | vni | reserved1 | reserved2) < 0) return -1;
  const v = io.dv;
  v.setInt32(o, (flags << 24) | reserved1);
  v.setInt32(o + 4, (vni << 8) | reserved2);
  sums[i] = ((flags << 8) | (reserved1 >>> 16)) + (reserved1 & 0xffff) + (vni >>> 8) + (((vni & 0xff) << 8) | reserved2);
  return 8;
}

function fillRaw(l: LayerObject, o: number): number {
  if (l.layer !== 'raw') return OTHER_SHAPE;
  const data = l.data;
  payloadSum = 0;
  if (data === undefined) return 0;
  if (typeof data !== 'string') return -1;
  if (data !== rawText) {
    const n = data.length >>> 1;
    if (rawBytes.length < n) rawBytes = new Uint8Array(Math.max(n, 2 * rawBytes.length));
    rawText = undefined;
    const w = parseHexInto(data, rawBytes, 0);
    if (w < 0) return -1;
    rawText = data;
    rawView = rawBytes.subarray(0, w);
    rawSum = hexWordSum;
  }
  const n = rawView.length;
  room(o + n);
  io.scratch.set(rawView, o);
  payloadSum = rawSum;
  return n;
}

/**
 * Checks and writes every layer into the scratch buffer, outer to inner; returns the bytes of the layers, or -1
 * (something for the generic path) or OTHER_SHAPE.
 */
function fill(s: Shape, kinds: Uint8Array, layers: readonly LayerObject[]): number {
  otherIhl = false;
  let o = 0;
  for (let i = 0; i < s.n; i++) {
    const l = layers[i];
    if (l === null || typeof l !== 'object') return -1;
    const k = kinds[i];
    let len: number;
    if (k === ETHERNET) len = fillEthernet(l, s, i, o);
    else if (k === IPV4) len = fillIpv4(l, s, i, o);
    else if (k === UDP) len = fillUdp(l, s, i, o, layers);
    else if (k === VXLAN) len = fillVxlan(l, i, o);
    else len = fillRaw(l, o);
    if (len < 0) return len;
    starts[i] = o;
    o += len;
  }
  return o;
}

/**
 * What the generic path would report or read outside the packet: a derived IPv4 total length or UDP length
 * past 16 bits (an `EncodeError`), or a given IHL that takes the header checksum past the packet (it would
 * sum the caller's other bytes). True when the packet is clear of both.
 */
function clear(kinds: Uint8Array, n: number, body: number): boolean {
  for (let i = 0; i < n; i++) {
    const k = kinds[i];
    if (k !== IPV4 && k !== UDP) continue;
    const rest = body - starts[i]!;
    if ((given[i]! & GIVEN_LENGTH) === 0 && rest > 0xffff) return false;
    if (k === IPV4 && ihls[i]! * 4 > rest) return false;
  }
  return true;
}

/** `foldChecksum` (the one's complement sum in 16 bits), with 32-bit integer operations below 2^31. */
function fold(sum: number): number {
  if (sum > 0x7fffffff) return foldChecksum(sum);
  const s = (sum & 0xffff) + (sum >>> 16);
  return (s & 0xffff) + (s >>> 16);
}

/**
 * Lengths and checksums, inner to outer: what `finishIpv4` and `finishUdp` write. Every header has an even
 * length and `raw` comes last, so each header's 16-bit words line up with those of any checksum that covers
 * it: a running sum of the words of the layers after `i` (as finally written) gives a UDP checksum without
 * reading the payload again. When a given value makes a checksum cover something else (a UDP length short of
 * the packet, an IHL other than 5), the codecs' own functions sum the written bytes instead.
 */
function finish(s: Shape, kinds: Uint8Array, end: number): void {
  const v = io.dv;
  const network = s.network;
  let after = 0;
  for (let i = s.n - 1; i >= 0; i--) {
    const k = kinds[i];
    if (k === ETHERNET || k === VXLAN) after += sums[i]!;
    else if (k === RAW) after += payloadSum;
    else if (k === UDP) {
      const o = starts[i]!;
      const g = given[i]!;
      let length = lengths[i]!;
      if ((g & GIVEN_LENGTH) === 0) {
        length = end - o;
        v.setUint16(o + 4, length);
      }
      let c = checksums[i]!;
      if ((g & GIVEN_CHECKSUM) === 0) {
        const j = network[i]!;
        if (j < 0) c = 0;
        else if (ihls[j] === 5 && o + length >= end) {
          // Pseudo-header (RFC 768), the header without its checksum, then everything after it.
          const sum = addresses[j]! + 17 + length + sums[i]! + length + after;
          c = ~fold(sum) & 0xffff;
          if (c === 0) c = 0xffff;
        } else {
          netRef.offset = starts[j]!;
          c = udpChecksum(io.scratch, o, length, netRef, Math.min(o + length, end)) ?? 0;
        }
        v.setUint16(o + 6, c);
      }
      after += sums[i]! + length + c;
    } else {
      const o = starts[i]!;
      const g = given[i]!;
      let total = lengths[i]!;
      if ((g & GIVEN_LENGTH) === 0) {
        total = end - o;
        v.setUint16(o + 2, total);
      }
      const words = sums[i]! + total;
      let c = checksums[i]!;
      if ((g & GIVEN_CHECKSUM) === 0) {
        c = ihls[i] === 5 ? ~fold(words) & 0xffff : ipv4Checksum(io.scratch, o, ihls[i]!);
        v.setUint16(o + 10, c);
      }
      after += words + c;
    }
  }
}

/** The trailer of the call, as `toBytes` in encode.ts takes it: bytes or hex text, and its length in bytes. */
let tailBytes: Uint8Array | undefined;
let tailText: string | undefined;
let tailLength = 0;

/**
 * Builds the packet in the scratch buffer: returns the bytes of the layers (the trailer comes on top), or -1
 * when the fused path does not handle the stack. Sets the trailer's `tailBytes`/`tailText`.
 */
function build(layers: readonly LayerObject[], trailer: string | Uint8Array | undefined, registry: Registry): number {
  if (!Array.isArray(layers)) return -1;
  const plan = planOf(registry);
  let s = last;
  if (s === undefined || s.plan !== plan || s.n !== layers.length || (s.kinds === undefined && !sameNames(s, layers))) {
    s = shapeOf(layers, plan);
    if (s === undefined) return -1;
  }
  if (s.kinds === undefined) return -1;
  let body = encodeShape(s, layers);
  if (body === OTHER_SHAPE) {
    // The last shape was another stack's: look this one up.
    s = shapeOf(layers, plan);
    if (s === undefined || s.kinds === undefined) return -1;
    body = encodeShape(s, layers);
  }
  if (body < 0) return -1;

  tailBytes = undefined;
  tailText = undefined;
  tailLength = 0;
  if (trailer !== undefined) {
    if (typeof trailer === 'string') {
      if (!isHex(trailer)) return -1;
      tailText = trailer;
      tailLength = trailer.length >>> 1;
    } else if (trailer instanceof Uint8Array) {
      tailBytes = trailer;
      tailLength = trailer.length;
    } else return -1;
  }
  return body + tailLength;
}

/**
 * Checks and writes the layers of a stack of shape `s` (which can be fused) into the scratch buffer, with
 * lengths and checksums: the bytes of the layers, or -1 (something for the generic path) or OTHER_SHAPE.
 */
function encodeShape(s: Shape, layers: readonly LayerObject[]): number {
  const f = s.filler;
  if (f !== undefined) return f(layers);
  const kinds = s.kinds!;
  if (s.uses < fastEncode.compileAfter && ++s.uses === fastEncode.compileAfter) compile(s);
  const body = fill(s, kinds, layers);
  if (body < 0) return body;
  if ((body > 0xffff || otherIhl) && !clear(kinds, s.n, body)) return -1;
  finish(s, kinds, body);
  return body;
}

/** Copies the packet built in the scratch buffer, then the trailer, into `out` at `base`. */
function emit(out: Uint8Array, base: number, total: number): void {
  const body = total - tailLength;
  if (view.length !== body) view = io.scratch.subarray(0, body);
  out.set(view, base);
  const end = base + body;
  if (tailBytes !== undefined) {
    if (tailLength > 0) out.set(tailBytes, end);
  } else if (tailText !== undefined) writeHex(tailText, out, end);
}

/** Set while a fused call runs: a call made from inside it (a layer's getter that encodes) takes the generic path. */
let busy = false;

/**
 * Encodes `layers` into `into` at `base` when the fused path handles them and the buffer has room; returns
 * the bytes written, or -1 having written nothing (the caller then runs the generic path).
 */
export function encodeFastInto(
  layers: readonly LayerObject[],
  trailer: string | Uint8Array | undefined,
  into: Uint8Array,
  base: number,
  registry: Registry,
): number {
  // Anything that throws here (a getter) is the generic path's to report, in its own order.
  if (!fastEncode.enabled || busy) return -1;
  busy = true;
  try {
    const total = build(layers, trailer, registry);
    if (total < 0) return -1;
    if (!(into instanceof Uint8Array) || !Number.isInteger(base) || base < 0 || into.length < base + total) return -1;
    emit(into, base, total);
    return total;
  } catch {
    return -1;
  } finally {
    busy = false;
    tailBytes = undefined;
  }
}

/**
 * Encodes `layers` into a new array (or, with `share`, one carved from {@link sharedBytes}'s slab) when the
 * fused path handles them; else returns `undefined` having allocated nothing.
 */
export function encodeFastNew(
  layers: readonly LayerObject[],
  trailer: string | Uint8Array | undefined,
  registry: Registry,
  share: boolean,
): Uint8Array | undefined {
  if (!fastEncode.enabled || busy) return undefined;
  busy = true;
  try {
    const total = build(layers, trailer, registry);
    if (total < 0) return undefined;
    const out = share ? sharedBytes(total) : new Uint8Array(total);
    emit(out, 0, total);
    return out;
  } catch {
    return undefined;
  } finally {
    busy = false;
    tailBytes = undefined;
  }
}

/** Results of `shareBuffer` up to this size are carved from the slab; larger ones get their own buffer. */
export const SHARE_MAX = 4096;
const SLAB = 64 * 1024;
let slab: ArrayBuffer | undefined;
let slabUsed = 0;

/**
 * `n` zeroed bytes for a `shareBuffer` result: a view of a shared 64 KiB `ArrayBuffer` (8-byte aligned, like
 * Node's `Buffer.allocUnsafe` pool, but zeroed), a new slab when this one is full or was detached (a result's
 * buffer transferred: its `byteLength` is then 0). Larger results own their buffer.
 */
export function sharedBytes(n: number): Uint8Array {
  if (n > SHARE_MAX) return new Uint8Array(n);
  let ab = slab;
  if (ab === undefined || ab.byteLength !== SLAB || slabUsed + n > SLAB) {
    ab = new ArrayBuffer(SLAB);
    slab = ab;
    slabUsed = 0;
  }
  const out = new Uint8Array(ab, slabUsed, n);
  slabUsed = (slabUsed + n + 7) & ~7;
  return out;
}

/** A generated encoder of one shape: `fill`, `clear` and `finish` for that shape alone, in straight-line code. */
type Filler = (layers: readonly LayerObject[]) => number;

// Source text of the checks, as expressions (calls would use up V8's inlining budget on the first layers).
/** `uintOr(x, mask, dflt)`. */
const U = (x: string, mask: string, dflt: string): string =>
  `((v = ${x}) === undefined ? ${dflt} : typeof v === 'number' && (v & ${mask}) === v ? v : -1)`;
/** `uint(x, mask)`. */
const N = (x: string, mask: string): string => `(typeof (v = ${x}) === 'number' && (v & ${mask}) === v ? v : -1)`;
/** `bool(x)`. */
const B = (x: string): string => `((v = ${x}) === undefined || v === false || v === 0 ? 0 : v === true || v === 1 ? 1 : -1)`;
/** `mac(s, slot, x)` or `ip(s, slot, x)`, with the cache's comparison in line. */
const M = (f: string, x: string, slot: number): string => `((v = ${x}) === texts[${slot}] || ${f}(s, ${slot}, v))`;
/** `fold(x)`. */
const F = (x: string): string => `(f = ${x}, f > 0x7fffffff ? fold(f) : ((f = (f & 0xffff) + (f >>> 16)), (f & 0xffff) + (f >>> 16)))`;

/**
 * Generates the encoder of shape `s` (each layer's checks and writes at its constant offset, then its
 * lengths and checksums), or leaves the shape to `fill`/`finish` for good where `new Function` is refused.
 * Line by line this is `fillEthernet` … `fillRaw`, `clear` and `finish`, with the shape's values as
 * constants and each layer's values in locals; keep them in step.
 */
function compile(s: Shape): void {
  if (fastEncode.unavailable || compiles >= fastEncode.maxCompiles) return;
  const kinds = s.kinds!;
  const n = s.n;
  const fill: string[] = [];
  const clear: string[] = [];
  /** Per layer, its lines of `finish` (run inner to outer). */
  const fin: string[][] = [];
  let o = 0;
  for (let i = 0; i < n; i++) {
    const k = kinds[i];
    const d = 2 * i;
    fill.push(`  l = layers[${i}];`, "  if (l === null || typeof l !== 'object') return -1;");
    if (k === ETHERNET) {
      fill.push(
        `  if (l.layer !== 'ethernet') return ${OTHER_SHAPE};`,
        '  et = l.etherType;',
        `  const t${i} = et === undefined ? ${s.derived[i]} : ${N(`et`, '0xffff')};`,
        `  if (t${i} < 0 || !${M('mac', 'l.dst', d)} || !${M('mac', 'l.src', d + 1)}) return -1;`,
        `  dv.setUint16(${o}, hi[${d}]);`,
        `  dv.setInt32(${o + 2}, lo[${d}]);`,
        `  dv.setUint16(${o + 6}, hi[${d + 1}]);`,
        `  dv.setInt32(${o + 8}, lo[${d + 1}]);`,
        `  dv.setUint16(${o + 12}, t${i});`,
        `  const sum${i} = words[${d}] + words[${d + 1}] + t${i};`,
      );
      fin.push([`  after += sum${i};`]);
      o += 14;
    } else if (k === IPV4) {
      fill.push(
        `  if (l.layer !== 'ipv4') return ${OTHER_SHAPE};`,
        "  if ((v = l.options) !== undefined && v !== '') return -1;",
        `  const version${i} = ${U(`l.version`, '15', '4')};`,
        `  const ihl${i} = ${U(`l.ihl`, '15', '5')};`,
        `  const dscp${i} = ${U(`l.dscp`, '63', '0')};`,
        `  const ecn${i} = ${U(`l.ecn`, '3', '0')};`,
        `  const tl${i} = l.totalLength;`,
        `  const length${i} = ${U(`tl${i}`, '0xffff', '0')};`,
        `  const id${i} = ${U(`l.identification`, '0xffff', '0')};`,
        `  const rf${i} = ${B(`l.reservedFlag`)};`,
        `  const df${i} = ${B(`l.dontFragment`)};`,
        `  const mf${i} = ${B(`l.moreFragments`)};`,
        `  const fo${i} = ${U(`l.fragmentOffset`, '0x1fff', '0')};`,
        `  const ttl${i} = ${U(`l.ttl`, '0xff', '64')};`,
        '  p = l.protocol;',
        `  const protocol${i} = p === undefined ? ${s.derived[i]} : ${N(`p`, '0xff')};`,
        `  const c${i} = l.checksum;`,
        `  const checksum${i} = ${U(`c${i}`, '0xffff', '0')};`,
        `  if ((version${i} | ihl${i} | dscp${i} | ecn${i} | length${i} | id${i} | rf${i} | df${i} | mf${i} | fo${i} | ttl${i} | protocol${i} | checksum${i}) < 0 || !${M('ip', 'l.src', d)} || !${M('ip', 'l.dst', d + 1)}) return -1;`,
        `  const w${i} = (version${i} << 12) | (ihl${i} << 8) | (dscp${i} << 2) | ecn${i};`,
        `  const ff${i} = (rf${i} << 15) | (df${i} << 14) | (mf${i} << 13) | fo${i};`,
        `  const x${i} = (ttl${i} << 8) | protocol${i};`,
        `  dv.setInt32(${o}, (w${i} << 16) | length${i});`,
        `  dv.setInt32(${o + 4}, (id${i} << 16) | ff${i});`,
        `  dv.setInt32(${o + 8}, (x${i} << 16) | checksum${i});`,
        `  dv.setInt32(${o + 12}, lo[${d}]);`,
        `  dv.setInt32(${o + 16}, lo[${d + 1}]);`,
        `  const a${i} = words[${d}] + words[${d + 1}];`,
        `  const sum${i} = w${i} + id${i} + ff${i} + x${i} + a${i};`,
      );
      clear.push(`  if ((tl${i} === undefined && body - ${o} > 0xffff) || ihl${i} * 4 > body - ${o}) return -1;`);
      fin.push([
        `  const total${i} = tl${i} === undefined ? body - ${o} : length${i};`,
        `  if (tl${i} === undefined) dv.setUint16(${o + 2}, total${i});`,
        `  const words${i} = sum${i} + total${i};`,
        `  let ck${i} = checksum${i};`,
        `  if (c${i} === undefined) {`,
        `    ck${i} = ihl${i} === 5 ? ~${F(`words${i}`)} & 0xffff : ipv4Checksum(io.scratch, ${o}, ihl${i});`,
        `    dv.setUint16(${o + 10}, ck${i});`,
        '  }',
        `  after += words${i} + ck${i};`,
      ]);
      o += 20;
    } else if (k === UDP) {
      const j = s.network[i]!;
      let sumJ = '';
      if (j >= 0) {
        let oj = 0;
        for (let m = 0; m < j; m++) oj += kinds[m] === ETHERNET ? 14 : kinds[m] === IPV4 ? 20 : 8;
        sumJ = [
          `    if (ihl${j} === 5 && ${o} + len${i} >= body) {`,
          `      ck${i} = ~${F(`a${j} + 17 + len${i} + sum${i} + len${i} + after`)} & 0xffff;`,
          `      if (ck${i} === 0) ck${i} = 0xffff;`,
          '    } else {',
          `      netRef.offset = ${oj};`,
          `      ck${i} = udpChecksum(io.scratch, ${o}, len${i}, netRef, Math.min(${o} + len${i}, body)) ?? 0;`,
          '    }',
        ].join('\n');
      } else sumJ = `    ck${i} = 0;`;
      fill.push(
        `  if (l.layer !== 'udp') return ${OTHER_SHAPE};`,
        '  p = l.dstPort;',
        `  const dp${i} = p === undefined ? ${s.derived[i]} : ${N(`p`, '0xffff')};`,
        '  p = l.srcPort;',
        `  const sp${i} = p !== undefined ? ${N(`p`, '0xffff')} : ${s.tunnel[i] === 1 ? `udpTunnelSourcePort(layers.slice(${i + 2}))` : '0'};`,
        `  const gl${i} = l.length;`,
        `  const length${i} = ${U(`gl${i}`, '0xffff', '0')};`,
        `  const c${i} = l.checksum;`,
        `  const checksum${i} = ${U(`c${i}`, '0xffff', '0')};`,
        `  if ((dp${i} | sp${i} | length${i} | checksum${i}) < 0) return -1;`,
        `  dv.setInt32(${o}, (sp${i} << 16) | dp${i});`,
        `  dv.setInt32(${o + 4}, (length${i} << 16) | checksum${i});`,
        `  const sum${i} = sp${i} + dp${i};`,
      );
      clear.push(`  if (gl${i} === undefined && body - ${o} > 0xffff) return -1;`);
      fin.push([
        `  const len${i} = gl${i} === undefined ? body - ${o} : length${i};`,
        `  if (gl${i} === undefined) dv.setUint16(${o + 4}, len${i});`,
        `  let ck${i} = checksum${i};`,
        `  if (c${i} === undefined) {`,
        sumJ,
        `    dv.setUint16(${o + 6}, ck${i});`,
        '  }',
        `  after += sum${i} + len${i} + ck${i};`,
      ]);
      o += 8;
    } else if (k === VXLAN) {
      fill.push(
        `  if (l.layer !== 'vxlan') return ${OTHER_SHAPE};`,
        `  const flags${i} = ${U(`l.flags`, '0xff', '0x08')};`,
        `  const vni${i} = ${U(`l.vni`, '0xffffff', '0')};`,
        `  const r${i} = ${U(`l.reserved1`, '0xffffff', '0')};`,
        `  const q${i} = ${U(`l.reserved2`, '0xff', '0')};`,
        `  if ((flags${i} | vni${i} | r${i} | q${i}) < 0) return -1;`,
        `  dv.setInt32(${o}, (flags${i} << 24) | r${i});`,
        `  dv.setInt32(${o + 4}, (vni${i} << 8) | q${i});`,
        `  const sum${i} = ((flags${i} << 8) | (r${i} >>> 16)) + (r${i} & 0xffff) + (vni${i} >>> 8) + (((vni${i} & 0xff) << 8) | q${i});`,
      );
      fin.push([`  after += sum${i};`]);
      o += 8;
    } else {
      // `raw`, the last layer: the only one whose length is not known here, and the one that may grow the buffer.
      fill.push(`  const n${i} = fillRaw(l, ${o});`, `  if (n${i} < 0) return n${i};`, `  body += n${i};`, '  dv = io.dv;');
      fin.push(['  after += payload();']);
    }
  }
  const source = `'use strict';
return function encodeShape(layers) {
  let dv = io.dv, body = ${o}, l, et, p, v, f, after = 0;
${fill.join('\n')}
${clear.join('\n')}
${fin.reverse().flat().join('\n')}
  return body;
};`;
  try {
    const factory = new Function(
      's',
      'texts',
      'hi',
      'lo',
      'words',
      'io',
      'netRef',
      'uint',
      'uintOr',
      'bool',
      'mac',
      'ip',
      'fillRaw',
      'payload',
      'fold',
      'ipv4Checksum',
      'udpChecksum',
      'udpTunnelSourcePort',
      source,
    ) as (...args: unknown[]) => Filler;
    s.filler = factory(
      s,
      s.texts,
      s.hi,
      s.lo,
      s.words,
      io,
      netRef,
      uint,
      uintOr,
      bool,
      mac,
      ip,
      fillRaw,
      payload,
      fold,
      ipv4Checksum,
      udpChecksum,
      udpTunnelSourcePort,
    );
    compiles++;
    fastEncode.compiled++;
  } catch {
    fastEncode.unavailable = true;
  }
}

/** The word sum of the payload {@link fillRaw} wrote last. */
function payload(): number {
  return payloadSum;
}
