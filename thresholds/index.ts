export * from './parse.js';
export * from './evaluate.js';
export * from './summary-source.js';
export * from './defaults.js';
export * from './rollback.js';
export * from './windows.js';
export * from './load-evidence.js';
