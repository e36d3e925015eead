export * from './cells';
export * from './columnPicker';
export * from './filterBox';
export * from './leaderboard';
export * from './permalink';
export * from './table';
