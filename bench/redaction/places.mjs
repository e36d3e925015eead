/**
 * Where the redaction benchmark puts a secret: one event per place that
 * carries text (code, each output kind, tracebacks, params, tags, paths,
 * the git diff), and how it tells whether any piece of the secret leaked.
 */
/** HTML-escapes a line, as an HTML or SVG output would carry it. */
export const esc = s =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
/** IPython's colours on a code line of a traceback. */
function colour(line) {
  return (
    '\x1b[0;32m----> 3\x1b[0m ' +
    line
      .replace(/("[^"\n]*"|'[^'\n]*')/g, '\x1b[38;5;124m$1\x1b[39m')
      .replace(/ = /g, ' \x1b[38;5;241m=\x1b[39m ')
      .replace(/\b(os|config|print)\b/g, '\x1b[38;5;28m$1\x1b[39m')
  );
}
/** An execution.completed event, with `execution`'s fields over a blank one. */
export function completed(execution) {
  return {
    id: 'e',
    kind: 'execution.completed',
    execution: {
      id: 'x',
      sessionId: 's',
      seq: 1,
      notebookPath: 'n.ipynb',
      cellId: 'c',
      code: '',
      executionCount: 1,
      status: 'ok',
      startedAt: '2026-01-01T00:00:00.000Z',
      endedAt: '2026-01-01T00:00:00.000Z',
      durationMs: 0,
      timing: 'kernel',
      outputs: [],
      ...execution
    }
  };
}
/** A display_data output of the given mime bundle. */
export const display = data => ({
  output_type: 'display_data',
  data,
  metadata: {}
});
/** Each place: the event that carries `line` there (null: not applicable). */
export const PLACES = {
  code: line => completed({ code: `x = 1\n${line}\nprint(x)` }),
  stream: line =>
    completed({
      outputs: [
        { output_type: 'stream', name: 'stdout', text: `loaded\n${line}\n` }
      ]
    }),
  'text/plain': line =>
    completed({
      outputs: [
        {
          output_type: 'execute_result',
          execution_count: 1,
          data: { 'text/plain': line },
          metadata: {}
        }
      ]
    }),
  'text/html': line =>
    completed({
      outputs: [display({ 'text/html': `<div><pre>${esc(line)}</pre></div>` })]
    }),
  'text/markdown': line =>
    completed({
      outputs: [display({ 'text/markdown': `Config:\n\n    ${line}\n` })]
    }),
  'application/json': line =>
    completed({
      outputs: [display({ 'application/json': { log: [line], n: 1 } })]
    }),
  'image/svg+xml': line =>
    completed({
      outputs: [
        display({
          'image/svg+xml': `<svg xmlns="http://www.w3.org/2000/svg"><text x="0" y="12">${esc(line)}</text></svg>`
        })
      ]
    }),
  'application/javascript': line =>
    completed({
      outputs: [
        display({
          'application/javascript': `element.textContent = \`${line.replace(/[`\\]/g, '\\$&')}\`;`
        })
      ]
    }),
  traceback: line =>
    completed({
      status: 'error',
      outputs: [
        {
          output_type: 'error',
          ename: 'ValueError',
          evalue: 'bad config',
          traceback: [
            '\x1b[0;31m---------------------------------------------------------------------------\x1b[0m',
            colour(line),
            '\x1b[0;31mValueError\x1b[0m: bad config'
          ]
        }
      ]
    }),
  'error message': line =>
    completed({
      status: 'error',
      error: { ename: 'ValueError', evalue: `bad config: ${line}` }
    }),
  'git diff': line => ({
    id: 'e',
    kind: 'environment.captured',
    sessionId: 's',
    fromSeq: 1,
    environment: {
      capturedAt: '2026-01-01T00:00:00.000Z',
      language: { name: 'python', version: '3.11' },
      platform: { system: 'Linux' },
      packages: [],
      git: {
        commit: 'abc',
        dirty: true,
        diff: `--- a/nb.py\n+++ b/nb.py\n@@ -1 +1,2 @@\n x = 1\n+${line}\n`
      }
    }
  }),
  'param value': line =>
    line.length > 5000
      ? null
      : completed({ capture: { params: { setting: line } } }),
  tag: line =>
    line.length > 250 || line.includes('\n')
      ? null
      : completed({ capture: { tags: [line] } })
};
/** Places that take the secret alone, not its line. */
export const VALUE_PLACES = {
  'param by name': (secret, entry) =>
    entry.name && !secret.includes('\n')
      ? completed({ capture: { params: { [entry.name]: secret } } })
      : null,
  'file path': (secret, entry) =>
    secret.includes('\n') || secret.includes(' ')
      ? null
      : completed({
          capture: {
            files: [
              {
                path: `exports/${entry.name ?? 'token'}=${secret}/part-0.csv`,
                access: 'read',
                kind: 'file'
              }
            ]
          }
        })
};

/** The pieces of a secret that must not reach the server. */
function fragments(secret) {
  const size = Math.min(10, secret.length);
  const out = new Set();
  for (const piece of secret.split('\n')) {
    for (
      let i = 0;
      i + size <= piece.length;
      i += Math.max(1, Math.floor(size / 2))
    ) {
      out.add(piece.slice(i, i + size));
    }
  }
  return [...out].filter(f => f.length >= Math.min(6, secret.length));
}
/**
 * Whether a piece of `secret` is still in the redacted `event` (fragments
 * its carrier `line` holds by itself do not count).
 */
export function leaked(event, secret, line) {
  const text = JSON.stringify(event) + '\n' + eventStrings(event).join('\n');
  // Fragments that the carrier line holds by itself (prefixes like sk-proj-)
  // are not the secret's.
  const carrier = line.replace('{secret}', '');
  return fragments(secret).some(f => !carrier.includes(f) && text.includes(f));
}
function eventStrings(value, out = []) {
  if (typeof value === 'string') {
    out.push(value);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      out.push(k);
      eventStrings(v, out);
    }
  }
  return out;
}
