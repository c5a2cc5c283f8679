export * from './codec.js';
export * from './constants.js';
export * from './header.js';
export * from './linktype.js';
export * from './null.js';
export * from './view.js';
