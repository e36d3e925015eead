/**
 * The panel's kernel capture views: files (hash, change badges, schema),
 * params, metrics with a chart, tags; a session's environment with its
 * git diff, package search and comparison with another session.
 */
import {
  RenderMimeRegistry,
  standardRendererFactories
} from '@jupyterlab/rendermime';
import { Widget } from '@lumino/widgets';
import type { EnvironmentSnapshot } from '../../src/records/schema';
import { metricSeries, TrailBrowserModel } from '../../src/model';
import { TrailSidebar } from '../../src/ui';
import { formatAbsoluteTime } from '../../src/ui/format';
import { thin } from '../../src/ui/charts';
import { FakeNetworkError, FakeReader } from './model-fake-reader';
import { waitFor } from './ui-wait';

const SHA_A = 'a'.repeat(64);
const SHA_B = 'b'.repeat(64);
const SHA_C = 'c'.repeat(64);
const AT = '2026-11-20T10:00:01.000Z';

function env(
  packages: [string, string][],
  extra: Partial<EnvironmentSnapshot> = {}
): EnvironmentSnapshot {
  return {
    capturedAt: AT,
    language: { name: 'python', version: '3.11.7', implementation: 'CPython' },
    platform: {
      system: 'Linux',
      release: '6.1',
      machine: 'x86_64',
      hostname: 'lab'
    },
    cpu: { model: 'Xeon', count: 2 },
    packages: packages.map(([name, version]) => ({ name, version })),
    git: {
      commit: '0123456789abcdef0123456789abcdef01234567',
      branch: 'main',
      dirty: true,
      diff: 'diff --git a/x.py b/x.py\n@@ -1 +1 @@\n-old = 1\n+new = 2\n'
    },
    ...extra
  };
}

function captureReader(): FakeReader {
  const reader = new FakeReader();
  reader.addSession({
    id: 'old',
    startedAt: '2026-11-19T10:00:00.000Z',
    environments: [{ id: 'env-old', fromSeq: 1, capturedAt: AT }]
  });
  reader.addSession({
    id: 's1',
    startedAt: '2026-11-20T10:00:00.000Z',
    environments: [{ id: 'env-new', fromSeq: 1, capturedAt: AT }]
  });
  reader.addSession({
    id: 'plain',
    notebookPath: 'r/analysis.ipynb',
    startedAt: '2026-11-18T10:00:00.000Z'
  });
  reader.environments.set(
    'env-old',
    env([
      ['numpy', '2.4.5'],
      ['pandas', '3.1.0'],
      ['scipy', '1.0']
    ])
  );
  reader.environments.set(
    'env-new',
    env([
      ['numpy', '2.4.5'],
      ['pandas', '3.1.1'],
      ['polars', '1.0.0'],
      ['pyarrow', '26.0.1']
    ])
  );
  // The previous run of cell-train, in the older session.
  reader.addExecution({
    id: 'prev',
    sessionId: 'old',
    cellId: 'cell-train',
    startedAt: '2026-11-19T10:00:01.000Z',
    capture: {
      files: [
        { path: 'data/train.csv', access: 'read', kind: 'file', sha256: SHA_A },
        { path: 'data/test.csv', access: 'read', kind: 'file', sha256: SHA_C }
      ]
    }
  });
  reader.addExecution({
    id: 'run',
    sessionId: 's1',
    cellId: 'cell-train',
    executionCount: 7,
    startedAt: AT,
    capture: {
      files: [
        {
          path: 'data/train.csv',
          access: 'read',
          kind: 'file',
          size: 2048,
          sha256: SHA_B,
          schema: {
            format: 'csv',
            columns: [
              { name: 'sepal_length', type: 'float64' },
              { name: 'species', type: 'string' }
            ],
            rows: null
          }
        },
        {
          path: 'data/test.csv',
          access: 'read',
          kind: 'file',
          size: 10,
          sha256: SHA_C
        },
        {
          path: 'model.pkl',
          access: 'write',
          kind: 'file',
          size: 5,
          sha256: null,
          hashPending: true
        },
        { path: 'extra.parquet', access: 'read', kind: 'file', sha256: SHA_A }
      ],
      params: { lr: 0.001, optimizer: 'adam' },
      metrics: [
        { name: 'loss', value: 0.9, step: 0, at: AT },
        { name: 'loss', value: 0.5, step: 1, at: AT },
        { name: 'loss', value: 0.25, step: 2, at: AT },
        { name: 'accuracy', value: 0.93, at: AT }
      ],
      tags: ['baseline']
    }
  });
  return reader;
}

