export * from './outcome.js';
export * from './health.js';
export * from './market-data.js';
export * from './causes.js';
