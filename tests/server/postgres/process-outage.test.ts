/**
 * A `trail-server` whose PostgreSQL is down: at start it says so on stderr
 * (host:port and the error code, never the password) and waits, coming up
 * once the database answers, or exits 1 with the reason after
 * `--database-wait`; mid-run, requests get 503 `database_unavailable`,
 * nothing is acknowledged, health says `degraded`, and the server recovers
 * by itself when PostgreSQL returns. Also the `migrate` command and the
 * option errors of the command line.
 */
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import {
  connect,
  createServer as createNetServer,
  type AddressInfo,
  type Socket
} from 'node:net';
import {
  buildServer,
  CLI,
  exitOf,
  startCli,
  type RunningServer
} from '../support/process';
import { createDatabase } from '../support/postgres';
import { executionEvent, sessionEvent } from '../support/records';
import {
  eventually,
  get,
  post,
  running,
  serverArgs,
  StoppableCluster,
  TOKEN
} from './process-support';

jest.setTimeout(90_000);

const PASSWORD = 'not-for-logs-7f3a';

let cluster: StoppableCluster;
const servers: RunningServer[] = [];

/** A new database on the test's cluster, its URL carrying a password. */
async function database(): Promise<string> {
  const url = new URL(await createDatabase(cluster.url));
  // The cluster trusts loopback: the password is only there to be hidden.
  url.password = PASSWORD;
  return url.toString();
}

function cli(args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], {
    env: { PATH: process.env.PATH },
    encoding: 'utf8'
  });
}

beforeAll(async () => {
  buildServer();
  cluster = await StoppableCluster.start();
}, 120_000);

afterAll(async () => {
  for (const server of servers) {
    server.child.kill('SIGKILL');
  }
  await cluster?.remove();
});

describe('the command line', () => {
  it('migrates the schema once, then says it is up to date', async () => {
    const url = await database();
    const first = cli(['migrate', '--database', url]);
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/^applied 001-core$/m);
    expect(first.stdout).toMatch(/^applied 004-search-feed$/m);
    expect(first.stdout).toMatch(/^applied 005-search-words$/m);
    const second = cli(['migrate', '--database', url]);
    expect(second.status).toBe(0);
    expect(second.stdout).toBe('the schema is up to date\n');
  });

  it('refuses --blobs without --database, a non-PostgreSQL URL and migrate without a database', () => {
    const blobs = cli(['--blobs', 's3://bucket/prefix']);
    expect(blobs.status).toBe(2);
    expect(blobs.stderr).toContain('--blobs (TRAIL_BLOB_URL) needs --database');
    const mysql = cli(['--database', 'mysql://u:p@h/db']);
    expect(mysql.status).toBe(2);
    expect(mysql.stderr).toContain('must start with postgres://');
    const noBucket = cli([
      '--database',
      'postgres://h/db',
      '--blobs',
      'http://x'
    ]);
    expect(noBucket.status).toBe(2);
    expect(noBucket.stderr).toContain('must look like s3://bucket/prefix');
    const badName = cli([
      '--database',
      'postgres://h/db',
      '--blobs',
      's3://Team_Bucket/x'
    ]);
    expect(badName.status).toBe(2);
    expect(badName.stderr).toContain('is not an S3 bucket name');
    const migrate = cli(['migrate']);
    expect(migrate.status).toBe(2);
    expect(migrate.stderr).toContain('migrate needs --database');
  });

  it('lists the database options and the migrate command in --help', () => {
    const help = cli(['--help']);
    expect(help.status).toBe(0);
    for (const text of [
      '--database <url>',
      'TRAIL_DATABASE_URL',
      '--blobs <url>',
      'TRAIL_BLOB_URL',
      '--database-wait',
      'migrate'
    ]) {
      expect(help.stdout).toContain(text);
    }
  });

  it('stops at once on a database that does not exist, naming it without the password', async () => {
    const url = new URL(await database());
    url.pathname = '/no_such_database';
    const result = cli([
      '--port',
      '0',
      '--token',
      TOKEN,
      '--database',
      url.toString()
    ]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      `PostgreSQL at 127.0.0.1:${cluster.port}/no_such_database refused the connection: 3D000`
    );
    expect(result.stderr).not.toContain(PASSWORD);
  });
});

