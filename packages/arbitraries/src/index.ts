export * from './common.js';
export * from './ethernet.js';
