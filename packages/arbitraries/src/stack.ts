/**
 * A grammar of encapsulation stacks: Ethernet with VLAN tags, IPv4/IPv6 (with extension headers), UDP, GRE,
 * VXLAN, Geneve, MPLS and IP-in-IP, nested to any depth, ending in raw bytes (sometimes after an ICMP/ICMPv6 echo). In the default mode every stack
 * is *valid*: derived fields are left out (the encoder fills them) and nothing that changes dispatch is random
 * (no non-first fragments, no reserved MPLS labels, GRE version 0, Geneve version 0), so
 * `decodeStack(encodeStack(s))` must give back every given field. With `inconsistent: true` the derived
 * fields are random too (wrong lengths, checksums and next-protocol numbers), for robustness properties.
 */
import fc from 'fast-check';
import { arbHex } from './common.js';
import { arbEthernetHeader, arbVlanHeader } from './ethernet.js';
import { arbGeneveHeader } from './geneve.js';
import { arbGreHeader } from './gre.js';
import { arbIpv4Header } from './ipv4.js';
import {
  arbIpv6DestinationOptionsHeader,
  arbIpv6FragmentHeader,
  arbIpv6Header,
  arbIpv6HopByHopHeader,
  arbIpv6RoutingHeader,
} from './ipv6.js';
import { arbMplsHeader } from './mpls.js';
import { arbUdpHeader } from './udp.js';
import { arbVxlanHeader } from './vxlan.js';

/** A layer object of the JSON contract. */
export type StackLayer = { readonly layer: string; readonly [field: string]: unknown };

/** Options of {@link arbStack}. */
export interface StackArbOptions {
  /** Most layers in a stack, the final `raw` included (default 16). */
  maxLayers?: number;
  /** Keep random values in derived fields (lengths, checksums, next-protocol numbers, bottom of stack). */
  inconsistent?: boolean;
}

/** The contract's derived fields per layer, left out of valid stacks so the encoder computes them. */
export const DERIVED_FIELDS: Readonly<Record<string, readonly string[]>> = {
  ethernet: ['etherType'],
  vlan: ['etherType'],
  ipv4: ['ihl', 'totalLength', 'protocol', 'checksum'],
  ipv6: ['payloadLength', 'nextHeader'],
  'ipv6-hop-by-hop': ['nextHeader'],
  'ipv6-destination-options': ['nextHeader'],
  'ipv6-routing': ['nextHeader'],
  'ipv6-fragment': ['nextHeader'],
  udp: ['srcPort', 'dstPort', 'length', 'checksum'],
  gre: ['checksumPresent', 'keyPresent', 'sequencePresent', 'protocolType', 'checksum'],
  geneve: ['optionsLength', 'protocolType'],
  mpls: ['bottomOfStack'],
  icmp: ['checksum'],
  icmpv6: ['checksum'],
  arp: ['hwSize', 'protoSize'],
};

type Node = 'link' | 'l3' | 'afterIp' | 'tunnelPayload' | 'l3orEth';

function strip(h: StackLayer, inconsistent: boolean): StackLayer {
  if (inconsistent) return h;
  const drop = DERIVED_FIELDS[h.layer] ?? [];
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(h)) if (!drop.includes(k)) out[k] = v;
  return out as StackLayer;
}

const ipv4 = () => arbIpv4Header().map((h) => ({ ...h, fragmentOffset: 0 }) as StackLayer);
const ipv6Ext = () =>
  fc.oneof(
    arbIpv6HopByHopHeader(),
    arbIpv6DestinationOptionsHeader(),
    arbIpv6RoutingHeader(),
    arbIpv6FragmentHeader().map((h) => ({ ...h, fragmentOffset: 0 })),
  ) as fc.Arbitrary<StackLayer>;
const gre = () =>
  arbGreHeader()
    .filter((h) => h.version === 0)
    .map((h) => {
      // Bits that change the header's shape without a contract field of their own stay clear in valid stacks.
      const { routingPresent: _r, acknowledgmentPresent: _a, acknowledgment: _k, reserved1: _v, ...rest } = h as Record<string, unknown>;
      return rest as StackLayer;
    });
const geneve = () => arbGeneveHeader().map((h) => ({ ...h, version: 0 }) as StackLayer);
const mpls = () => arbMplsHeader().map((h) => ({ ...h, label: 16 + (h.label % (2 ** 20 - 16)) }) as StackLayer);

