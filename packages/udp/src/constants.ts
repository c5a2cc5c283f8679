/** UDP header size, field offsets and port numbers (RFC 768). */

/** Bytes in a UDP header (RFC 768). */
export const UDP_HEADER_LEN = 8;
/** Largest datagram the `length` field can describe (RFC 768). */
export const UDP_MAX_LENGTH = 0xffff;

/** Byte offsets within a UDP header (RFC 768). */
export const UdpField = { SRC_PORT: 0, DST_PORT: 2, LENGTH: 4, CHECKSUM: 6 } as const;

/** Well-known ports of the tunnels wirestack decodes (IANA Service Name and Transport Protocol Port Number Registry). */
export const UdpPort = {
  /** VXLAN (RFC 7348 §5). */
  VXLAN: 4789,
  /** VXLAN-GPE (draft-ietf-nvo3-vxlan-gpe). */
  VXLAN_GPE: 4790,
  /** Geneve (RFC 8926 §3.3). */
  GENEVE: 6081,
  /** MPLS in UDP (RFC 7510 §3). */
  MPLS: 6635,
} as const;

/** IP protocol number of UDP, used in the pseudo-headers (IANA). */
export const UDP_PROTOCOL = 17;

/** First port of the dynamic range that tunnel source ports are hashed into (RFC 7348 §5, RFC 6335 §6). */
export const TUNNEL_SOURCE_PORT_MIN = 49152;
/** Number of ports in the dynamic range 49152..65535. */
export const TUNNEL_SOURCE_PORT_COUNT = 16384;
