/**
 * The server side of the ingest benchmark: a data folder filled through the
 * store API, and the real server process (or the floor server) started on
 * it and stopped.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { execution, session } from './events.mjs';
import { FLOOR, SERVER_NODE_ARGS, TOKEN } from './options.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = join(root, 'server', 'dist', 'server', 'index.js');
if (!existsSync(cli)) {
  console.error(
    'server/dist is missing: run `npx tsc -p server/tsconfig.json` first'
  );
  process.exit(1);
}
const require = createRequire(import.meta.url);
/** The compiled FileStore, to populate and reopen data folders. */
export const { FileStore } = require(
  join(root, 'server', 'dist', 'server', 'store', 'file-store.js')
);

/** Fills a data folder with `count` executions (200 per session). */
export async function populate(dir, count) {
  const store = await FileStore.open(dir);
  const started = Date.now();
  let done = 0;
  while (done < count) {
    const group = [];
    while (group.length < 5000 && done < count) {
      const s = session();
      group.push(s);
      for (let seq = 1; seq <= 200 && done < count; seq++, done++) {
        group.push(execution(s, seq, false));
      }
    }
    await store.append(group);
    if (count >= 100_000 && done % 100_000 < 5000) {
      process.stderr.write(`  populated ${done} executions\r`);
    }
  }
  await store.close();
  return Date.now() - started;
}

/**
 * Starts the server process; resolves with its URL and the time to listen.
 * `serverCli`: another build's index.js (e.g. to compare two builds).
 */
export function startServer(dir, serverCli = cli) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(
      process.execPath,
      [
        ...SERVER_NODE_ARGS,
        FLOOR ? join(root, 'bench', 'ingest-floor-server.mjs') : serverCli,
        '--port',
        '0',
        '--data',
        dir,
        '--token',
        TOKEN
      ],
      {
        stdio: ['ignore', 'pipe', 'inherit']
      }
    );
    child.once('exit', code => reject(new Error(`server exited with ${code}`)));
    let listening = false;
    createInterface({ input: child.stdout }).on('line', line => {
      if (!listening && line.startsWith('{"event"')) {
        listening = true;
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        resolve({ child, url: JSON.parse(line).url, startupMs: ms });
      } else {
        // e.g. --trace-gc output of the server
        process.stderr.write(`[server] ${line}\n`);
      }
    });
  });
}

/** Stops the server with SIGTERM and waits until it has exited. */
export async function stopServer(child) {
  child.removeAllListeners('exit');
  const exited = new Promise(resolve => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}
