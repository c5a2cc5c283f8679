/** Ethernet II and VLAN tag sizes and field offsets. */

/** Bytes in an Ethernet II header (no FCS). */
export const ETHERNET_HEADER_LEN = 14;
/** Bytes in an 802.1Q / 802.1ad tag after the TPID: TCI plus the inner EtherType. */
export const VLAN_HEADER_LEN = 4;

/** Offsets within an Ethernet II header. */
export const EthernetField = { DST: 0, SRC: 6, ETHER_TYPE: 12 } as const;
/** Offsets within a VLAN tag (TPID excluded: it is the previous EtherType). */
export const VlanField = { TCI: 0, ETHER_TYPE: 2 } as const;

/** The TPIDs that announce a tag: 802.1Q, 802.1ad (S-tag) and the pre-standard QinQ 0x9100. */
export const VLAN_TPIDS = [0x8100, 0x88a8, 0x9100] as const;

/** Default EtherType written when nothing follows (Scapy's choice: 0x9000, Ethernet loopback). */
export const ETHERTYPE_NONE = 0x9000;
