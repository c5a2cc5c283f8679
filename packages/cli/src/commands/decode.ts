/** `wirestack decode FILE...`: one summary line or one JSON packet record per packet. */
import { formatTimestamp } from '@wirestack/pcap';
import { summaryLine } from '../format.js';
import { type CliStreams, LineWriter } from '../io.js';
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
  const out = new LineWriter(streams.stdout);
  const json = opts.json === true;
  const progress = opts.progress ?? (!json && streams.stderr.isTTY === true);
  const res = await forEachPacket(
    files.length ? files : ['-'],
    streams,
    {
      registry,
      verifyChecksums: opts.verifyChecksums ?? true,
      ...(opts.skip !== undefined ? { skip: opts.skip } : {}),
      ...(opts.count !== undefined ? { count: opts.count } : {}),
      progress,
      out,
      // Summary lines only print the sizes of raw bytes and trailers: skip building their hex.
      opaqueHex: json,
    },
    (v) => {
      const ts = formatTimestamp(v.rec.timestampNs, v.rec.timestampDigits);
      out.line(json ? packetRecordJson(v, ts) : summaryLine(v.index, ts, v.pkt));
      return out.full ? out.flush() : undefined;
    },
  );
  await out.end();
  return res.code;
}
