/**
 * The views of a fork (issue #14): the session's inputs, the Fork widget,
 * the data-contract report and the check beside a fork notebook.
 */
export * from './inputsSection';
export * from './forkWidget';
export * from './contractView';
export * from './checkWidget';
