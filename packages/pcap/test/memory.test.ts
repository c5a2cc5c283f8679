/**
 * Bounded memory: a ~200 MB pcap streamed from an async generator (never materialised) must not
 * grow the resident set by more than 100 MB.
 */
import { PcapWriter, readCaptureStream } from '@wirestack/pcap';
import { expect, it } from 'vitest';

const TOTAL = Number(process.env.PCAP_MEM_MB ?? 200) * 1024 * 1024;
/** Generator chunk size (default 64 KiB, as Node fs streams; PCAP_MEM_CHUNK overrides, PCAP_MEM_MB sets the total). */
const CHUNK = Number(process.env.PCAP_MEM_CHUNK ?? 64 * 1024);

/** A template of records of varied sizes; the stream repeats it, cut into fresh 1 MiB chunks. */
function template(): Uint8Array {
  const w = new PcapWriter();
  const parts: Uint8Array[] = [];
  let n = 0;
  for (let i = 0; n < 3 * CHUNK + 12345; i++) {
    const rec = w.writeRecord({ timestampNs: BigInt(i) * 1000n, data: new Uint8Array(60 + ((i * 397) % 1441)).fill(i & 0xff) });
    parts.push(rec);
    n += rec.length;
  }
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

async function* generate(body: Uint8Array, header: Uint8Array): AsyncGenerator<Uint8Array> {
  yield header;
  let sent = 0;
  let pos = 0;
  while (sent < TOTAL) {
    const chunk = new Uint8Array(CHUNK);
    for (let o = 0; o < CHUNK; ) {
      const take = Math.min(CHUNK - o, body.length - pos);
      chunk.set(body.subarray(pos, pos + take), o);
      o += take;
      pos = (pos + take) % body.length;
    }
    sent += CHUNK;
    yield chunk;
  }
  // End on a record boundary: finish the current template pass.
  if (pos !== 0) yield body.slice(pos);
}

it('streams ~200 MB with bounded memory', async () => {
  const body = template();
  const header = new PcapWriter().header();
  const before = process.memoryUsage().rss;
  let peak = before;
  let records = 0;
  let bytes = 0;
  const t0 = performance.now();
  for await (const r of readCaptureStream(generate(body, header))) {
    records++;
    bytes += 16 + r.capturedLength;
    if ((records & 4095) === 0) peak = Math.max(peak, process.memoryUsage().rss);
  }
  const ms = performance.now() - t0;
  peak = Math.max(peak, process.memoryUsage().rss);
  const growthMb = (peak - before) / 1024 / 1024;
  console.log(
    `[pcap memory] ${(bytes / 1024 / 1024).toFixed(0)} MiB, ${records} records in ${ms.toFixed(0)} ms; rss growth ${growthMb.toFixed(1)} MiB (before ${(before / 1024 / 1024).toFixed(0)} MiB)`,
  );
  expect(bytes).toBeGreaterThan(TOTAL - 24);
  expect(growthMb).toBeLessThan(100);
}, 60_000);
