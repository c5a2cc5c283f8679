/** `wirestack overlay [SCENARIO]`: runs a named overlay scenario, draws its traces, writes a pcapng. */
import { writeFile } from 'node:fs/promises';
import { type Hop, renderTrace, runScenario, SCENARIOS, summarize, wireSummary } from '@wirestack/overlay';
import { type CliStreams, UsageError } from '../io.js';

/** Options of `overlay`. */
export interface OverlayOptions {
  pcapng?: string;
  json?: boolean;
}

function hopJson(h: Hop): Record<string, unknown> {
  const d = h.decision;
  return {
    step: h.step,
    parent: h.parent,
    link: h.link,
    from: h.from,
    to: h.to,
    wire: wireSummary(h.packet),
    layers: h.packet.toJSON().layers,
    decision: d.action === 'drop' ? { action: d.action, reason: d.reason, detail: d.detail } : { action: d.action, detail: d.detail },
  };
}

/** Runs `overlay`; resolves to the exit status. */
export async function runOverlay(
  name: string | undefined,
  opts: OverlayOptions,
  io: Pick<CliStreams, 'stdout' | 'stderr'>,
): Promise<number> {
  if (name === undefined) {
    io.stdout.write('Scenarios (run one with: wirestack overlay NAME [--pcapng FILE]):\n');
    const w = Math.max(...SCENARIOS.map((s) => s.name.length));
    for (const s of SCENARIOS) io.stdout.write(`  ${s.name.padEnd(w)}  ${s.title}: ${s.description}\n`);
    return 0;
  }
  const run = await runScenario(name);
  if (!run) throw new UsageError(`no scenario '${name}' (one of: ${SCENARIOS.map((s) => s.name).join(', ')})`, 'overlay');
  if (opts.json) {
    io.stdout.write(
      `${JSON.stringify({
        scenario: run.name,
        title: run.title,
        links: run.network.links.map((l) => ({ index: l.index, name: l.name, a: l.a, b: l.b })),
        traces: run.traces.map((t) => ({
          caption: t.caption,
          origin: { node: t.trace.origin.node, decision: summarize(t.trace.origin.decision) },
          hops: t.trace.hops.map(hopJson),
        })),
      })}\n`,
    );
  } else {
    io.stdout.write(`${run.title}\n${'═'.repeat(Math.min(100, run.title.length))}\n`);
    for (const t of run.traces) io.stdout.write(`\n${renderTrace(t.trace, t.caption)}\n`);
    const hops = run.traces.reduce((n, t) => n + t.trace.hops.length, 0);
    const delivered = run.traces.reduce((n, t) => n + t.trace.delivered.length, 0);
    const dropped = run.traces.reduce((n, t) => n + t.trace.dropped.length, 0);
    io.stdout.write(`\n${run.traces.length} packets sent, ${hops} hops, ${delivered} delivered, ${dropped} dropped\n`);
  }
  if (opts.pcapng !== undefined) {
    await writeFile(opts.pcapng, run.network.toPcapng(run.traces.map((t) => t.trace)));
    io.stderr.write(`wrote ${opts.pcapng}: one interface per link (${run.network.links.length}), one packet per hop\n`);
  }
  return 0;
}
