/** `wirestack show FILE -n N`: one packet as a field tree plus a hexdump coloured by layer. */
import { linkTypeName } from '@wirestack/link';
import { formatTimestamp } from '@wirestack/pcap';
import { hexdump, packetTree } from '../format.js';
import { type CliStreams, LineWriter, UsageError, wantColor } from '../io.js';
import { buildRegistry } from '../registry.js';
import { forEachPacket } from './common.js';

/** Options of `show`. */
export interface ShowOptions {
  number?: number;
  color?: boolean;
  verifyChecksums?: boolean;
  decodeAs?: string[];
  mplsPayload?: string;
  mplsControlWord?: boolean;
}

/** Runs `show`; returns the exit status. */
export async function runShow(file: string, opts: ShowOptions, streams: CliStreams): Promise<number> {
  const registry = buildRegistry(opts, 'show');
  const n = opts.number ?? 1;
  const colour = wantColor(opts.color, streams.stdout, streams.env);
  const out = new LineWriter(streams.stdout);
  let found = false;
  const res = await forEachPacket(
    [file],
    streams,
    { registry, verifyChecksums: opts.verifyChecksums ?? true, want: (_f, i) => i === n, count: 1, out },
    (v) => {
      found = true;
      const head = {
        index: v.index,
        timestamp: formatTimestamp(v.rec.timestampNs, v.rec.timestampDigits),
        capturedLength: v.rec.capturedLength,
        originalLength: v.rec.originalLength,
        linkType: v.rec.linkType,
        linkTypeName: linkTypeName(v.rec.linkType),
        interfaceId: v.rec.interfaceId,
      };
      for (const l of packetTree(v.pkt, head, registry, colour)) out.line(l);
      out.line('');
      for (const l of hexdump(v.pkt, colour)) out.line(l);
    },
  );
  await out.end();
  if (res.code !== 0) return res.code;
  if (!found)
    throw new UsageError(
      `${file === '-' ? '<stdin>' : file} has ${res.seen} packet${res.seen === 1 ? '' : 's'}; there is no packet ${n}`,
      'show',
    );
  return 0;
}
