/**
 * DataFrame reprs for the redaction benchmark: five rows with a column named
 * like a secret, as pandas prints them in text and in HTML.
 */
import { chunk } from './generate.mjs';
import { completed, display, esc } from './places.mjs';

/** Column names that a redactor must treat as secret. */
export const DATAFRAME_COLUMNS = [
  'password',
  'api_token',
  'secret',
  'passwd',
  'access_token',
  'client_secret'
];

/**
 * A DataFrame with a secret column: its rows (`value` is the secret) and
 * the events that show it, as [place, event] pairs.
 */
export function dataframeEvents(column) {
  const rows = Array.from({ length: 5 }, (_, i) => ({
    user: ['ana', 'bob', 'chen', 'dara', 'eli'][i],
    plan: ['pro', 'free', 'team', 'pro', 'free'][i],
    value: column.includes('pass') ? chunk('p', 8 + i) : chunk('A', 20 + i)
  }));
  const header = ['', 'user', 'plan', column];
  const cells = rows.map((r, i) => [String(i), r.user, r.plan, r.value]);
  const widths = header.map((h, c) =>
    Math.max(h.length, ...cells.map(row => row[c].length))
  );
  const textRepr = [header, ...cells]
    .map(row =>
      row
        .map((v, c) => (c === 0 ? v.padEnd(widths[c]) : v.padStart(widths[c])))
        .join('  ')
    )
    .join('\n');
  const html =
    '<div>\n<table border="1" class="dataframe">\n  <thead>\n    <tr style="text-align: right;">\n      <th></th>\n' +
    header
      .slice(1)
      .map(h => `      <th>${h}</th>\n`)
      .join('') +
    '    </tr>\n  </thead>\n  <tbody>\n' +
    cells
      .map(
        row =>
          `    <tr>\n      <th>${row[0]}</th>\n` +
          row
            .slice(1)
            .map(v => `      <td>${esc(v)}</td>\n`)
            .join('') +
          '    </tr>\n'
      )
      .join('') +
    '  </tbody>\n</table>\n<p>5 rows × 3 columns</p>\n</div>';
  return {
    rows,
    events: [
      [
        'DataFrame text',
        completed({
          outputs: [
            {
              output_type: 'execute_result',
              execution_count: 1,
              data: { 'text/plain': textRepr },
              metadata: {}
            }
          ]
        })
      ],
      [
        'DataFrame HTML',
        completed({ outputs: [display({ 'text/html': html })] })
      ],
      [
        'DataFrame print',
        completed({
          outputs: [
            { output_type: 'stream', name: 'stdout', text: textRepr + '\n' }
          ]
        })
      ]
    ]
  };
}
