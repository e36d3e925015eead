#!/usr/bin/env node
/**
 * A throwaway S3 API server for tests and benchmarks: moto's server mode
 * (`moto_server`, from PyPI; scripts/setup.sh --tests installs it into
 * .venv) on a free loopback port, in memory, gone when stopped.
 *
 *     node scripts/s3-temp.mjs      prints {"endpoint":…,"pid":…}, runs until killed
 *
 * As a module: `startS3()` resolves with `{ endpoint, env, stop() }`, where
 * `env` holds the AWS variables a client of it needs (endpoint, region,
 * any key pair: moto accepts every one).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The moto_server program: the project's .venv first, then PATH. */
export function motoServerPath() {
  const local = join(root, '.venv', 'bin', 'moto_server');
  return existsSync(local) ? local : 'moto_server';
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitUntilUp(endpoint, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`moto_server exited with code ${child.exitCode}`);
    }
    try {
      const res = await fetch(`${endpoint}/moto-api/`);
      if (res.status < 500) {
        return;
      }
    } catch {
      // not listening yet
    }
    await new Promise(r => setTimeout(r, 100));
  }
  throw new Error(
    `moto_server did not answer on ${endpoint} in ${timeoutMs} ms`
  );
}

/** Starts moto's S3 server; see the module comment. */
export async function startS3(options = {}) {
  const port = options.port ?? (await freePort());
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn(
    motoServerPath(),
    ['-H', '127.0.0.1', '-p', String(port)],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: false
    }
  );
  let stderr = '';
  child.stderr.on('data', chunk => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const spawned = new Promise((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', err =>
      reject(
        new Error(
          `could not start moto_server (${err.message}): run scripts/setup.sh --tests, ` +
            'which installs moto[server] into .venv'
        )
      )
    );
  });
  await spawned;
  try {
    await waitUntilUp(endpoint, child, options.timeoutMs ?? 30_000);
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`${err.message}\n${stderr}`);
  }
  return {
    endpoint,
    pid: child.pid,
    env: {
      AWS_ENDPOINT_URL: endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'trail-test',
      AWS_SECRET_ACCESS_KEY: 'trail-test-secret'
    },
    stop() {
      return new Promise(resolve => {
        if (child.exitCode !== null) {
          resolve();
          return;
        }
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
    }
  };
}

if (
  process.argv[1] &&
  import.meta.url === new URL(`file://${process.argv[1]}`).href
) {
  startS3().then(
    s3 => {
      process.stdout.write(
        JSON.stringify({ endpoint: s3.endpoint, pid: s3.pid }) + '\n'
      );
      const stop = () => void s3.stop().then(() => process.exit(0));
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
    },
    err => {
      process.stderr.write(`${err.stack ?? err}\n`);
      process.exit(1);
    }
  );
}
