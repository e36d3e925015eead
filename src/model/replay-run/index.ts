/**
 * Replay in my kernel and its preflight (issue #13 items 4-5): the models
 * the views of src/ui/replay-run read. No DOM here: the runner and the
 * preflight work with a bare kernel connection too.
 */
export * from './contracts';
export * from './steps';
export * from './probe';
export * from './redirect';
export * from './preflight';
export * from './executor';
export * from './runner';
export * from './replays';
