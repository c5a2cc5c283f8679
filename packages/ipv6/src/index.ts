export * from './address.js';
export * from './codec.js';
export * from './constants.js';
export * from './extensions.js';
export * from './header.js';
export * from './options.js';
export * from './view.js';
export * from './walk.js';
