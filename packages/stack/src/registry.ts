/**
 * The default registry: every wirestack codec with the bindings of the JSON layer contract. Each call
 * returns a new instance, so one caller's bindings never leak into another's.
 */
import { type AnyCodec, type Binding, createRegistry, type Registry, type RegistryOptions } from '@wirestack/core';
import * as arpPkg from '@wirestack/arp';
import * as espPkg from '@wirestack/esp';
import * as ethernetPkg from '@wirestack/ethernet';
import * as genevePkg from '@wirestack/geneve';
import * as grePkg from '@wirestack/gre';
import * as icmpPkg from '@wirestack/icmp';
import * as ipv4Pkg from '@wirestack/ipv4';
import * as ipv6Pkg from '@wirestack/ipv6';
import * as linkPkg from '@wirestack/link';
import * as mplsPkg from '@wirestack/mpls';
import * as udpPkg from '@wirestack/udp';
import * as vxlanPkg from '@wirestack/vxlan';
import { padding, raw } from './raw.js';

function isCodec(v: unknown): v is AnyCodec {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as AnyCodec).id === 'string' &&
    typeof (v as AnyCodec).decode === 'function' &&
    typeof (v as AnyCodec).encode === 'function' &&
    Array.isArray((v as AnyCodec).binds)
  );
}

/** Every `LayerCodec` a package exports. */
function codecsOf(mod: Record<string, unknown>): AnyCodec[] {
  return Object.values(mod).filter(isCodec);
}

/** Every codec wirestack ships, in dispatch-preference order. */
export function allCodecs(): AnyCodec[] {
  const seen = new Set<string>();
  const out: AnyCodec[] = [];
  for (const m of [ethernetPkg, ipv4Pkg, ipv6Pkg, udpPkg, grePkg, vxlanPkg, genevePkg, mplsPkg, linkPkg, arpPkg, icmpPkg, espPkg] as Array<
    Record<string, unknown>
  >) {
    for (const c of codecsOf(m)) {
      if (seen.has(c.id)) continue;
      seen.add(c.id);
      out.push(c);
    }
  }
  out.push(raw, padding);
  return out;
}

/** Bindings owned by no single codec (VXLAN-GPE's next-protocol table names other layers). */
function extraBindings(): Array<Binding & { layer: string }> {
  const gpe = (vxlanPkg as Record<string, unknown>).VXLAN_GPE_BINDINGS;
  return Array.isArray(gpe) ? (gpe as Array<Binding & { layer: string }>) : [];
}

/** A new registry with every codec and the contract's bindings. */
export function defaultRegistry(options: RegistryOptions = {}): Registry {
  const r = createRegistry(allCodecs(), options);
  for (const b of extraBindings()) if (r.has(b.layer)) r.bind(b.table, b.value, b.layer);
  return r;
}
