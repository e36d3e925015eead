/**
 * The Trail server's typed HTTP client, its errors, and the persistent queue
 * that delivers recorded events to it.
 */
export * from './types';
export * from './errors';
export * from './response-schemas';
export * from './compatibility';
export * from './blob-cache';
export * from './client';
export * from './delivery';
export * from './storage';
export * from './queue';
export * from './change-feed';
