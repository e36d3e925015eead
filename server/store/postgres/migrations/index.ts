/**
 * The PostgreSQL schema's versioned migrations, in order. Each is SQL in a
 * module of its own (bundled with the server: no files to find at run
 * time), applied once, in one transaction, at start and by
 * `trail-server migrate` (see ../migrate.ts). A migration that shipped is
 * never edited: a change is a new one.
 */
import core from './001-core';
import runs from './002-runs';
import access from './003-access';
import searchAndFeed from './004-search-feed';
import searchWords from './005-search-words';

/** One migration: its name (the order) and the SQL that applies it. */
export interface Migration {
  name: string;
  up: string;
}

export const MIGRATIONS: readonly Migration[] = [
  core,
  runs,
  access,
  searchAndFeed,
  searchWords
];
