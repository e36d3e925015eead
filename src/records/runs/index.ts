/**
 * The rules of runs (#16): a session summarised as a run (summary.ts), the
 * filter language (filter.peggy, syntax.ts, filter.ts), the order of runs
 * (sort.ts) and the filter box's completions (complete.ts).
 */
export * from './fields';
export * from './syntax';
export * from './filter';
export * from './sort';
export * from './summary';
export * from './complete';
