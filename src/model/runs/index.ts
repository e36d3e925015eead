export * from './types';
export * from './columns';
export * from './rows';
export * from './leaderboard';
export * from './problems';
export * from './follower';
export * from './query';
