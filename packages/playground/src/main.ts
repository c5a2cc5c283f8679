/** The playground page: a capture viewer and a packet builder, wired to the DOM of index.html. */
import { type DecodedPacket, decodeStack, defaultRegistry } from '@wirestack/stack';
import { type Built, decodeBuilt, setupBuilder, toHex } from './build.js';
import { type LoadProgress, loadCapture, PacketStore } from './capture.js';
import { firstLayerFor, summaryLine } from './cli-shared.js';
import { PacketView } from './detail.js';
import { VirtualList } from './list.js';

const registry = defaultRegistry();
const $ = <T extends HTMLElement>(sel: string) => document.querySelector<T>(sel)!;

// ---------------------------------------------------------------------------------------------
// Tabs

function openTab(name: string): void {
  for (const b of Array.from(document.querySelectorAll<HTMLButtonElement>('[data-tab]')))
    b.setAttribute('aria-selected', String(b.dataset.tab === name));
  for (const p of Array.from(document.querySelectorAll<HTMLElement>('.tab-panel'))) p.hidden = p.id !== name;
}
for (const b of Array.from(document.querySelectorAll<HTMLButtonElement>('[data-tab]')))
  b.addEventListener('click', () => openTab(b.dataset.tab!));

// ---------------------------------------------------------------------------------------------
// Capture

let store = new PacketStore();
let generation = 0;
const packetView = new PacketView($('#packet'), registry);
packetView.clear('Open a capture to see its packets here.');

/** Decoded packets and their summary lines, for the rows in view (a small cache, most recent last). */
const cache = new Map<number, { pkt: DecodedPacket; line: string }>();
function decoded(i: number): { pkt: DecodedPacket; line: string } {
  let hit = cache.get(i);
  if (hit) {
    cache.delete(i);
    cache.set(i, hit);
    return hit;
  }
  const data = store.data(i);
  const pkt = decodeStack(data, { registry, first: firstLayerFor(store.linkType(i), data[0]) });
  hit = { pkt, line: summaryLine(i + 1, store.timestamp(i), pkt) };
  cache.set(i, hit);
  if (cache.size > 2000) cache.delete(cache.keys().next().value as number);
  return hit;
}

const esc = (s: string) => s.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]!);

const list = new VirtualList($('#list'), {
  rowHeight: 22,
  render(i, row) {
    const { pkt, line } = decoded(i);
    const no = String(i + 1);
    const ts = store.timestamp(i);
    // The summary line is `N TIMESTAMP LAYERS...`, exactly as `wirestack decode` prints it.
    const rest = line.slice(no.length + ts.length + 2);
    row.innerHTML = `<span class="no">${no}</span><span class="time">${ts}</span><span class="sum">${esc(rest)}</span>`;
    row.classList.toggle('warn', !pkt.ok);
    row.title = line;
  },
  onSelect(i) {
    const { pkt } = decoded(i);
    const cap = store.data(i).length;
    packetView.show(
      pkt,
      `Packet ${i + 1} · ${store.timestamp(i)} · ${cap} bytes captured, ${store.originalLength(i)} on the wire · link type ${store.linkType(i)} · interface ${store.interfaceId(i)}`,
    );
  },
});

