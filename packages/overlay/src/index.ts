export * from './decide.js';
export * from './model.js';
export * from './network.js';
export * from './render.js';
export * from './scenarios.js';
