/**
 * `StackDecoder`: an allocation-free walk of a packet's layers for hot loops (pcap scans, flow tables).
 *
 * It follows the same dispatch as {@link decodeStack} (the registry's tables and each codec's `next`), but
 * builds no layer objects: each depth gets a reusable slot (layer id, offset, header length, datagram end),
 * and typed accessors read fields straight from the bytes. Two IPv4 layers in one packet have two slots
 * (gopacket's DecodingLayerParser keeps one object per layer type, so an inner IPv4 header overwrites the
 * outer one). The flow key of any IP level is filled into one reusable {@link FlowSlot}; its text form is
 * built only when asked for.
 *
 * Ethernet, VLAN, IPv4, IPv6 and UDP and VXLAN headers of the default codecs take a fast path that reads
 * what the dispatch needs; anything unusual on those (bad version, options that do not fit, a length
 * smaller than the header) and every other layer goes through the codec itself, so the result is the same
 * as `decodeStack`'s layers and spans (without the trailing `raw`/`padding`) on every input.
 *
 * Paths that repeat are walked by generated straight-line walkers (header prediction, see the class doc);
 * test/fast.predict.test.ts checks that they leave exactly what the general walk leaves.
 */
import {
  type AnyCodec,
  DecodeError,
  type DecodeContext,
  type IssueCode,
  type LayerObject,
  type NextRef,
  type Registry,
} from '@wirestack/core';
import { formatIpv6 } from '@wirestack/ipv6';
import { DEFAULT_LIMITS, DEFAULT_MAX_DEPTH, type DecodeLimits } from './decode.js';
import type { FlowDepth, FlowKey } from './packet.js';
import { limitClassOf } from './plan.js';
import { defaultRegistry } from './registry.js';

/** Numeric kinds of the layers `StackDecoder` knows by name (`kind(i)`); every other layer is `Other`. */
export const LayerKind = {
  Other: 0,
  Ethernet: 1,
  Vlan: 2,
  Ipv4: 3,
  Ipv6: 4,
  Udp: 5,
  Vxlan: 6,
  Geneve: 7,
  Gre: 8,
  Mpls: 9,
  Ipv6Extension: 10,
} as const;

const KIND_OF: Record<string, number> = {
  ethernet: LayerKind.Ethernet,
  vlan: LayerKind.Vlan,
  ipv4: LayerKind.Ipv4,
  ipv6: LayerKind.Ipv6,
  udp: LayerKind.Udp,
  vxlan: LayerKind.Vxlan,
  geneve: LayerKind.Geneve,
  gre: LayerKind.Gre,
  mpls: LayerKind.Mpls,
  'ipv6-hop-by-hop': LayerKind.Ipv6Extension,
  'ipv6-routing': LayerKind.Ipv6Extension,
  'ipv6-fragment': LayerKind.Ipv6Extension,
  'ipv6-destination-options': LayerKind.Ipv6Extension,
};

/** Slots of {@link StackDecoder.fields} per depth: the fields of depth `i` start at `i * FIELDS_PER_LAYER`. */
export const FIELDS_PER_LAYER = 16;

/**
 * Where each field of the layers `StackDecoder` decodes eagerly (option `fields`) sits in its depth's slot:
 * `dec.fields[i * FIELDS_PER_LAYER + Field.ipv4.ttl]`, or `dec.field(i, Field.ipv4.ttl)`. Names are the JSON
 * contract's; flags are 0/1; MAC addresses are 48-bit numbers, IPv4 addresses unsigned 32-bit numbers, and IPv6
 * addresses four unsigned 32-bit words (`src` .. `src + 3`, most significant first). Lossless like the codecs:
 * the IPv4 reserved flag and the VXLAN reserved bits are there too (IPv4 options are bytes: `headerLength(i)` > 20).
 */
export const Field = {
  ethernet: { dst: 0, src: 1, etherType: 2 },
  vlan: { pcp: 0, dei: 1, vid: 2, etherType: 3 },
  ipv4: {
    version: 0,
    ihl: 1,
    dscp: 2,
    ecn: 3,
    totalLength: 4,
    identification: 5,
    reservedFlag: 6,
    dontFragment: 7,
    moreFragments: 8,
    fragmentOffset: 9,
    ttl: 10,
    protocol: 11,
    checksum: 12,
    src: 13,
    dst: 14,
  },
  ipv6: { version: 0, trafficClass: 1, flowLabel: 2, payloadLength: 3, nextHeader: 4, hopLimit: 5, src: 6, dst: 10 },
  udp: { srcPort: 0, dstPort: 1, length: 2, checksum: 3 },
  vxlan: { flags: 0, reserved1: 1, vni: 2, reserved2: 3 },
} as const;

/** Transport protocols whose first 4 bytes are ports (UDP, TCP, SCTP, UDP-Lite, DCCP), as `DecodedPacket.flowKey` reads them. */
function hasPortsAtStart(protocol: number): boolean {
  return protocol === 6 || protocol === 17 || protocol === 132 || protocol === 136 || protocol === 33;
}

/** Options of {@link StackDecoder}. */
export interface StackDecoderOptions {
  /** Dispatch tables (default: a {@link defaultRegistry}). Call {@link StackDecoder.refresh} after changing its bindings. */
  registry?: Registry;
  /** The first layer's id (default `'ethernet'`). */
  first?: string;
  /** Most layers decoded (default 32, as `decodeStack`). */
  maxDepth?: number;
  /** Per-packet limits (defaults as `decodeStack`). */
  limits?: Partial<DecodeLimits>;
  /**
   * Header prediction (default on): once packets keep following one path of Ethernet, VLAN, IPv4, IPv6, UDP
   * and VXLAN headers, the decoder generates a straight-line walker for that path (`new Function`; where a
   * Content Security Policy refuses it, the general walk is used). Results are the same either way; `false`
   * turns it off.
   */
  prediction?: PredictionOptions | false;
  /**
   * Decode every field of each Ethernet, VLAN, IPv4, IPv6, UDP and VXLAN header (of the default codecs) into
   * {@link StackDecoder.fields} during `decode` (default false: fields are read on demand with `u8`..`u32`).
   * Other layers' slots are left as they were: `hasFields(i)` says which depths were written.
   */
  fields?: boolean;
}

/**
 * A flow key filled in place by {@link StackDecoder.flow}: numbers and offsets only, no strings.
 * IPv6 addresses are 16 bytes at `src6`/`dst6` in `bytes` (both -1 for IPv4).
 */