function formatSize(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

function statusText(name: string, p: LoadProgress): string {
  const what = `${name}${p.format ? ` (${p.format}${p.compressed ? ', gzip' : ''})` : ''}`;
  const n = `${p.packets.toLocaleString('en')} packet${p.packets === 1 ? '' : 's'}`;
  if (!p.done) return `${what}: reading… ${n}, ${formatSize(p.bytesRead)} of ${formatSize(p.totalBytes)}`;
  const tail = p.error && p.error !== 'cancelled' ? ` — stopped: ${p.error}` : '';
  const took =
    p.elapsedMs < 1000 ? `${Math.max(1, Math.round(p.elapsedMs))} ms` : `${(p.elapsedMs / 1000).toFixed(p.elapsedMs < 10_000 ? 2 : 1)} s`;
  return `${what}: ${n}, ${formatSize(p.totalBytes)}, read in ${took}${tail}`;
}

async function openCapture(file: File): Promise<void> {
  const gen = ++generation;
  store = new PacketStore();
  cache.clear();
  list.setCount(0, true);
  packetView.clear('Select a packet.');
  openTab('capture');
  const status = $<HTMLOutputElement>('#status');
  document.body.dataset.state = 'loading';
  let shown = 0;
  let frame = 0;
  const update = (p: LoadProgress) => {
    if (gen !== generation) return;
    status.textContent = statusText(file.name, p);
    status.classList.toggle('bad', p.error !== undefined && p.error !== 'cancelled');
    if (frame) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      if (gen !== generation || store.count === shown) return;
      const first = shown === 0;
      shown = store.count;
      list.setCount(store.count);
      if (first) list.select(0);
    });
  };
  const result = await loadCapture(file, store, update, () => gen !== generation);
  if (gen !== generation) return;
  cancelAnimationFrame(frame);
  frame = 0;
  update(result);
  list.setCount(store.count, true);
  if (shown === 0 && store.count > 0) list.select(0);
  if (store.count === 0) packetView.clear(result.error ? `Could not read ${file.name}: ${result.error}` : 'No packets in this capture.');
  document.body.dataset.state = 'done';
  document.body.dataset.packets = String(store.count);
  document.body.dataset.loadMs = String(Math.round(result.elapsedMs));
}

$<HTMLInputElement>('#file').addEventListener('change', (e) => {
  const f = (e.target as HTMLInputElement).files?.[0];
  if (f) void openCapture(f);
});

$('#example').addEventListener('click', async () => {
  const res = await fetch(new URL('../../../fixtures/captures/vxlan.pcap', import.meta.url));
  void openCapture(new File([await res.blob()], 'vxlan.pcap'));
});

const drop = $('#drop');
let dragDepth = 0;
window.addEventListener('dragenter', (e) => {
  if (!e.dataTransfer?.types.includes('Files')) return;
  dragDepth++;
  drop.hidden = false;
});
window.addEventListener('dragleave', () => {
  if (--dragDepth <= 0) {
    dragDepth = 0;
    drop.hidden = true;
  }
});
window.addEventListener('dragover', (e) => e.preventDefault());
window.addEventListener('drop', (e) => {
  e.preventDefault();
  dragDepth = 0;
  drop.hidden = true;
  const f = e.dataTransfer?.files[0];
  if (f) void openCapture(f);
});

// ---------------------------------------------------------------------------------------------
// Build

const builtView = new PacketView($('#built'), registry);
builtView.clear('Type a stack expression and press Enter.');
let downloadUrl = '';

function showBuilt(b: Built | undefined, error?: string): void {
  const err = $('#build-error');
  const download = $<HTMLButtonElement>('#download');
  err.hidden = error === undefined;
  err.textContent = error ?? '';
  // A failed build leaves the last good one on screen, dimmed.
  for (const el of [$('#built'), $('.hexline')]) el.classList.toggle('stale', !b);
  if (!b) return;
  const hex = toHex(b.bytes);
  $('#build-hex').textContent = hex;
  if (downloadUrl) URL.revokeObjectURL(downloadUrl);
  downloadUrl = URL.createObjectURL(new Blob([b.pcap as Uint8Array<ArrayBuffer>], { type: 'application/vnd.tcpdump.pcap' }));
  download.disabled = false;
  builtView.show(decodeBuilt(b, registry), `${b.bytes.length} bytes · first layer ${b.first}`);
  history.replaceState(null, '', `#build=${encodeURIComponent(($('#expr') as HTMLTextAreaElement).value)}`);
}

$('#download').addEventListener('click', () => {
  if (!downloadUrl) return;
  const a = document.createElement('a');
  a.href = downloadUrl;
  a.download = 'wirestack.pcap';
  a.click();
});

const buildNow = setupBuilder($<HTMLFormElement>('#build-form'), registry, showBuilt);

const fromHash = /^#build(?:=(.*))?$/.exec(location.hash);
if (fromHash) {
  openTab('build');
  buildNow(fromHash[1] !== undefined ? decodeURIComponent(fromHash[1]) : ($('#expr') as HTMLTextAreaElement).value);
} else buildNow(($('#expr') as HTMLTextAreaElement).value);
