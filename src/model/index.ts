export * from './types';
export * from './loadable';
export * from './sessionList';
export * from './sessionTimeline';
export * from './executionDetail';
export * from './browser';
export * from './capture';
export * from './sessionEnvironment';
