/** Link type numbers ↔ the first layer of a packet (tcpdump.org LINKTYPE_ registry). */
import { LinkType } from './constants.js';

const NAMES: Record<number, string> = {
  0: 'NULL',
  1: 'ETHERNET',
  12: 'RAW',
  14: 'RAW',
  101: 'RAW',
  108: 'LOOP',
  113: 'LINUX_SLL',
  228: 'IPV4',
  229: 'IPV6',
  276: 'LINUX_SLL2',
};

/** The LINKTYPE_ name without its prefix (`'ETHERNET'`), or the decimal number when unknown. */
export function linkTypeName(n: number): string {
  return NAMES[n] ?? String(n);
}

/**
 * The id of the first layer of a packet captured with `linkType`: 1 `ethernet`; 228 `ipv4`; 229 `ipv6`;
 * 101 / 12 / 14 (raw IP) `ipv4` or `ipv6` by the version nibble of `firstByte` (`undefined` when it is
 * neither or missing); 113 `linux-sll`; 276 `linux-sll2`; 0 / 108 `null`; `undefined` for any other.
 * Only the low 16 bits are the link type (pcap keeps FCS information above them), so they alone are used.
 */
export function linkTypeFirstLayer(linkType: number, firstByte?: number): string | undefined {
  switch (linkType & 0xffff) {
    case LinkType.ETHERNET:
      return 'ethernet';
    case LinkType.IPV4:
      return 'ipv4';
    case LinkType.IPV6:
      return 'ipv6';
    case LinkType.RAW:
    case LinkType.RAW_12:
    case LinkType.RAW_14: {
      const v = firstByte === undefined ? -1 : firstByte >>> 4;
      return v === 4 ? 'ipv4' : v === 6 ? 'ipv6' : undefined;
    }
    case LinkType.LINUX_SLL:
      return 'linux-sll';
    case LinkType.LINUX_SLL2:
      return 'linux-sll2';
    case LinkType.NULL:
    case LinkType.LOOP:
      return 'null';
    default:
      return undefined;
  }
}

const FOR_LAYER: Record<string, number> = {
  ethernet: LinkType.ETHERNET,
  ipv4: LinkType.RAW,
  ipv6: LinkType.RAW,
  'linux-sll': LinkType.LINUX_SLL,
  'linux-sll2': LinkType.LINUX_SLL2,
  null: LinkType.NULL,
};

/**
 * The link type to write for packets whose first layer is `layerId`: ethernet 1, ipv4/ipv6 101 (raw),
 * linux-sll 113, linux-sll2 276, null 0; `undefined` for a layer no link type starts with.
 */
export function linkTypeForLayer(layerId: string): number | undefined {
  return Object.hasOwn(FOR_LAYER, layerId) ? FOR_LAYER[layerId] : undefined;
}
