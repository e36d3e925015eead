import {
  RenderMimeRegistry,
  standardRendererFactories
} from '@jupyterlab/rendermime';
import { Widget } from '@lumino/widgets';
import { TrailBrowserModel } from '../../src/model';
import { TrailSidebar } from '../../src/ui';
import { FakeNetworkError, FakeReader } from './model-fake-reader';
import { waitFor } from './ui-wait';

function click(element: Element): void {
  (element as HTMLElement).click();
}

const HOSTILE_HTML =
  '<b class="trail-bold">bold and safe</b>' +
  '<script>window.__trailPwned = "script"</script>' +
  '<img src="x" onerror="window.__trailPwned = \'img\'">';

function demoReader(): FakeReader {
  const reader = new FakeReader();
  reader.addSession({
    id: 'old',
    notebookPath: 'old/first.ipynb',
    startedAt: '2026-11-19T08:00:00.000Z'
  });
  reader.addSession({
    id: 's1',
    notebookPath: 'projects/analysis.ipynb',
    startedAt: '2026-11-20T10:00:00.000Z'
  });
  reader.addExecution({
    id: 'e1',
    sessionId: 's1',
    code: 'import pandas as pd\ndf = pd.DataFrame()\nprint("hello")\nmore = 1',
    executionCount: 3,
    outputs: [
      {
        output_type: 'stream',
        name: 'stdout',
        text: ['hello from ', 'stdout\n']
      },
      {
        output_type: 'display_data',
        data: { 'text/html': HOSTILE_HTML, 'text/plain': 'plain fallback' },
        metadata: {}
      },
      {
        output_type: 'display_data',
        data: {
          'application/javascript': 'window.__trailPwned = "js"',
          'text/plain': 'javascript fallback text'
        },
        metadata: {}
      },
      {
        output_type: 'execute_result',
        execution_count: 3,
        data: {
          'text/plain': { $blob: 'cafe', size: 5000, encoding: 'text' }
        },
        metadata: {}
      }
    ]
  });
  reader.blobs.set('cafe', 'value read from a blob');
  reader.addExecution({
    id: 'e2',
    sessionId: 's1',
    code: '1/0',
    executionCount: 4,
    status: 'error',
    error: { ename: 'ZeroDivisionError', evalue: 'division by zero' },
    outputs: [
      {
        output_type: 'error',
        ename: 'ZeroDivisionError',
        evalue: 'division by zero',
        traceback: ['ZeroDivisionError: division by zero']
      }
    ]
  });
  return reader;
}

