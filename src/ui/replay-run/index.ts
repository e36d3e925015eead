/**
 * The views of "Replay in my kernel" and its preflight (issue #13 items
 * 4-5), and the executor that runs a replay's steps in a notebook.
 */
export * from './notebookExecutor';
export * from './preflightView';
export * from './divergenceDetail';
export * from './runView';
