export * from './types';
export * from './stepCache';
export * from './replayModel';
