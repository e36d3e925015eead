/**
 * The rules of an export to a pipeline (issue #15): the facts the Python
 * analysis gives of each cell, the slicing rule that keeps the steps that
 * produced a result, and the params and metrics of a slice.
 */
export type * from './facts';
export * from './slice';
export * from './params';
export * from './requirements';
export * from './expected';
export * from './folder';
