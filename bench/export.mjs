#!/usr/bin/env node
/**
 * Export fidelity benchmark (issue #15): records each notebook of the replay
 * corpus (bench/replay/notebooks) and of the export-only corpus
 * (bench/export/notebooks), with the outcome cell of
 * bench/export/outcomes.mjs appended, through the real recorder in a real
 * kernel, exports the session through the Trail server's export API
 * (POST /sessions/:id/export), writes the pipeline folder beside the
 * notebook, runs `python pipeline.py` in the repository's venv and compares
 * every recorded file hash and metric with what the run left. Prints the
 * share of notebooks that reproduce everything and the exported script's
 * size against all the code that ran. See bench/README-export.md.
 *
 *   npx tsc -p server/tsconfig.json && node bench/export.mjs
 *       [--only 01,07] [--python <python>] [--run-timeout <s>] [--json] [--out <file>] [--keep]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  onlyIds,
  runAndCompare,
  sizesOf,
  writeExport
} from './export/fidelity.mjs';
import { withOutcome } from './export/outcomes.mjs';
import { loadCorpus } from './replay/corpus.mjs';
import { recordNotebook } from './replay/record.mjs';
import {
  bundleRecorder,
  startJupyter,
  startTrailServer
} from './replay/services.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const flag = name => argv.includes(`--${name}`);
const option = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : fallback;
};
const only = (option('only', '') || '').split(',').filter(Boolean);
const asJson = flag('json');
const venvPython = join(root, '.venv', 'bin', 'python');
const python = option('python', venvPython);
const runTimeoutMs = Number(option('run-timeout', 300)) * 1000;
if (asJson) {
  console.log = (...args) => process.stderr.write(`${args.join(' ')}\n`);
  console.info = console.log;
  console.debug = console.log;
}
const log = asJson
  ? line => process.stderr.write(`${line}\n`)
  : line => console.log(line);

const pct = (n, d) => (d === 0 ? '-' : `${((100 * n) / d).toFixed(0)}%`);
const ratio = (n, d) => (d === 0 ? '-' : (n / d).toFixed(2));

function tableLines(rows) {
  const lines = [
    '| notebook | det. | kept/ran steps | files same | same content | metrics same | reproduced | code lines kept/ran | bytes kept/ran | pipeline.py lines |',
    '|---|---|---|---|---|---|---|---|---|---|'
  ];
  for (const r of rows) {
    if (r.error) {
      lines.push(
        `| ${r.name} | ${r.deterministic ? 'yes' : 'no'} | export failed: ${r.error} | | | | no | | | |`
      );
      continue;
    }
    const f = r.run.files;
    const m = r.run.metrics;
    const s = r.sizes;
    lines.push(
      `| ${r.name} | ${r.deterministic ? 'yes' : 'no'} | ${s.kept.steps}/${s.ran.executions} | ` +
        `${f.filter(x => x.same).length}/${f.length} | ${contentCell(f)} | ${m.filter(x => x.same).length}/${m.length} | ` +
        `${r.run.reproduced ? 'yes' : `**no**${r.run.exit !== 0 ? ` (exit ${r.run.exit})` : ''}`} | ` +
        `${s.kept.lines}/${s.ran.lines} (${ratio(s.kept.lines, s.ran.lines)}) | ` +
        `${s.kept.bytes}/${s.ran.bytes} (${ratio(s.kept.bytes, s.ran.bytes)}) | ${s.script.lines} |`
    );
  }
  return lines;
}

/**
 * Of the files whose hash differs, how many hold the same content
 * (jupyterlab_trail.content_compare); "id() only" when the rest differ only
 * in *_id ints (a memory address); '-' when every hash matched.
 */
function contentCell(files) {
  const differing = files.filter(f => f.reproduced && !f.same);
  if (differing.length === 0) {
    return '-';
  }
  const same = differing.filter(f => f.content?.same).length;
  const rest = differing.filter(f => !f.content?.same);
  return (
    `${same}/${differing.length}` +
    (rest.length && rest.every(f => onlyIds(f.content)) ? ' (id() only)' : '')
  );
}

function totalsOf(rows) {
  const ok = rows.filter(r => !r.error);
  const det = rows.filter(r => r.deterministic);
  const sum = (list, pick) => list.reduce((n, r) => n + pick(r), 0);
  return {
    notebooks: rows.length,
    exported: ok.length,
    reproduced: ok.filter(r => r.run.reproduced).length,
    deterministic: det.length,
    deterministicReproduced: det.filter(r => !r.error && r.run.reproduced)
      .length,
    files: sum(ok, r => r.run.files.length),
    filesSame: sum(ok, r => r.run.files.filter(f => f.same).length),
    filesHashDiffers: sum(
      ok,
      r => r.run.files.filter(f => f.reproduced && !f.same).length
    ),
    filesSameContent: sum(
      ok,
      r => r.run.files.filter(f => !f.same && f.content?.same).length
    ),
    filesOnlyIds: sum(
      ok,
      r => r.run.files.filter(f => !f.same && onlyIds(f.content)).length
    ),
    metrics: sum(ok, r => r.run.metrics.length),
    metricsSame: sum(ok, r => r.run.metrics.filter(m => m.same).length),
    ranExecutions: sum(ok, r => r.sizes.ran.executions),
    keptSteps: sum(ok, r => r.sizes.kept.steps),
    ranLines: sum(ok, r => r.sizes.ran.lines),
    keptLines: sum(ok, r => r.sizes.kept.lines),
    ranBytes: sum(ok, r => r.sizes.ran.bytes),
    keptBytes: sum(ok, r => r.sizes.kept.bytes),
    scriptLines: sum(ok, r => r.sizes.script.lines),
    scriptBytes: sum(ok, r => r.sizes.script.bytes)
  };
}

