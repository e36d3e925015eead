/**
 * The kernel helper's messages from the browser side: captures attached to
 * the execution being built (merged) or sent as annotations, and
 * environment snapshots as versions of the session. Which kernels get the
 * helper and how it is configured: recorder-helper-injection.test.ts.
 */
import type { TrailEvent } from '../../src/records/schema';
import { version as PACKAGE_VERSION } from '../../package.json';
import { MAX_REMEMBERED_EXECUTIONS } from '../../src/recorder';
import { requestsOf } from './recorder/fixtures';
import { settle } from './recorder/harness';
import { AT, csvRead, environment, setup, SHA } from './recorder/helper-setup';
import { batchErrors } from './recorder/schema';
import { iopubStatus, kinds, splitAt } from './recorder/steps';

describe('kernel helper messages', () => {
  it('attaches captures to the execution being built, merged, and late ones as annotations', async () => {
    const { fixture, kernel, events } = setup();
    await settle();
    const request = requestsOf(fixture)[0];
    const msgId = request.header.msg_id;
    const [beforeReply, rest] = splitAt(
      fixture,
      e =>
        e.type === 'message' &&
        e.msg.header.msg_type === 'execute_reply' &&
        (e.msg.parent_header as { msg_id?: string }).msg_id === msgId
    );
    kernel.replay(beforeReply);
    kernel.helperSays(
      {
        type: 'capture',
        msgId,
        cellId: 'c1',
        capture: {
          files: [csvRead(null)],
          params: { lr: 0.1 },
          metrics: [{ name: 'loss', value: 0.5, step: 1, at: AT }]
        },
        final: false
      },
      { parent: msgId }
    );
    kernel.helperSays(
      {
        type: 'capture',
        msgId,
        cellId: 'c1',
        capture: {
          params: { epochs: 3 },
          metrics: [{ name: 'loss', value: 0.25, step: 2, at: AT }],
          tags: ['baseline']
        },
        final: false
      },
      { parent: msgId }
    );
    kernel.replay(rest);
    // The background hash arrives after the execution completed.
    kernel.helperSays({
      type: 'capture',
      msgId,
      cellId: 'c1',
      capture: { files: [{ ...csvRead(SHA), schema: undefined }] },
      final: true
    });
    expect(kinds(events)).toEqual([
      'session.started',
      'execution.completed',
      'execution.annotated'
    ]);
    const completed = events[1] as Extract<
      TrailEvent,
      { kind: 'execution.completed' }
    >;
    expect(completed.execution.capture).toEqual({
      files: [csvRead(null)],
      params: { lr: 0.1, epochs: 3 },
      metrics: [
        { name: 'loss', value: 0.5, step: 1, at: AT },
        { name: 'loss', value: 0.25, step: 2, at: AT }
      ],
      tags: ['baseline']
    });
    const annotated = events[2] as Extract<
      TrailEvent,
      { kind: 'execution.annotated' }
    >;
    expect(annotated).toMatchObject({
      sessionId: completed.execution.sessionId,
      executionId: completed.execution.id,
      capture: {
        files: [{ path: 'data/iris.csv', sha256: SHA, hashPending: false }]
      }
    });
    expect(batchErrors(events)).toEqual([]);
  });

  it('reads no helper message when it injected no helper (another tab did)', async () => {
    const { fixture, kernel, events } = setup({
      recorder: { injectHelper: false }
    });
    await settle();
    const msgId = requestsOf(fixture)[0].header.msg_id;
    const [before, rest] = splitAt(
      fixture,
      e => e.type === 'message' && e.msg.header.msg_type === 'execute_reply'
    );
    kernel.replay(before);
    kernel.helperSays(
      { type: 'capture', msgId, capture: { tags: ['x'] }, final: true },
      { parent: msgId, commId: 'other-tab' }
    );
    kernel.helperSays(
      {
        type: 'environment',
        reason: 'start',
        msgId: null,
        environment: environment()
      },
      { commId: 'other-tab' }
    );
    kernel.replay(rest);
    expect(kinds(events)).toEqual(['session.started', 'execution.completed']);
    const completed = events[1] as Extract<
      TrailEvent,
      { kind: 'execution.completed' }
    >;
    expect(completed.execution.capture).toBeUndefined();
  });

  it('ignores captures of executions it does not know and keeps a bounded memory', async () => {
    const { kernel, events } = setup();
    await settle();
    kernel.helperSays({
      type: 'capture',
      msgId: 'unknown',
      capture: { tags: ['t'] },
      final: true
    });
    expect(events).toEqual([]);
    expect(MAX_REMEMBERED_EXECUTIONS).toBeGreaterThanOrEqual(100);
  });

  it('drops what the schema would refuse instead of losing the execution', async () => {
    const { fixture, kernel, events } = setup();
    await settle();
    const msgId = requestsOf(fixture)[0].header.msg_id;
    const [before, rest] = splitAt(
      fixture,
      e => e.type === 'message' && e.msg.header.msg_type === 'execute_reply'
    );
    kernel.replay(before);
    kernel.helperSays(
      {
        type: 'capture',
        msgId,
        capture: {
          files: [
            { path: '', access: 'peek', kind: 'file' },
            { ...csvRead('nothex'), extra: 1 }
          ],
          params: { obj: { a: 1 }, fine: 'x' },
          metrics: [{ name: 'nan', value: null, at: AT }, { name: 'bad' }],
          surprise: true
        },
        final: true
      },
      { parent: msgId }
    );
    kernel.replay(rest);
    expect(batchErrors(events)).toEqual([]);
    const completed = events[1] as Extract<
      TrailEvent,
      { kind: 'execution.completed' }
    >;
    expect(completed.execution.capture?.params).toEqual({
      obj: '{"a":1}',
      fine: 'x'
    });
    expect(completed.execution.capture?.files?.[0]).not.toHaveProperty(
      'sha256'
    );
    expect(completed.execution.capture?.metrics).toEqual([
      { name: 'nan', value: null, at: AT }
    ]);
  });

  it('keeps a param named __proto__ as a param, merged, redacted and late', async () => {
    const { fixture, kernel, events } = setup();
    await settle();
    const msgId = requestsOf(fixture)[0].header.msg_id;
    const [before, rest] = splitAt(
      fixture,
      e => e.type === 'message' && e.msg.header.msg_type === 'execute_reply'
    );
    kernel.replay(before);
    // Parsed, as the comm delivers it: a `{ __proto__: ... }` literal would
    // set the prototype instead of making a property.
    for (const params of ['{"__proto__": "a", "lr": 0.1}', '{"seed": 7}']) {
      kernel.helperSays(
        {
          type: 'capture',
          msgId,
          capture: { params: JSON.parse(params) },
          final: false
        },
        { parent: msgId }
      );
    }
    kernel.replay(rest);
    kernel.helperSays({
      type: 'capture',
      msgId,
      capture: { params: JSON.parse('{"__proto__": "late"}') },
      final: true
    });
    const completed = events[1] as Extract<
      TrailEvent,
      { kind: 'execution.completed' }
    >;
    const annotated = events[2] as Extract<
      TrailEvent,
      { kind: 'execution.annotated' }
    >;
    expect(kinds(events)).toEqual([
      'session.started',
      'execution.completed',
      'execution.annotated'
    ]);
    expect(JSON.stringify(completed.execution.capture?.params)).toBe(
      '{"__proto__":"a","lr":0.1,"seed":7}'
    );
    expect(Object.getPrototypeOf(completed.execution.capture?.params)).toBe(
      Object.prototype
    );
    expect(JSON.stringify(annotated.capture.params)).toBe(
      '{"__proto__":"late"}'
    );
    expect(batchErrors(events)).toEqual([]);
  });

  it('holds the start environment until the session starts, from seq 1', async () => {
    const { fixture, kernel, events } = setup();
    await settle();
    kernel.helperSays({ type: 'hello', version: PACKAGE_VERSION, pid: 42 });
    kernel.helperSays({
      type: 'environment',
      reason: 'start',
      msgId: null,
      environment: environment()
    });
    expect(events).toEqual([]);
    kernel.replay(fixture.events);
    expect(kinds(events)).toEqual([
      'session.started',
      'environment.captured',
      'execution.completed'
    ]);
    const session = events[0] as Extract<
      TrailEvent,
      { kind: 'session.started' }
    >;
    expect(events[1]).toMatchObject({
      sessionId: session.session.id,
      fromSeq: 1,
      environment: { packages: [{ name: 'pandas', version: '3.1.1' }] }
    });
    expect(batchErrors(events)).toEqual([]);
  });

  it('starts a new environment version from the execution that changed the packages', async () => {
    const { fixture, kernel, events } = setup();
    await settle();
    kernel.replay(fixture.events.slice(0, -2));
    const msgId = requestsOf(fixture)[0].header.msg_id;
    kernel.helperSays({
      type: 'environment',
      reason: 'start',
      msgId: null,
      environment: environment()
    });
    kernel.helperSays({
      type: 'environment',
      reason: 'packages-changed',
      msgId,
      environment: environment([
        ['pandas', '3.1.1'],
        ['polars', '1.0.0']
      ])
    });
    const envs = events.filter(
      e => e.kind === 'environment.captured'
    ) as Extract<TrailEvent, { kind: 'environment.captured' }>[];
    expect(envs.map(e => [e.fromSeq, e.environment.packages.length])).toEqual([
      [1, 1],
      [1, 2]
    ]);
  });

  it('drops a waiting environment of a kernel process that restarted', async () => {
    const { fixture, kernel, events } = setup();
    await settle();
    kernel.helperSays({
      type: 'environment',
      reason: 'start',
      msgId: null,
      environment: environment()
    });
    kernel.anyMessage.emit({ direction: 'recv', msg: iopubStatus('starting') });
    kernel.replay(fixture.events);
    expect(kinds(events)).toEqual(['session.started', 'execution.completed']);
  });

  it('redacts the environment diff before emitting', async () => {
    const { fixture, kernel, events } = setup();
    await settle();
    kernel.replay(fixture.events.slice(0, -2));
    const env = environment();
    const secret = ['ghp_', 'Z'.repeat(36)].join('');
    (env.git as Record<string, unknown>).diff = `+TOKEN = "${secret}"\n`;
    kernel.helperSays({
      type: 'environment',
      reason: 'start',
      msgId: null,
      environment: env
    });
    expect(JSON.stringify(events)).not.toContain(secret);
  });
});
