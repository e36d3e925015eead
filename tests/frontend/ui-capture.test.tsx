/**
 * The panel's kernel capture views: files (hash, change badges, schema),
 * params, metrics with a chart, tags. The environment section:
 * ui-environment.test.tsx.
 */
import { metricSeries } from '../../src/model';
import { thin } from '../../src/ui/charts';
import { FakeNetworkError } from './model-fake-reader';
import { AT, captureReader, SHA_A, SHA_B, SHA_C } from './ui-capture-reader';
import { mountedSidebar } from './ui-mount';
import { waitFor } from './ui-wait';

describe('capture views', () => {
  const ui = mountedSidebar();
  const { $, $$ } = ui;

  it('shows the files an execution read and wrote, with hashes, change badges and schemas', async () => {
    const reader = captureReader();
    ui.mount(reader);
    await ui.model.openExecution('run');
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
    ui.mount(captureReader());
    await ui.model.openExecution('run');
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
    ui.mount(reader);
    await ui.model.openExecution('run');
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
    await ui.model.refreshNow();
    await waitFor(() =>
      $('.jp-Trail-File[data-path="model.pkl"] .jp-Trail-Hash code')
    );
    expect(reader.callsOf('resolveOutputs')).toHaveLength(1);
    // Complete now: another refresh asks nothing.
    const before = reader.callsOf('getExecution').length;
    await ui.model.refreshNow();
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
    ui.mount(reader);
    await ui.model.openExecution('first');
    const file = await waitFor(() => $('.jp-Trail-File[data-path="x.csv"]'));
    await waitFor(() => reader.callsOf('getPreviousExecution').length === 1);
    await ui.model.refreshNow();
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
    ui.mount(reader);
    await ui.model.openExecution('many');
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
    ui.mount(reader);
    await ui.model.openExecution('run');
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
    ui.mount(reader);
    await ui.model.openExecution('bare');
    await waitFor(() => $('.jp-Trail-Code'));
    expect($('.jp-Trail-Capture')).toBeNull();
  });

  it('shows the timeline capture summary', async () => {
    ui.mount(captureReader());
    await ui.model.openSession('s1');
    const item = await waitFor(() =>
      $('.jp-Trail-ExecutionItem[data-execution-id="run"]')
    );
    expect(item.querySelector('.jp-Trail-CaptureSummary')!.textContent).toBe(
      '4 files · 2 params · 2 metrics'
    );
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
