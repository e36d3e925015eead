/**
 * What a start says about its database: where it is (host, port, name;
 * never the user or password), why it cannot connect (a code), and
 * whether waiting can help. waitForDatabase against a port nobody
 * listens on gives up after the wait with the reason.
 */
import { createServer } from 'node:net';
import {
  connectionFailure,
  DatabaseWaitError,
  describeDatabase,
  scrubSecret,
  waitForDatabase
} from '../../../server/database-wait';

function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('describeDatabase', () => {
  it('names host, port and database without user or password', () => {
    expect(
      describeDatabase('postgres://ada:s3cret@db.internal:6543/trail')
    ).toBe('db.internal:6543/trail');
    expect(describeDatabase('postgresql://ada:s3cret@db.internal/trail')).toBe(
      'db.internal:5432/trail'
    );
    expect(describeDatabase('postgres://ada:s3cret@[::1]:5433/x')).toBe(
      '[::1]:5433/x'
    );
  });

  it('names a socket folder given as the host parameter', () => {
    expect(
      describeDatabase('postgres://ada:s3cret@/trail?host=/var/run/postgresql')
    ).toBe('/var/run/postgresql/trail');
  });

  it('says nothing of a URL it cannot read', () => {
    expect(describeDatabase('not a url s3cret')).toBe(
      'the configured database'
    );
  });
});

describe('scrubSecret', () => {
  it('masks the password as written in the URL and as decoded', () => {
    const url = 'postgres://ada:p%40ss%2Fw0rd@db/trail';
    expect(scrubSecret('failed: p@ss/w0rd and p%40ss%2Fw0rd', url)).toBe(
      'failed: *** and ***'
    );
  });

  it('leaves text alone when the URL has no password', () => {
    expect(scrubSecret('nothing to hide', 'postgres://ada@db/trail')).toBe(
      'nothing to hide'
    );
  });
});

describe('connectionFailure', () => {
  it('waits out socket errors and a server starting up', () => {
    expect(connectionFailure({ code: 'ECONNREFUSED' })).toEqual({
      reason: 'ECONNREFUSED',
      transient: true
    });
    expect(
      connectionFailure({
        code: '57P03',
        message: 'the database system is starting up'
      }).transient
    ).toBe(true);
    expect(
      connectionFailure(
        new Error('Connection terminated due to connection timeout')
      ).transient
    ).toBe(true);
  });

  it('does not wait out a wrong password or a missing database', () => {
    expect(
      connectionFailure({
        code: '28P01',
        message: 'password authentication failed for user "ada"'
      })
    ).toEqual({
      reason: '28P01 password authentication failed for user "ada"',
      transient: false
    });
    expect(
      connectionFailure({
        code: '3D000',
        message: 'database "x" does not exist'
      }).transient
    ).toBe(false);
  });
});

describe('waitForDatabase', () => {
  it('says what it waits for once, retries, and gives up with the reason', async () => {
    const port = await closedPort();
    const url = `postgres://ada:s3cret@127.0.0.1:${port}/trail`;
    const lines: string[] = [];
    const started = Date.now();
    const failure = await waitForDatabase(url, 1, line => lines.push(line), {
      retryMs: 200
    }).catch(err => err);
    expect(failure).toBeInstanceOf(DatabaseWaitError);
    expect(failure.message).toBe(
      `cannot reach PostgreSQL at 127.0.0.1:${port}/trail (ECONNREFUSED); ` +
        'gave up after 1 s (--database-wait 1)'
    );
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(lines).toEqual([
      `cannot reach PostgreSQL at 127.0.0.1:${port}/trail (ECONNREFUSED); ` +
        'retrying every 0.2 s for up to 1 s'
    ]);
    expect(JSON.stringify(lines) + failure.message).not.toContain('s3cret');
  });
});
