/**
 * The ingest benchmark's command line (see bench/server-ingest.mjs for the
 * usage): each option as a constant, read once from process.argv.
 */

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
export const BIG = arg('big', 1_000_000);
/**
 * Keep populated data folders under this path and run on copies of them
 * (quick iterations; the 1M history takes minutes to populate).
 */
export const CACHE = (() => {
  const i = process.argv.indexOf('--cache');
  return i > 0 ? process.argv[i + 1] : null;
})();
/** Extra node flags for the server process, e.g. "--cpu-prof". */
export const SERVER_NODE_ARGS = (process.env.BENCH_SERVER_NODE_ARGS ?? '')
  .split(' ')
  .filter(Boolean);
export const BATCHES = arg('batches', 600); // batches per measured run
export const BATCH_SIZE = 100;
export const CLIENTS = arg('clients', 4);
/** Percent of executions that display a unique 24 KiB image (a blob). */
export const IMAGE_PERCENT = arg('images', 2);
export const TOKEN = 'bench-token-0123456789';
/** closed (saturation), open (fixed offered load), or both (default). */
export const MODE = (() => {
  const i = process.argv.indexOf('--mode');
  return i > 0 ? process.argv[i + 1] : 'both';
})();
export const OPEN_RATE = arg('rate', 5000); // offered events/s
export const OPEN_BATCH = arg('open-batch', 50); // events per batch (client default)
export const OPEN_CONNS = arg('conns', 4); // keep-alive connections
export const OPEN_SECONDS = arg('seconds', 15);
/**
 * A new session every this many batches (default 4: sessions of ~200
 * executions, as in the populated history); 1 makes every batch open a
 * session, the worst case (each one also claims its session in the
 * access log, an fdatasync before the batch's own).
 */
export const SESSION_EVERY = Math.max(1, arg('session-every', 4));
/**
 * Measure bench/ingest-floor-server.mjs instead of the Trail server: the
 * least a durable server does (parse, append, fdatasync), i.e. what this
 * machine alone costs at this load.
 */
export const FLOOR = process.argv.includes('--floor');
/** Every execution in a cell of its own (worst case of the cell index). */
export const UNIQUE_CELLS = process.argv.includes('--unique-cells');
