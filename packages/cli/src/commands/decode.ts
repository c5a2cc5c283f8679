/** `wirestack decode FILE...`: one summary line or one JSON packet record per packet. */
import { decodeStack } from '@wirestack/stack';
import { FastJson } from '../fast-json.js';
import { FastSummary } from '../fast-summary.js';
import { recordTimestamp } from '../fast-write.js';
import { summaryLine } from '../format.js';
import { ByteWriter, type CliStreams } from '../io.js';
import { firstLayerFor } from '../link.js';
import { buildRegistry } from '../registry.js';
import { forEachPacket, type Visit } from './common.js';

/** Options of `decode`. */
export interface DecodeOptions {
  json?: boolean;
  count?: number;
  skip?: number;
  verifyChecksums?: boolean;
  decodeAs?: string[];
  mplsPayload?: string;
  mplsControlWord?: boolean;
  progress?: boolean;
}

/** The contract's packet record as one JSON line (keys in contract order; `trailer` only when present). */
export function packetRecordJson(v: Visit, timestamp: string): string {
  const { rec, pkt } = v;
  const head = `{"index":${v.index},"timestamp":"${timestamp}","capturedLength":${rec.capturedLength},"originalLength":${rec.originalLength},"linkType":${rec.linkType},"interface":${rec.interfaceId},"layers":${JSON.stringify(pkt.layers)}`;
  const trailer = pkt.trailer === undefined ? '' : `,"trailer":"${pkt.trailer}"`;
  return `${head}${trailer},"issues":${JSON.stringify(pkt.issues)}}`;
}

/** Runs `decode`; returns the exit status. */
export async function runDecode(files: string[], opts: DecodeOptions, streams: CliStreams): Promise<number> {
  const registry = buildRegistry(opts, 'decode');
  const json = opts.json === true;
  const verifyChecksums = opts.verifyChecksums ?? true;
  const out = new ByteWriter(streams.stdout, 64 * 1024);
  const progress = opts.progress ?? (!json && streams.stderr.isTTY === true);
  // Lines of the common stacks are written from the bytes; every other packet is decoded here.
  const fast = json ? new FastJson(registry, verifyChecksums) : new FastSummary(registry, verifyChecksums);
  const decodeOpts = {
    registry,
    verifyChecksums,
    first: 'ethernet',
    // Summary lines only print the sizes of raw bytes and trailers: skip building their hex.
    opaqueHex: json,
  };
  const res = await forEachPacket(
    files.length ? files : ['-'],
    streams,
    {
      registry,
      verifyChecksums,
      ...(opts.skip !== undefined ? { skip: opts.skip } : {}),
      ...(opts.count !== undefined ? { count: opts.count } : {}),
      progress,
      out,
      record: (file, index, rec) => {
        if (fast.write(out, index, rec)) return;
        decodeOpts.first = firstLayerFor(rec.linkType, rec.data[0]);
        const pkt = decodeStack(rec.data, decodeOpts);
        const ts = recordTimestamp(rec);
        out.line(json ? packetRecordJson({ file, index, rec, pkt }, ts) : summaryLine(index, ts, pkt));
      },
    },
    () => undefined,
  );
  await out.end();
  return res.code;
}
