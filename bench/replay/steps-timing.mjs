/**
 * The viewer's server side on a long session: seeds the "long day"
 * session of `executions` runs (default 10,000; `long-session.mjs`)
 * through the API, then times
 *
 * - opening: GET /sessions/{id}/steps (every step) and the last step;
 * - stepping: GET /sessions/{id}/steps/{k} for random k, and for k, k+1,
 *   ... as the "next" button asks them.
 */
import { generator, longSession, seedSession } from './long-session.mjs';

export { longSession };

async function call(trail, path, init = {}) {
  const started = process.hrtime.bigint();
  const res = await fetch(`${trail.url}/api/v1${path}`, {
    ...init,
    headers: {
      Authorization: `Bearer ${trail.token}`,
      'Content-Type': 'application/json',
      ...(init.headers ?? {})
    }
  });
  const body = await res.json();
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (!res.ok) {
    throw new Error(
      `${path}: ${res.status} ${JSON.stringify(body).slice(0, 400)}`
    );
  }
  return { body, ms };
}

const percentile = (sorted, p) =>
  sorted[
    Math.min(
      sorted.length - 1,
      Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)
    )
  ];

/** `{ n, median, p95, max }` of a list of times. */
export function stats(times) {
  const sorted = [...times].sort((a, b) => a - b);
  return {
    n: times.length,
    median: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    max: sorted[sorted.length - 1]
  };
}

/**
 * Seeds the session on `trail` and measures; resolves to the figures.
 */
export async function measureSteps(
  trail,
  { executions = 10000, samples = 300, log = () => undefined } = {}
) {
  const seeded = Date.now();
  const { sessionId, events } = longSession(executions);
  await seedSession((path, init) => call(trail, path, init), events);
  const structures = events.filter(e => e.kind === 'structure.captured').length;
  log(
    `seeded ${executions} executions and ${structures} structure events in ${((Date.now() - seeded) / 1000).toFixed(1)} s`
  );

  const list = await call(trail, `/sessions/${sessionId}/steps`);
  const total = list.body.total;
  if (total !== executions || !list.body.structured) {
    throw new Error(
      `steps: total ${total}, structured ${list.body.structured}`
    );
  }
  // Opening the viewer: the step list and the last step, a few times.
  const openList = [list.ms];
  const openLast = [];
  for (let i = 0; i < 10; i++) {
    openList.push((await call(trail, `/sessions/${sessionId}/steps`)).ms);
    openLast.push(
      (await call(trail, `/sessions/${sessionId}/steps/${total}`)).ms
    );
  }
  const rand = generator(99);
  const random = [];
  let cells = 0;
  for (let i = 0; i < samples; i++) {
    const k = 1 + Math.floor(rand() * total);
    const { body, ms } = await call(trail, `/sessions/${sessionId}/steps/${k}`);
    random.push(ms);
    cells += body.cells.length;
  }
  const sequential = [];
  const from = 1 + Math.floor(rand() * (total - samples));
  for (let k = from; k < from + Math.min(samples, 100); k++) {
    sequential.push(
      (await call(trail, `/sessions/${sessionId}/steps/${k}`)).ms
    );
  }
  return {
    sessionId,
    executions,
    structureEvents: structures,
    meanCellsPerStep: Math.round(cells / samples),
    openStepList: stats(openList),
    openLastStep: stats(openLast),
    randomStep: stats(random),
    nextStep: stats(sequential)
  };
}
