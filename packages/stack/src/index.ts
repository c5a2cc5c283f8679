export * from './decode.js';
export * from './encode.js';
export * from './packet.js';
export * from './raw.js';
export * from './registry.js';
export * from './fast.js';
