/**
 * The core of the PostgreSQL schema: every stored event in storage order
 * (`trail_events.n`, the order followers and exports read in), and the
 * tables the store's listings read, each with the index its keyset pages
 * walk. Ids are compared as JavaScript compares strings (`COLLATE "C"`,
 * code point order), so pages cut the same way on every backend whatever
 * the database's default collation. Times that order rows are kept as the
 * numbers the in-memory stores compare (time-order.ts), beside the text
 * the records carry.
 *
 * Record bodies are \`json\`, not \`jsonb\`: json keeps the text as sent,
 * so objects keep their keys' order (a person's params read back in the
 * order they logged them, as on the file store), where jsonb would sort
 * them. What queries compare lives in columns of its own.
 *
 * An execution's record is kept once, in trail_executions: its
 * execution.completed event keeps no body (NULL) when the event is
 * exactly \`{"id":…,"kind":"execution.completed","execution":<record>}\`
 * (the recorder's shape; pg-append.ts's recordOnly), and
 * \`trail_event_bodies\` gives every event's text back as stored, that
 * one rebuilt from the id and the record's text. Readers of event bodies
 * read that view, never trail_events.body.
 */
import type { Migration } from './index';

const migration: Migration = {
  name: '001-core',
  up: `
CREATE TABLE trail_events (
  n bigserial PRIMARY KEY,
  id text COLLATE "C" NOT NULL UNIQUE,
  kind text NOT NULL,
  session_id text COLLATE "C" NOT NULL,
  body json
);

CREATE TABLE trail_blobs (
  sha256 text COLLATE "C" PRIMARY KEY,
  content bytea NOT NULL
);

-- A session is listed once its session.started record or one of its
-- executions is stored; summary is what the listing shows of it (without
-- its environment versions, read from trail_environments).
CREATE TABLE trail_sessions (
  id text COLLATE "C" PRIMARY KEY,
  record json,
  record_n bigint,
  notebook_path text NOT NULL,
  started_at timestamptz,
  order_ms double precision NOT NULL,
  derived_path text,
  derived_path_seq double precision,
  earliest_started_at text,
  last_ended_at text,
  execution_count integer NOT NULL,
  lineage_session_id text COLLATE "C",
  summary json NOT NULL
);
CREATE INDEX trail_sessions_order ON trail_sessions (order_ms DESC, id DESC);
CREATE INDEX trail_sessions_notebook
  ON trail_sessions (notebook_path, order_ms DESC, id DESC);
CREATE INDEX trail_sessions_lineage ON trail_sessions (lineage_session_id)
  WHERE lineage_session_id IS NOT NULL;

CREATE TABLE trail_executions (
  id text COLLATE "C" PRIMARY KEY,
  n bigint NOT NULL UNIQUE,
  session_id text COLLATE "C" NOT NULL,
  seq integer NOT NULL,
  cell_id text COLLATE "C",
  notebook_path text NOT NULL,
  started_at timestamptz NOT NULL,
  started_ms double precision NOT NULL,
  started_text text NOT NULL,
  status text NOT NULL,
  duration_ms double precision,
  record json NOT NULL,
  code text NOT NULL,
  output_text text NOT NULL
);
CREATE INDEX trail_executions_session ON trail_executions (session_id, seq, id);
CREATE INDEX trail_executions_cell
  ON trail_executions (notebook_path, cell_id, started_ms DESC, id DESC)
  WHERE cell_id IS NOT NULL;

CREATE TABLE trail_annotations (
  n bigint PRIMARY KEY,
  execution_id text COLLATE "C" NOT NULL,
  session_id text COLLATE "C" NOT NULL,
  capture json NOT NULL
);
CREATE INDEX trail_annotations_execution ON trail_annotations (execution_id, n);

CREATE TABLE trail_structures (
  n bigint PRIMARY KEY,
  session_id text COLLATE "C" NOT NULL,
  from_seq integer NOT NULL,
  cells json NOT NULL
);
CREATE INDEX trail_structures_session
  ON trail_structures (session_id, from_seq, n);

CREATE TABLE trail_environments (
  n bigint PRIMARY KEY,
  session_id text COLLATE "C" NOT NULL,
  environment_id text COLLATE "C" NOT NULL,
  from_seq integer NOT NULL,
  captured_at text NOT NULL,
  captured_ms double precision NOT NULL
);
CREATE INDEX trail_environments_session
  ON trail_environments (session_id, from_seq, captured_ms, environment_id, n);
CREATE INDEX trail_environments_snapshot
  ON trail_environments (environment_id, captured_ms, n);

-- Every event's text as stored (see the comment at the top).
CREATE VIEW trail_event_bodies AS
SELECT e.n, e.id, e.kind, e.session_id,
  coalesce(e.body, (
    SELECT ('{"id":' || to_json(e.id)::text || ',"kind":' ||
      to_json(e.kind)::text || ',"execution":' || x.record::text || '}')::json
    FROM trail_executions x WHERE x.n = e.n)) AS body
FROM trail_events e;
`
};

export default migration;
