/**
 * A virtualised list: only the rows in view exist in the DOM (a small pool of row elements is reused),
 * so a list of a million packets scrolls as lightly as one of ten. Past a few million pixels browsers cap
 * element heights, so beyond that the scroll position maps onto the rows proportionally.
 */

/** Tallest spacer we ask the browser for (Chrome caps near 33 554 428 px). */
const MAX_HEIGHT = 8_000_000;

export interface VirtualListOptions {
  rowHeight: number;
  /** Fills a row element for item `i` (0-based). */
  render(i: number, row: HTMLElement): void;
  /** Called when the user selects an item (click, or arrow keys). */
  onSelect(i: number): void;
}

export class VirtualList {
  private count = 0;
  private selected = -1;
  private readonly spacer: HTMLElement;
  private readonly layer: HTMLElement;
  private pool: HTMLElement[] = [];
  private frame = 0;
  private first = -1;

  constructor(
    readonly el: HTMLElement,
    private readonly opts: VirtualListOptions,
  ) {
    el.classList.add('vlist');
    el.tabIndex = 0;
    el.setAttribute('role', 'listbox');
    this.spacer = document.createElement('div');
    this.spacer.className = 'vlist-spacer';
    this.layer = document.createElement('div');
    this.layer.className = 'vlist-rows';
    el.append(this.spacer, this.layer);
    el.addEventListener('scroll', () => this.schedule());
    new ResizeObserver(() => this.schedule(true)).observe(el);
    el.addEventListener('click', (e) => {
      const row = (e.target as HTMLElement).closest<HTMLElement>('.row');
      if (row?.dataset.i !== undefined) this.select(Number(row.dataset.i));
    });
    el.addEventListener('keydown', (e) => this.key(e));
  }

  get length(): number {
    return this.count;
  }

  get selectedIndex(): number {
    return this.selected;
  }

  /** Sets the number of items (rows already shown are kept unless `redraw`). */
  setCount(n: number, redraw = false): void {
    this.count = n;
    if (n === 0) this.selected = -1;
    this.spacer.style.height = `${Math.min(n * this.opts.rowHeight, MAX_HEIGHT)}px`;
    this.schedule(redraw);
  }

  select(i: number, scroll = false): void {
    if (i < 0 || i >= this.count) return;
    this.selected = i;
    if (scroll) this.scrollTo(i);
    for (const row of this.pool) row.classList.toggle('selected', Number(row.dataset.i) === i);
    this.opts.onSelect(i);
  }

  /** Brings item `i` into view. */
  scrollTo(i: number): void {
    const rh = this.opts.rowHeight;
    const view = this.el.clientHeight;
    if (this.count * rh <= MAX_HEIGHT) {
      const top = i * rh;
      if (top < this.el.scrollTop) this.el.scrollTop = top;
      else if (top + rh > this.el.scrollTop + view) this.el.scrollTop = top + rh - view;
    } else {
      const visible = Math.floor(view / rh);
      this.el.scrollTop = (Math.max(0, i - (visible >> 1)) / Math.max(1, this.count - visible)) * (MAX_HEIGHT - view);
    }
    this.draw(true);
  }

  private key(e: KeyboardEvent): void {
    const page = Math.max(1, Math.floor(this.el.clientHeight / this.opts.rowHeight) - 1);
    const step: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: page, PageUp: -page };
    let to: number | undefined;
    if (e.key in step) to = Math.min(this.count - 1, Math.max(0, Math.max(this.selected, 0) + step[e.key]!));
    else if (e.key === 'Home') to = 0;
    else if (e.key === 'End') to = this.count - 1;
    if (to === undefined || this.count === 0) return;
    e.preventDefault();
    this.select(to, true);
  }

  private schedule(redraw = false): void {
    if (redraw) this.first = -1;
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.draw(false);
    });
  }

  /** Places the pool over the rows in view and fills the rows that changed. */
  private draw(force: boolean): void {
    const rh = this.opts.rowHeight;
    const view = this.el.clientHeight;
    const top = this.el.scrollTop;
    const visible = Math.ceil(view / rh) + 1;
    let first: number;
    let y: number;
    if (this.count * rh <= MAX_HEIGHT) {
      first = Math.floor(top / rh);
      y = first * rh;
    } else {
      const exact = (top / Math.max(1, MAX_HEIGHT - view)) * Math.max(0, this.count - visible + 1);
      first = Math.floor(exact);
      y = top - (exact - first) * rh;
    }
    const n = Math.max(0, Math.min(visible, this.count - first));
    while (this.pool.length < n) {
      const row = document.createElement('div');
      row.className = 'row';
      row.setAttribute('role', 'option');
      row.style.height = `${rh}px`;
      this.layer.append(row);
      this.pool.push(row);
    }
    this.layer.style.transform = `translateY(${y}px)`;
    const redraw = force || this.first === -1;
    for (let k = 0; k < this.pool.length; k++) {
      const row = this.pool[k]!;
      if (k >= n) {
        row.hidden = true;
        continue;
      }
      const i = first + k;
      row.hidden = false;
      if (!redraw && row.dataset.i === String(i)) continue;
      row.dataset.i = String(i);
      row.classList.toggle('selected', i === this.selected);
      this.opts.render(i, row);
    }
    this.first = first;
  }
}
