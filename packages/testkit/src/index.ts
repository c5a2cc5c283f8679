/**
 * Shared test helpers: `testCodec` runs the codec laws of the house style (dns-packet's testEncoder,
 * turned into fast-check properties), and fixture/corpus readers.
 */
export * from './laws.js';
export * from './fixtures.js';
export * from './tshark.js';
export * from './v8.js';
