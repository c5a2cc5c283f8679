/** ESP sizes, field offsets, code points and defaults (RFC 4303, RFC 4106, RFC 3948). */

/** Bytes in the cleartext ESP header: SPI and sequence number (RFC 4303 §2). */
export const ESP_HEADER_LEN = 8;

/** Offsets within the ESP header (RFC 4303 §2.1, §2.2). */
export const EspField = { SPI: 0, SEQUENCE: 4 } as const;

/** The IP protocol number of ESP (IANA; RFC 4303 §2). */
export const ESP_IP_PROTOCOL = 50;

/** The UDP port of NAT traversal (RFC 3948 §2). Not bound by the `esp` layer: see `classifyNatTPayload`. */
export const NAT_T_PORT = 4500;

/** Bytes of the explicit IV that AES-GCM ESP carries after the header (RFC 4106 §3.1). */
export const ESP_GCM_IV_LEN = 8;
/** Bytes of the salt that ends the keying material (RFC 4106 §4, §8.1). */
export const ESP_GCM_SALT_LEN = 4;
/** Bytes of the Integrity Check Value: this package always uses the 16-octet ICV (RFC 4106 §6, the MUST). */
export const ESP_GCM_ICV_LEN = 16;
/** Bytes of the ESP trailer: Pad Length and Next Header (RFC 4303 §2.4, §2.5). */
export const ESP_TRAILER_LEN = 2;
/** The ciphertext is padded so that Pad Length and Next Header end on a 4-byte boundary (RFC 4303 §2.4). */
export const ESP_ALIGNMENT = 4;
/** Smallest AES-GCM ESP packet `open` reads: header, IV, the 2-byte trailer and the ICV. */
export const ESP_GCM_MIN_LEN = ESP_HEADER_LEN + ESP_GCM_IV_LEN + ESP_TRAILER_LEN + ESP_GCM_ICV_LEN;

/** Default anti-replay window in packets (RFC 4303 §3.4.3: 32 is the minimum, 64 preferred). */
export const ESP_DEFAULT_REPLAY_WINDOW = 64;
/** Largest anti-replay window an `EspSa` accepts. */
export const ESP_MAX_REPLAY_WINDOW = 65536;
/** The last sequence number a 32-bit SA may send; after it the SA must be rekeyed (RFC 4303 §3.3.3). */
export const ESP_MAX_SEQUENCE = 0xffffffff;

/**
 * Next Header values (IANA protocol numbers, RFC 4303 §2.6) that an overlay puts in the ESP trailer.
 * `Ethernet` (143) is the IANA "Ethernet" protocol number (RFC 8986 §10.1): a whole Ethernet frame in tunnel mode.
 * `NoNextHeader` (59) marks a dummy packet for traffic flow confidentiality (RFC 4303 §2.6): the receiver drops it.
 */
export const EspNextHeader = { IPv4: 4, TCP: 6, UDP: 17, IPv6: 41, NoNextHeader: 59, Ethernet: 143 } as const;

/** The Next Header of a dummy (TFC) packet, which receivers must discard (RFC 4303 §2.6). */
export const ESP_DUMMY_NEXT_HEADER = EspNextHeader.NoNextHeader;
