export * from './checksum.js';
export * from './codec.js';
export * from './constants.js';
export * from './header.js';
export * from './view.js';
