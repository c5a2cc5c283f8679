/**
 * V8's test intrinsics, for tests that optimized code survives a full garbage collection (issue #6). V8 throws
 * away optimized code that depends on a hidden class that died, and a hidden class dies with the last object
 * of it; modules on hot paths keep one such object alive, and these tests check that they still do.
 *
 * `--expose-gc` and `--allow-natives-syntax` are set at run time (they apply to code compiled after).
 * `v8Intrinsics()` is `undefined` where that is refused; the tests then skip, visibly.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** What the tests use of V8's intrinsics. */
export interface V8Intrinsics {
  /**
   * Calls `exercise` to warm `f` up, has V8 optimize `f` on its next call, calls `exercise` again, then runs two
   * full collections: whether `f` had optimized code before them and after.
   */
  acrossFullGc(f: unknown, exercise: () => unknown): Promise<{ before: boolean; after: boolean }>;
}

/** V8's OptimizationStatus bit for "has optimized code". */
const OPTIMIZED = 1 << 4;

let cached: V8Intrinsics | undefined | null = null;

/** The intrinsics, or `undefined` where they are not available. */
export function v8Intrinsics(): V8Intrinsics | undefined {
  if (cached !== null) return cached;
  cached = undefined;
  try {
    setFlagsFromString('--expose-gc');
    setFlagsFromString('--allow-natives-syntax');
    const gc = runInNewContext('gc') as () => void;
    const status = new Function('f', 'return %GetOptimizationStatus(f)') as (f: unknown) => number;
    const prepare = new Function('f', '%PrepareFunctionForOptimization(f)') as (f: unknown) => void;
    const optimizeNext = new Function('f', '%OptimizeFunctionOnNextCall(f)') as (f: unknown) => void;
    const optimized = (f: unknown): boolean => (status(f) & OPTIMIZED) !== 0;
    cached = {
      async acrossFullGc(f, exercise) {
        for (let i = 0; i < 5; i++) await exercise();
        prepare(f);
        await exercise();
        optimizeNext(f);
        await exercise();
        const before = optimized(f);
        gc();
        gc();
        return { before, after: optimized(f) };
      },
    };
  } catch {
    cached = undefined;
  }
  return cached;
}