async function main() {
  const work = mkdtempSync(join(tmpdir(), 'trail-export-bench-'));
  const result = {
    startedAt: new Date().toISOString(),
    node: process.version,
    python,
    loadAverage: loadavg(),
    notebooks: [],
    totals: null
  };
  // The server analyses the recorded code with the venv's Python (it has
  // jupyterlab_trail), as the Python package's launchers tell it to.
  process.env.TRAIL_PYTHON = venvPython;
  const trail = await startTrailServer(root);
  let jupyter = null;
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
    // The replay corpus, and the notebooks only the export bench runs
    // (bench/export/notebooks: what a replay would not learn from).
    const corpus = [
      ...loadCorpus(join(root, 'bench', 'replay', 'notebooks'), only),
      ...loadCorpus(join(root, 'bench', 'export', 'notebooks'), only)
    ].map(withOutcome);
    log(`making the corpus's data in ${work}`);
    log(
      `  ${execFileSync(venvPython, [join(root, 'bench', 'replay', 'make_data.py'), work], { encoding: 'utf8' }).trim()}`
    );
    const { TrailRecorder, TrailClient } = await bundleRecorder(root, work);
    const client = new TrailClient({
      baseUrl: trail.url,
      token: trail.token,
      timeoutMs: 120000
    });
    jupyter = await startJupyter(root, work);
    const recordings = [];
    for (const { notebook, deterministic } of corpus) {
      const recording = await recordNotebook({
        TrailRecorder,
        client,
        jupyter,
        notebook
      });
      log(
        `recorded ${notebook.name}: ${recording.steps.length} steps, ${(recording.ms / 1000).toFixed(1)} s`
      );
      recordings.push({ notebook, deterministic, recording });
    }
    await jupyter.stop();
    jupyter = null;
    for (const { notebook, deterministic, recording } of recordings) {
      const row = { name: notebook.name, deterministic };
      try {
        const started = Date.now();
        const exported = await client.exportPipeline(recording.sessionId, {
          folder: `pipelines/${notebook.name}`
        });
        row.exportMs = Date.now() - started;
        const folder = writeExport(work, exported);
        row.run = await runAndCompare({
          python,
          cwd: work,
          folder,
          result: exported,
          timeoutMs: runTimeoutMs
        });
        row.sizes = sizesOf(recording, exported);
        row.dropped = exported.dropped.map(d => `${d.step}:${d.reason}`);
        row.untranslated = exported.translations.filter(
          t => t.action === 'untranslated'
        ).length;
        row.unresolvedImports = exported.unresolvedImports;
        const differs = [
          ...row.run.files
            .filter(f => !f.same)
            .map(f =>
              f.content?.comparable
                ? `${f.path} (${f.content.same ? 'same content' : `content differs at ${f.content.differences.map(d => d.path).join(', ')}`})`
                : f.path
            ),
          ...row.run.metrics
            .filter(m => !m.same)
            .map(m => `${m.name} ${m.recorded} -> ${m.reproduced}`)
        ];
        log(
          `exported ${notebook.name}: kept ${exported.kept.length} of ${recording.steps.length} steps, ` +
            `export ${row.exportMs} ms, run ${(row.run.ms / 1000).toFixed(1)} s exit ${row.run.exit}; ` +
            `${row.run.reproduced ? 'reproduced' : `NOT reproduced${differs.length ? `: ${differs.join(', ')}` : ''}${row.run.stderr ? ` [${row.run.stderr}]` : ''}`}`
        );
      } catch (error) {
        row.error = String(error?.message ?? error).split('\n')[0];
        log(`exported ${notebook.name}: FAILED ${row.error}`);
      }
      result.notebooks.push(row);
    }
    result.totals = totalsOf(result.notebooks);
    const t = result.totals;
    if (!asJson) {
      log('');
      for (const line of tableLines(result.notebooks)) {
        log(line);
      }
      log('');
      log(
        `reproduced everything: ${t.reproduced}/${t.notebooks} (${pct(t.reproduced, t.notebooks)}); ` +
          `deterministic ones: ${t.deterministicReproduced}/${t.deterministic} (${pct(t.deterministicReproduced, t.deterministic)}) -> goal ${t.deterministicReproduced === t.deterministic ? 'met' : 'NOT met'}`
      );
      log(
        `files ${t.filesSame}/${t.files} same, metrics ${t.metricsSame}/${t.metrics} same`
      );
      log(
        `files whose hash differs: ${t.filesHashDiffers}; the same content: ${t.filesSameContent}; differing only in *_id ints (an id()): ${t.filesOnlyIds}`
      );
      log(
        `kept ${t.keptSteps} of ${t.ranExecutions} executions; code lines kept/ran ${t.keptLines}/${t.ranLines} (${ratio(t.keptLines, t.ranLines)}), ` +
          `bytes ${t.keptBytes}/${t.ranBytes} (${ratio(t.keptBytes, t.ranBytes)}); whole pipeline.py ${t.scriptLines} lines, ${t.scriptBytes} bytes`
      );
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
