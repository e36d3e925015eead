/**
 * People, tokens, ownership and visibility in PostgreSQL (issue #17):
 * what access.log and users.json hold for the file store.
 *
 * The state tables (`trail_session_access`, `trail_notebook_rules`,
 * `trail_aliases`) answer SQL that filters by visibility; every change to
 * them is also appended, in the same transaction, to `trail_access_facts`
 * with the fact format of access.log (see server/access/access-log.ts),
 * which each server replays into its memory mirror (pg-ownership.ts).
 * Writers of facts take `pg_advisory_xact_lock(7400718)` first, so `seq`
 * values commit in increasing order and a reader of `seq > last` never
 * misses one; each such transaction ends with
 * `pg_notify('trail_access', <last seq>)`.
 *
 * Users and tokens (pg-directory.ts): only a token's SHA-256 and a short
 * prefix are stored. Each directory write adds a row to
 * `trail_directory_changes`, which is how servers notice (catchUp) that
 * their copy of the users is stale.
 *
 * `trail_secrets` holds the values every server must share (the cursor
 * seal key, pg-secrets.ts).
 */
import type { Migration } from './index';

const migration: Migration = {
  name: '003-access',
  up: `
CREATE TABLE trail_session_access (
  session_id text PRIMARY KEY,
  author_id text NOT NULL,
  visibility text NOT NULL CHECK (visibility IN ('team', 'private')),
  notebook_path text
);
CREATE INDEX trail_session_access_author
  ON trail_session_access (author_id, notebook_path);
CREATE INDEX trail_session_access_private
  ON trail_session_access (session_id) WHERE visibility = 'private';

CREATE TABLE trail_notebook_rules (
  author_id text NOT NULL,
  notebook_path text NOT NULL,
  visibility text NOT NULL CHECK (visibility IN ('team', 'private')),
  PRIMARY KEY (author_id, notebook_path)
);

CREATE TABLE trail_aliases (
  internal_id text PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('session', 'execution', 'event')),
  public_id text NOT NULL,
  author_id text NOT NULL,
  made bigserial NOT NULL
);
CREATE INDEX trail_aliases_public ON trail_aliases (kind, public_id, made);

CREATE TABLE trail_access_facts (
  seq bigserial PRIMARY KEY,
  fact jsonb NOT NULL CHECK (jsonb_typeof(fact) = 'object'),
  stored_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE trail_users (
  id text PRIMARY KEY,
  ord bigserial NOT NULL UNIQUE,
  name text NOT NULL UNIQUE,
  display_name text NOT NULL,
  role text NOT NULL CHECK (role IN ('admin', 'member')),
  created_at timestamptz NOT NULL,
  disabled_at timestamptz
);

CREATE TABLE trail_tokens (
  id text PRIMARY KEY,
  ord bigserial NOT NULL UNIQUE,
  user_id text NOT NULL REFERENCES trail_users (id),
  label text NOT NULL,
  sha256 text NOT NULL UNIQUE CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  prefix text NOT NULL,
  created_at timestamptz NOT NULL,
  revoked_at timestamptz
);
CREATE INDEX trail_tokens_user ON trail_tokens (user_id);

CREATE TABLE trail_directory_changes (
  seq bigserial PRIMARY KEY,
  stored_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE trail_secrets (
  name text PRIMARY KEY,
  value bytea NOT NULL
);
`
};

export default migration;
