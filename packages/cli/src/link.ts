/** Link type ↔ first layer, from @wirestack/link (kept in one place). */
import { linkTypeFirstLayer, linkTypeForLayer } from '@wirestack/link';

/** The first layer to decode a record of this capture link type with (`raw` when none fits). */
export function firstLayerFor(linkType: number, firstByte: number | undefined): string {
  return linkTypeFirstLayer(linkType, firstByte) ?? 'raw';
}

/** The capture link type for a packet whose first layer is `layer` (Ethernet when unknown). */
export function linkTypeFor(layer: string): number | undefined {
  return linkTypeForLayer(layer) ?? undefined;
}
