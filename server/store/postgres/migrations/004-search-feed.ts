/**
 * Search over the executions' code and output text (pg-search.ts): what
 * GET /search matches is every term as a case-insensitive substring of
 * the text the search sees of an execution (its code's first 8,192
 * characters, a line break, its output text's first 4,096: as the text
 * indexes of the file store see it), so queries like `read_csv(` or
 * `lr=0.` find what they find there. A trigram index (pg_trgm) over that
 * text, lower-cased, answers those substring matches for terms of three
 * characters and more without reading every row; pages go newest first
 * by the storage order (`n`, indexed by 001-core).
 *
 * The change feed needs no table of its own: it follows `trail_events`
 * (by `n`) and `trail_access_facts` (by `seq`), see pg-follower.ts.
 */
import type { Migration } from './index';

const migration: Migration = {
  name: '004-search-feed',
  up: `
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE INDEX trail_executions_search_text ON trail_executions
  USING gin (lower(left(code, 8192) || E'\\n' || left(output_text, 4096)) gin_trgm_ops);
`
};

export default migration;
