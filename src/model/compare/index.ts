export * from './compareModel';
export * from './rules';
