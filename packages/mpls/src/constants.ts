/** MPLS sizes, field offsets, reserved labels, bindings and the pseudowire control word layout. */

/** Bytes in one label stack entry (RFC 3032 §2.1). */
export const MPLS_HEADER_LEN = 4;
/** Bytes in the pseudowire control word (RFC 4385 §3). */
export const MPLS_CW_LEN = 4;

/** Offsets within a label stack entry (RFC 3032 §2.1): label/TC/S share the first 3 bytes, TTL is the last. */
export const MplsField = { LABEL_TC_S: 0, TTL: 3 } as const;
/** Bits of the first 24 bits of a label stack entry, label/TC/S (RFC 3032 §2.1, TC per RFC 5462). */
export const MplsBits = { LABEL_SHIFT: 4, TC_SHIFT: 1, TC_MASK: 0x7, BOTTOM: 0x1 } as const;

/** Offsets within the pseudowire control word (RFC 4385 §3). */
export const MplsCwField = { FLAGS: 0, FRAG_LENGTH: 1, SEQUENCE: 2 } as const;

/** Reserved label values (RFC 3032 §2.1, RFC 6790 ELI, RFC 5586 GAL, RFC 3429 OAM Alert, RFC 7274 Extension). */
export const MplsLabel = {
  IPv4ExplicitNull: 0,
  RouterAlert: 1,
  IPv6ExplicitNull: 2,
  ImplicitNull: 3,
  EntropyLabelIndicator: 7,
  GAL: 13,
  OAMAlert: 14,
  Extension: 15,
} as const;

const LABEL_NAMES: Record<number, string> = {
  0: 'IPv4ExplicitNull',
  1: 'RouterAlert',
  2: 'IPv6ExplicitNull',
  3: 'ImplicitNull',
  7: 'EntropyLabelIndicator',
  13: 'GAL',
  14: 'OAMAlert',
  15: 'Extension',
};

/** The name of a reserved label (see {@link MplsLabel}), or its decimal value. RFC 3032 §2.1. */
export function mplsLabelName(n: number): string {
  return LABEL_NAMES[n] ?? String(n);
}

/** EtherType of MPLS unicast (RFC 3032 §5). */
export const MPLS_ETHERTYPE = 0x8847;
/** EtherType of MPLS multicast (RFC 5332). */
export const MPLS_MULTICAST_ETHERTYPE = 0x8848;
/** IP protocol number of MPLS-in-IP (RFC 4023). */
export const MPLS_IP_PROTOCOL = 137;
/** UDP port of MPLS-in-UDP (RFC 7510). */
export const MPLS_UDP_PORT = 6635;
