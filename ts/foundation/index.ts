export * from './asil.js';
export * from './safety-context.js';
export * from './bounded-vec.js';
export * from './bounded-string.js';
export * from './bounded-map.js';
export * from './capacity.js';
export * from './capacity-presets.js';
export * from './memory-budget.js';
