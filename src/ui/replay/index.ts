export * from './cellView';
export * from './header';
export * from './openAsNotebook';
export * from './viewer';