export class FlowSlot {
  /** 4 or 6; 0 when the packet has no IP header at the level asked for. */
  ipVersion: 0 | 4 | 6 = 0;
  /** IPv4 source address as an unsigned 32-bit number (0 for IPv6). */
  srcV4 = 0;
  /** IPv4 destination address as an unsigned 32-bit number (0 for IPv6). */
  dstV4 = 0;
  /** Offset of the 16-byte IPv6 source address in `bytes` (-1 for IPv4). */
  src6 = -1;
  /** Offset of the 16-byte IPv6 destination address in `bytes` (-1 for IPv4). */
  dst6 = -1;
  /** Transport protocol (after IPv6 extension headers). */
  protocol = 0;
  /** Whether the transport has ports (`srcPort`/`dstPort` are 0 otherwise). */
  hasPorts = false;
  srcPort = 0;
  dstPort = 0;
  /** The packet the offsets point into. */
  bytes: Uint8Array = EMPTY;
  /** Index (depth) of the IP layer the key was read from, -1 when none. */
  ipIndex = -1;
}

const EMPTY = new Uint8Array(0);

const FAST_MASK = 0x0f;
const LIMIT_MASK = 0x30;
const LIMIT_EXT = 0x10;
const LIMIT_MPLS = 0x20;
const BOUNDS = 0x40;

/** The decode context generic codecs see; `layers` is filled on demand (only when a codec needs the slow path). */
class SlowCtx implements DecodeContext {
  layers: LayerObject[] = [];
  buf: Uint8Array = EMPTY;
  payloadOffset = 0;
  end = 0;
  constructor(readonly registry: Registry) {}
  issue(_code: IssueCode, _message: string, _offset?: number): void {
    // Issues are decodeStack's business; StackDecoder reports only why it stopped (`stopCode`).
  }
}

/**
 * A walker generated for one path (see {@link StackDecoder} "header prediction"). It walks `bytes[offset, end)`
 * as the general loop would while the packet follows the path, fills the decoder's slots, and returns -1 when
 * it finished the packet, or the depth at which the general loop must carry on (state in `pOff`/`pLimit`/`pNext`/`pInner`).
 */
type Walker = (w: StackDecoder, bytes: Uint8Array, offset: number, end: number) => number;

/** A learned path and its walker. */
interface Shape {
  readonly path: Int32Array;
  readonly walker: Walker;
}

/** Options of header prediction ({@link StackDecoderOptions.prediction}). */
export interface PredictionOptions {
  /** Packets in a row with the same path before the decoder switches to (and if needed generates) its walker; default 4. */
  after?: number;
  /** Walkers generated at most per decoder (a bound on compile work when paths keep changing); default 16. */
  maxShapes?: number;
}
/** How a fast-path layer reads its header: the cases of the general loop's `switch`, also emitted by {@link walkerSource}. */
const FAST_ETHERNET = 1;
const FAST_VLAN = 2;
const FAST_IPV4 = 3;
const FAST_IPV6 = 4;
const FAST_UDP = 5;
const FAST_VXLAN = 6;

/**
 * Where each {@link Field} is on the wire, per fast-path layer: `[byte offset, bytes read (1, 2, 4, or 6 for a
 * MAC), right shift, bits]`. The one description of the fields: `fill` interprets it, and walkers generated for a
 * path with option `fields` emit it as straight-line code.
 */
const FIELD_WIRE = {
  ethernet: { dst: [0, 6, 0, 48], src: [6, 6, 0, 48], etherType: [12, 2, 0, 16] },
  vlan: { pcp: [0, 2, 13, 3], dei: [0, 2, 12, 1], vid: [0, 2, 0, 12], etherType: [2, 2, 0, 16] },
  ipv4: {
    version: [0, 1, 4, 4],
    ihl: [0, 1, 0, 4],
    dscp: [1, 1, 2, 6],
    ecn: [1, 1, 0, 2],
    totalLength: [2, 2, 0, 16],
    identification: [4, 2, 0, 16],
    reservedFlag: [6, 2, 15, 1],
    dontFragment: [6, 2, 14, 1],
    moreFragments: [6, 2, 13, 1],
    fragmentOffset: [6, 2, 0, 13],
    ttl: [8, 1, 0, 8],
    protocol: [9, 1, 0, 8],
    checksum: [10, 2, 0, 16],
    src: [12, 4, 0, 32],
    dst: [16, 4, 0, 32],
  },
  ipv6: {
    version: [0, 4, 28, 4],
    trafficClass: [0, 4, 20, 8],
    flowLabel: [0, 4, 0, 20],
    payloadLength: [4, 2, 0, 16],
    nextHeader: [6, 1, 0, 8],
    hopLimit: [7, 1, 0, 8],
    src: [8, 4, 0, 32],
    dst: [24, 4, 0, 32],
  },
  udp: { srcPort: [0, 2, 0, 16], dstPort: [2, 2, 0, 16], length: [4, 2, 0, 16], checksum: [6, 2, 0, 16] },
  vxlan: { flags: [0, 1, 0, 8], reserved1: [0, 4, 0, 24], vni: [4, 4, 8, 24], reserved2: [7, 1, 0, 8] },
} as const satisfies { [L in keyof typeof Field]: { [F in keyof (typeof Field)[L]]: readonly [number, number, number, number] } };

/** {@link FIELD_WIRE} flattened per fast-path case: `[field index, offset, bytes, shift, bits]` repeated (IPv6 addresses as 4 words). */
const LAYOUT_BY_FAST: (Int32Array | undefined)[] = (() => {
  const byFast: [number, keyof typeof Field][] = [
    [FAST_ETHERNET, 'ethernet'],
    [FAST_VLAN, 'vlan'],
    [FAST_IPV4, 'ipv4'],
    [FAST_IPV6, 'ipv6'],
    [FAST_UDP, 'udp'],
    [FAST_VXLAN, 'vxlan'],
  ];
  const out: (Int32Array | undefined)[] = [];
  for (const [fast, name] of byFast) {
    const flat: number[] = [];
    const index = Field[name] as Record<string, number>;
    const wire = FIELD_WIRE[name] as Record<string, readonly [number, number, number, number]>;
    for (const [field, [at, width, shift, bits]] of Object.entries(wire)) {
      const words = name === 'ipv6' && (field === 'src' || field === 'dst') ? 4 : 1;
      for (let w = 0; w < words; w++) flat.push(index[field]! + w, at + 4 * w, width, shift, bits);
    }
    out[fast] = Int32Array.from(flat);
  }
  return out;
})();

