/**
 * The law page: fetches the fixture captures bundled with it, runs every law in ./laws.ts and publishes the
 * report on `window.__wirestackLaws` (test/laws.test.ts reads it). `?seed=N` fixes fast-check's seed and
 * `?scale=X` multiplies the run counts.
 */
import { type Fixture, type LawResult, runAllLaws, summarizeFixtures } from './laws.js';

/** The capture fixtures (each is small; vite bundles them as assets). */
const FIXTURES: Record<string, URL> = {
  'vxlan.pcap': new URL('../../../../fixtures/captures/vxlan.pcap', import.meta.url),
  'tunnels.pcap': new URL('../../../../fixtures/captures/tunnels.pcap', import.meta.url),
  'tunnels-rawip.pcap': new URL('../../../../fixtures/captures/tunnels-rawip.pcap', import.meta.url),
  'dumpcap-multi.pcapng': new URL('../../../../fixtures/captures/dumpcap-multi.pcapng', import.meta.url),
  'editcap-lo-comments.pcapng': new URL('../../../../fixtures/captures/editcap-lo-comments.pcapng', import.meta.url),
  'editcap-lo-modpcap.pcap': new URL('../../../../fixtures/captures/editcap-lo-modpcap.pcap', import.meta.url),
  'editcap-lo-nsec.pcap': new URL('../../../../fixtures/captures/editcap-lo-nsec.pcap', import.meta.url),
  'editcap-lo.pcapng': new URL('../../../../fixtures/captures/editcap-lo.pcapng', import.meta.url),
  'scapy-wrpcap-be.pcap': new URL('../../../../fixtures/captures/scapy-wrpcap-be.pcap', import.meta.url),
  'scapy-wrpcap-ns.pcap': new URL('../../../../fixtures/captures/scapy-wrpcap-ns.pcap', import.meta.url),
  'scapy-wrpcapng.pcapng': new URL('../../../../fixtures/captures/scapy-wrpcapng.pcapng', import.meta.url),
  'tcpdump-lo-ns.pcap': new URL('../../../../fixtures/captures/tcpdump-lo-ns.pcap', import.meta.url),
  'tcpdump-lo.pcap': new URL('../../../../fixtures/captures/tcpdump-lo.pcap', import.meta.url),
};

/** What the page publishes when every law has run. */
export interface LawReport {
  done: true;
  seed: number;
  userAgent: string;
  ms: number;
  results: LawResult[];
  fixtures: ReturnType<typeof summarizeFixtures>;
}

declare global {
  interface Window {
    __wirestackLaws?: LawReport | { done: false; error: string };
  }
}

const esc = (s: string) => s.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]!);

async function main(): Promise<void> {
  const q = new URLSearchParams(location.search);
  const seed = q.has('seed') ? Number(q.get('seed')) : (Math.random() * 2 ** 31) | 0;
  const scale = q.has('scale') ? Number(q.get('scale')) : 1;
  const t0 = performance.now();
  const fixtures: Fixture[] = await Promise.all(
    Object.entries(FIXTURES).map(async ([name, url]) => ({ name, bytes: new Uint8Array(await (await fetch(url)).arrayBuffer()) })),
  );
  const tbody = document.querySelector('#results')!;
  const summary = document.querySelector('#summary')!;
  let passed = 0;
  let failed = 0;
  const results = await runAllLaws(fixtures, {
    seed,
    scale,
    onResult(r) {
      if (r.ok) passed++;
      else failed++;
      summary.textContent = `${passed} passed, ${failed} failed — seed ${seed}`;
      const tr = document.createElement('tr');
      tr.innerHTML = `<td>${esc(r.suite)}</td><td>${esc(r.law)}</td><td>${r.runs}</td><td>${r.ms}</td><td class="${r.ok ? 'pass' : 'fail'}">${r.ok ? 'pass' : esc(r.error ?? 'fail')}</td>`;
      tbody.append(tr);
    },
  });
  window.__wirestackLaws = {
    done: true,
    seed,
    userAgent: navigator.userAgent,
    ms: Math.round(performance.now() - t0),
    results,
    fixtures: summarizeFixtures(fixtures),
  };
  document.body.dataset.state = 'done';
}

main().catch((e: unknown) => {
  window.__wirestackLaws = { done: false, error: String((e as Error)?.stack ?? e) };
  document.body.dataset.state = 'error';
});
