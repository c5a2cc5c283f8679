/**
 * Capture link types (tcpdump.org LINKTYPE_ registry, draft-ietf-opsawg-pcaplinktype) and the sizes,
 * offsets and code points of the Linux cooked-capture (SLL, SLL2) and BSD loopback (NULL/LOOP) headers.
 */

/** LINKTYPE_ values wirestack knows (tcpdump.org link-layer header types). Unknown values stay numbers. */
export const LinkType = {
  /** LINKTYPE_NULL: BSD loopback, 4-byte address family in the capturing host's byte order. */
  NULL: 0,
  /** LINKTYPE_ETHERNET: Ethernet II / IEEE 802.3. */
  ETHERNET: 1,
  /** Raw IP on OpenBSD (DLT_RAW = 12 there). */
  RAW_12: 12,
  /** Raw IP on BSD/OS (DLT_RAW = 14 there). */
  RAW_14: 14,
  /** LINKTYPE_RAW: raw IPv4 or IPv6, told apart by the version nibble. */
  RAW: 101,
  /** LINKTYPE_LOOP: OpenBSD loopback, 4-byte address family in network byte order. */
  LOOP: 108,
  /** LINKTYPE_LINUX_SLL: Linux cooked capture v1 (16-byte header). */
  LINUX_SLL: 113,
  /** LINKTYPE_IPV4: raw IPv4. */
  IPV4: 228,
  /** LINKTYPE_IPV6: raw IPv6. */
  IPV6: 229,
  /** LINKTYPE_LINUX_SLL2: Linux cooked capture v2 (20-byte header). */
  LINUX_SLL2: 276,
} as const;

/** Bytes in a LINKTYPE_LINUX_SLL header. */
export const LINUX_SLL_HEADER_LEN = 16;
/** Bytes in a LINKTYPE_LINUX_SLL2 header. */
export const LINUX_SLL2_HEADER_LEN = 20;
/** Bytes in a LINKTYPE_NULL / LINKTYPE_LOOP header. */
export const NULL_HEADER_LEN = 4;
/** Bytes of the link-layer address field in SLL and SLL2 headers (only `addressLength` of them are meaningful). */
export const SLL_ADDRESS_FIELD_LEN = 8;

/** Offsets within a LINKTYPE_LINUX_SLL header (all fields big-endian). */
export const LinuxSllField = { PACKET_TYPE: 0, ARPHRD_TYPE: 2, ADDRESS_LENGTH: 4, ADDRESS: 6, PROTOCOL: 14 } as const;

/** Offsets within a LINKTYPE_LINUX_SLL2 header (all fields big-endian). */
export const LinuxSll2Field = {
  PROTOCOL: 0,
  RESERVED: 2,
  INTERFACE_INDEX: 4,
  ARPHRD_TYPE: 8,
  PACKET_TYPE: 10,
  ADDRESS_LENGTH: 11,
  ADDRESS: 12,
} as const;

/** Offsets within a LINKTYPE_NULL / LINKTYPE_LOOP header. */
export const NullField = { FAMILY: 0 } as const;

/** SLL packet types (Linux `PACKET_*`, `sll.pkttype`). */
export const SllPacketType = { Host: 0, Broadcast: 1, Multicast: 2, OtherHost: 3, Outgoing: 4 } as const;

/** A few Linux ARPHRD_ types (`sll.hatype`; linux/if_arp.h). */
export const ArphrdType = {
  ETHER: 1,
  PPP: 512,
  LOOPBACK: 772,
  IPGRE: 778,
  IEEE80211_RADIOTAP: 803,
  NETLINK: 824,
  NONE: 0xfffe,
} as const;

/**
 * Linux pseudo-protocol numbers that SLL headers carry instead of an EtherType (`sll.ltype`; any value
 * below 0x0600 is one of these, never an EtherType).
 */
export const SllProtocol = {
  /** Novell 802.3 frames without an 802.2 LLC header. */
  NOVELL_802_3: 0x0001,
  /** Frames with their own Ethernet header (ETH_P_ALL). */
  ALL: 0x0003,
  /** 802.2 LLC frames. */
  LLC_802_2: 0x0004,
  /** PPP in HDLC-like framing. */
  PPP_HDLC: 0x0007,
  CAN: 0x000c,
  CANFD: 0x000d,
} as const;

/** Values below this in the SLL protocol field are Linux pseudo-protocols, not EtherTypes (IEEE 802.3 length boundary). */
export const SLL_MIN_ETHERTYPE = 0x0600;

/**
 * The address families a NULL/LOOP header announces, and the layer each one starts. AF_INET is 2 on every
 * system; AF_INET6 differs: 10 on Linux, 24 on NetBSD/OpenBSD/BSD/OS, 28 on FreeBSD/DragonFly, 30 on
 * macOS/Darwin (pcap-linktype docs).
 */
export const NullFamily = { INET: 2, INET6_LINUX: 10, INET6_BSD: 24, INET6_FREEBSD: 28, INET6_DARWIN: 30 } as const;

/** The `null.family` table: address family → first layer of the payload. */
export const NULL_FAMILY_LAYERS: Readonly<Record<number, 'ipv4' | 'ipv6'>> = {
  2: 'ipv4',
  10: 'ipv6',
  24: 'ipv6',
  28: 'ipv6',
  30: 'ipv6',
};

/** Byte orders of a NULL/LOOP family field. */
export type NullByteOrder = 'little' | 'big';
