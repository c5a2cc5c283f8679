/**
 * A one-line progress bar on standard error, drawn with `\r` and cleared at the end. It is only ever
 * drawn when standard error is a terminal (never into pipes or files), at most every 100 ms.
 */
import type { Writable } from 'node:stream';

/** Progress bar state. Call `update()` often (it is cheap); it redraws only when due. */
export class Progress {
  private last = 0;
  private drawn = false;
  private readonly start = Date.now();
  private readonly width: number;

  constructor(
    private readonly stream: Writable & { columns?: number },
    private readonly label: string,
    private readonly total: number | undefined,
    private readonly interval = 100,
  ) {
    this.width = Math.max(40, Math.min(stream.columns || 80, 160));
  }

  /** Redraws if at least `interval` ms have passed since the last draw. */
  update(bytes: number, packets: number, force = false): void {
    const now = Date.now();
    if (!force && now - this.last < this.interval) return;
    this.last = now;
    const secs = Math.max((now - this.start) / 1000, 0.001);
    const rate = packets / secs;
    const stats = `${formatBytes(bytes)}${this.total !== undefined ? `/${formatBytes(this.total)}` : ''}  ${packets} pkts  ${formatRate(rate)} pkt/s`;
    const label = this.label.length > 30 ? `…${this.label.slice(-29)}` : this.label;
    let bar = '';
    if (this.total !== undefined && this.total > 0) {
      const frac = Math.min(1, bytes / this.total);
      const pct = `${(frac * 100).toFixed(0).padStart(3)}% `;
      const room = this.width - 1 - label.length - 1 - stats.length - pct.length - 3;
      if (room >= 10) {
        const fill = Math.round(frac * room);
        bar = `[${'#'.repeat(fill)}${'.'.repeat(room - fill)}] `;
      }
      bar += pct;
    }
    let line = `${label} ${bar}${stats}`;
    if (line.length > this.width - 1) line = line.slice(0, this.width - 1);
    this.stream.write(`\r${line}\x1b[K`);
    this.drawn = true;
  }

  /** Erases the bar (leaves the cursor at the start of an empty line). */
  clear(): void {
    if (this.drawn) this.stream.write('\r\x1b[K');
    this.drawn = false;
  }
}

/** `1.5 MiB`-style sizes. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
}

function formatRate(r: number): string {
  if (r >= 1e6) return `${(r / 1e6).toFixed(2)}M`;
  if (r >= 1e3) return `${(r / 1e3).toFixed(1)}k`;
  return r.toFixed(0);
}