/** Straight-line code of `fill` for one layer (a walker step): `F` the fields, `dv`/`p` the DataView and absolute offset. */
function fillSource(fast: number, depth: number): string[] {
  const layout = LAYOUT_BY_FAST[fast];
  if (layout === undefined) return [];
  const k = depth * FIELDS_PER_LAYER;
  const reads = new Map<string, string>();
  const lines: string[] = ['  {', '  const p = base + o;'];
  for (let j = 0; j < layout.length; j += 5) {
    const [index, at, width, shift, bits] = [layout[j]!, layout[j + 1]!, layout[j + 2]!, layout[j + 3]!, layout[j + 4]!];
    const key = `${at}/${width}`;
    let r = reads.get(key);
    if (r === undefined) {
      r = `r${reads.size}`;
      reads.set(key, r);
      const read =
        width === 1
          ? `b[o + ${at}]`
          : width === 2
            ? `dv.getUint16(p + ${at})`
            : width === 4
              ? `dv.getUint32(p + ${at})`
              : `dv.getUint16(p + ${at}) * 4294967296 + dv.getUint32(p + ${at + 2})`;
      lines.push(`  const ${r} = ${read};`);
    }
    const mask = (2 ** bits - 1) >>> 0;
    // A whole read (a byte, a 16-bit word, an address) needs no mask.
    const whole = shift === 0 && (bits === 8 * width || bits >= 32);
    const value = whole
      ? r
      : shift === 0
        ? `${r} & ${mask}`
        : shift + bits === 8 * width
          ? `${r} >>> ${shift}`
          : `(${r} >>> ${shift}) & ${mask}`;
    lines.push(`  F[${k + index}] = ${value};`);
  }
  lines.push('  }');
  return lines;
}

/**
 * An allocation-free stack walker with one reusable slot per depth (see the module doc).
 * `decode(bytes)` returns the number of layers; then `layerId(i)`, `offset(i)`, `headerLength(i)`,
 * `u8/u16/u32(i, fieldOffset)` and `flow('inner')` read them without allocating.
 *
 * Header prediction: most captures repeat a few paths (`ethernet/ipv4/udp/vxlan/ethernet/ipv4/udp`). When the
 * same path of fast-path layers (Ethernet, VLAN, IPv4, IPv6, UDP, VXLAN) has been walked a few packets in a
 * row, the decoder generates a walker for it: the general loop's body once per layer, with the layer's kind,
 * codec and the codec the dispatch must lead to fixed, so there is no `switch`, no table of codec facts and no
 * loop. When a packet leaves the path (a dispatch field leads elsewhere, a header the fast path would not
 * take), the walker stops before that step and the general loop carries on from exactly there, so results
 * equal the general walk's on every input.
 */
export class StackDecoder {
  readonly registry: Registry;
  /** Layers decoded by the last `decode`. */
  count = 0;
  /** The bytes of the last `decode`. */
  bytes: Uint8Array = EMPTY;
  /** Offset after the last decoded header: bytes in `[payloadOffset, payloadEnd)` are what `decodeStack` calls `raw`. */
  payloadOffset = 0;
  /** End of the innermost datagram (where `raw` ends; padding and trailer follow). */
  payloadEnd = 0;
  /** Why the walk stopped early: a `DecodeError` code (`truncated`, ...), `too-deep`, `unsupported`; `''` when it simply ran out of layers. */
  stopCode: IssueCode | '' = '';
  /** Depth of the innermost IPv4/IPv6 header of the last `decode`, -1 when none (what `flow('inner')` reads). */
  private innerIp = -1;

  private readonly first: string;
  private readonly maxDepth: number;
  private readonly limits: DecodeLimits;
  private readonly ctx: SlowCtx;

