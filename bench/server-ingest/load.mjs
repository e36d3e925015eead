/**
 * The ingest benchmark's clients: batches posted over keep-alive HTTP in a
 * closed loop (saturation) or an open one (a fixed offered load), latency
 * percentiles, and the CPU a process used.
 */
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import { CLIENTS, OPEN_CONNS, OPEN_RATE, TOKEN } from './options.mjs';

/** The keep-alive connections of the closed-loop clients. */
export const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS });

/** POSTs one encoded batch to /api/v1/events; resolves with the answer. */
export function post(url, body, via = agent) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${url}/api/v1/events`,
      {
        method: 'POST',
        agent: via,
        headers: {
          Authorization: `Bearer ${TOKEN}`,
          'Content-Type': 'application/json',
          'Content-Length': body.length
        }
      },
      res => {
        const chunks = [];
        res.on('data', c => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          if (res.statusCode !== 200) {
            reject(new Error(`HTTP ${res.statusCode}: ${text}`));
          } else {
            resolve(JSON.parse(text));
          }
        });
      }
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** CPU seconds used so far by a process (Linux /proc; 100 ticks/s). */
export async function cpuSeconds(pid) {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

/**
 * Waits until the server's search index of the stored history is complete
 * (a search no longer answers `truncated: true`): the server indexes the
 * history in the background after it starts listening, and that work
 * would otherwise be measured as ingest latency. Resolves with the time
 * it took.
 */
export async function settle(url) {
  const started = Date.now();
  for (;;) {
    const answer = await new Promise((resolve, reject) => {
      http
        .get(
          `${url}/api/v1/search?q=bench-settle&limit=1`,
          { headers: { Authorization: `Bearer ${TOKEN}` } },
          res => {
            let text = '';
            res.on('data', c => (text += c));
            res.on('end', () => resolve(JSON.parse(text)));
          }
        )
        .on('error', reject);
    });
    if (answer.truncated === false) {
      return Date.now() - started;
    }
    await new Promise(resolve => setTimeout(resolve, 100));
  }
}

/** p50, p95, p99 and max of a list of latencies (sorted in place). */
export const percentiles = latencies => {
  latencies.sort((a, b) => a - b);
  const pct = p =>
    latencies[
      Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))
    ];
  return {
    p50: pct(50),
    p95: pct(95),
    p99: pct(99),
    max: latencies[latencies.length - 1]
  };
};

/**
 * Open loop: batch i is due at start + i / (rate / size) s whatever the
 * previous answers; it goes out on one of OPEN_CONNS keep-alive sockets
 * (the agent queues it if all are busy). Latency runs from the due time to
 * the acknowledgement, so queueing behind a slow answer is counted.
 */
export async function measureOpen(url, bodies, eventsPerBatch) {
  const openAgent = new http.Agent({ keepAlive: true, maxSockets: OPEN_CONNS });
  const intervalNs = BigInt(Math.round(1e9 / (OPEN_RATE / eventsPerBatch)));
  const latencies = [];
  const sendLag = []; // how late the bench itself issued each request
  const pending = [];
  let stored = 0;
  const start = process.hrtime.bigint() + 20_000_000n;
  let i = 0;
  await new Promise(resolve => {
    const tick = () => {
      const now = process.hrtime.bigint();
      while (i < bodies.length && start + BigInt(i) * intervalNs <= now) {
        const due = start + BigInt(i) * intervalNs;
        sendLag.push(Number(now - due) / 1e6);
        pending.push(
          post(url, bodies[i], openAgent).then(result => {
            latencies.push(Number(process.hrtime.bigint() - due) / 1e6);
            stored += result.accepted.length;
          })
        );
        i++;
      }
      if (i >= bodies.length) {
        resolve();
        return;
      }
      const wait = Number(start + BigInt(i) * intervalNs - now) / 1e6;
      setTimeout(tick, Math.max(0, wait));
    };
    setTimeout(tick, 20);
  });
  await Promise.all(pending);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  openAgent.destroy();
  const lag = percentiles(sendLag);
  return {
    eventsPerSecond: stored / seconds,
    ...percentiles(latencies),
    sendLagP99: lag.p99,
    stored
  };
}

/**
 * Closed loop: CLIENTS clients each send the next batch as soon as the
 * previous one is answered (the saturation throughput).
 */
export async function measure(url, bodies) {
  const latencies = [];
  let next = 0;
  let stored = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (next < bodies.length) {
        const body = bodies[next++];
        const t0 = process.hrtime.bigint();
        const result = await post(url, body);
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
        stored += result.accepted.length;
      }
    })
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return {
    eventsPerSecond: stored / seconds,
    ...percentiles(latencies),
    stored
  };
}
