/**
 * A data folder with a small but complete team history for the transfer
 * tests, written by the server's own parts (the ingest service on a file
 * store, the ownership log, the user directory), and the comparison of
 * two histories that a lossless transfer must leave equal.
 */
import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { aliasId } from '../../../server/access/aliases';
import { UserDirectory } from '../../../server/access/directory';
import { OwnershipStore } from '../../../server/access/ownership';
import { canonicalJson } from '../../../server/canonical-json';
import { loadRecordSchemas } from '../../../server/schemas';
import { IngestService } from '../../../server/services/ingest';
import { FileStore } from '../../../server/store/file-store';
import type { StoredEvent } from '../../../server/store/types';
import { citedBlobs } from '../../../server/transfer/export-format';
import type { HistoryEnd } from '../../../server/transfer/history-end';
import { RecordValidator } from '../../../server/validation';
import type {
  StructureCapturedEvent,
  TrailEvent
} from '../../../src/records/schema';
import {
  annotationEvent,
  bigPng,
  environment,
  environmentEvent,
  executionEvent,
  imageOutput,
  sessionEvent
} from '../support/records';

const principal = {
  userId: 'owner',
  name: 'owner',
  displayName: 'Owner',
  role: 'admin' as const,
  tokenId: null
};

/** What {@link seedHistory} wrote. */
export interface Seeded {
  sessions: number;
  executions: number;
  events: number;
  /** The tokens issued (secrets), by user name. */
  tokens: Record<string, string>;
}

function structureEvent(sessionId: string): StructureCapturedEvent {
  const sources = ['import pandas as pd', 'df = pd.read_csv("a.csv")'];
  const sha = (s: string) =>
    createHash('sha256').update(s, 'utf8').digest('hex');
  return {
    id: `evt-structure-${sessionId}`,
    kind: 'structure.captured',
    sessionId,
    fromSeq: 1,
    cells: sources.map((s, i) => ({
      id: `cell-${i + 1}`,
      cellType: 'code',
      sha256: sha(s)
    })),
    sources: Object.fromEntries(sources.map(s => [sha(s), s]))
  };
}

/**
 * Writes into `dir` (no server running): two users with a token each,
 * `sessionCount` sessions of `perSession` executions (images shared
 * between sessions, so blobs are deduplicated; an environment, a
 * structure, an annotation, params and metrics), and their owners:
 * alice's sessions for the team, bob's private, a rule and an alias.
 */
export async function seedHistory(
  dir: string,
  sessionCount = 4,
  perSession = 5
): Promise<Seeded> {
  await mkdir(dir, { recursive: true });
  const users = await UserDirectory.open(dir, { reloadIntervalMs: 0 });
  const alice = await users.addUser('alice', { displayName: 'Alice A.' });
  const bob = await users.addUser('bob', { role: 'admin' });
  const tokens = {
    alice: (await users.issueToken('alice', 'laptop')).token,
    bob: (await users.issueToken('bob')).token
  };
  await users.revokeTokens((await users.issueToken('bob', 'old')).record.id);
  const owners = await OwnershipStore.open(dir);
  const store = await FileStore.open(dir);
  const ingest = new IngestService(
    store,
    new RecordValidator(loadRecordSchemas()),
    { authorizeIngest: async (_p, events) => events }
  );
  let events = 0;
  let executions = 0;
  for (let s = 0; s < sessionCount; s++) {
    const author = s % 2 === 0 ? alice : bob;
    const started = sessionEvent({
      notebookPath: `nb/${author.name}-${s % 3}.ipynb`,
      startedAt: new Date(Date.UTC(2026, 2, 1, 10, s)).toISOString()
    });
    const sessionId = started.session.id;
    await owners.claim(
      [
        {
          sessionId,
          authorId: author.id,
          notebookPath: started.session.notebookPath,
          visibility: author === bob ? 'private' : 'team'
        }
      ],
      s === 1
        ? [
            {
              kind: 'session',
              publicId: `pub-${sessionId}`,
              authorId: author.id,
              internalId: aliasId('session', `pub-${sessionId}`, author.id)
            }
          ]
        : []
    );
    const batch: TrailEvent[] = [started];
    for (let seq = 1; seq <= perSession; seq++) {
      const x = executionEvent(sessionId, seq, {
        notebookPath: started.session.notebookPath
      });
      x.execution.outputs.push(imageOutput(bigPng(`plot-${seq % 3}`)));
      if (seq === 2) {
        x.execution.status = 'error';
      }
      const at = x.execution.endedAt;
      x.execution.capture = {
        metrics: [
          { name: 'loss', value: 1 / (seq + s), step: seq, at },
          { name: 'acc', value: seq / 10, at }
        ],
        params: { epochs: seq, lr: 0.1 * (s + 1), model: `m${s}` }
      };
      batch.push(x);
      executions++;
      if (seq === 1) {
        batch.push(annotationEvent(x.execution, { tags: ['baseline'] }));
      }
    }
    batch.push(
      environmentEvent(
        sessionId,
        1,
        environment({ cpu: { model: 'x', count: (s % 2) + 1 } })
      ),
      structureEvent(sessionId)
    );
    await ingest.ingest(principal, { events: batch });
    events += batch.length;
  }
  await owners.setNotebookRule(bob.id, 'nb/bob-1.ipynb', 'private');
  await store.close();
  await owners.close();
  return { sessions: sessionCount, executions, events, tokens };
}

/** Every event of an end in storage order, as canonical JSON. */
export async function eventsOf(end: HistoryEnd): Promise<string[]> {
  const out: string[] = [];
  await end.store.scanEvents(events => {
    events.forEach(e => out.push(canonicalJson(e)));
  });
  return out;
}

/** The SHA-256 of every blob the events cite, as read back. */
export async function blobsOf(end: HistoryEnd): Promise<Map<string, string>> {
  const hashes = new Map<string, string>();
  await end.store.scanEvents(async (events: StoredEvent[]) => {
    for (const event of events) {
      for (const sha of citedBlobs(event)) {
        const content = await end.store.blobs.get(sha);
        hashes.set(
          sha,
          content ? createHash('sha256').update(content).digest('hex') : 'none'
        );
      }
    }
  });
  return hashes;
}

/** Every access fact of an end, as canonical JSON, in order. */
export async function factsOf(end: HistoryEnd): Promise<string[]> {
  const out: string[] = [];
  for await (const fact of end.facts()) {
    out.push(canonicalJson(fact));
  }
  return out;
}
