/** The `linux-sll`, `linux-sll2` and `null` layer codecs. They are reached by link type, not by a dispatch table. */
import type { LayerCodec } from '@wirestack/core';
import { LINUX_SLL_HEADER_LEN, LINUX_SLL2_HEADER_LEN, NULL_HEADER_LEN } from './constants.js';
import {
  decodeLinuxSll,
  decodeLinuxSll2,
  encodeLinuxSll,
  encodeLinuxSll2,
  type LinuxSll2Header,
  type LinuxSllHeader,
  linuxSll2EncodingLength,
  linuxSllEncodingLength,
  sllNext,
} from './header.js';
import { decodeNull, encodeNull, type NullHeader, nullEncodingLength, nullNext } from './null.js';

/** Linux cooked capture v1 (LINKTYPE_LINUX_SLL, 113). */
export const linuxSll: LayerCodec<LinuxSllHeader> = {
  id: 'linux-sll',
  minLength: LINUX_SLL_HEADER_LEN,
  fields: [
    { name: 'packetType', kind: 'uint', bits: 16, default: 0, doc: 'sll.pkttype' },
    { name: 'arphrdType', kind: 'uint', bits: 16, default: 1, doc: 'sll.hatype' },
    { name: 'addressLength', kind: 'uint', bits: 16, default: 6, doc: 'sll.halen' },
    { name: 'address', kind: 'hex', default: '0000000000000000', doc: 'the whole 8-byte address field (sll.src.* then sll.unused)' },
    { name: 'protocol', kind: 'uint', bits: 16, derived: true, doc: 'sll.etype / sll.ltype' },
  ],
  binds: [],
  decode: decodeLinuxSll,
  headerLength: () => LINUX_SLL_HEADER_LEN,
  next: (h) => sllNext(h.arphrdType, h.protocol),
  encodingLength: linuxSllEncodingLength,
  encode: encodeLinuxSll,
};

/** Linux cooked capture v2 (LINKTYPE_LINUX_SLL2, 276). */
export const linuxSll2: LayerCodec<LinuxSll2Header> = {
  id: 'linux-sll2',
  minLength: LINUX_SLL2_HEADER_LEN,
  fields: [
    { name: 'protocol', kind: 'uint', bits: 16, derived: true, doc: 'sll.etype / sll.ltype' },
    { name: 'reserved', kind: 'uint', bits: 16, default: 0 },
    { name: 'interfaceIndex', kind: 'uint', bits: 32, default: 0, doc: 'sll.ifindex' },
    { name: 'arphrdType', kind: 'uint', bits: 16, default: 1, doc: 'sll.hatype' },
    { name: 'packetType', kind: 'uint', bits: 8, default: 0, doc: 'sll.pkttype' },
    { name: 'addressLength', kind: 'uint', bits: 8, default: 6, doc: 'sll.halen' },
    { name: 'address', kind: 'hex', default: '0000000000000000', doc: 'the whole 8-byte address field' },
  ],
  binds: [],
  decode: decodeLinuxSll2,
  headerLength: () => LINUX_SLL2_HEADER_LEN,
  next: (h) => sllNext(h.arphrdType, h.protocol),
  encodingLength: linuxSll2EncodingLength,
  encode: encodeLinuxSll2,
};

/** BSD loopback (LINKTYPE_NULL 0, LINKTYPE_LOOP 108). */
export const nullLoopback: LayerCodec<NullHeader> = {
  id: 'null',
  minLength: NULL_HEADER_LEN,
  fields: [
    { name: 'family', kind: 'uint', bits: 32, derived: true, doc: 'null.family: 2 IPv4; 10, 24, 28, 30 IPv6' },
    // No string kind exists in FieldKind; 'json' makes the CLI read `byteOrder="big"`.
    { name: 'byteOrder', kind: 'json', default: 'little', doc: "'little' (LINKTYPE_NULL on little-endian hosts) or 'big' (LINKTYPE_LOOP)" },
  ],
  binds: [],
  decode: decodeNull,
  headerLength: () => NULL_HEADER_LEN,
  next: nullNext,
  encodingLength: nullEncodingLength,
  encode: encodeNull,
};