describe('capture views', () => {
  let sidebar: TrailSidebar;
  let model: TrailBrowserModel;
  const rendermime = new RenderMimeRegistry({
    initialFactories: standardRendererFactories
  });

  function mount(reader: FakeReader): void {
    model = new TrailBrowserModel({ reader });
    sidebar = new TrailSidebar({ model, rendermime });
    Widget.attach(sidebar, document.body);
  }
  const $ = (selector: string) => sidebar.node.querySelector(selector);
  const $$ = (selector: string) =>
    Array.from(sidebar.node.querySelectorAll(selector));

  afterEach(() => {
    sidebar.dispose();
    model.dispose();
  });

  it('shows the files an execution read and wrote, with hashes, change badges and schemas', async () => {
    const reader = captureReader();
    mount(reader);
    await model.openExecution('run');
    const files = await waitFor(() => {
      const found = $$('.jp-Trail-File');
      return (
        found.length === 4 &&
        found.some(f => f.getAttribute('data-change') === 'changed') &&
        found
      );
    });
    const byPath = (path: string) =>
      files.find(f => f.getAttribute('data-path') === path)!;
    const train = byPath('data/train.csv');
    expect(train.getAttribute('data-change')).toBe('changed');
    expect(train.querySelector('.jp-Trail-ChangeBadge')!.textContent).toBe(
      'changed'
    );
    expect(train.textContent).toContain('read');
    expect(train.textContent).toContain('2.0 KB');
    const hash = train.querySelector('.jp-Trail-Hash code')!;
    expect(hash.textContent).toBe(SHA_B.slice(0, 12));
    expect(hash.getAttribute('title')).toContain(SHA_B);
    expect(
      train.querySelector('button[title="Copy the full sha256"]')
    ).not.toBeNull();
    const schema = train.querySelector('details.jp-Trail-Schema')!;
    expect(schema.querySelector('summary')!.textContent).toContain(
      'CSV: 2 columns'
    );
    expect(
      Array.from(schema.querySelectorAll('tr')).map(r => r.textContent)
    ).toEqual(['sepal_lengthfloat64', 'speciesstring']);
    expect(byPath('data/test.csv').getAttribute('data-change')).toBe('same');
    expect(
      byPath('data/test.csv').querySelector('.jp-Trail-ChangeBadge')
    ).toBeNull();
    expect(
      byPath('model.pkl').querySelector('.jp-Trail-ChangeBadge')!.textContent
    ).toBe('hashing…');
    expect(byPath('model.pkl').textContent).toContain('written');
    expect(
      byPath('extra.parquet').querySelector('.jp-Trail-ChangeBadge')!
        .textContent
    ).toBe('new');
    expect(reader.callsOf('getPreviousExecution')).toHaveLength(1);
    // The run compared with is one click away.
    const previous = $('.jp-Trail-PreviousRun') as HTMLElement;
    expect(previous.textContent).toBe('vs. previous run [1]');
    previous.click();
    await waitFor(() =>
      $('.jp-Trail-ExecutionDetail[data-execution-id="prev"]')
    );
  });

  it('shows params, metrics with a chart for several steps, and tags', async () => {
    mount(captureReader());
    await model.openExecution('run');
    await waitFor(() => $('.jp-Trail-Metrics'));
    const params = $$('.jp-Trail-Params tr').map(r => r.textContent);
    expect(params).toEqual(['lr0.001', 'optimizeradam']);
    const loss = $('.jp-Trail-MetricRow[data-metric="loss"]')!;
    expect(loss.querySelector('.jp-Trail-MetricValue')!.textContent).toBe(
      '0.25'
    );
    const chart = loss.querySelector('svg.jp-Trail-Sparkline')!;
    expect(chart.getAttribute('aria-label')).toBe(
      'loss: 3 values from 0.25 to 0.9, steps 0–2'
    );
    expect(chart.querySelector('path')!.getAttribute('d')).toMatch(
      /^M[\d.]+,[\d.]+L[\d.]+,[\d.]+L/
    );
    const accuracy = $('.jp-Trail-MetricRow[data-metric="accuracy"]')!;
    expect(accuracy.querySelector('svg')).toBeNull();
    expect(accuracy.textContent).toContain('0.93');
    expect($$('.jp-Trail-Tag').map(t => t.textContent)).toEqual(['baseline']);
  });

  it('loads the record again while hashes are pending, keeping the outputs', async () => {
    const reader = captureReader();
    mount(reader);
    await model.openExecution('run');
    await waitFor(() => $('.jp-Trail-File[data-path="model.pkl"]'));
    const run = (await reader.getExecution('run')) as any;
    const record = (reader as any)._executions
      .get('s1')
      .find((r: any) => r.id === 'run');
    record.capture.files[2] = {
      ...run.capture.files[2],
      sha256: SHA_C,
      hashPending: false
    };
    await model.refreshNow();
    await waitFor(() =>
      $('.jp-Trail-File[data-path="model.pkl"] .jp-Trail-Hash code')
    );
    expect(reader.callsOf('resolveOutputs')).toHaveLength(1);
    // Complete now: another refresh asks nothing.
    const before = reader.callsOf('getExecution').length;
    await model.refreshNow();
    expect(reader.callsOf('getExecution').length).toBe(before);
  });

  it('puts no badge on the files of the first run of a cell', async () => {
    const reader = captureReader();
    reader.addExecution({
      id: 'first',
      sessionId: 's1',
      cellId: 'cell-new',
      capture: {
        files: [{ path: 'x.csv', access: 'read', kind: 'file', sha256: SHA_A }]
      }
    });
    mount(reader);
    await model.openExecution('first');
    const file = await waitFor(() => $('.jp-Trail-File[data-path="x.csv"]'));
    await waitFor(() => reader.callsOf('getPreviousExecution').length === 1);
    await model.refreshNow();
    expect(file.getAttribute('data-change')).toBe('unknown');
    expect(file.querySelector('.jp-Trail-ChangeBadge')).toBeNull();
  });

  it('lists a hundred files, then all on demand; charts thousands of points', async () => {
    const reader = captureReader();
    reader.addExecution({
      id: 'many',
      sessionId: 's1',
      cellId: 'cell-many',
      capture: {
        files: Array.from({ length: 250 }, (_, i) => ({
          path: `shards/part-${i}.csv`,
          access: 'read' as const,
          kind: 'file' as const,
          sha256: SHA_A
        })),
        metrics: Array.from({ length: 5000 }, (_, i) => ({
          name: 'loss',
          value: 1 / (i + 1),
          step: i,
          at: AT
        }))
      }
    });
    mount(reader);
    await model.openExecution('many');
    await waitFor(() => $$('.jp-Trail-File').length === 100);
    const more = $('.jp-Trail-Files .jp-Trail-LoadMore') as HTMLElement;
    expect(more.textContent).toBe('Show all 250 files');
    more.click();
    await waitFor(() => $$('.jp-Trail-File').length === 250);
    const chart = $('.jp-Trail-MetricRow[data-metric="loss"] svg')!;
    expect(chart.getAttribute('aria-label')).toContain('5000 values');
    const segments =
      chart.querySelector('path')!.getAttribute('d')!.split(/[ML]/).length - 1;
    expect(segments).toBeLessThanOrEqual(240);
  });

  it('still shows the files when the previous run cannot be loaded', async () => {
    const reader = captureReader();
    reader.previousFailure = new FakeNetworkError('offline');
    mount(reader);
    await model.openExecution('run');
    await waitFor(() => $('.jp-Trail-Files .jp-Trail-Hint'));
    expect(
      $('.jp-Trail-File[data-path="data/train.csv"]')!.getAttribute(
        'data-change'
      )
    ).toBe('unknown');
  });

  it('shows no capture section for an execution without capture', async () => {
    const reader = captureReader();
    reader.addExecution({ id: 'bare', sessionId: 's1' });
    mount(reader);
    await model.openExecution('bare');
    await waitFor(() => $('.jp-Trail-Code'));
    expect($('.jp-Trail-Capture')).toBeNull();
  });

  it('shows the timeline capture summary', async () => {
    mount(captureReader());
    await model.openSession('s1');
    const item = await waitFor(() =>
      $('.jp-Trail-ExecutionItem[data-execution-id="run"]')
    );
    expect(item.querySelector('.jp-Trail-CaptureSummary')!.textContent).toBe(
      '4 files · 2 params · 2 metrics'
    );
  });

  it('shows a session environment on demand, with git, diff and a searchable package list', async () => {
    const reader = captureReader();
    mount(reader);
    await model.openSession('s1');
    const toggle = await waitFor(
      () => $('.jp-Trail-Environment .jp-Trail-Disclosure') as HTMLElement
    );
    expect(reader.callsOf('getEnvironment')).toHaveLength(0);
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    toggle.click();
    const body = await waitFor(() => $('.jp-Trail-Environment-body'));
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    expect(body.textContent).toContain('python 3.11.7 (CPython)');
    expect(body.textContent).toContain('Linux 6.1 x86_64');
    expect(body.querySelector('.jp-Trail-Git code')!.textContent).toBe(
      '0123456789'
    );
    expect(body.textContent).toContain('uncommitted changes');
    expect($('.jp-Trail-Disclosure-summary')!.textContent).toBe(
      'python 3.11.7 · 4 packages'
    );

    (body.querySelector('.jp-Trail-DiffToggle') as HTMLElement).click();
    const diff = await waitFor(() => $('.jp-Trail-Diff'));
    expect(diff.querySelector('.jp-mod-added')!.textContent).toBe('+new = 2\n');
    expect(diff.querySelector('.jp-mod-removed')!.textContent).toBe(
      '-old = 1\n'
    );
    expect(diff.querySelector('.jp-mod-hunk')).not.toBeNull();

    const rows = () =>
      $$('.jp-Trail-PackageTable tr').map(r => r.getAttribute('data-package'));
    expect(rows()).toEqual(['numpy', 'pandas', 'polars', 'pyarrow']);
    const search = $('.jp-Trail-Search') as HTMLInputElement;
    const setter = Object.getOwnPropertyDescriptor(
      HTMLInputElement.prototype,
      'value'
    )!.set!;
    setter.call(search, 'pa');
    search.dispatchEvent(new Event('input', { bubbles: true }));
    await waitFor(() => rows().length === 1);
    expect(rows()).toEqual(['pandas']);
    setter.call(search, 'nothing-like-it');
    search.dispatchEvent(new Event('input', { bubbles: true }));
    await waitFor(() => $('.jp-Trail-Packages-empty'));
  });

  it('compares with another session: added, removed, changed packages and fields', async () => {
    const reader = captureReader();
    reader.environments.set(
      'env-old',
      env(
        [
          ['numpy', '2.4.5'],
          ['pandas', '3.1.0'],
          ['scipy', '1.0']
        ],
        {
          platform: {
            system: 'Linux',
            release: '6.1',
            machine: 'x86_64',
            hostname: 'other-host'
          }
        }
      )
    );
    mount(reader);
    await model.openSession('s1');
    await model.environment!.toggle();
    const select = (await waitFor(() =>
      $('.jp-Trail-CompareSelect')
    )) as HTMLSelectElement;
    select.dispatchEvent(new Event('focus'));
    select.dispatchEvent(new FocusEvent('focusin', { bubbles: true }));
    await model.environment!.loadCandidates();
    // Sessions without an environment are not offered.
    expect(model.environment!.candidates.map(s => s.id)).toEqual(['old']);
    await model.environment!.compareWith(model.environment!.candidates[0]);
    const summary = await waitFor(() => $('.jp-Trail-EnvDiff-summary'));
    expect(summary.textContent).toBe('1 added, 2 removed, 1 changed');
    expect($$('.jp-Trail-EnvDiff-changed').map(r => r.textContent)).toEqual([
      'pandas3.1.1 → 3.1.0'
    ]);
    expect($$('.jp-Trail-EnvDiff-added').map(r => r.textContent)).toEqual([
      '+ scipy1.0'
    ]);
    expect($$('.jp-Trail-EnvDiff-removed').map(r => r.textContent)).toEqual([
      '− polars1.0.0',
      '− pyarrow26.0.1'
    ]);
    expect($$('.jp-Trail-EnvDiff-field').map(r => r.textContent)).toEqual([
      'Hostlab → other-host'
    ]);
  });

  it('shows when this session captured its environment, not when the same environment was first seen', async () => {
    const reader = captureReader();
    // After a kernel restart, the same environment again: stored once, with
    // the capturedAt of its first capture (session "old").
    const restartedAt = '2026-11-22T09:30:00.000Z';
    reader.addSession({
      id: 'restarted',
      startedAt: '2026-11-22T09:29:00.000Z',
      environments: [{ id: 'env-old', fromSeq: 1, capturedAt: restartedAt }]
    });
    mount(reader);
    await model.openSession('restarted');
    await model.environment!.toggle();
    const body = await waitFor(() => $('.jp-Trail-Environment-body'));
    const captured = [...body.querySelectorAll('.jp-Trail-Metadata dt')].find(
      dt => dt.textContent === 'Captured'
    )!.nextElementSibling!.textContent;
    expect(captured).toBe(formatAbsoluteTime(restartedAt));
    expect(captured).not.toBe(formatAbsoluteTime(AT));
  });

  it('names the teammate whose session is offered for comparison', async () => {
    const reader = captureReader();
    const alice = { id: 'u-alice', name: 'alice', displayName: 'Alice Archer' };
    const bob = { id: 'u-bob', name: 'bob', displayName: '' };
    reader.addSession({
      id: 'alice-now',
      author: alice,
      startedAt: '2026-11-22T10:00:00.000Z',
      environments: [{ id: 'env-new', fromSeq: 1, capturedAt: AT }]
    });
    reader.addSession({
      id: 'alice-before',
      author: alice,
      startedAt: '2026-11-21T09:00:00.000Z',
      environments: [{ id: 'env-old', fromSeq: 1, capturedAt: AT }]
    });
    reader.addSession({
      id: 'bobs',
      author: bob,
      startedAt: '2026-11-21T10:00:00.000Z',
      environments: [{ id: 'env-old', fromSeq: 1, capturedAt: AT }]
    });
    mount(reader);
    await model.openSession('alice-now');
    await model.environment!.toggle();
    await model.environment!.loadCandidates();
    const select = (await waitFor(() =>
      $('.jp-Trail-CompareSelect')
    )) as HTMLSelectElement;
    await waitFor(() => select.options.length === 5);
    const labels = [...select.options].map(o => [o.value, o.textContent]);
    // Bob's session says it is his; Alice's own other session needs no name.
    expect(labels.find(([id]) => id === 'bobs')![1]).toMatch(
      /^analysis\.ipynb · bob · /
    );
    expect(labels.find(([id]) => id === 'alice-before')![1]).not.toContain(
      'Alice'
    );
  });

  it('shows the latest environment version and the others on demand', async () => {
    const reader = captureReader();
    reader.addSession({
      id: 'pip',
      startedAt: '2026-11-21T10:00:00.000Z',
      environments: [
        { id: 'env-old', fromSeq: 1, capturedAt: AT },
        { id: 'env-new', fromSeq: 4, capturedAt: AT }
      ]
    });
    mount(reader);
    await model.openSession('pip');
    await model.environment!.toggle();
    const select = (await waitFor(() =>
      $('.jp-Trail-Environment-body select.jp-Trail-Select')
    )) as HTMLSelectElement;
    expect(Array.from(select.options).map(o => o.textContent)).toEqual([
      expect.stringContaining('from execution #1'),
      expect.stringContaining('from execution #4')
    ]);
    expect(select.value).toBe('env-new');
    expect($$('.jp-Trail-PackageTable tr').length).toBe(4);
    await model.environment!.selectVersion('env-old');
    await waitFor(() => $$('.jp-Trail-PackageTable tr').length === 3);
    expect(reader.callsOf('getEnvironment').map(c => c.args[0])).toEqual([
      'env-new',
      'env-old'
    ]);
  });

  it('says when a session has no environment, and offers Retry on errors', async () => {
    const reader = captureReader();
    mount(reader);
    await model.openSession('plain');
    await model.environment!.toggle();
    await waitFor(() => $('.jp-Trail-Environment .jp-Trail-Empty'));
    model.back();
    await model.openSession('s1');
    reader.failure = new FakeNetworkError('server down');
    await model.environment!.toggle();
    const retry = await waitFor(
      () => $('.jp-Trail-Environment .jp-Trail-RetryButton') as HTMLElement
    );
    reader.failure = null;
    retry.click();
    await waitFor(() => $('.jp-Trail-Environment-body'));
  });
});

describe('capture helpers', () => {
  it('groups metrics by name in step order', () => {
    const series = metricSeries({
      metrics: [
        { name: 'loss', value: 2, step: 2, at: AT },
        { name: 'acc', value: 1, at: AT },
        { name: 'loss', value: 1, step: 1, at: AT }
      ]
    });
    expect(
      series.map(s => [s.name, s.points.map(p => p.step), s.last])
    ).toEqual([
      ['loss', [1, 2], 2],
      ['acc', [undefined], 1]
    ]);
  });

  it("thins long series keeping each bucket's extremes and gaps", () => {
    const values = Array.from({ length: 1000 }, (_, i) =>
      i === 500 ? 100 : i % 7
    );
    const thinned = thin(values, 100);
    expect(thinned.length).toBeLessThanOrEqual(100);
    expect(Math.max(...(thinned as number[]))).toBe(100);
    expect(thin([1, null, 3], 10)).toEqual([1, null, 3]);
    expect(thin(Array(400).fill(null), 10)).toEqual(Array(5).fill(null));
  });
});