  // Per-depth slots, one typed array per number so that accessors index them by depth directly. A header's
  // length is the next header's offset minus its own, and the limit it was decoded within is the end of
  // the layer before it (`end0` for the first), so neither is stored.
  /** Offset of the header. */
  private readonly offs: Int32Array;
  /** The end of what the layer encloses (its datagram end when it bounds one). */
  private readonly ends: Int32Array;
  /** Codec index. */
  private readonly cis: Int32Array;
  /** {@link LayerKind}. */
  private readonly kinds: Uint8Array;
  /** The `end` of the last `decode`. */
  private end0 = 0;
  /**
   * `u16`/`u24`/`u32` read through a DataView of the whole buffer under `bytes` (one bounds check and one load
   * instead of one per byte, and small enough that V8 inlines every accessor call of a loop like `readAll`).
   * It is made again only when a packet lives in another buffer (a capture's records share theirs).
   */
  private view: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));
  private viewBuffer: ArrayBufferLike | undefined = undefined;
  /** The Uint8Array `view`/`base` were last set for, and its `byteOffset`. */
  private viewBytes: Uint8Array = EMPTY;
  private base = 0;
  /** The last offsets in `viewBytes` where a 2-, 3- or 4-byte field read fits (negative: none). */
  private lim2 = -1;
  private lim3 = -1;
  private lim4 = -1;
  /** The shape whose codec indexes and kinds `cis` and `kinds` hold for its whole path (0: none); see walkerSource. */
  // biome-ignore lint/correctness/noUnusedPrivateClassMembers: generated walkers read it (and set it).
  private shapeId = 0;
  private lastShapeId = 0;
  private materialized = 0;
  private readonly slot = new FlowSlot();
  /**
   * With option `fields`: every field of each Ethernet/VLAN/IPv4/IPv6/UDP/VXLAN header of the last `decode`,
   * {@link FIELDS_PER_LAYER} numbers per depth laid out as {@link Field} says (length 0 without the option).
   * Reused by every `decode`: copy what must outlive the next one.
   */
  readonly fields: Float64Array;
  private readonly eager: boolean;

  // Codecs and dispatch tables (codec index + 1; 0 = nothing bound).
  private codecs: AnyCodec[] = [];
  /** Codec ids by index (reading `.id` off codec objects of many shapes would be a megamorphic load per layer). */
  private codecIds: string[] = [];
  private index = new Map<AnyCodec, number>();
  /** Per codec index: fast-path kind (bits 0-3), limit class (4-5), bounds a datagram (6), LayerKind (8-15). */
  private meta = new Int32Array(0);
  private readonly ethertype = new Int16Array(65536);
  private readonly ipProto = new Int16Array(256);
  private readonly udpPort = new Int16Array(65536);
  private firstIdx = -1;
  private ethernetIdx = -1;

  // Header prediction.
  /** The walker of the current shape; `undefined` while none is learned (or prediction is off). */
  private walker: Walker | undefined = undefined;
  /** The path of the current walker (codec indexes), `shapeLen` long. */
  private shapePath: Int32Array = new Int32Array(0);
  /** Shapes generated so far (reused when traffic comes back to an earlier path). */
  private shapes: Shape[] = [];
  /** A path seen `candidateHits` packets in a row that is not the current shape's. */
  private readonly candidate: Int32Array;
  private candidateLen = 0;
  private candidateHits = 0;
  private readonly predictAfter: number;
  private readonly maxShapes: number;
  /** Set when `new Function` threw (a Content Security Policy): this decoder stays on the general walk. */
  private codegenFailed = false;
  /** Where a walker stopped, for the general loop to carry on: offset, limit, codec, innermost IP depth. */
  private pOff = 0;
  private pLimit = 0;
  private pNext = -1;
  private pInner = -1;

  constructor(options: StackDecoderOptions = {}) {
    this.registry = options.registry ?? sharedRegistry();
    this.first = options.first ?? 'ethernet';
    this.maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
    this.limits = options.limits ? { ...DEFAULT_LIMITS, ...options.limits } : DEFAULT_LIMITS;
    this.ctx = new SlowCtx(this.registry);
    const n = Math.max(0, this.maxDepth) + 1;
    this.offs = new Int32Array(n);
    this.ends = new Int32Array(n);
    this.cis = new Int32Array(n);
    this.kinds = new Uint8Array(n);
    this.candidate = new Int32Array(n);
    this.eager = options.fields === true;
    this.fields = new Float64Array(this.eager ? n * FIELDS_PER_LAYER : 0);
    const p = options.prediction;
    this.predictAfter = p === false ? 0 : Math.max(1, p?.after ?? 4);
    this.maxShapes = p === false ? 0 : (p?.maxShapes ?? 16);
    this.refresh();
  }

  /** Rebuilds the dispatch tables from the registry (call after `bind`/`unbind`/`replace` on it). */
  refresh(): void {
    const reg = this.registry;
    const defaults = sharedRegistry();
    this.codecs = [];
    this.codecIds = [];
    this.index = new Map();
    for (const c of reg.layers()) this.indexOfCodec(c);
    const k = this.codecs.length;
    this.meta = new Int32Array(k + 64);
    for (let i = 0; i < k; i++) this.describe(i, defaults);
    this.ethertype.fill(0);
    this.ipProto.fill(0);
    this.udpPort.fill(0);
    for (const [v, id] of reg.entries('ethertype')) if (v >= 0 && v < 65536) this.ethertype[v] = this.idxOfId(id) + 1;
    for (const [v, id] of reg.entries('ip.proto')) if (v >= 0 && v < 256) this.ipProto[v] = this.idxOfId(id) + 1;
    for (const [v, id] of reg.entries('udp.port')) if (v >= 0 && v < 65536) this.udpPort[v] = this.idxOfId(id) + 1;
    const first = reg.get(this.first);
    this.firstIdx = first ? this.indexOfCodec(first) : -1;
    const eth = reg.get('ethernet');
    this.ethernetIdx = eth ? this.indexOfCodec(eth) : -1;
    // Walkers have codec indexes and the tables' meaning built in: learn again.
    this.walker = undefined;
    this.shapePath = new Int32Array(0);
    this.shapes = [];
    this.candidateLen = 0;
    this.candidateHits = 0;
  }

  private idxOfId(id: string): number {
    const c = this.registry.get(id);
    return c ? this.indexOfCodec(c) : -1;
  }

  private indexOfCodec(c: AnyCodec): number {
    let i = this.index.get(c);
    if (i === undefined) {
      i = this.codecs.length;
      this.codecs.push(c);
      this.codecIds.push(c.id);
      this.index.set(c, i);
      if (i >= this.meta.length) {
        const m = new Int32Array(this.meta.length * 2 + 16);
        m.set(this.meta);
        this.meta = m;
      }
      this.describe(i, sharedRegistry());
    }
    return i;
  }

  private describe(i: number, defaults: Registry): void {
    const c = this.codecs[i] as AnyCodec;
    const kind = KIND_OF[c.id] ?? LayerKind.Other;
    // The fast path is only taken for the very codec objects of the default registry (a replaced codec goes the slow way).
    const isDefault = defaults.get(c.id) === c;
    const fast = isDefault && kind <= LayerKind.Vxlan ? kind : LayerKind.Other;
    this.meta[i] = fast | (limitClassOf(c.id) << 4) | (c.datagramLength ? BOUNDS : 0) | (kind << 8);
  }

  /**
   * Walks the layers of `bytes[offset, end)` (offsets stay absolute in `bytes`). Returns the number of
   * layers, which is also `count`. Never throws on bad bytes: `stopCode` says why it stopped early.
   */
  decode(bytes: Uint8Array, offset = 0, end = bytes.length): number {
    if (end > bytes.length) end = bytes.length;
    this.bytes = bytes;
    if (bytes !== this.viewBytes) this.setView(bytes);
    this.end0 = end;
    this.materialized = 0;
    this.stopCode = '';
    const walker = this.walker;
    if (walker !== undefined) {
      const at = walker(this, bytes, offset, end);
      if (at < 0) return this.count;
      this.walk(bytes, at, this.pOff, this.pLimit, this.pNext, this.pInner);
      if (this.eager) this.fill(at);
    } else {
      if (this.firstIdx < 0) this.stopCode = 'unsupported';
      this.walk(bytes, 0, offset, end, this.firstIdx, -1);
      if (this.eager) this.fill(0);
    }
    if (this.predictAfter > 0) this.learn();
    return this.count;
  }

  /**
   * Option `fields`, for depths `from` .. `count - 1` (a generated walker fills the depths it walked itself):
   * every field of the fast-path layers into `fields`, as {@link FIELD_LAYOUT} says. Each of those layers was
   * taken with at least its fixed header inside `bytes` (the fast path checks the room, the codec throws
   * otherwise), so every read is in bounds. test/fast.fields.test.ts compares them with `decodeStack`'s objects.
   */
  private fill(from: number): void {
    const f = this.fields;
    const offs = this.offs;
    const cis = this.cis;
    const meta = this.meta;
    const dv = this.view;
    const b = this.bytes;
    const n = this.count;
    for (let i = from; i < n; i++) {
      const layout = LAYOUT_BY_FAST[meta[cis[i]!]! & FAST_MASK];
      if (layout === undefined) continue;
      const o = offs[i]!;
      const p = this.base + o;
      const k = i * FIELDS_PER_LAYER;
      for (let j = 0; j < layout.length; j += 5) {
        const at = layout[j + 1]!;
        const width = layout[j + 2]!;
        const v =
          width === 1
            ? b[o + at]!
            : width === 2
              ? dv.getUint16(p + at)
              : width === 4
                ? dv.getUint32(p + at)
                : dv.getUint16(p + at) * 0x1_0000_0000 + dv.getUint32(p + at + 2);
        const bits = layout[j + 4]!;
        f[k + layout[j]!] = bits >= 32 ? v : (v >>> layout[j + 3]!) & ((1 << bits) - 1);
      }
    }
  }

  /** Whether `fields` holds the fields of depth `i` (option `fields`, and a layer it decodes eagerly). */
  hasFields(i: number): boolean {
    return this.eager && i >= 0 && i < this.count && (this.meta[this.cis[i]!]! & FAST_MASK) !== 0;
  }
  /** `fields[i * FIELDS_PER_LAYER + field]`: a field of depth `i` decoded by option `fields` (see {@link Field}). */
  field(i: number, field: number): number {
    return this.fields[i * FIELDS_PER_LAYER + field]!;
  }

  /**
   * The general loop, from depth `depth` (layers before it are in the slots, none of them counted against a
   * per-packet limit) at `off` within `limit`, with codec `ci` next and `innerIp` the innermost IP depth so far.
   */
  private walk(bytes: Uint8Array, depth: number, off: number, limit: number, ci: number, innerIp: number): void {
    const meta = this.meta;
    const maxDepth = this.maxDepth;
    const ethertype = this.ethertype;
    const ipProto = this.ipProto;
    const udpPort = this.udpPort;
    const offs = this.offs;
    const ends = this.ends;
    const cis = this.cis;
    const kinds = this.kinds;
    let nExt = 0;
    let nMpls = 0;
    let nGre = 0;
    this.shapeId = 0;
    while (ci >= 0) {
      if (depth >= maxDepth) {
        this.stopCode = 'too-deep';
        break;
      }
      const m = meta[ci]!;
      const lc = m & LIMIT_MASK;
      if (lc !== 0) {
        const over =
          lc === LIMIT_EXT
            ? ++nExt > this.limits.ipv6ExtensionHeaders
            : lc === LIMIT_MPLS
              ? ++nMpls > this.limits.mplsLabels
              : ++nGre > this.limits.greHeaders;
        if (over) {
          this.stopCode = 'too-deep';
          break;
        }
      }
      let hl = -1;
      let declared = -1;
      let next = -1;
      const room = limit - off;
      // Keep each case in step with its template in walkerSource().
      switch (m & FAST_MASK) {
        case FAST_ETHERNET:
          if (room >= 14) {
            hl = 14;
            next = ethertype[(bytes[off + 12]! << 8) | bytes[off + 13]!]! - 1;
          }
          break;
        case FAST_VLAN:
          if (room >= 4) {
            hl = 4;
            next = ethertype[(bytes[off + 2]! << 8) | bytes[off + 3]!]! - 1;
          }
          break;
        case FAST_IPV4: {
          // The usual header; anything odd (bad version, short IHL, total length below the header) goes to the codec.
          if (room >= 20) {
            const b0 = bytes[off]!;
            const h = (b0 & 15) << 2;
            const total = (bytes[off + 2]! << 8) | bytes[off + 3]!;
            if (b0 >>> 4 === 4 && h >= 20 && h <= room && total >= h) {
              hl = h;
              declared = total;
              // Non-first fragments stop at the IP layer.
              // Protocol 0 (IPv6 hop-by-hop) announces nothing after IPv4.
              const proto = bytes[off + 9]!;
              next = ((bytes[off + 6]! & 0x1f) | bytes[off + 7]!) === 0 && proto !== 0 ? ipProto[proto]! - 1 : -1;
            }
          }
          break;
        }
        case FAST_IPV6: // payload length 0, a jumbogram, goes to the codec
          if (room >= 40) {
            const pl = (bytes[off + 4]! << 8) | bytes[off + 5]!;
            if (bytes[off]! >>> 4 === 6 && pl > 0) {
              hl = 40;
              declared = 40 + pl;
              next = ipProto[bytes[off + 6]!]! - 1;
            }
          }
          break;
        case FAST_UDP: // by destination port, then source port
          if (room >= 8) {
            const len = (bytes[off + 4]! << 8) | bytes[off + 5]!;
            if (len >= 8) {
              hl = 8;
              declared = len;
              const byDst = udpPort[(bytes[off + 2]! << 8) | bytes[off + 3]!]!;
              next = (byDst !== 0 ? byDst : udpPort[(bytes[off]! << 8) | bytes[off + 1]!]!) - 1;
            }
          }
          break;
        case FAST_VXLAN:
          if (room >= 8) {
            hl = 8;
            next = this.ethernetIdx;
          }
          break;
      }
      if (hl < 0) {
        // Slow path: the codec itself (exact semantics for everything unusual and every other layer).
        this.count = depth;
        hl = this.slowStep(ci, bytes, off, limit);
        if (hl < 0) break;
        declared = this.slowDeclared;
        next = this.slowNext;
      }
      offs[depth] = off;
      if ((m & BOUNDS) !== 0 && declared >= hl && off + declared <= limit) limit = off + declared;
      ends[depth] = limit;
      cis[depth] = ci;
      const kind = m >>> 8;
      kinds[depth] = kind;
      if (kind === LayerKind.Ipv4 || kind === LayerKind.Ipv6) innerIp = depth;
      depth++;
      off += hl;
      if (next < 0) break;
      ci = next;
      if (off >= limit) break;
    }
    this.count = depth;
    this.innerIp = innerIp;
    this.payloadOffset = off;
    this.payloadEnd = limit;
  }

  /**
   * Called after every packet the general loop finished (all of it, or the part after a walker stopped).
   * The path of a packet is its leading fast-path layers; a path other than the current walker's that comes
   * `predictAfter` packets in a row becomes the current one (its walker generated the first time).
   */
  private learn(): void {
    const cis = this.cis;
    const meta = this.meta;
    const n = this.count;
    let len = 0;
    while (len < n && (meta[cis[len]!]! & FAST_MASK) !== 0) len++;
    const cur = this.shapePath;
    if (this.walker !== undefined && samePath(cur, cur.length, cis, len)) {
      this.candidateHits = 0;
      return;
    }
    if (len === 0) return;
    const cand = this.candidate;
    if (this.candidateHits > 0 && samePath(cand, this.candidateLen, cis, len)) this.candidateHits++;
    else {
      for (let i = 0; i < len; i++) cand[i] = cis[i]!;
      this.candidateLen = len;
      this.candidateHits = 1;
    }
    if (this.candidateHits >= this.predictAfter) this.adopt();
  }

  /** Makes the candidate path the current shape: an earlier shape of that path, or a new walker. */
  private adopt(): void {
    const len = this.candidateLen;
    const cand = this.candidate;
    this.candidateHits = 0;
    for (const s of this.shapes) {
      if (samePath(s.path, s.path.length, cand, len)) {
        this.walker = s.walker;
        this.shapePath = s.path;
        return;
      }
    }
    if (this.codegenFailed || this.shapes.length >= this.maxShapes) return;
    const path = cand.slice(0, len);
    const walker = this.compile(path);
    if (walker === undefined) return;
    this.shapes.push({ path, walker });
    this.walker = walker;
    this.shapePath = path;
  }

  /** Generates the walker of `path`, or returns `undefined` (for good) where `new Function` is refused. */
  private compile(path: Int32Array): Walker | undefined {
    const kinds: number[] = [];
    const fasts: number[] = [];
    const bounds: boolean[] = [];
    for (const ci of path) {
      const m = this.meta[ci]!;
      kinds.push(m >>> 8);
      fasts.push(m & FAST_MASK);
      bounds.push((m & BOUNDS) !== 0);
    }
    const source = walkerSource(Array.from(path), kinds, fasts, bounds, this.ethernetIdx, ++this.lastShapeId, this.eager);
    try {
      const factory = new Function('ET', 'IP', 'UP', source) as (et: Int16Array, ip: Int16Array, up: Int16Array) => Walker;
      return factory(this.ethertype, this.ipProto, this.udpPort);
    } catch {
      this.codegenFailed = true;
      return undefined;
    }
  }

  private slowDeclared = -1;
  private slowNext = -1;

  /** Decodes one layer (at depth `count`) with its codec; returns its header length, or -1 when the walk stops here. */
  private slowStep(ci: number, bytes: Uint8Array, off: number, limit: number): number {
    const codec = this.codecs[ci] as AnyCodec;
    const ctx = this.ctx;
    this.materialize(bytes);
    ctx.buf = bytes;
    let h: LayerObject;
    let hl: number;
    try {
      h = codec.decode(bytes, off, limit, ctx);
      hl = codec.headerLength(h);
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
      this.stopCode = e.code;
      return -1;
    }
    ctx.layers.push(h);
    this.materialized = this.count + 1;
    let end = limit;
    let declared = -1;
    if (codec.datagramLength) {
      const d = codec.datagramLength(h);
      if (d !== undefined) {
        declared = d;
        if (d >= hl && off + d <= limit) end = off + d;
      }
    }
    ctx.payloadOffset = off + hl;
    ctx.end = end;
    // A datagram shorter than its own header stops the walk (decodeStack keeps the payload raw).
    const ref = declared >= 0 && declared < hl ? undefined : codec.next(h, ctx);
    this.slowDeclared = declared;
    this.slowNext = ref ? this.resolveIdx(ref) : -1;
    return hl;
  }

  private resolveIdx(ref: NextRef): number {
    const c = this.registry.resolve(ref);
    return c ? this.indexOfCodec(c) : -1;
  }

  /** Builds the contract objects of the layers walked so far (only when a codec takes the slow path and may look at them). */
  private materialize(bytes: Uint8Array): void {
    const ctx = this.ctx;
    if (this.materialized === 0) ctx.layers.length = 0;
    for (let j = this.materialized; j < this.count; j++) {
      const c = this.codecs[this.cis[j]!] as AnyCodec;
      ctx.layers.push(c.decode(bytes, this.offs[j]!, j === 0 ? this.end0 : this.ends[j - 1]!, ctx));
    }
    this.materialized = this.count;
  }

  private setView(bytes: Uint8Array): void {
    const buffer = bytes.buffer;
    if (buffer !== this.viewBuffer) {
      this.view = new DataView(buffer);
      this.viewBuffer = buffer;
    }
    this.base = bytes.byteOffset;
    this.lim2 = bytes.length - 2;
    this.lim3 = bytes.length - 3;
    this.lim4 = bytes.length - 4;
    this.viewBytes = bytes;
  }

  /** The layer id at depth `i` (the codec's id string: compare with `===`); `''` past the last layer. */
  layerId(i: number): string {
    return i >= 0 && i < this.count ? (this.codecIds[this.cis[i]!] as string) : '';
  }
  /** The {@link LayerKind} at depth `i` (`i` < `count`). */
  kind(i: number): number {
    return this.kinds[i]!;
  }
  /** Absolute offset of the header at depth `i`. */
  offset(i: number): number {
    return this.offs[i]!;
  }
  /** Header length at depth `i`. */
  headerLength(i: number): number {
    return (i + 1 < this.count ? this.offs[i + 1]! : this.payloadOffset) - this.offs[i]!;
  }
  /** End of what the layer at depth `i` encloses (its datagram end for IPv4/IPv6/UDP). */
  end(i: number): number {
    return this.ends[i]!;
  }
  /** Depth of the `nth` layer with this id (0-based; negative counts from the inside), -1 when none. */
  indexOf(id: string, nth = 0): number {
    if (nth >= 0) {
      for (let i = 0, k = 0; i < this.count; i++) if (this.layerId(i) === id && k++ === nth) return i;
    } else {
      for (let i = this.count - 1, k = -1; i >= 0; i--) if (this.layerId(i) === id && k-- === nth) return i;
    }
    return -1;
  }
  // Field reads: a field inside `headerLength(i)` is always present. A `u16`/`u24`/`u32` read that does not
  // fit inside the packet's bytes returns 0: never bytes of the buffer around the packet (a capture's next
  // record), never a RangeError. The check is one compare; a loop with very many accessor calls may exceed
  // V8's inlining budget with it (see benchmarks/analysis.md), a price paid for reads that stay in the packet.

  /** The byte at `offset(i) + field` (`i` < `count`; `undefined` outside the packet, as indexing a Uint8Array gives). */
  u8(i: number, field: number): number {
    return this.bytes[this.offs[i]! + field]!;
  }
  /** The big-endian 16-bit value at `offset(i) + field`. */
  u16(i: number, field: number): number {
    const o = this.offs[i]! + field;
    return o >>> 0 > this.lim2 ? 0 : this.view.getUint16(this.base + o);
  }
  /** The big-endian 24-bit value at `offset(i) + field`. */
  u24(i: number, field: number): number {
    const o = this.offs[i]! + field;
    return o >>> 0 > this.lim3 ? 0 : (this.view.getUint16(this.base + o) << 8) | this.view.getUint8(this.base + o + 2);
  }
  /** The big-endian unsigned 32-bit value at `offset(i) + field`. */
  u32(i: number, field: number): number {
    const o = this.offs[i]! + field;
    return o >>> 0 > this.lim4 ? 0 : this.view.getUint32(this.base + o);
  }
  /** The contract object of the layer at depth `i`, decoded by its codec (allocates; for debugging and rare paths). */
  header(i: number): LayerObject | undefined {
    if (i < 0 || i >= this.count) return undefined;
    this.materialize(this.bytes);
    return this.ctx.layers[i];
  }

  /** Depth of the `pick`-th IP header (0-based from the outside), -1 when none; `ips` counts them when `pick` < 0. */
  private ipDepth(pick: number): number {
    const kinds = this.kinds;
    for (let i = 0, k = 0; i < this.count; i++) {
      const kind = kinds[i]!;
      if ((kind === LayerKind.Ipv4 || kind === LayerKind.Ipv6) && k++ === pick) return i;
    }
    return -1;
  }

  private ipCount(): number {
    let n = 0;
    for (let i = 0; i < this.count; i++) {
      const kind = this.kind(i);
      if (kind === LayerKind.Ipv4 || kind === LayerKind.Ipv6) n++;
    }
    return n;
  }

  /**
   * Fills the reusable {@link FlowSlot} with the flow key of an IP level (default the innermost), the same key
   * as `DecodedPacket.flowKey`. Returns `undefined` when the packet has no IP header at that level.
   */
  flow(depth: FlowDepth = 'inner'): FlowSlot | undefined {
    const s = this.slot;
    const i =
      depth === 'inner' ? this.innerIp : depth === 'outer' ? this.ipDepth(0) : this.ipDepth(depth < 0 ? this.ipCount() + depth : depth);
    if (i < 0) {
      s.ipVersion = 0;
      s.ipIndex = -1;
      return undefined;
    }
    const b = this.bytes;
    const offs = this.offs;
    const kinds = this.kinds;
    const count = this.count;
    const o = offs[i]!;
    s.bytes = b;
    s.ipIndex = i;
    let protocol: number;
    let frag = false;
    if (kinds[i] === LayerKind.Ipv4) {
      s.ipVersion = 4;
      s.srcV4 = ((b[o + 12]! << 24) | (b[o + 13]! << 16) | (b[o + 14]! << 8) | b[o + 15]!) >>> 0;
      s.dstV4 = ((b[o + 16]! << 24) | (b[o + 17]! << 16) | (b[o + 18]! << 8) | b[o + 19]!) >>> 0;
      s.src6 = -1;
      s.dst6 = -1;
      protocol = b[o + 9]!;
      frag = ((b[o + 6]! & 0x1f) | b[o + 7]!) !== 0;
    } else {
      s.ipVersion = 6;
      s.srcV4 = 0;
      s.dstV4 = 0;
      s.src6 = o + 8;
      s.dst6 = o + 24;
      protocol = b[o + 6]!;
    }
    let j = i + 1;
    let kind = j < count ? kinds[j]! : LayerKind.Other;
    while (j < count && kind === LayerKind.Ipv6Extension) {
      protocol = b[offs[j]!]!;
      j++;
      kind = j < count ? kinds[j]! : LayerKind.Other;
    }
    s.protocol = protocol;
    s.hasPorts = false;
    s.srcPort = 0;
    s.dstPort = 0;
    if (j < count) {
      if (kind === LayerKind.Udp) {
        const u = offs[j]!;
        s.hasPorts = true;
        s.srcPort = (b[u]! << 8) | b[u + 1]!;
        s.dstPort = (b[u + 2]! << 8) | b[u + 3]!;
      }
    } else if (this.payloadOffset < this.payloadEnd) {
      // The next layer is `raw`: read the ports of a known transport, as DecodedPacket.flowKey does.
      const u = this.payloadOffset;
      if (!frag && this.payloadEnd - u >= 4 && hasPortsAtStart(protocol)) {
        s.hasPorts = true;
        s.srcPort = (b[u]! << 8) | b[u + 1]!;
        s.dstPort = (b[u + 2]! << 8) | b[u + 3]!;
      }
    }
    return s;
  }

  /** `decode` then `flow('inner')`: the innermost flow key of a packet (the slot has `ipVersion` 0 when there is none). */
  innerFlow(bytes: Uint8Array, offset = 0, end = bytes.length): FlowSlot {
    this.decode(bytes, offset, end);
    this.flow('inner');
    return this.slot;
  }

  /** The last filled {@link FlowSlot}. */
  get flowSlot(): FlowSlot {
    return this.slot;
  }

  /** The flow key of an IP level as `DecodedPacket.flowKey` returns it (allocates strings). */
  flowKey(depth: FlowDepth = 'inner'): FlowKey | undefined {
    const s = this.flow(depth);
    if (!s) return undefined;
    const key: FlowKey =
      s.ipVersion === 4
        ? { ipVersion: 4, src: ipv4Text(s.srcV4), dst: ipv4Text(s.dstV4), protocol: s.protocol }
        : { ipVersion: 6, src: formatIpv6(s.bytes, s.src6), dst: formatIpv6(s.bytes, s.dst6), protocol: s.protocol };
    if (s.hasPorts) {
      key.srcPort = s.srcPort;
      key.dstPort = s.dstPort;
    }
    return key;
  }

  /**
   * The last filled flow slot as text, built only now: `proto 17 10.0.0.1:1234 > 10.0.0.2:80`, IPv6 addresses
   * in brackets when ports follow; `''` when the slot is empty.
   */
  flowKeyString(): string {
    const s = this.slot;
    if (s.ipVersion === 0) return '';
    const v6 = s.ipVersion === 6;
    const src = v6 ? formatIpv6(s.bytes, s.src6) : ipv4Text(s.srcV4);
    const dst = v6 ? formatIpv6(s.bytes, s.dst6) : ipv4Text(s.dstV4);
    if (!s.hasPorts) return `proto ${s.protocol} ${src} > ${dst}`;
    return v6
      ? `proto ${s.protocol} [${src}]:${s.srcPort} > [${dst}]:${s.dstPort}`
      : `proto ${s.protocol} ${src}:${s.srcPort} > ${dst}:${s.dstPort}`;
  }
}

