/**
 * The codec interface every layer implements, and the types of the JSON layer contract.
 *
 * A codec is a plain value: it declares which dispatch-table entries reach it (`binds`) and how its
 * header points to the next layer (`next`). It registers nothing itself; a {@link Registry} instance
 * holds the tables.
 */
import type { IssueCode } from './errors.js';
import type { Registry } from './registry.js';

/** One layer as a plain JSON-safe object: `layer` names the protocol, every other key is a wire field. */
export interface LayerObject {
  readonly layer: string;
  readonly [field: string]: unknown;
}

/** The constraint every header type meets: a `layer` name. */
export interface LayerBase {
  readonly layer: string;
}

/** What `encodeStack` accepts for a header: `layer` plus any subset of the fields. */
export type LayerInput<H extends LayerBase> = { readonly layer: H['layer'] } & { readonly [K in Exclude<keyof H, 'layer'>]?: H[K] };

/** How a field is written as text (CLI expressions, docs) and checked. */
export type FieldKind = 'uint' | 'bool' | 'mac' | 'ipv4' | 'ipv6' | 'hex' | 'json';

/** One field of a layer, in contract order. */
export interface FieldSpec {
  readonly name: string;
  readonly kind: FieldKind;
  /** Width in bits for `uint` fields. */
  readonly bits?: number;
  /** Computed from the surrounding layers when left out. */
  readonly derived?: boolean;
  /** Only present on the wire under a condition (GRE key, ...). */
  readonly optional?: boolean;
  readonly default?: unknown;
  readonly doc?: string;
}

/** A dispatch table name. Users may add their own tables. */
export type TableName = 'ethertype' | 'ip.proto' | 'udp.port' | 'mpls.label' | 'linktype' | 'vxlan-gpe.np' | (string & {});

/**
 * Where a header points next: a dispatch-table key, or a layer directly. `quoted` marks what follows as a
 * quotation of another packet (the body of an ICMP error): the datagrams in it may be cut short by design
 * (RFC 792 quotes the IP header and 8 bytes), so the stack decoder records no `truncated` issue for them.
 */
export type NextRef =
  | { readonly table: TableName; readonly value: number; readonly quoted?: boolean }
  | { readonly layer: string; readonly quoted?: boolean };

/** A dispatch-table entry that reaches a codec. */
export interface Binding {
  readonly table: TableName;
  readonly value: number;
}

/** State the stack decoder hands to a codec (read-only for the codec, except `issue`). */
export interface DecodeContext {
  readonly registry: Registry;
  /** Layers decoded so far, outermost first (the current one last, once decoded). */
  readonly layers: readonly LayerObject[];
  /** The packet being decoded. */
  readonly buf: Uint8Array;
  /** When `next` is called: absolute offset of the current layer's payload. */
  readonly payloadOffset: number;
  /** Absolute end (exclusive) of the bytes the current layer may claim. */
  readonly end: number;
  /** Records a non-fatal issue on the current layer (a bad checksum, a length that disagrees). */
  issue(code: IssueCode, message: string, offset?: number): void;
}

/** Where the enclosing network header is, for pseudo-header checksums. */
export interface NetworkRef {
  readonly layer: 'ipv4' | 'ipv6' | (string & {});
  /** Absolute offset of the IP header in the buffer. */
  readonly offset: number;
}

/** State the stack encoder hands to a codec while writing headers (outer to inner). */
export interface EncodeContext {
  readonly registry: Registry;
  /** Every layer of the stack being encoded, outermost first. */
  readonly layers: readonly LayerObject[];
  /** Index of the current layer in `layers`. */
  readonly index: number;
}

/** State for the inside-out pass that fixes lengths and checksums. */
export interface FinishContext extends EncodeContext {
  /** Bytes the header occupies. */
  readonly headerLength: number;
  /** Absolute end (exclusive) of this layer's datagram: its payload is `[offset + headerLength, end)`. */
  readonly end: number;
  /** Nearest enclosing IPv4/IPv6 header, for pseudo-header checksums. */
  readonly network: NetworkRef | undefined;
}

/** State for checksum verification while decoding. */
export interface VerifyContext {
  readonly headerLength: number;
  readonly end: number;
  readonly network: NetworkRef | undefined;
}

/**
 * A layer codec: the bundle the registry and the stack engine work with.
 * `decode`/`encode` are the package's `decodeX`/`encodeX`; the rest wires it into stacks.
 */
export interface LayerCodec<H extends LayerBase = LayerObject> {
  /** The contract's layer name, e.g. `'udp'`. */
  readonly id: H['layer'];
  /** Fields in contract order (docs, CLI expressions, tests). */
  readonly fields: readonly FieldSpec[];
  /** True for IPv4/IPv6: the layer whose addresses inner checksums' pseudo-headers use. */
  readonly network?: boolean;
  /** Smallest header size in bytes. */
  readonly minLength: number;
  /** Dispatch entries that reach this codec in a default registry. */
  readonly binds: readonly Binding[];
  /** Decodes the header at `offset`, reading nothing at or past `end`. Throws `DecodeError`. */
  decode(buf: Uint8Array, offset: number, end: number, ctx?: DecodeContext): H;
  /** Bytes the decoded header occupies. */
  headerLength(h: H): number;
  /** Where the payload goes next; `undefined` means the payload is raw. */
  next(h: H, ctx: DecodeContext): NextRef | undefined;
  /**
   * For layers that bound a datagram (IPv4 total length, IPv6 payload length, UDP length): the
   * length in bytes the header declares for header plus payload. Bytes beyond it are padding/trailer.
   */
  datagramLength?(h: H): number | undefined;
  /** Checks the checksum of a decoded header; `false` records a `bad-checksum` issue. */
  verify?(h: H, buf: Uint8Array, offset: number, ctx: VerifyContext): boolean;
  /** Bytes `encode` will write for this input. Throws `EncodeError` on values it cannot encode. */
  encodingLength(h: LayerInput<H>): number;
  /**
   * Writes the header with defaults and next-protocol fields filled (derived lengths and checksums
   * as given, or 0 until `finish`). Validates every value before writing. Returns bytes written.
   */
  encode(h: LayerInput<H>, buf: Uint8Array, offset: number, ctx?: EncodeContext): number;
  /** Inside-out pass: writes lengths and checksums that `h` leaves out, now that the payload is in place. */
  finish?(h: LayerInput<H>, buf: Uint8Array, offset: number, ctx: FinishContext): void;
}

/** Any codec, whatever its header type. */
// biome-ignore lint/suspicious/noExplicitAny: a registry holds codecs of every header type
export type AnyCodec = LayerCodec<any>;
