#!/usr/bin/env node
/**
 * The floor for the ingest benchmark (`server-ingest.mjs --floor`): the
 * least a durable ingest server can do on this machine. It parses each
 * batch (any server must), appends the body to one file and answers once
 * an fdatasync covers it, with group commit (bodies that arrive during a
 * sync share the next one). No validation, no index, no Express.
 *
 * Comparing the Trail server's latency with this one's, under the same
 * load on the same machine, separates what the server costs from what the
 * machine (its disk's sync latency, CPU steal, the bench's own scheduling)
 * costs.
 *
 *     node bench/ingest-floor-server.mjs --port 0 --data <dir>
 */
import { open } from 'node:fs/promises';
import http from 'node:http';
import { join } from 'node:path';

const arg = name => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const file = await open(join(arg('data') ?? '.', 'floor.log'), 'a');

let queue = [];
let syncing = false;
async function commit() {
  syncing = true;
  while (queue.length > 0) {
    const group = queue;
    queue = [];
    await file.write(Buffer.concat(group.map(g => g.body)));
    await file.datasync();
    for (const g of group) {
      g.done();
    }
  }
  syncing = false;
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', c => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    const { events } = JSON.parse(body.toString('utf8'));
    queue.push({
      body,
      done: () => {
        res.setHeader('Content-Type', 'application/json');
        res.end(
          JSON.stringify({ accepted: events.map(e => e.id), duplicates: [] })
        );
      }
    });
    if (!syncing) {
      void commit();
    }
  });
});
server.listen(Number(arg('port') ?? 0), '127.0.0.1', () => {
  const { port } = server.address();
  console.log(
    JSON.stringify({ event: 'listening', url: `http://127.0.0.1:${port}` })
  );
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
