#!/usr/bin/env node
/**
 * Replay benchmark (issue #13): records the corpus in bench/replay/notebooks
 * through the real recorder and replays each session headless with
 * `trail replay --json`, then times the steps API on a 10,000-execution
 * session. See bench/README-replay.md.
 *
 *   npx tsc -p server/tsconfig.json && node bench/replay.mjs
 *       [--only 01,07] [--no-replay] [--no-steps] [--steps-only]
 *       [--executions 10000] [--samples 300] [--no-viewer] [--profile-jumps] [--cli <trail.cjs>]
 *       [--replay-timeout <s>] [--strict] [--json] [--out <file>] [--keep]
 *       [--viewer-ext NAME=<labextension dir> ...] [--viewer-rounds 2]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkReplayListed, checkStructure } from './replay/checks.mjs';
import { loadCorpus } from './replay/corpus.mjs';
import { recordNotebook } from './replay/record.mjs';
import { prepareCli, runReplay } from './replay/replay-cli.mjs';
import {
  bundleRecorder,
  startJupyter,
  startTrailServer
} from './replay/services.mjs';
import { measureSteps } from './replay/steps-timing.mjs';
import { tableLines, tallyNotebook, totals } from './replay/tally.mjs';
import {
  measureViewer,
  randomSteps,
  viewerUnavailable
} from './replay/viewer-timing.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const flag = name => argv.includes(`--${name}`);
const option = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : fallback;
};
const only = (option('only', '') || '').split(',').filter(Boolean);
const asJson = flag('json');
const stepsOnly = flag('steps-only');
const doReplay = !flag('no-replay') && !stepsOnly;
const doSteps = !flag('no-steps');
const executions = Number(option('executions', 10000));
// Builds of the extension to time side by side on the same session and
// server (A B A B ...): each NAME=DIR a built labextension folder.
const viewerExtensions = argv
  .flatMap((arg, i) => (arg === '--viewer-ext' ? [argv[i + 1] ?? ''] : []))
  .map(text => {
    const at = text.indexOf('=');
    if (at < 1) {
      throw new Error(`--viewer-ext wants NAME=DIR, not ${text}`);
    }
    return { name: text.slice(0, at), dir: text.slice(at + 1) };
  });
const viewerRounds = Number(option('viewer-rounds', 2));
const samples = Number(option('samples', 300));
// With --json the document alone goes to stdout; libraries' console.log
// chatter (@jupyterlab/services' "Starting WebSocket") goes to stderr.
if (flag('json')) {
  console.log = (...args) => process.stderr.write(`${args.join(' ')}\n`);
  console.info = console.log;
  console.debug = console.log;
}
const log = asJson
  ? line => process.stderr.write(`${line}\n`)
  : line => console.log(line);

const fmt = s =>
  `median ${s.median.toFixed(1)} ms, p95 ${s.p95.toFixed(1)} ms, max ${s.max.toFixed(1)} ms (n=${s.n})`;

async function main() {
  const work = mkdtempSync(join(tmpdir(), 'trail-replay-bench-'));
  const python = join(root, '.venv', 'bin', 'python');
  const result = {
    startedAt: new Date().toISOString(),
    node: process.version,
    loadAverage: loadavg(),
    notebooks: [],
    totals: null,
    steps: null,
    viewer: null
  };
  const trail = await startTrailServer(root);
  let jupyter = null;
  // Ctrl-C or a kill: the servers and the temporary folders go too.
  const interrupted = async () => {
    await jupyter?.stop();
    await trail.stop();
    rmSync(work, { recursive: true, force: true });
    rmSync(trail.dataDir, { recursive: true, force: true });
    process.exit(130);
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    if (!stepsOnly) {
      const corpus = loadCorpus(
        join(root, 'bench', 'replay', 'notebooks'),
        only
      );
      log(`making the corpus's data in ${work}`);
      log(
        `  ${execFileSync(python, [join(root, 'bench', 'replay', 'make_data.py'), work], { encoding: 'utf8' }).trim()}`
      );
      const { TrailRecorder, TrailClient } = await bundleRecorder(root, work);
      const client = new TrailClient({
        baseUrl: trail.url,
        token: trail.token,
        timeoutMs: 60000
      });
      jupyter = await startJupyter(root, work);
      const recordings = [];
      for (const notebook of corpus) {
        const recording = await recordNotebook({
          TrailRecorder,
          client,
          jupyter,
          notebook
        });
        const structures = recording.events.filter(
          e => e.kind === 'structure.captured'
        ).length;
        const structureProblems = await checkStructure(
          client,
          recording,
          notebook
        );
        log(
          `recorded ${notebook.name}: ${recording.steps.length} steps, ${structures} structure events, ${(recording.ms / 1000).toFixed(1)} s; ` +
            `notebook at the last step: ${structureProblems.length ? structureProblems.slice(0, 3).join('; ') : 'as written'}`
        );
        recordings.push({ notebook, recording, structureProblems });
      }
      await jupyter.stop();
      jupyter = null;
      const cli = doReplay
        ? await prepareCli(root, work, option('cli', null))
        : null;
      for (const { notebook, recording, structureProblems } of recordings) {
        let document = null;
        let replayMs = null;
        if (cli) {
          const run = await runReplay({
            root,
            cli,
            sessionId: recording.sessionId,
            cwd: work,
            trail,
            extra: flag('strict') ? ['--strict'] : [],
            timeoutMs: Number(option('replay-timeout', 600)) * 1000
          });
          document = run.document;
          replayMs = run.ms;
          const s = document?.summary;
          log(
            `replayed ${notebook.name}: exit ${run.code}${run.timedOut ? ' (timed out)' : ''}` +
              (s
                ? `, ${s.same} same, ${s.diverged} diverged, ${s.notRun} not run, ${(run.ms / 1000).toFixed(1)} s`
                : `, no document: ${run.stderr.trim().split('\n').slice(-3).join(' | ')}`)
          );
        }
        const tally = tallyNotebook(notebook.name, recording, document);
        tally.replayMs = replayMs;
        tally.preflight = document?.preflight ?? null;
        tally.structureProblems = structureProblems;
        tally.replayProblems = cli
          ? await checkReplayListed(
              client,
              recording.sessionId,
              tally.replaySessionId
            )
          : [];
        if (tally.replayProblems.length) {
          log(`  ${tally.replayProblems.join('; ')}`);
        }
        result.notebooks.push(tally);
      }
      result.totals = totals(result.notebooks);
      if (!asJson) {
        log('');
        for (const line of tableLines(result.notebooks)) {
          log(line);
        }
      }
    }
    if (doSteps) {
      log('');
      log(
        `steps API on a ${executions.toLocaleString('en')}-execution session:`
      );
      result.steps = await measureSteps(trail, { executions, samples, log });
      const s = result.steps;
      log(
        `  ${s.structureEvents} structure events, ${s.meanCellsPerStep} cells per step on average`
      );
      log(`  open: step list   ${fmt(s.openStepList)}`);
      log(`  open: last step   ${fmt(s.openLastStep)}`);
      log(`  step: random k    ${fmt(s.randomStep)}`);
      log(`  step: next (k+1)  ${fmt(s.nextStep)}`);
      log(
        `  goal: stepping < 100 ms -> ${s.randomStep.p95 < 100 && s.nextStep.p95 < 100 ? 'met' : 'NOT met'} at p95 (server side)`
      );
      const unavailable = flag('no-viewer')
        ? 'not asked (--no-viewer)'
        : viewerUnavailable(root);
      if (unavailable) {
        log(`viewer in Chromium: skipped, ${unavailable}`);
      } else {
        log('viewer in Chromium (JupyterLab, the same session):');
        const report = v => {
          log(
            `  open (3 times)     ${fmt(v.open)}; first ${v.openFirst.toFixed(1)} ms`
          );
          log(`  step: next (->)    ${fmt(v.next)}`);
          log(`  step: slider jump  ${fmt(v.jump)}`);
          if (v.jumpPainted) {
            log(`    to first paint ${fmt(v.jumpPainted)}`);
          }
          for (const [name, st] of Object.entries(v.jumpPhases ?? {})) {
            log(`    ${name.padEnd(14)} ${fmt(st)}`);
          }
          log(
            `  goal: stepping < 100 ms -> ${v.next.p95 < 100 && v.jump.p95 < 100 ? 'met' : 'NOT met'} at p95 (drawn, in the browser)`
          );
          for (const { fn, ms } of v.hot ?? []) {
            log(`    self ${String(ms).padStart(6)} ms  ${fn}`);
          }
        };
        if (viewerExtensions.length === 0) {
          const v = await measureViewer(root, trail, s.sessionId, {
            total: s.executions,
            profile: flag('profile-jumps'),
            log
          });
          result.viewer = v;
          report(v);
        } else {
          result.viewerRuns = [];
          // The same jumps for each build.
          const jumpSteps = randomSteps(40, s.executions, 20261206);
          for (let round = 1; round <= viewerRounds; round++) {
            for (const { name, dir } of viewerExtensions) {
              log(
                `  ${name}, round ${round} (load ${loadavg()[0].toFixed(1)}):`
              );
              const v = await measureViewer(root, trail, s.sessionId, {
                total: s.executions,
                profile: flag('profile-jumps'),
                labextension: dir,
                jumpSteps,
                log
              });
              result.viewerRuns.push({ name, round, ...v });
              report(v);
            }
          }
        }
      }
    }
    result.loadAverageAfter = loadavg();
    if (asJson) {
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    }
    const out = option('out', null);
    if (out) {
      writeFileSync(out, JSON.stringify(result, null, 2));
    }
  } finally {
    await jupyter?.stop();
    await trail.stop();
    if (!flag('keep')) {
      rmSync(work, { recursive: true, force: true });
      rmSync(trail.dataDir, { recursive: true, force: true });
    } else {
      log(`kept ${work} and ${trail.dataDir}`);
    }
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