/** Whether `a[0, aLen)` and `b[0, bLen)` hold the same codec indexes. */
function samePath(a: Int32Array, aLen: number, b: Int32Array, bLen: number): boolean {
  if (aLen !== bLen) return false;
  for (let i = 0; i < aLen; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The source of a walker for `path` (codec indexes with their LayerKind, fast-path case and datagram bit).
 * The body of its function is `(w, b, o, limit)`; `ET`, `IP`, `UP` are the dispatch tables. Each step is the
 * general loop's body for that layer (keep them in step): it checks what the fast path checks, and where the
 * loop would take the codec's slow path, the walker hands over *before* the step (`w.pNext` is the step's own
 * codec), so the loop repeats the check and goes the slow way. After a step it goes on only when the
 * dispatch leads to the next codec of the path and the loop would not stop; otherwise it finishes the packet
 * (when the loop would stop: no next layer, or the datagram is used up) or hands over at the next depth.
 */
function walkerSource(
  path: number[],
  kinds: number[],
  fasts: number[],
  bounds: boolean[],
  ethernetIdx: number,
  id: number,
  fields: boolean,
): string {
  // The codec indexes and kinds are the same for every packet of the path: stored only when another walk
  // (the general loop, another walker) may have overwritten them since this walker last stored them.
  const constants = path.map((ci, d) => `cis[${d}] = ${ci}; kinds[${d}] = ${kinds[d]};`).join(' ');
  const lines: string[] = [
    "'use strict';",
    'return function walker(w, b, o, limit) {',
    '  const offs = w.offs, ends = w.ends;',
    `  if (w.shapeId !== ${id}) { const cis = w.cis, kinds = w.kinds; ${constants} w.shapeId = ${id}; }`,
    '  let room = 0, hl = 0, next = -1, h = 0, v = 0, x = 0;',
  ];
  // Option `fields`: each step also decodes its layer's fields (the DataView is set for `b` before a walker runs).
  if (fields) lines.push('  const F = w.fields, dv = w.view, base = w.base;');
  let innerIp = -1;
  const handOver = (depth: number, nextCode: string, inner: number): string =>
    `w.pOff = o; w.pLimit = limit; w.pNext = ${nextCode}; w.pInner = ${inner}; return ${depth};`;
  path.forEach((ci, d) => {
    const kind = kinds[d]!;
    const stop = handOver(d, String(ci), innerIp);
    lines.push(`  // depth ${d}`, '  room = limit - o;');
    let declared = false;
    switch (fasts[d]) {
      case FAST_ETHERNET:
        lines.push(`  if (room < 14) { ${stop} }`, '  hl = 14;', '  next = ET[(b[o + 12] << 8) | b[o + 13]] - 1;');
        break;
      case FAST_VLAN:
        lines.push(`  if (room < 4) { ${stop} }`, '  hl = 4;', '  next = ET[(b[o + 2] << 8) | b[o + 3]] - 1;');
        break;
      case FAST_IPV4:
        declared = true;
        lines.push(
          `  if (room < 20) { ${stop} }`,
          '  v = b[o]; h = (v & 15) << 2; x = (b[o + 2] << 8) | b[o + 3];',
          `  if (!(v >>> 4 === 4 && h >= 20 && h <= room && x >= h)) { ${stop} }`,
          '  hl = h; v = b[o + 9];',
          '  next = ((b[o + 6] & 0x1f) | b[o + 7]) === 0 && v !== 0 ? IP[v] - 1 : -1;',
        );
        break;
      case FAST_IPV6:
        declared = true;
        lines.push(
          `  if (room < 40) { ${stop} }`,
          '  x = (b[o + 4] << 8) | b[o + 5];',
          `  if (!(b[o] >>> 4 === 6 && x > 0)) { ${stop} }`,
          '  hl = 40; x = 40 + x;',
          '  next = IP[b[o + 6]] - 1;',
        );
        break;
      case FAST_UDP:
        declared = true;
        lines.push(
          `  if (room < 8) { ${stop} }`,
          '  x = (b[o + 4] << 8) | b[o + 5];',
          `  if (!(x >= 8)) { ${stop} }`,
          '  hl = 8; v = UP[(b[o + 2] << 8) | b[o + 3]];',
          '  next = (v !== 0 ? v : UP[(b[o] << 8) | b[o + 1]]) - 1;',
        );
        break;
      case FAST_VXLAN:
        lines.push(`  if (room < 8) { ${stop} }`, '  hl = 8;', `  next = ${ethernetIdx};`);
        break;
      default:
        throw new Error(`no walker step for codec ${ci}`);
    }
    lines.push(`  offs[${d}] = o;`);
    if (fields) lines.push(...fillSource(fasts[d]!, d));
    if (declared && bounds[d]) lines.push('  if (x >= hl && o + x <= limit) limit = o + x;');
    lines.push(`  ends[${d}] = limit;`, '  o += hl;');
    if (kind === LayerKind.Ipv4 || kind === LayerKind.Ipv6) innerIp = d;
    const finish = `w.count = ${d + 1}; w.innerIp = ${innerIp}; w.payloadOffset = o; w.payloadEnd = limit; return -1;`;
    const leave = `if (next < 0 || o >= limit) { ${finish} } ${handOver(d + 1, 'next', innerIp)}`;
    if (d + 1 < path.length) lines.push(`  if (next !== ${path[d + 1]} || o >= limit) { ${leave} }`);
    else lines.push(`  ${leave}`);
  });
  lines.push('};');
  return lines.join('\n');
}

let shared: Registry | undefined;
/** The module's private default registry (never handed out, so never mutated). */
function sharedRegistry(): Registry {
  shared ??= defaultRegistry();
  return shared;
}

/** Dotted-quad text of an unsigned 32-bit IPv4 address. */
function ipv4Text(a: number): string {
  return `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`;
}
