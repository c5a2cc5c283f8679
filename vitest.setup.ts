/**
 * Test setup: `WIRESTACK_FC_SEED` fixes fast-check's seed for every property (CI sets it, so a run
 * can be repeated exactly); without it each run draws a new seed, and a failure prints the seed and
 * path to replay it with.
 */
import fc from 'fast-check';

const seed = process.env.WIRESTACK_FC_SEED;
if (seed !== undefined && seed !== '') fc.configureGlobal({ ...fc.readConfigureGlobal(), seed: Number(seed) });
