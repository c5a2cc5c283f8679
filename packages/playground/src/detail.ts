/**
 * One packet in detail: the layer tree (every field, as `wirestack show` prints it) beside a hexdump
 * coloured by layer. Hovering a field lights its bytes; hovering a byte lights the fields it belongs to.
 * A click pins the highlight until the next click.
 */
import type { Registry } from '@wirestack/core';
import type { DecodedPacket } from '@wirestack/stack';
import { byteOwners, formatValue, layerFields, summarizeLayer } from './cli-shared.js';
import { fieldBytes } from './fieldspans.js';

const COLOURS = 8;
const PER_LINE = 16;

function esc(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

function range(offset: number, length: number): string {
  return length === 0 ? `${offset}, empty` : `${offset}–${offset + length - 1} · ${length} B`;
}

/** A highlight: the tree rows (by id) and the bytes to light. */
interface Highlight {
  rows: string[];
  bytes: number[];
}

export class PacketView {
  private readonly tree: HTMLElement;
  private readonly hex: HTMLElement;
  private readonly head: HTMLElement;
  /** Bytes of every tree row id: `L3` a layer's header, `3:vni` a field, `T` the trailer. */
  private bytesOf = new Map<string, number[]>();
  /** Tree row ids holding each byte, smallest field first. */
  private rowsAt: string[][] = [];
  private hexEls: HTMLElement[] = [];
  private ascEls: HTMLElement[] = [];
  private lit: Highlight = { rows: [], bytes: [] };
  private pinned: Highlight | undefined;

  constructor(
    readonly root: HTMLElement,
    private readonly registry: Registry,
  ) {
    root.classList.add('packet-view');
    root.innerHTML = `<div class="pv-head"></div><div class="pv-body"><div class="tree" aria-label="layers"></div><div class="hex" aria-label="bytes"></div></div>`;
    this.head = root.querySelector('.pv-head')!;
    this.tree = root.querySelector('.tree')!;
    this.hex = root.querySelector('.hex')!;
    this.tree.addEventListener('mouseover', (e) => {
      const id = (e.target as HTMLElement).closest<HTMLElement>('[data-f]')?.dataset.f;
      if (id !== undefined) this.light(this.forRow(id));
    });
    this.hex.addEventListener('mouseover', (e) => {
      const b = (e.target as HTMLElement).closest<HTMLElement>('[data-b]')?.dataset.b;
      if (b !== undefined) this.light(this.forByte(Number(b)));
    });
    for (const pane of [this.tree, this.hex]) pane.addEventListener('mouseleave', () => this.light(this.pinned ?? { rows: [], bytes: [] }));
    this.tree.addEventListener('click', (e) => {
      const t = e.target as HTMLElement;
      const headEl = t.closest<HTMLElement>('.layer-head');
      if (headEl && t.closest('.chev')) {
        headEl.parentElement?.classList.toggle('collapsed');
        return;
      }
      const id = t.closest<HTMLElement>('[data-f]')?.dataset.f;
      if (id !== undefined) this.pin(this.forRow(id));
    });
    this.hex.addEventListener('click', (e) => {
      const b = (e.target as HTMLElement).closest<HTMLElement>('[data-b]')?.dataset.b;
      if (b !== undefined) this.pin(this.forByte(Number(b)));
    });
  }

  /** Shows a message instead of a packet. */
  clear(message: string): void {
    this.head.textContent = '';
    this.tree.innerHTML = `<p class="empty">${esc(message)}</p>`;
    this.hex.innerHTML = '';
    this.bytesOf.clear();
    this.rowsAt = [];
    this.hexEls = [];
    this.ascEls = [];
    this.lit = { rows: [], bytes: [] };
    this.pinned = undefined;
  }

  /** Shows `pkt` under a one-line heading. */
  show(pkt: DecodedPacket, heading: string): void {
    this.clear('');
    this.head.textContent = heading;
    const bytes = pkt.bytes;
    const owners = byteOwners(pkt);
    const rowsAt: string[][] = Array.from({ length: bytes.length }, () => []);
    const add = (id: string, list: number[]) => {
      this.bytesOf.set(id, list);
      for (const b of list) rowsAt[b]?.push(id);
    };

    const L = pkt.layers;
    let html = '';
    for (let i = 0; i < L.length; i++) {
      const l = L[i]!;
      const span = pkt.spans[i] ?? { offset: 0, length: 0 };
      const colour = i % COLOURS;
      const issues = pkt.issues.filter((x) => x.layerIndex === i);
      const codec = this.registry.get(l.layer);
      const fb = codec ? fieldBytes(codec, l, span.length) : new Map<string, number[]>();
      const layerBytes = Array.from({ length: span.length }, (_, k) => span.offset + k);
      html += `<div class="layer c${colour}" data-layer="${i}"><div class="layer-head" data-f="L${i}"><span class="chev" title="fold">▾</span><b>${esc(l.layer)}</b><span class="lsum">${esc(summarizeLayer(l).slice(l.layer.length).trim())}</span><span class="range">${range(span.offset, span.length)}</span>${issues.length ? `<span class="warn">⚠ ${esc(issues.map((x) => x.code).join(', '))}</span>` : ''}</div><div class="fields">`;
      for (const f of layerFields(l, this.registry)) {
        const id = `${i}:${f.name}`;
        const own = fb.get(f.name)?.map((b) => b + span.offset);
        add(id, own ?? []);
        const where = own?.length ? `${own[0]}–${own[own.length - 1]}` : '';
        html += `<div class="field${own?.length ? '' : ' nobytes'}" data-f="${esc(id)}" title="${esc(where ? `bytes ${where}` : 'no bytes of its own')}"><span class="fname">${esc(f.name)}</span><span class="fval">${esc(formatValue(f.name, f.value, f.spec))}</span></div>`;
      }
      for (const x of issues) html += `<div class="issue">⚠ ${esc(x.code)} at offset ${x.offset}: ${esc(x.message)}</div>`;
      html += '</div></div>';
      add(`L${i}`, layerBytes);
    }
    if (pkt.trailer !== undefined) {
      const n = pkt.trailer.length >>> 1;
      const start = bytes.length - n;
      add(
        'T',
        Array.from({ length: n }, (_, k) => start + k),
      );
      html += `<div class="layer ct"><div class="layer-head" data-f="T"><span class="chev"></span><b>trailer</b><span class="lsum">${esc(formatValue('data', pkt.trailer))}</span><span class="range">${range(start, n)}</span></div></div>`;
    }
    const loose = pkt.issues.filter((x) => x.layerIndex >= L.length);
    for (const x of loose) html += `<div class="issue">⚠ ${esc(x.code)} at offset ${x.offset}: ${esc(x.message)}</div>`;
    this.tree.innerHTML = html;

    // Smallest field first, so hovering a byte lights the most specific bytes; layer rows last.
    for (const ids of rowsAt) ids.sort((a, b) => (this.bytesOf.get(a)?.length ?? 0) - (this.bytesOf.get(b)?.length ?? 0));
    this.rowsAt = rowsAt;

    let hx = '';
    for (let o = 0; o < bytes.length; o += PER_LINE) {
      let h = '';
      let a = '';
      for (let k = o; k < o + PER_LINE; k++) {
        if (k >= bytes.length) {
          h += `<span class="pad">  </span>`;
          continue;
        }
        const owner = owners[k]!;
        const cls = owner < 0 ? 'cn' : owner >= L.length ? 'ct' : `c${owner % COLOURS}`;
        const b = bytes[k]!;
        h += `<span class="${cls}" data-b="${k}">${b.toString(16).padStart(2, '0')}</span>`;
        a += `<span class="${cls}" data-b="${k}">${b >= 0x20 && b < 0x7f ? esc(String.fromCharCode(b)) : '·'}</span>`;
      }
      hx += `<div class="hrow"><span class="off">${o.toString(16).padStart(4, '0')}</span><span class="hb">${h}</span><span class="asc">${a}</span></div>`;
    }
    this.hex.innerHTML = hx;
    this.hexEls = Array.from(this.hex.querySelectorAll<HTMLElement>('.hb [data-b]'));
    this.ascEls = Array.from(this.hex.querySelectorAll<HTMLElement>('.asc [data-b]'));
  }

  private forRow(id: string): Highlight {
    return { rows: [id], bytes: this.bytesOf.get(id) ?? [] };
  }

  private forByte(b: number): Highlight {
    const ids = this.rowsAt[b] ?? [];
    const best = ids.find((id) => (this.bytesOf.get(id)?.length ?? 0) > 0);
    return { rows: ids, bytes: best === undefined ? [b] : (this.bytesOf.get(best) ?? [b]) };
  }

  private pin(h: Highlight): void {
    const same = this.pinned && this.pinned.rows.join() === h.rows.join();
    this.pinned = same ? undefined : h;
    for (const el of Array.from(this.tree.querySelectorAll('.pinned'))) el.classList.remove('pinned');
    if (this.pinned) for (const id of this.pinned.rows) this.rowEl(id)?.classList.add('pinned');
    this.light(this.pinned ?? h);
  }

  private rowEl(id: string): HTMLElement | null {
    return this.tree.querySelector<HTMLElement>(`[data-f="${CSS.escape(id)}"]`);
  }

  private light(h: Highlight): void {
    for (const id of this.lit.rows) this.rowEl(id)?.classList.remove('hl');
    for (const b of this.lit.bytes) {
      this.hexEls[b]?.classList.remove('hl');
      this.ascEls[b]?.classList.remove('hl');
    }
    this.lit = h;
    for (const id of h.rows) this.rowEl(id)?.classList.add('hl');
    for (const b of h.bytes) {
      this.hexEls[b]?.classList.add('hl');
      this.ascEls[b]?.classList.add('hl');
    }
  }
}
