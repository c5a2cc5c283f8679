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
import { decodeStack, encodeStack } from '@wirestack/stack';
import { v8Intrinsics } from '@wirestack/testkit';
import { describe, expect, it } from 'vitest';
import { vxlanLayers } from './helpers.js';

const v8 = v8Intrinsics();
const LAYERS = vxlanLayers();
const PACKET = encodeStack(LAYERS);

/** Decodes the VXLAN packet often enough for a walker to be generated for its path; the layers it saw. */
function decodeMany(): number {
  let layers = 0;
  for (let i = 0; i < 50; i++) layers += decodeStack(PACKET).layers.length;
  return layers;
}

function encodeMany(): number {
  let bytes = 0;
  for (let i = 0; i < 50; i++) bytes += encodeStack(LAYERS).length;
  return bytes;
}

describe.skipIf(v8 === undefined)('optimized code and full collections', () => {
  it('decodeStack stays optimized across a full collection', async () => {
    expect(await v8?.acrossFullGc(decodeStack, decodeMany)).toEqual({ before: true, after: true });
    expect(decodeMany()).toBe(50 * 8);
  });

  it('encodeStack stays optimized across a full collection', async () => {
    expect(await v8?.acrossFullGc(encodeStack, encodeMany)).toEqual({ before: true, after: true });
    expect(encodeMany()).toBe(50 * PACKET.length);
  });
});
