/**
 * Forking a recorded experiment onto one's own data (issue #14): the
 * session's inputs, the Fork widget's state and the notebook it writes,
 * the contract check of a fork notebook and its run. No DOM here.
 */
export * from './source';
export * from './inputs';
export * from './notebook';
export * from './forkModel';
export * from './check';
export * from './run';
export * from './redirects';
