/**
 * What the panel's lists and links do beyond the team workspace: long lists
 * that stay light, permalinks to executions, highlighted search snippets.
 * (Split from ui-team.test.tsx, every assertion kept.)
 */
import {
  RenderMimeRegistry,
  standardRendererFactories
} from '@jupyterlab/rendermime';
import { PageConfig } from '@jupyterlab/coreutils';
import { Widget } from '@lumino/widgets';
import { TrailBrowserModel } from '../../src/model';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  executionIdFrom,
  executionLink,
  highlightSnippet,
  RECORD_ID_PATTERN,
  takeExecutionFromUrl,
  TrailSidebar
} from '../../src/ui';
import { FakeReader } from './model-fake-reader';
import { waitFor } from './ui-wait';

describe('virtualized lists', () => {
  it('opens a session of 10,000 executions quickly, with only a window of rows in the DOM', async () => {
    const r = new FakeReader();
    r.addSession({ id: 'big' });
    for (let seq = 1; seq <= 10000; seq++) {
      r.addExecution({ id: `e${seq}`, sessionId: 'big', seq });
    }
    const model = new TrailBrowserModel({ reader: r, pageSize: 200 });
    // Everything loaded first: the worst case for rendering.
    await model.openSession('big');
    while (model.timeline!.hasMore) {
      await model.timeline!.loadMore();
    }
    expect(model.timeline!.items).toHaveLength(10000);
    // CPU time, not wall time: other processes on a loaded machine do not
    // count, rendering all 10,000 rows does.
    const started = process.cpuUsage();
    const sidebar = new TrailSidebar({
      model,
      rendermime: new RenderMimeRegistry({
        initialFactories: standardRendererFactories
      })
    });
    Widget.attach(sidebar, document.body);
    const rows = await waitFor(() => {
      const found = sidebar.node.querySelectorAll(
        '.jp-Trail-TimelineView .jp-Trail-ExecutionItem'
      );
      return found.length > 0 && found;
    });
    const { user, system } = process.cpuUsage(started);
    const elapsed = (user + system) / 1000;
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.length).toBeLessThan(60);
    const list = sidebar.node.querySelector<HTMLElement>('.jp-Trail-Timeline')!;
    // The list is as tall as all its rows, so the scrollbar is true.
    expect(parseInt(list.style.height, 10)).toBeGreaterThan(10000 * 50);
    expect(list.querySelector('li')!.getAttribute('aria-setsize')).toBe(
      '10000'
    );
    expect(elapsed).toBeLessThan(1000);
    sidebar.dispose();
    model.dispose();
  });
});

describe('permalinks', () => {
  it('makes a link to this JupyterLab and reads ids back from links', () => {
    const link = executionLink('0f8c-1a2b');
    expect(link).toBe(
      `${PageConfig.getBaseUrl().replace(/\/$/, '')}/lab?trail-execution=0f8c-1a2b`
    );
    expect(executionIdFrom(link)).toBe('0f8c-1a2b');
    expect(executionIdFrom(' 0f8c-1a2b ')).toBe('0f8c-1a2b');
    expect(executionIdFrom('http://x/lab?other=1')).toBeNull();
    expect(executionIdFrom('<script>')).toBeNull();
    expect(
      executionIdFrom('http://x/lab?trail-execution=../../etc')
    ).toBeNull();
  });

  it('takes only what the server could accept as an id, so other text is "not a link"', () => {
    const schema = JSON.parse(
      readFileSync(
        join(__dirname, '..', '..', 'schema', 'records', 'session.schema.json'),
        'utf8'
      )
    );
    expect(RECORD_ID_PATTERN.source).toBe(schema.definitions.id.pattern);
    for (const text of ['hello', 'not a link', 'a.b:c-d-e', 'x'.repeat(65)]) {
      expect(executionIdFrom(text)).toBeNull();
    }
    expect(executionIdFrom('http://x/lab?trail-execution=hello')).toBeNull();
    const uuid = '6f1c2f0e-3d7a-4b8e-9c1d-2a3b4c5d6e7f';
    expect(executionIdFrom(uuid)).toBe(uuid);
  });

  it('goes through the hub behind JupyterHub, so it opens for whoever follows it', () => {
    PageConfig.setOption('hubPrefix', '/hub/');
    try {
      expect(executionLink('e-1a2b3c', 'https://hub.example.org')).toBe(
        'https://hub.example.org/hub/user-redirect/lab?trail-execution=e-1a2b3c'
      );
    } finally {
      PageConfig.setOption('hubPrefix', '');
    }
  });

  it('takes the execution from the address once and removes it', () => {
    const history = { state: null, replaceState: jest.fn() };
    const location = {
      href: 'http://localhost:8888/lab/tree/a.ipynb?trail-execution=abcdefgh&x=1'
    };
    expect(takeExecutionFromUrl(location as any, history as any)).toBe(
      'abcdefgh'
    );
    expect(history.replaceState).toHaveBeenCalledWith(
      null,
      '',
      'http://localhost:8888/lab/tree/a.ipynb?x=1'
    );
    expect(
      takeExecutionFromUrl({ href: 'http://h/lab' } as any, history as any)
    ).toBeNull();
  });
});

describe('highlightSnippet', () => {
  it('marks clipped, overlapping and unordered ranges, keeping all the text', () => {
    const parts = highlightSnippet('abcdefgh', [
      [6, 99],
      [1, 3],
      [2, 4],
      [5, 5]
    ]);
    const text = parts
      .map(p => (typeof p === 'string' ? p : `[${(p as any).props.children}]`))
      .join('');
    expect(text).toBe('a[bc][d]ef[gh]');
  });
});