/** An echo request or reply matching the innermost IP layer (ICMP after IPv4, ICMPv6 after IPv6), built from `c`. */
function icmpEcho(layers: readonly StackLayer[], c: number): StackLayer {
  let v6 = false;
  for (let i = layers.length - 1; i >= 0; i--) {
    const l = layers[i]!.layer;
    if (l === 'ipv4' || l === 'ipv6') {
      v6 = l === 'ipv6';
      break;
    }
  }
  const reply = (c & 32) !== 0;
  return {
    layer: v6 ? 'icmpv6' : 'icmp',
    type: v6 ? (reply ? 129 : 128) : reply ? 0 : 8,
    code: 0,
    checksum: (c * 2654435761) >>> 16,
    identifier: (c * 40503) & 0xffff,
    sequence: c,
  };
}

/**
 * Stacks from the grammar, outermost first, each ending in a `raw` layer. `first` says what the first layer is
 * (`ethernet`, `ipv4` or `ipv6`), for `decodeStack(bytes, { first })`.
 */
export function arbStack(options: StackArbOptions = {}): fc.Arbitrary<{ first: string; layers: StackLayer[] }> {
  const max = Math.max(3, options.maxLayers ?? 16);
  const inconsistent = options.inconsistent ?? false;
  // A stack is a sequence of steps; each step picks a production by the current node.
  return fc
    .tuple(
      fc.constantFrom<Node>('link', 'l3'),
      fc.array(fc.nat(1000), { minLength: max, maxLength: max }),
      fc.array(
        fc.tuple(
          ipv4(),
          arbIpv6Header(),
          ipv6Ext(),
          arbUdpHeader(),
          gre(),
          arbVxlanHeader(),
          geneve(),
          mpls(),
          arbEthernetHeader(),
          arbVlanHeader(),
        ),
        {
          minLength: max,
          maxLength: max,
        },
      ),
      arbHex(1, 24),
    )
    .map(([start, choices, pool, rawData]) => {
      const layers: StackLayer[] = [];
      let node: Node = start;
      const room = () => max - 1 - layers.length; // keep one place for raw
      for (let step = 0; step < max && room() > 0; step++) {
        const c = choices[step]!;
        const [v4, v6, ext, u, g, vx, gn, m, eth, tag] = pool[step]!;
        const push = (l: StackLayer) => layers.push(strip(l, inconsistent));
        if (node === 'link') {
          push(eth as StackLayer);
          let tags = c % 3;
          while (tags-- > 0 && room() > 1) push(tag as StackLayer);
          node = 'l3';
          if (room() <= 0) break;
          continue;
        }
        if (node === 'l3' || node === 'l3orEth') {
          if (node === 'l3orEth' && c % 4 === 0) {
            node = 'link';
            continue;
          }
          const pick = c % 5;
          if (pick === 4 && room() >= 2) {
            // an MPLS run, then IP
            let n = 1 + (c % 3);
            while (n-- > 0 && room() > 1) push(m as StackLayer);
            node = 'l3';
            if (layers[layers.length - 1]?.layer === 'mpls') {
              push((c & 8 ? v6 : v4) as StackLayer);
              node = 'afterIp';
            }
            continue;
          }
          if (c & 1) {
            push(v6 as StackLayer);
            if (c & 2 && room() > 1) push(ext as StackLayer);
          } else push(v4 as StackLayer);
          node = 'afterIp';
          continue;
        }
        if (node === 'afterIp') {
          const pick = c % 6;
          if (pick <= 1 && room() >= 3) {
            push(u as StackLayer);
            if (pick === 0) {
              push(vx as StackLayer);
              node = 'link';
            } else {
              push(gn as StackLayer);
              node = 'l3orEth';
            }
            continue;
          }
          if (pick === 2 && room() >= 2) {
            push(g as StackLayer);
            node = 'l3orEth';
            continue;
          }
          if (pick === 3 || pick === 4) {
            node = 'l3'; // IP-in-IP / 6in4 / MPLS-in-IP
            continue;
          }
          // Sometimes an ICMP / ICMPv6 echo before the raw payload (its fields come from `c`: no new random draws,
          // so the other stacks stay what they were).
          if (c & 16 && room() >= 2) push(icmpEcho(layers, c));
          break; // raw payload
        }
      }
      // Make the last layer something raw may follow without being re-dispatched.
      while (layers.length && ['vxlan', 'mpls'].includes(layers[layers.length - 1]!.layer)) layers.pop();
      if (layers.length === 0) {
        layers.push(strip(pool[0]![8] as StackLayer, inconsistent));
      }
      layers.push({ layer: 'raw', data: rawData });
      return { first: layers[0]!.layer, layers };
    });
}
