/**
 * The parent/fork comparison model (#14 item 5) over a comparison shaped
 * like the server's answer (the fixture is checked against the API schema
 * here), and the session view's replays and forks following the feed.
 */
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import {
  ILineageComparison,
  metricDelta,
  ParentComparisonModel,
  stepsNotSame
} from '../../src/model/fork/comparison';
import { Signal } from '@lumino/signaling';
import { ComparisonFollower } from '../../src/model/fork/comparisonFollower';
import { timelineLevel } from '../../src/model';
import { noChanges } from '../../src/model/levels';
import { SessionReplaysModel } from '../../src/model/replay-run/replays';
import type { SessionSummary } from '../../src/records/schema';

const root = join(__dirname, '..', '..');
const FIXTURE = JSON.parse(
  readFileSync(
    join(root, 'tests', 'fixtures', 'lineage', 'fork-comparison.json'),
    'utf8'
  )
) as ILineageComparison;

function fixture(): ILineageComparison {
  return JSON.parse(JSON.stringify(FIXTURE));
}

function notFound(): Error {
  return Object.assign(new Error('No session fork-session-0001'), {
    name: 'TrailResponseError',
    status: 404
  });
}

function summary(id: string, partial: Partial<SessionSummary> = {}) {
  return {
    id,
    notebookPath: `${id}.ipynb`,
    startedAt: '2026-12-01T10:00:00.000Z',
    kernel: null,
    executionCount: 0,
    lastExecutionAt: null,
    ...partial
  } as SessionSummary;
}

describe('the comparison fixture', () => {
  it('is a valid answer of GET /sessions/{id}/parent-comparison', () => {
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    for (const folder of ['records', 'api']) {
      const dir = join(root, 'schema', folder);
      for (const file of readdirSync(dir)) {
        if (file.endsWith('.schema.json')) {
          ajv.addSchema(JSON.parse(readFileSync(join(dir, file), 'utf8')));
        }
      }
    }
    const validate = ajv.getSchema(
      'https://trail.dev/schema/api/lineage-comparison.schema.json'
    )!;
    expect(validate).toBeDefined();
    expect(validate(fixture()) ? [] : validate.errors).toEqual([]);
  });
});

describe('ParentComparisonModel', () => {
  it('reads the comparison and both sessions, with deltas and the steps that differ', async () => {
    const asked: string[] = [];
    const model = new ParentComparisonModel({
      sessionId: 'fork-session-0001',
      reader: {
        parentComparison: async id => {
          asked.push(`compare:${id}`);
          return fixture();
        },
        getSession: async id => {
          asked.push(`session:${id}`);
          return summary(id, {
            author: { id: 'u', name: id, displayName: id.toUpperCase() }
          });
        }
      }
    });
    expect(model.state).toBe('idle');
    const done = model.refresh();
    expect(model.state).toBe('loading');
    await done;
    expect(model.state).toBe('ready');
    expect(asked.sort()).toEqual([
      'compare:fork-session-0001',
      'session:alice-session-0001',
      'session:fork-session-0001'
    ]);
    expect(model.session?.id).toBe('fork-session-0001');
    expect(model.parentSession?.id).toBe('alice-session-0001');
    expect(model.metrics.map(m => [m.name, m.delta])).toEqual([
      ['accuracy', 0.055],
      ['loss', 0],
      ['rmse', null]
    ]);
    expect(model.differingSteps.map(s => [s.step, s.verdict])).toEqual([
      [2, 'differs'],
      [3, 'new-error'],
      [4, 'error-gone'],
      [5, 'not-run']
    ]);
    expect(model.differingParams).toBe(2);
    model.dispose();
  });

  it('says not-found on a 404 (no lineage, or a parent it cannot read) and drops what it showed', async () => {
    let answer: () => Promise<ILineageComparison> = async () => fixture();
    const model = new ParentComparisonModel({
      sessionId: 'fork-session-0001',
      reader: { parentComparison: () => answer() }
    });
    await model.refresh();
    expect(model.state).toBe('ready');
    // The parent was made private since: the comparison must not linger.
    answer = async () => {
      throw notFound();
    };
    await model.refresh();
    expect(model.state).toBe('not-found');
    expect(model.comparison).toBeNull();
    expect(model.error).toBeNull();
    model.dispose();
  });

  it('keeps the comparison when a later read fails, and says error when there is none', async () => {
    let fail = false;
    const model = new ParentComparisonModel({
      sessionId: 'fork-session-0001',
      reader: {
        parentComparison: async () => {
          if (fail) {
            throw Object.assign(new Error('unreachable'), {
              name: 'TrailNetworkError'
            });
          }
          return fixture();
        }
      }
    });
    fail = true;
    await model.refresh();
    expect(model.state).toBe('error');
    expect(model.error?.message).toBe('unreachable');
    fail = false;
    await model.refresh();
    expect(model.state).toBe('ready');
    fail = true;
    await model.refresh();
    expect(model.state).toBe('ready');
    expect(model.comparison?.sessionId).toBe('fork-session-0001');
    expect(model.error?.message).toBe('unreachable');
    model.dispose();
  });

  it('drops an answer that arrives after disposal', async () => {
    let release: (value: ILineageComparison) => void = () => undefined;
    const model = new ParentComparisonModel({
      sessionId: 'fork-session-0001',
      reader: {
        parentComparison: () => new Promise(resolve => (release = resolve))
      }
    });
    const done = model.refresh();
    await new Promise(resolve => setTimeout(resolve, 0));
    model.dispose();
    release(fixture());
    await done;
    expect(model.comparison).toBeNull();
  });
});

