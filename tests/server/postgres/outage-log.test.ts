/**
 * An outage does not flood the log: 503s of an unavailable database or
 * blob store are logged as one line without a stack, at most once per
 * 10 s per code, the next line saying how many were left out; every other
 * 5xx is still logged with its error, each time.
 */
import express from 'express';
import request from 'supertest';
import { AppError, errorHandler } from '../../../server/errors';
import { OutageLog } from '../../../server/outage-log';

/** An app whose routes throw what they are told, and the lines it logged. */
function appLogging(clock: { now: number }) {
  const lines: { message: string; err: unknown; args: number }[] = [];
  const log = {
    error: (...args: unknown[]) =>
      lines.push({
        message: args[0] as string,
        err: args[1],
        args: args.length
      })
  };
  const app = express();
  app.get('/db', () => {
    throw new AppError(
      503,
      'database_unavailable',
      'the database is unavailable (ECONNREFUSED); nothing was stored by this request, try again'
    );
  });
  app.get('/bucket', () => {
    throw new AppError(
      503,
      'blob_store_unavailable',
      'The blob store (127.0.0.1:9000) did not answer.'
    );
  });
  app.get('/bug', () => {
    throw new TypeError('x is undefined');
  });
  app.use(errorHandler(log, new OutageLog(log, 10_000, () => clock.now)));
  return { app, lines };
}

test('logs an outage once per 10 s per code, as one line, counting those left out', async () => {
  const clock = { now: 1_000_000 };
  const { app, lines } = appLogging(clock);
  for (let i = 0; i < 5; i++) {
    const res = await request(app).get('/db');
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('database_unavailable');
  }
  await request(app).get('/bucket');
  await request(app).get('/bucket');
  expect(lines).toEqual([
    {
      message:
        'GET /db: 503 database_unavailable: the database is unavailable (ECONNREFUSED); nothing was stored by this request, try again',
      err: undefined,
      args: 1
    },
    {
      message:
        'GET /bucket: 503 blob_store_unavailable: The blob store (127.0.0.1:9000) did not answer.',
      err: undefined,
      args: 1
    }
  ]);

  clock.now += 9_999;
  await request(app).get('/db');
  expect(lines).toHaveLength(2);
  clock.now += 1;
  await request(app).get('/db?again');
  expect(lines[2].message).toBe(
    'GET /db?again: 503 database_unavailable: the database is unavailable (ECONNREFUSED); ' +
      'nothing was stored by this request, try again ' +
      '(5 more database_unavailable answers not logged since the last such line)'
  );
  expect(lines[2].message).not.toContain('\n');

  // The next line after a quiet interval has nothing left out to say.
  clock.now += 60_000;
  await request(app).get('/db');
  expect(lines[3].message).not.toContain('not logged');
});

test('logs every other 5xx with its error and stack, each time', async () => {
  const clock = { now: 0 };
  const { app, lines } = appLogging(clock);
  for (let i = 0; i < 3; i++) {
    const res = await request(app).get('/bug');
    expect(res.status).toBe(500);
    expect(res.body.error.code).toBe('internal_error');
  }
  expect(lines).toHaveLength(3);
  for (const line of lines) {
    expect(line.message).toBe('GET /bug failed');
    expect(line.err).toBeInstanceOf(TypeError);
    expect((line.err as Error).stack).toContain('x is undefined');
  }
});
