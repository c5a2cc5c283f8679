/**
 * Optimised reader code survives a full garbage collection that runs while no reader is alive (issue #6).
 * V8 throws away optimised code that depends on a hidden class that died, and a class's hidden classes die
 * with its last instance; the module keeps one reader of each kind (reader.ts `keepShapes`) so that the next
 * file does not start from the interpreter again. Reading 32 MiB after such a collection took twice as long.
 *
 * The checks use V8's test intrinsics (`--allow-natives-syntax`, set at run time for code compiled after);
 * they are skipped, visibly, where the intrinsics are not available.
 */
import { concatBytes } from '@wirestack/core';
import { CaptureReader, CaptureStreamReader, PcapWriter, readCapture, readCaptureStream } from '@wirestack/pcap';
import { v8Intrinsics } from '@wirestack/testkit';
import { describe, expect, it } from 'vitest';
import { shapeAnchors } from '../src/reader.js';
import { chunked } from './helpers.js';

const v8 = v8Intrinsics();

function capture(n: number): Uint8Array {
  const w = new PcapWriter();
  const parts = [w.header()];
  for (let i = 0; i < n; i++) parts.push(w.writeRecord({ timestampNs: BigInt(i) * 1000n, data: new Uint8Array(60 + i).fill(i) }));
  return concatBytes(parts);
}

const BYTES = capture(40);

function readAll(): number {
  let n = 0;
  for (const rec of readCapture(BYTES)) n += rec.capturedLength;
  return n;
}

/** Opens a stream reader, takes its first record with `next()` and then every other one with `tryNext()`. */
async function streamAll(): Promise<number> {
  const reader = readCaptureStream(chunked(BYTES, [1 << 20]), { copyData: false });
  const first = await reader.next();
  let n = first.done ? 0 : first.value.capturedLength;
  for (let rec = reader.tryNext(); rec !== undefined; rec = reader.tryNext()) n += rec.capturedLength;
  return n;
}

describe('shape anchors', () => {
  it('are one reader of each kind, holding only a 24-byte header', () => {
    readAll();
    const anchors = shapeAnchors() as readonly unknown[];
    expect(anchors).toHaveLength(2);
    const [sync, stream] = anchors;
    expect(sync).toBeInstanceOf(CaptureReader);
    expect(stream).toBeInstanceOf(CaptureStreamReader);
    expect((sync as CaptureReader).format).toBe('pcap');
    expect((sync as CaptureReader).interfaces).toHaveLength(1);
    // what the sync anchor's queue holds: the (consumed) header, nothing else
    const queue = (sync as unknown as { queue: { buf: Uint8Array; avail: number } }).queue;
    expect(queue.buf.length).toBeLessThanOrEqual(24);
    expect(queue.avail).toBe(0);
    // the stream anchor never read its (empty) source
    expect((stream as CaptureStreamReader).format).toBeUndefined();
  });

  it('leave what readers return unchanged', async () => {
    const expected = 40 * 60 + (39 * 40) / 2;
    expect(readAll()).toBe(expected);
    expect(await streamAll()).toBe(expected);
  });
});

describe.skipIf(v8 === undefined)('optimised code and full collections', () => {
  it('CaptureReader.next stays optimised across a full collection with no reader alive', async () => {
    expect(await v8?.acrossFullGc(CaptureReader.prototype.next, readAll)).toEqual({ before: true, after: true });
  });

  it('CaptureStreamReader.tryNext stays optimised across a full collection with no reader alive', async () => {
    expect(await v8?.acrossFullGc(CaptureStreamReader.prototype.tryNext, streamAll)).toEqual({ before: true, after: true });
  });
});