describe('a database down', () => {
  it('is waited for at start: the server comes up once PostgreSQL answers', async () => {
    const url = await database();
    await cluster.down();
    const starting = startCli(
      serverArgs({ database: url }, ['--database-wait', '60'])
    );
    let up = false;
    try {
      // The wait is said on stderr while the server has printed nothing.
      await new Promise(r => setTimeout(r, 3_000));
    } finally {
      await cluster.up();
      up = true;
    }
    const server = running(await starting);
    servers.push(server);
    expect(up).toBe(true);
    expect(server.line.event).toBe('listening');
    expect(server.stderr()).toContain(
      `cannot reach PostgreSQL at 127.0.0.1:${cluster.port}/`
    );
    expect(server.stderr()).toContain('(ECONNREFUSED); retrying every 2 s');
    expect(server.stderr()).toContain('answers (after');
    expect(server.stderr()).not.toContain(PASSWORD);
    const session = sessionEvent();
    expect((await post(server, [session])).accepted).toHaveLength(1);
    await server.stop();
    expect(server.child.exitCode).toBe(0);
  });

  it('waits again for a database that stops answering while the server starts', async () => {
    // A proxy in front of the cluster: it lets the first connection (the
    // start's probe) through, then cuts every new one for 3 s.
    const target = new URL(await database());
    let passed = 0;
    let cutUntil = 0;
    const sockets = new Set<Socket>();
    const proxy = createNetServer(client => {
      sockets.add(client);
      client.on('close', () => sockets.delete(client));
      if (passed > 0 && cutUntil === 0) {
        cutUntil = Date.now() + 3_000;
      }
      if (Date.now() < cutUntil) {
        client.destroy();
        return;
      }
      passed++;
      const upstream = connect(Number(target.port), '127.0.0.1');
      sockets.add(upstream);
      upstream.on('close', () => sockets.delete(upstream));
      client.pipe(upstream).pipe(client);
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
    });
    await new Promise<void>(r => proxy.listen(0, '127.0.0.1', r));
    const url = new URL(target);
    url.port = String((proxy.address() as AddressInfo).port);
    try {
      const server = running(
        await startCli(serverArgs({ database: url.toString() }))
      );
      servers.push(server);
      expect(server.line.event).toBe('listening');
      expect(server.stderr()).toContain(
        'stopped answering while the server started'
      );
      expect(server.stderr()).not.toContain(PASSWORD);
      const session = sessionEvent();
      expect((await post(server, [session])).accepted).toHaveLength(1);
      await server.stop();
      expect(server.child.exitCode).toBe(0);
    } finally {
      for (const socket of sockets) {
        socket.destroy();
      }
      await new Promise(r => proxy.close(r));
    }
  });

  it('gives up after --database-wait with exit 1 and the reason', async () => {
    const url = await database();
    await cluster.down();
    try {
      const started = Date.now();
      const result = cli([
        ...serverArgs({ database: url }),
        '--database-wait',
        '3'
      ]);
      expect(result.status).toBe(1);
      expect(Date.now() - started).toBeLessThan(15_000);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain('(ECONNREFUSED); gave up after');
      expect(result.stderr).toContain('--database-wait 3');
      expect(result.stderr).not.toContain(PASSWORD);
    } finally {
      await cluster.up();
    }
  });

  it('stops at once on SIGTERM while waiting for the database: exit 0', async () => {
    const url = await database();
    await cluster.down();
    try {
      const child = spawn(
        process.execPath,
        [CLI, ...serverArgs({ database: url }), '--database-wait', '60'],
        { env: { PATH: process.env.PATH }, stdio: ['ignore', 'pipe', 'pipe'] }
      );
      let stderr = '';
      child.stderr.on('data', chunk => (stderr += chunk));
      await eventually(
        () => stderr.includes('cannot reach PostgreSQL'),
        20_000,
        'the wait to be said'
      );
      const signalled = Date.now();
      child.kill('SIGTERM');
      expect(await exitOf(child)).toBe(0);
      expect(Date.now() - signalled).toBeLessThan(2_000);
      expect(stderr).toContain(
        'SIGTERM while starting: stopping before listening'
      );
    } finally {
      await cluster.up();
    }
  });

  it('mid-run: 503 database_unavailable, nothing acknowledged, degraded health, then recovery', async () => {
    const url = await database();
    const server = running(await startCli(serverArgs({ database: url })));
    servers.push(server);
    const session = sessionEvent();
    const sid = session.session.id;
    expect((await post(server, [session])).accepted).toHaveLength(1);

    await cluster.down();
    let upAgain = false;
    try {
      const refused = executionEvent(sid, 1);
      const res = await server.call(TOKEN, 'POST', '/events', {
        events: [refused]
      });
      expect(res.status).toBe(503);
      expect((await res.json()).error?.code ?? '').toBe('database_unavailable');
      const read = await get(server, `/sessions/${sid}`);
      expect(read.status).toBe(503);
      // Every request answers 503; the log says so once (one line, no
      // stack), not once per request.
      for (let i = 0; i < 10; i++) {
        expect((await get(server, `/sessions/${sid}`)).status).toBe(503);
      }
      const outage = server
        .stderr()
        .split('\n')
        .filter(line => line.includes('database_unavailable'));
      expect(outage).toHaveLength(1);
      expect(outage[0]).toMatch(/: 503 database_unavailable: /);
      expect(server.stderr()).not.toMatch(/ failed AppError|\n\s+at /);
      const health = await fetch(`${server.line.url}/api/v1/health`);
      const report = await health.json();
      expect(report.status).toBe('degraded');
      expect(report.database.ok).toBe(false);
      expect(report.blobs).toEqual(
        expect.objectContaining({ kind: 'database', ok: false })
      );
      expect(JSON.stringify(report)).not.toContain(String(cluster.port));

      await cluster.up();
      upAgain = true;
      // Recovery: the same batch is stored now (it was not before).
      await eventually(
        async () =>
          (await server.call(TOKEN, 'GET', `/sessions/${sid}`)).status === 200,
        20_000,
        'the server to answer again'
      );
      const stored = await post(server, [refused]);
      expect(stored.accepted).toEqual([refused.id]);
      const after = await fetch(`${server.line.url}/api/v1/health`);
      expect(await after.json()).toEqual({
        status: 'ok',
        database: { ok: true },
        blobs: { kind: 'database', ok: true }
      });
    } finally {
      if (!upAgain) {
        await cluster.up();
      }
    }
    expect(server.child.exitCode).toBe(null);
    expect(server.stderr()).not.toContain(PASSWORD);
    server.child.kill('SIGTERM');
    expect(await exitOf(server.child)).toBe(0);
  });

  it('answers SIGTERM while the database is down: exit 0', async () => {
    const url = await database();
    const server = running(await startCli(serverArgs({ database: url })));
    servers.push(server);
    await cluster.down();
    try {
      server.child.kill('SIGTERM');
      const [code] = await once(server.child, 'exit');
      expect(code).toBe(0);
    } finally {
      await cluster.up();
    }
  });
});
