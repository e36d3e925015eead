/**
 * The rules of a fork (issue #14): the data-contract check of substituted
 * inputs and the comparison of a fork (or replay) with its parent.
 */
export * from './contract';
export * from './comparison';
