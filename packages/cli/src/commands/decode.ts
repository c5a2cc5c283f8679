/** `wirestack decode FILE...`: one summary line or one JSON packet record per packet. */
import { type CaptureRecord, formatTimestamp } from '@wirestack/pcap';
import { decodeStack } from '@wirestack/stack';
import { FastJson } from '../fast-json.js';
import { FastSummary } from '../fast-summary.js';
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

/**
 * The record's time as {@link formatTimestamp} writes it. A pcap record's seconds and µs/ns fraction are
 * printed as they are (no bigint arithmetic); a fraction out of range (it would carry into the seconds),
 * other resolutions and pcapng records go through `formatTimestamp`.
 */
export function recordTimestamp(rec: CaptureRecord): string {
  if (rec.format === 'pcap') {
    const d = rec.timestampDigits;
    const frac = rec.timestampLow;
    if (d === 6) {
      if (frac < 1e6) return `${rec.timestampHigh}.${`${1e6 + frac}`.slice(1)}`;
    } else if (d === 9 && frac < 1e9) return `${rec.timestampHigh}.${`${1e9 + frac}`.slice(1)}`;
  }
  return formatTimestamp(rec.timestampNs, rec.timestampDigits);
}

/** Runs `decode`; returns the exit status. */
export async function runDecode(files: string[], opts: DecodeOptions, streams: CliStreams): Promise<number> {
  const registry = buildRegistry(opts, 'decode');
  const json = opts.json === true;
  const verifyChecksums = opts.verifyChecksums ?? true;
  const out = new ByteWriter(streams.stdout, 64 * 1024);
  const progress = opts.progress ?? (!json && streams.stderr.isTTY === true);
  // Lines of the common stacks are written from the bytes; every other packet is decoded here.
  const fast = json
    ? new FastJson(registry, verifyChecksums, recordTimestamp)
    : new FastSummary(registry, verifyChecksums, recordTimestamp);
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
