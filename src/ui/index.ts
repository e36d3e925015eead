export * from './breadcrumbs';
export * from './executionDetail';
export * from './icons';
export * from './sessionList';
export * from './sidebar';
export * from './statusbar';
export * from './timeline';
