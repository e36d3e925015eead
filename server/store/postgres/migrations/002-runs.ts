/**
 * Runs and fingerprints (H2): what the run queries (leaderboard, filter
 * language) and "who already computed this?" read, kept in the append
 * transaction by pg-runs.ts and pg-fingerprints.ts.
 *
 * trail_run_folds: one row per session touched (json, not jsonb, as the
 * records in 001: a fold and a summary keep their params' order). `fold` is the state the
 * run's fold (RunAccumulator) goes on from, with the session facts the
 * summary needs; `summary` is the RunSummary as last folded (null while
 * the session is known only by environments or early annotations: no run
 * yet). trail_runs: one narrow row per run (what queries scan: ~0.3 KB a
 * run, the folds and summaries apart), what filters and sorts read, so
 * that SQL can: instants
 * as milliseconds (`started_ms`, what Date.parse gives), text compared
 * with COLLATE "C" (code point order, as compareText), params and metrics
 * as jsonb with GIN indexes (containment tests of `=`), list fields as
 * arrays.
 *
 * trail_run_keys: each run's params and metric figures as sort keys,
 * indexed so that a sort on one of them walks an index instead of reading
 * every run.
 *
 * trail_fingerprints: one row per stored execution with its fingerprint
 * and pathKey (null: unknown), its place in its session (seq, id) and its
 * start, indexed for lookups by value newest first.
 */
import type { Migration } from './index';

const migration: Migration = {
  name: '002-runs',
  up: `
CREATE TABLE trail_run_folds (
  session_id text COLLATE "C" PRIMARY KEY,
  fold json NOT NULL,
  summary json
);

CREATE TABLE trail_runs (
  session_id text COLLATE "C" PRIMARY KEY,
  started_ms double precision NOT NULL,
  started_at text COLLATE "C" NOT NULL,
  notebook_path text COLLATE "C" NOT NULL,
  kind text COLLATE "C" NOT NULL,
  status text COLLATE "C" NOT NULL,
  duration_ms double precision,
  execution_count integer NOT NULL,
  tags text[] COLLATE "C" NOT NULL,
  input_paths text[] COLLATE "C" NOT NULL,
  input_hashes text[] COLLATE "C" NOT NULL,
  params jsonb NOT NULL,
  metrics jsonb NOT NULL
);
CREATE INDEX trail_runs_started ON trail_runs (started_ms DESC, session_id);
CREATE INDEX trail_runs_notebook ON trail_runs (notebook_path, started_ms DESC);
CREATE INDEX trail_runs_params ON trail_runs USING gin (params jsonb_path_ops);
CREATE INDEX trail_runs_metrics ON trail_runs USING gin (metrics jsonb_path_ops);
CREATE INDEX trail_runs_tags ON trail_runs USING gin (tags);

-- Each run's params and metric figures as sort keys ('p:NAME',
-- 'm:STAT:NAME'; a value of a number, string or boolean only), whose
-- indexes hold the order of a sort on one of them (both directions; ties:
-- the newer start, then the smaller id).
CREATE TABLE trail_run_keys (
  session_id text COLLATE "C" NOT NULL,
  key text COLLATE "C" NOT NULL,
  rank smallint NOT NULL,
  num double precision NOT NULL,
  str text COLLATE "C" NOT NULL,
  started_ms double precision NOT NULL,
  PRIMARY KEY (session_id, key)
);
CREATE INDEX trail_run_keys_up
  ON trail_run_keys (key, rank, num, str, started_ms DESC, session_id);
CREATE INDEX trail_run_keys_down ON trail_run_keys
  (key, rank DESC, num DESC, str DESC, started_ms DESC, session_id);

CREATE TABLE trail_fingerprints (
  execution_id text COLLATE "C" PRIMARY KEY,
  n bigint NOT NULL,
  session_id text COLLATE "C" NOT NULL,
  seq integer NOT NULL,
  started_ms double precision NOT NULL,
  fingerprint text,
  path_key text
);
CREATE INDEX trail_fingerprints_session
  ON trail_fingerprints (session_id, seq, execution_id);
CREATE INDEX trail_fingerprints_value
  ON trail_fingerprints (fingerprint, started_ms DESC, n DESC)
  WHERE fingerprint IS NOT NULL;
CREATE INDEX trail_fingerprints_path
  ON trail_fingerprints (path_key, started_ms DESC, n DESC)
  WHERE path_key IS NOT NULL;
`
};

export default migration;
