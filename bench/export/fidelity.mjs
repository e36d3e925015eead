/**
 * One exported pipeline, run and compared with its recording: the folder
 * the export API answered is written where the dialog and `trail export`
 * put it (beside the notebook, which here is the kernel's working folder),
 * the files the recording wrote are removed, `python pipeline.py` runs in
 * the given Python, and each recorded file's sha256 and each recorded
 * metric is compared with what the run left; a file whose hash differs is
 * also compared by content (jupyterlab_trail.content_compare, against the
 * recorded file kept aside before the run). Also: the exported script's
 * size against all the code that ran.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  writeFileSync
} from 'node:fs';
import { dirname, extname, join } from 'node:path';

const sha256 = path =>
  createHash('sha256').update(readFileSync(path)).digest('hex');

/** Writes the export's files into `<cwd>/<result.folder>`; returns that folder. */
export function writeExport(cwd, result) {
  const folder = join(cwd, result.folder);
  rmSync(folder, { recursive: true, force: true });
  for (const { path, content } of result.files) {
    mkdirSync(dirname(join(folder, path)), { recursive: true });
    writeFileSync(join(folder, path), content);
  }
  return folder;
}

function runScript(python, folder, timeoutMs) {
  return new Promise(resolve => {
    const started = Date.now();
    const child = spawn(python, ['pipeline.py'], {
      cwd: folder,
      env: { ...process.env, TRAIL_DISABLED: '1', MPLBACKEND: 'Agg' },
      stdio: ['ignore', 'pipe', 'pipe']
    });
    let stderr = '';
    child.stdout.resume();
    child.stderr.on('data', chunk => (stderr = (stderr + chunk).slice(-4000)));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('close', code => {
      clearTimeout(timer);
      resolve({ code, stderr, timedOut, ms: Date.now() - started });
    });
  });
}

/**
 * `python -m jupyterlab_trail.content_compare`'s answer for a file whose
 * hash differs (`{comparable, same, differences, count, reason?}`), or
 * `{comparable: false, reason}` when it could not run.
 */
function compareContent(python, cwd, recorded, reproduced) {
  return new Promise(resolve => {
    const child = spawn(
      python,
      ['-m', 'jupyterlab_trail.content_compare', recorded, reproduced],
      { cwd, stdio: ['ignore', 'pipe', 'pipe'] }
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', chunk => (stdout += chunk));
    child.stderr.on('data', chunk => (stderr = (stderr + chunk).slice(-2000)));
    child.once('close', code => {
      try {
        resolve(JSON.parse(stdout));
      } catch {
        resolve({
          comparable: false,
          reason: `exit ${code}: ${stderr.trim().split('\n').slice(-1)[0]}`
        });
      }
    });
  });
}

/** Every difference an int in an attribute named *_id: an id() (a memory address). */
export function onlyIds(content) {
  return (
    content?.comparable === true &&
    !content.same &&
    content.count === content.differences.length &&
    content.differences.every(
      d =>
        /(^|\.)[A-Za-z_]\w*_id$/.test(d.path) &&
        /^-?\d+$/.test(d.recorded) &&
        /^-?\d+$/.test(d.reproduced)
    )
  );
}

/** Same number (a metric that was NaN or infinite is recorded as null). */
function sameValue(recorded, reproduced) {
  return recorded === null
    ? reproduced === null || reproduced === undefined
    : reproduced === recorded;
}

/**
 * Runs the pipeline in `folder` (written by writeExport) and compares:
 * `{ exit, ms, stderr, files: [{path, recorded, reproduced, same, content?}],
 *    metrics: [{name, recorded, reproduced, same}], reproduced }`.
 */
export async function runAndCompare({
  python,
  cwd,
  folder,
  result,
  timeoutMs
}) {
  // The files the recording wrote, kept aside for the content comparison.
  const kept = join(folder, '.recorded');
  mkdirSync(kept, { recursive: true });
  result.expected.files.forEach((file, index) => {
    const path = join(cwd, file.path);
    if (existsSync(path) && sha256(path) === file.sha256) {
      copyFileSync(path, join(kept, `${index}${extname(file.path)}`));
    }
    rmSync(path, { force: true });
  });
  rmSync(join(folder, 'metrics.json'), { force: true });
  const run = await runScript(python, folder, timeoutMs);
  const files = [];
  for (const [index, file] of result.expected.files.entries()) {
    const path = join(cwd, file.path);
    const reproduced = existsSync(path) ? sha256(path) : null;
    const entry = {
      path: file.path,
      recorded: file.sha256,
      reproduced,
      same: reproduced === file.sha256
    };
    const recordedCopy = join(kept, `${index}${extname(file.path)}`);
    if (reproduced && !entry.same && existsSync(recordedCopy)) {
      entry.content = await compareContent(python, cwd, recordedCopy, path);
    }
    files.push(entry);
  }
  rmSync(kept, { recursive: true, force: true });
  let written = {};
  try {
    written = JSON.parse(readFileSync(join(folder, 'metrics.json'), 'utf8'));
  } catch {
    // No metrics.json: every metric is missing.
  }
  const metrics = result.expected.metrics.map(metric => ({
    name: metric.name,
    recorded: metric.value,
    reproduced: written[metric.name],
    same: sameValue(metric.value, written[metric.name])
  }));
  return {
    exit: run.timedOut ? 'timeout' : run.code,
    ms: run.ms,
    stderr:
      run.code === 0 ? '' : run.stderr.trim().split('\n').slice(-3).join(' | '),
    files,
    metrics,
    reproduced:
      run.code === 0 && files.every(f => f.same) && metrics.every(m => m.same)
  };
}

const linesOf = text =>
  text.length === 0 ? 0 : text.replace(/\n$/, '').split('\n').length;
/** Lines with something on them (blank lines are not code). */
const codeLines = text => text.split('\n').filter(l => l.trim()).length;

/**
 * Sizes: all the code that ran (every execution's code as recorded, re-runs
 * and failures included), the kept steps' code in pipeline.py (the step
 * sections, headings left out) and the whole pipeline.py (with Trail's
 * prologue and epilogue): lines with code on them, and bytes (the whole
 * script's lines count every line).
 */
export function sizesOf(recording, result) {
  const ran = recording.steps.map(s => s.cell.source);
  const script =
    result.files.find(f => f.path === 'pipeline.py')?.content ?? '';
  const kept = [];
  let inStep = false;
  for (const line of script.split('\n')) {
    if (line.startsWith('# ---- Step ')) {
      inStep = true;
      continue;
    }
    if (line.startsWith('# ---- Trail ')) {
      inStep = false;
      continue;
    }
    if (inStep) {
      kept.push(line);
    }
  }
  while (kept.length && !kept[kept.length - 1].trim()) {
    kept.pop();
  }
  const keptText = kept.join('\n');
  return {
    ran: {
      executions: ran.length,
      lines: ran.reduce((n, code) => n + codeLines(code), 0),
      bytes: ran.reduce((n, code) => n + Buffer.byteLength(code), 0)
    },
    kept: {
      steps: result.kept.length,
      lines: codeLines(keptText),
      bytes: Buffer.byteLength(keptText)
    },
    script: {
      lines: linesOf(script),
      bytes: Buffer.byteLength(script)
    }
  };
}
