/**
 * `decodeStack`'s optimized code survives a full garbage collection between two packets (issue #6). V8 throws
 * away optimized code that depends on a hidden class that died, and a hidden class dies with the last object of
 * it: the walk's context, the packet and the layer objects of every codec on the path. decode.ts keeps the last
 * walk and packet (`kept`) so that the next packet after a collection does not start from the interpreter again;
 * without them the first check below fails. The second checks the same of `encodeStack`.
 *
 * The checks use V8's test intrinsics (`--allow-natives-syntax`, set at run time for code compiled after); they
 * are skipped, visibly, where the intrinsics are not available.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { decodeStack, encodeStack } from '@wirestack/stack';
import { describe, expect, it } from 'vitest';
import { vxlanLayers } from './helpers.js';

setFlagsFromString('--expose-gc');
setFlagsFromString('--allow-natives-syntax');
const gc = runInNewContext('gc') as () => void;

type Intrinsic = (f: unknown) => number;
function intrinsic(body: string): Intrinsic | undefined {
  try {
    return new Function('f', body) as Intrinsic;
  } catch {
    return undefined;
  }
}
const status = intrinsic('return %GetOptimizationStatus(f)');
const prepare = intrinsic('%PrepareFunctionForOptimization(f)');
const optimizeNext = intrinsic('%OptimizeFunctionOnNextCall(f)');
/** V8's OptimizationStatus bit for "has optimised code". */
const OPTIMIZED = 1 << 4;
const optimized = (f: unknown): boolean => ((status as Intrinsic)(f) & OPTIMIZED) !== 0;

const PACKET = encodeStack(vxlanLayers());

/** Decodes the VXLAN packet `n` times (enough for a walker to be generated for its path) and counts layers. */
function decodeMany(n: number): number {
  let layers = 0;
  for (let i = 0; i < n; i++) layers += decodeStack(PACKET).layers.length;
  return layers;
}

describe.skipIf(status === undefined || prepare === undefined || optimizeNext === undefined)('optimized code and full collections', () => {
  it('decodeStack stays optimized across a full collection', () => {
    const layers = decodeMany(1);
    decodeMany(200);
    (prepare as Intrinsic)(decodeStack);
    decodeMany(20);
    (optimizeNext as Intrinsic)(decodeStack);
    decodeMany(20);
    expect(optimized(decodeStack)).toBe(true);
    gc();
    gc();
    expect(optimized(decodeStack)).toBe(true);
    // and it still decodes the same
    expect(decodeMany(1)).toBe(layers);
  });

  it('encodeStack stays optimized across a full collection', () => {
    const layers = vxlanLayers();
    const encodeMany = (n: number): number => {
      let bytes = 0;
      for (let i = 0; i < n; i++) bytes += encodeStack(layers).length;
      return bytes;
    };
    const length = encodeMany(1);
    encodeMany(200);
    (prepare as Intrinsic)(encodeStack);
    encodeMany(20);
    (optimizeNext as Intrinsic)(encodeStack);
    encodeMany(20);
    expect(optimized(encodeStack)).toBe(true);
    gc();
    gc();
    expect(optimized(encodeStack)).toBe(true);
    expect(encodeMany(1)).toBe(length);
  });
});
