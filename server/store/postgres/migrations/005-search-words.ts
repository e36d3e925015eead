/**
 * Search by words (`GET /search?match=words`, see search/words.ts) with
 * PostgreSQL's own text search: a configuration, `trail_words`, whose
 * words of letters go through the Snowball English stemmer (without stop
 * words: in code, `is` and `the` are worth finding) and whose numbers and
 * words with digits are kept as written; and a GIN index of the tsvector
 * of each execution's search text, words separated at everything but
 * letters and digits (so `read_csv` is "read" then "csv", as the store in
 * memory splits it).
 *
 * pg-search.ts matches that same expression (WORDS_VECTOR there), so the
 * planner uses the index.
 */
import type { Migration } from './index';

const migration: Migration = {
  name: '005-search-words',
  up: `
CREATE TEXT SEARCH DICTIONARY trail_english_stem (TEMPLATE = snowball, Language = english);

CREATE TEXT SEARCH CONFIGURATION trail_words (COPY = pg_catalog.simple);

ALTER TEXT SEARCH CONFIGURATION trail_words
  ALTER MAPPING FOR asciiword, word, asciihword, hword, hword_asciipart, hword_part
  WITH trail_english_stem;

CREATE INDEX trail_executions_words ON trail_executions
  USING gin (to_tsvector('trail_words'::regconfig, regexp_replace(search_text, '[^[:alnum:]]+', ' ', 'g')));
`
};

export default migration;