describe('TrailSidebar', () => {
  let sidebar: TrailSidebar;
  let model: TrailBrowserModel;
  const rendermime = new RenderMimeRegistry({
    initialFactories: standardRendererFactories
  });

  function mount(options: {
    reader: FakeReader | null;
    onReconnect?: () => void;
  }): TrailSidebar {
    model = new TrailBrowserModel({ reader: options.reader });
    sidebar = new TrailSidebar({
      model,
      rendermime,
      onReconnect: options.onReconnect
    });
    Widget.attach(sidebar, document.body);
    return sidebar;
  }

  const $ = (selector: string) => sidebar.node.querySelector(selector);
  const $$ = (selector: string) =>
    Array.from(sidebar.node.querySelectorAll(selector));
  const visible = (selector: string) =>
    $$(selector).filter(el => !el.closest('.lm-mod-hidden'));

  afterEach(() => {
    sidebar.dispose();
    model.dispose();
    delete (window as any).__trailPwned;
  });

  it('is a side panel with the Trail id, icon and caption', async () => {
    mount({ reader: demoReader() });
    expect(sidebar.id).toBe('jp-trail-sidebar');
    expect(sidebar.title.caption).toBe('Trail');
    expect(sidebar.title.icon).toBeTruthy();
    await waitFor(() => $('.jp-Trail-RefreshButton'));
  });

  it('lists sessions, newest first, as buttons with their details', async () => {
    mount({ reader: demoReader() });
    const items = await waitFor(() => {
      const found = visible('.jp-Trail-SessionItem');
      return found.length === 2 && found;
    });
    expect(items.map(i => i.getAttribute('data-session-id'))).toEqual([
      's1',
      'old'
    ]);
    expect(items[0].tagName).toBe('BUTTON');
    expect(items[0].textContent).toContain('analysis.ipynb');
    expect(items[0].textContent).toContain('Python 3 (ipykernel)');
    expect(items[0].textContent).toContain('2 executions');
    expect(
      items[0].querySelector('[title="projects/analysis.ipynb"]')
    ).not.toBeNull();
    expect(items[0].querySelector('time')?.getAttribute('title')).toBeTruthy();
  });

  it('opens a timeline on click and an execution with its outputs rendered as untrusted', async () => {
    mount({ reader: demoReader() });
    click(
      await waitFor(() => $('.jp-Trail-SessionItem[data-session-id="s1"]'))
    );

    const first = await waitFor(
      () => visible('.jp-Trail-ExecutionItem[data-execution-id="e1"]')[0]
    );
    expect(sidebar.node.dataset.view).toBe('timeline');
    expect(first.getAttribute('data-status')).toBe('ok');
    expect(first.textContent).toContain('[3]');
    const snippet = first.querySelector('.jp-Trail-CodeSnippet')!.textContent!;
    expect(snippet).toContain('import pandas as pd');
    expect(snippet).not.toContain('more = 1');
    const failed = $('.jp-Trail-ExecutionItem[data-execution-id="e2"]')!;
    expect(failed.getAttribute('data-status')).toBe('error');
    expect(
      failed.querySelector('.jp-Trail-StatusBadge.jp-mod-error')
    ).not.toBeNull();
    expect(failed.textContent).toContain('ZeroDivisionError: division by zero');

    click(first);
    const detail = await waitFor(() =>
      $('.jp-Trail-ExecutionDetail[data-execution-id="e1"]')
    );
    const outputs = await waitFor(() => {
      const node = detail.querySelector('.jp-Trail-Outputs');
      return node?.textContent?.includes('value read from a blob') && node;
    });
    expect(sidebar.node.dataset.view).toBe('execution');
    // The code block and the output area render separately: wait for both.
    const code = await waitFor(() => detail.querySelector('.jp-Trail-Code'));
    expect(code.textContent).toContain('more = 1');
    expect(detail.textContent).toContain('cell-1');

    // The stream output, its chunks joined.
    expect(outputs.textContent).toContain('hello from stdout');
    // The HTML output: sanitized, in a frame without same-origin rights.
    const frame = await waitFor(() =>
      outputs.querySelector<HTMLIFrameElement>('iframe.jp-Trail-SandboxFrame')
    );
    expect(frame.getAttribute('sandbox')).toBe('allow-scripts');
    expect(frame.srcdoc).toContain('<b class="trail-bold">bold and safe</b>');
    expect(frame.srcdoc).not.toContain('__trailPwned');
    expect(frame.srcdoc).not.toContain('onerror');
    expect(outputs.querySelector('b.trail-bold')).toBeNull();
    expect(outputs.querySelector('script')).toBeNull();
    expect(outputs.querySelector('[onerror]')).toBeNull();
    expect(outputs.innerHTML).not.toContain('__trailPwned');
    // JavaScript is never run from an untrusted output: the text falls back.
    expect(outputs.textContent).toContain('javascript fallback text');
    expect((window as any).__trailPwned).toBeUndefined();
  });

  it('goes back with the Back button, the breadcrumb and Escape', async () => {
    mount({ reader: demoReader() });
    await sidebar.openExecution('e2');
    // The session is found from the execution itself.
    expect(model.selectedSessionId).toBe('s1');
    await waitFor(() => $('.jp-Trail-ExecutionDetail[data-execution-id="e2"]'));
    await waitFor(
      () => $('.jp-Trail-Breadcrumb-current')?.textContent === '[4]'
    );

    click($('.jp-Trail-BackButton')!);
    await waitFor(() => sidebar.node.dataset.view === 'timeline');
    await waitFor(() => visible('.jp-Trail-ExecutionItem').length === 2);

    sidebar.node.dispatchEvent(
      new KeyboardEvent('keydown', { key: 'Escape', bubbles: true })
    );
    expect(sidebar.node.dataset.view).toBe('sessions');

    await sidebar.openSession('s1');
    const crumb = await waitFor(() => $('.jp-Trail-Breadcrumb-link'));
    expect(crumb.textContent).toBe('Sessions');
    click(crumb);
    expect(sidebar.node.dataset.view).toBe('sessions');
  });

  it('says how to start when nothing is recorded yet', async () => {
    mount({ reader: new FakeReader() });
    const empty = await waitFor(() => $('.jp-Trail-Empty'));
    expect(empty.textContent).toContain(
      'Run a cell in any notebook: Trail records it here.'
    );
  });

  it('shows a failed load with its message and recovers on Retry', async () => {
    const reader = demoReader();
    reader.failure = new FakeNetworkError(
      'Could not reach the Trail server at http://127.0.0.1:9'
    );
    mount({ reader });
    const error = await waitFor(() => $('.jp-Trail-Error'));
    expect(error.textContent).toContain('unreachable');
    expect(error.textContent).toContain('http://127.0.0.1:9');

    reader.failure = null;
    click(error.querySelector('button.jp-Trail-RetryButton')!);
    await waitFor(() => visible('.jp-Trail-SessionItem').length === 2);
    expect($('.jp-Trail-Error')).toBeNull();
  });

  it('explains that no server is configured and offers to retry', async () => {
    const onReconnect = jest.fn();
    mount({ reader: null, onReconnect });
    model.configurationError = 'The Trail server did not start.';
    const state = await waitFor(() =>
      $('.jp-Trail-NotConfigured')?.textContent?.includes('did not start')
        ? $('.jp-Trail-NotConfigured')
        : null
    );
    expect(state!.textContent).toContain('not connected');
    click(state!.querySelector('button')!);
    expect(onReconnect).toHaveBeenCalledTimes(1);

    model.reader = demoReader();
    await waitFor(() => visible('.jp-Trail-SessionItem').length === 2);
  });

  it('shows new sessions after the refresh button is pressed', async () => {
    const reader = demoReader();
    mount({ reader });
    await waitFor(() => visible('.jp-Trail-SessionItem').length === 2);
    reader.addSession({
      id: 'new',
      notebookPath: 'fresh.ipynb',
      startedAt: '2026-11-21T00:00:00.000Z'
    });
    click(await waitFor(() => $('.jp-Trail-RefreshButton')));
    const items = await waitFor(() => {
      const found = visible('.jp-Trail-SessionItem');
      return found.length === 3 && found;
    });
    expect(items[0].getAttribute('data-session-id')).toBe('new');
  });
});
