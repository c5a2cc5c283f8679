/**
 * The registry `decodeStack` and `encodeStack` use when the caller passes none. It lives in this module only
 * (not exported from the package), so no caller can bind anything on it; callers who bind use their own
 * `defaultRegistry()` instance.
 */
import type { Registry } from '@wirestack/core';
import { defaultRegistry } from './registry.js';

let shared: Registry | undefined;

/** The private default registry, built on first use. */
export function fallbackRegistry(): Registry {
  shared ??= defaultRegistry();
  return shared;
}