describe('comparison figures', () => {
  it('gives a metric change only between two finite numbers, without float noise', () => {
    expect(metricDelta(0.1, 0.3)).toBe(0.2);
    expect(metricDelta(2, 1.5)).toBe(-0.5);
    expect(metricDelta(null, 1)).toBeNull();
    expect(metricDelta(1, undefined)).toBeNull();
    expect(metricDelta(1, Infinity)).toBeNull();
  });

  it('lists the steps not the same in step order', () => {
    const comparison = fixture();
    comparison.steps.reverse();
    expect(stepsNotSame(comparison).map(step => step.step)).toEqual([
      2, 3, 4, 5
    ]);
  });
});

describe("a session's replays and forks follow the feed", () => {
  const place = { view: 'timeline' as const, sessionId: 'parent' };
  const level = (replays: SessionReplaysModel) =>
    ({
      view: 'timeline',
      place,
      model: {} as never,
      related: { replays }
    }) as never;

  it('are read again when any session starts or a listed one runs, once read', async () => {
    const replays = new SessionReplaysModel({
      sessionId: 'parent',
      lister: {
        listReplays: async () => ({
          items: [
            summary('fork-1', {
              lineage: { kind: 'fork', sessionId: 'parent', step: 3 }
            })
          ],
          nextCursor: null
        })
      }
    });
    const changed = noChanges();
    changed.sessions.add('elsewhere');
    // Not read yet: nothing to follow.
    expect(timelineLevel.concerns!(place, changed, level(replays))).toBe(false);
    await replays.refresh();
    expect(timelineLevel.concerns!(place, changed, level(replays))).toBe(false);
    // A new session names only itself: it may be a new fork of this one.
    const started = noChanges();
    started.sessions.add('new-one');
    started.started.add('new-one');
    expect(timelineLevel.concerns!(place, started, level(replays))).toBe(true);
    // A listed fork's new executions move its "steps run".
    const running = noChanges();
    running.sessions.add('fork-1');
    expect(timelineLevel.concerns!(place, running, level(replays))).toBe(true);
    // The session's own changes, as before.
    const own = noChanges();
    own.sessions.add('parent');
    expect(timelineLevel.concerns!(place, own, level(replays))).toBe(true);
    replays.dispose();
  });
});

describe('ComparisonFollower', () => {
  class FakeFeed {
    readonly changed = new Signal<this, readonly { sessionId?: string }[]>(
      this
    );
    started = 0;
    isDisposed = false;
    start(): Promise<void> {
      this.started++;
      return Promise.resolve();
    }
    dispose(): void {
      this.isDisposed = true;
    }
  }

  function comparison(sessionId: string, parent: string) {
    const model = {
      sessionId,
      comparison: { parent: { sessionId: parent } },
      isDisposed: false,
      reads: 0,
      refresh: async () => {
        model.reads++;
      }
    };
    return model;
  }

  const tick = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

  it('runs one feed while comparisons are shown and reads a comparison again when its fork or parent changed', async () => {
    const feeds: FakeFeed[] = [];
    const follower = new ComparisonFollower({
      createFeed: () => {
        const feed = new FakeFeed();
        feeds.push(feed);
        return feed;
      },
      delayMs: 10
    });
    expect(follower.following).toBe(false);
    const forkA = comparison('fork-a', 'parent-a');
    const forkB = comparison('fork-b', 'parent-b');
    const a = follower.follow(forkA);
    const b = follower.follow(forkB);
    expect(feeds).toHaveLength(1);
    expect(feeds[0].started).toBe(1);

    // The fork still runs: its new execution is read; B is left alone.
    feeds[0].changed.emit([{ sessionId: 'fork-a' }, { sessionId: 'other' }]);
    feeds[0].changed.emit([{ sessionId: 'fork-a' }]);
    await tick(40);
    expect([forkA.reads, forkB.reads]).toEqual([1, 0]);
    // The parent changed (its author made it private, say): read again.
    feeds[0].changed.emit([{ sessionId: 'parent-b' }]);
    await tick(40);
    expect([forkA.reads, forkB.reads]).toEqual([1, 1]);

    // Closed, one by one: the feed stops with the last.
    a.dispose();
    expect(feeds[0].isDisposed).toBe(false);
    b.dispose();
    expect(feeds[0].isDisposed).toBe(true);
    expect(follower.following).toBe(false);
    feeds[0].changed.emit([{ sessionId: 'fork-b' }]);
    await tick(40);
    expect(forkB.reads).toBe(1);

    // Shown again: a new feed.
    follower.follow(forkA);
    expect(feeds).toHaveLength(2);
    follower.dispose();
    expect(feeds[1].isDisposed).toBe(true);
  });

  it('follows nothing without a server, and starts over when the server changes', () => {
    let server = false;
    const feeds: FakeFeed[] = [];
    const follower = new ComparisonFollower({
      createFeed: () => {
        if (!server) {
          return null;
        }
        const feed = new FakeFeed();
        feeds.push(feed);
        return feed;
      }
    });
    follower.follow(comparison('fork-a', 'parent-a'));
    expect(follower.following).toBe(false);
    server = true;
    follower.restart();
    expect(feeds).toHaveLength(1);
    follower.restart();
    expect(feeds[0].isDisposed).toBe(true);
    expect(feeds).toHaveLength(2);
    follower.dispose();
  });
});
