export * from './compareView';
export * from './permalink';
