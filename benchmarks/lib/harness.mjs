/**
 * A small measuring loop: each case is a function `run(n)` that performs `n` operations (or a whole
 * number of passes, returning how many operations it did) and writes something to `sink` so nothing is
 * optimised away. A round is one call sized to ~200 ms; a case is ≥ 7 rounds; we report min/median/max
 * ns per operation.
 *
 * Time is the process's CPU time (`process.cpuUsage()`, user + system, every thread) by default: on a
 * machine whose cores are shared with other work, wall-clock rounds also count the time the process was
 * not running. `clock: 'wall'` measures elapsed time instead.
 */

/** Writes here keep results alive. */
export const sink = { n: 0, v: undefined };

/** The clock: 'cpu' (default) or 'wall'. */
let clock = 'cpu';
const now = () => {
  if (clock === 'wall') return Number(process.hrtime.bigint());
  const u = process.cpuUsage();
  return (u.user + u.system) * 1000;
};

function runOnce(run, n) {
  const t0 = now();
  const r = run(n);
  if (r && typeof r.then === 'function') {
    return r.then((ops) => ({ ns: now() - t0, ops: typeof ops === 'number' ? ops : n }));
  }
  return { ns: now() - t0, ops: typeof r === 'number' ? r : n };
}

async function timed(run, n) {
  const r = runOnce(run, n);
  return r && typeof r.then === 'function' ? await r : r;
}

/**
 * Measures one case. `opts.roundNs` is the target duration of a round, `opts.rounds` their number.
 * Returns `{ n, rounds: ns/op[], min, median, max }`.
 */
export async function measure(run, opts) {
  clock = opts.clock ?? 'cpu';
  const roundNs = opts.roundNs;
  const rounds = opts.rounds;
  // Warm up and calibrate: grow n until a call takes ≥ 1/8 of a round.
  let n = 1;
  let last = await timed(run, n);
  while (last.ns < roundNs / 8 && n < 2 ** 30) {
    const perOp = last.ns / Math.max(1, last.ops);
    const want = Math.ceil(roundNs / 4 / Math.max(perOp, 0.05));
    n = Math.max(n * 2, Math.min(want, n * 64));
    last = await timed(run, n);
  }
  // JIT warm-up. V8 optimises hot functions in the background, and a generated walker or encoder only after a
  // few packets, so the calls above may have run (partly) unoptimised code: rounds sized on that speed were
  // 10x too short and their first ones still warming up. Keep calling in quarter-round batches for at least
  // one round's time, until a batch is no longer >10% faster than the one before, and size rounds on that.
  let perOp = last.ns / Math.max(1, last.ops);
  let spent = 0;
  for (let k = 0; k < 16; k++) {
    n = Math.max(1, Math.round(roundNs / 4 / Math.max(perOp, 0.05)));
    const t = await timed(run, n);
    spent += t.ns;
    const p = t.ns / Math.max(1, t.ops);
    const settled = p > 0.9 * perOp;
    perOp = p;
    if (settled && spent >= roundNs) break;
  }
  n = Math.max(1, Math.round(roundNs / Math.max(perOp, 0.05)));
  const per = [];
  for (let r = 0; r < rounds; r++) {
    if (globalThis.gc) globalThis.gc();
    const t = await timed(run, n);
    per.push(t.ns / Math.max(1, t.ops));
  }
  const sorted = [...per].sort((a, b) => a - b);
  return { n, rounds: per, min: sorted[0], median: sorted[sorted.length >> 1], max: sorted[sorted.length - 1] };
}

/**
 * Paired rounds for a ratio: `rounds` times, a round of `a` (n = `nA`) and a round of `b` (n = `nB`), back to
 * back and in alternating order (ab, ba, ab, ...), each after a GC. Both cases must be warm (run them through
 * {@link measure} first, which also gives their n). On a shared machine the load changes from one minute to the
 * next: rounds minutes apart compare a quiet minute with a busy one, two rounds 0.2 s apart see the same load.
 * Returns the ratios `b ns/op ÷ a ns/op` per pair, and their min/median/max.
 */
export async function measurePaired(a, nA, b, nB, opts) {
  clock = opts.clock ?? 'cpu';
  const ratios = [];
  for (let r = 0; r < opts.rounds; r++) {
    const order = r % 2 === 0 ? ['a', 'b'] : ['b', 'a'];
    const per = {};
    for (const k of order) {
      if (globalThis.gc) globalThis.gc();
      const t = await timed(k === 'a' ? a : b, k === 'a' ? nA : nB);
      per[k] = t.ns / Math.max(1, t.ops);
    }
    ratios.push(per.b / per.a);
  }
  const sorted = [...ratios].sort((x, y) => x - y);
  return { ratios, min: sorted[0], median: sorted[sorted.length >> 1], max: sorted[sorted.length - 1] };
}
