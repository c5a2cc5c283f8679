/** VXLAN and VXLAN-GPE sizes, field offsets, ports and next-protocol values. */

/** Bytes in a VXLAN header (RFC 7348 §5). */
export const VXLAN_HEADER_LEN = 8;
/** Bytes in a VXLAN-GPE header (draft-ietf-nvo3-vxlan-gpe §3.2). */
export const VXLAN_GPE_HEADER_LEN = 8;

/** Offsets within a VXLAN header (RFC 7348 §5). */
export const VxlanField = { FLAGS: 0, RESERVED1: 1, VNI: 4, RESERVED2: 7 } as const;
/** Offsets within a VXLAN-GPE header (draft-ietf-nvo3-vxlan-gpe §3.2). */
export const VxlanGpeField = { FLAGS: 0, RESERVED1: 1, NEXT_PROTOCOL: 3, VNI: 4, RESERVED2: 7 } as const;

/** The I flag: the VNI is valid (RFC 7348 §5; same bit in VXLAN-GPE). */
export const VXLAN_FLAG_I = 0x08;
/** Bits of the VXLAN-GPE flags byte (draft-ietf-nvo3-vxlan-gpe §3.2): |R|R|Ver|I|P|B|O|. */
export const VxlanGpeFlag = { VERSION_MASK: 0x30, VERSION_SHIFT: 4, I: 0x08, P: 0x04, B: 0x02, O: 0x01 } as const;
/** Default VXLAN-GPE flags: I and P set (VNI valid, next protocol present). */
export const VXLAN_GPE_DEFAULT_FLAGS = VxlanGpeFlag.I | VxlanGpeFlag.P;

/** The IANA UDP port of VXLAN (RFC 7348 §5). */
export const VXLAN_PORT = 4789;
/** The port the Linux kernel used for VXLAN before IANA assigned 4789 (opt-in, see `bindLinuxVxlanPort`). */
export const LINUX_VXLAN_PORT = 8472;
/** The IANA UDP port of VXLAN-GPE (draft-ietf-nvo3-vxlan-gpe §3.3). */
export const VXLAN_GPE_PORT = 4790;

/** VXLAN-GPE next-protocol values (draft-ietf-nvo3-vxlan-gpe §3.2, §11.2). */
export const VxlanGpeNextProtocol = { IPv4: 1, IPv6: 2, Ethernet: 3, NSH: 4, MPLS: 5 } as const;

/**
 * The `vxlan-gpe.np` table entries: bindings of other layers, for a default registry to add
 * (draft-ietf-nvo3-vxlan-gpe §11.2).
 */
export const VXLAN_GPE_BINDINGS: ReadonlyArray<{ readonly table: 'vxlan-gpe.np'; readonly value: number; readonly layer: string }> = [
  { table: 'vxlan-gpe.np', value: VxlanGpeNextProtocol.IPv4, layer: 'ipv4' },
  { table: 'vxlan-gpe.np', value: VxlanGpeNextProtocol.IPv6, layer: 'ipv6' },
  { table: 'vxlan-gpe.np', value: VxlanGpeNextProtocol.Ethernet, layer: 'ethernet' },
  { table: 'vxlan-gpe.np', value: VxlanGpeNextProtocol.NSH, layer: 'nsh' },
  { table: 'vxlan-gpe.np', value: VxlanGpeNextProtocol.MPLS, layer: 'mpls' },
];
