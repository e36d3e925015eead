/**
 * The team workspace in the panel: areas, people, notebooks, visibility,
 * search with highlighted snippets, cell history with its diff. Long lists,
 * permalinks and snippet marking are in ui-lists-links.test.tsx.
 */
import {
  RenderMimeRegistry,
  standardRendererFactories
} from '@jupyterlab/rendermime';
import { Widget } from '@lumino/widgets';
import { TrailBrowserModel } from '../../src/model';
import { TrailSidebar } from '../../src/ui';
import { formatShortDateTime } from '../../src/ui/format';
import { FakeReader } from './model-fake-reader';
import { waitFor } from './ui-wait';

const ALICE = { id: 'u-alice', name: 'alice', displayName: 'Alice Archer' };
const BOB = { id: 'u-bob', name: 'bob', displayName: 'Bob Baker' };
const HOSTILE = 'print("<img src=x onerror=window.__trailPwned=1>") # needle';

function reader(): FakeReader {
  const r = new FakeReader();
  r.me = { ...ALICE, role: 'member' };
  r.users = [
    { ...ALICE, role: 'member' },
    { ...BOB, role: 'member' }
  ];
  r.addSession({
    id: 'a1',
    author: ALICE,
    notebookPath: 'alice/mine.ipynb',
    startedAt: '2026-11-20T08:00:00.000Z',
    lastExecutionAt: '2026-11-20T08:05:00.000Z'
  });
  r.addSession({
    id: 'b1',
    author: BOB,
    notebookPath: 'bob/explore.ipynb',
    startedAt: '2026-11-20T10:00:00.000Z',
    lastExecutionAt: '2026-11-20T10:05:00.000Z'
  });
  r.addExecution({
    id: 'x1',
    sessionId: 'b1',
    notebookPath: 'bob/explore.ipynb',
    cellId: 'train',
    code: 'fit(lr=0.1)\nreport()',
    startedAt: '2026-11-20T10:01:00.000Z',
    outputs: [{ output_type: 'stream', name: 'stdout', text: 'loss 0.5\n' }]
  });
  r.addExecution({
    id: 'x2',
    sessionId: 'b1',
    notebookPath: 'bob/explore.ipynb',
    cellId: 'train',
    code: 'fit(lr=0.01)\nreport()',
    startedAt: '2026-11-20T10:02:00.000Z',
    outputs: [
      { output_type: 'stream', name: 'stdout', text: 'loss 0.2\n' },
      {
        output_type: 'display_data',
        data: {
          'text/html': '<b>table</b><script>window.__trailPwned=2</script>'
        },
        metadata: {}
      }
    ]
  });
  r.addExecution({
    id: 'x3',
    sessionId: 'b1',
    notebookPath: 'bob/explore.ipynb',
    cellId: 'plot',
    code: HOSTILE,
    startedAt: '2026-11-20T10:03:00.000Z'
  });
  return r;
}

describe('the team workspace in the panel', () => {
  let sidebar: TrailSidebar;
  let model: TrailBrowserModel;
  const rendermime = new RenderMimeRegistry({
    initialFactories: standardRendererFactories
  });
  const $ = (selector: string) => sidebar.node.querySelector(selector);
  const visible = (selector: string) =>
    Array.from(sidebar.node.querySelectorAll<HTMLElement>(selector)).filter(
      el => !el.closest('.lm-mod-hidden')
    );
  const click = (el: Element) => (el as HTMLElement).click();
  /** Types `text` into the search box as React sees typing. */
  const typeSearch = async (text: string) => {
    const input = await waitFor(
      () => visible('.jp-Trail-SearchInput')[0] as HTMLInputElement
    );
    Object.getOwnPropertyDescriptor(
      HTMLInputElement.prototype,
      'value'
    )!.set!.call(input, text);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  };

  function mount(r: FakeReader) {
    model = new TrailBrowserModel({ reader: r });
    sidebar = new TrailSidebar({
      model,
      rendermime,
      onCopyLink: jest.fn()
    });
    Widget.attach(sidebar, document.body);
  }

  afterEach(() => {
    sidebar.dispose();
    model.dispose();
    delete (window as any).__trailPwned;
  });

  it('switches areas with tabs, by click and arrow keys', async () => {
    mount(reader());
    const tabs = await waitFor(() => {
      const found = Array.from(
        sidebar.node.querySelectorAll<HTMLElement>('[role="tab"]')
      );
      return found.length === 3 && found;
    });
    expect(tabs.map(t => t.textContent)).toEqual([
      'My sessions',
      'Team',
      'Search'
    ]);
    expect(tabs[0].getAttribute('aria-selected')).toBe('true');
    click(tabs[1]);
    await waitFor(() => sidebar.node.dataset.view === 'people');
    tabs[1].dispatchEvent(
      new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true })
    );
    await waitFor(() => sidebar.node.dataset.view === 'search');
    expect(model.area).toBe('search');
  });

  it('browses people, their notebooks and sessions, with authors and locks', async () => {
    const r = reader();
    r.addSession({
      id: 'a2',
      author: ALICE,
      notebookPath: 'alice/mine.ipynb',
      startedAt: '2026-11-20T09:00:00.000Z',
      visibility: 'private'
    });
    mount(r);
    model.area = 'team';
    const people = await waitFor(() => {
      const found = visible('.jp-Trail-PersonItem');
      return found.length === 2 && found;
    });
    expect(people.map(p => p.dataset.userId)).toEqual(['u-bob', 'u-alice']);
    expect(people[1].textContent).toContain('Alice Archer (you)');
    expect(people[0].textContent).toContain('1 session');

    // Bob's notebooks: no visibility control on someone else's.
    click(people[0]);
    const notebook = await waitFor(() => visible('.jp-Trail-NotebookItem')[0]);
    expect(notebook.textContent).toContain('explore.ipynb');
    expect(visible('.jp-Trail-Visibility')).toHaveLength(0);
    click(notebook);
    const session = await waitFor(() => visible('.jp-Trail-SessionItem')[0]);
    expect(session.dataset.sessionId).toBe('b1');
    expect($('.jp-Trail-Breadcrumbs')!.textContent).toContain('Bob Baker');
    // The notebook's crumb, then the session's: not the notebook twice.
    click(session);
    const crumbs = () =>
      [...sidebar.node.querySelectorAll('.jp-Trail-Breadcrumb')].map(
        c => c.textContent
      );
    await waitFor(() => crumbs().length === 4);
    expect(crumbs()).toEqual([
      'Team',
      'Bob Baker',
      'explore.ipynb',
      formatShortDateTime(model.selectedSession!.startedAt)
    ]);
    model.back();

    // My notebooks: a labelled control, and a lock on the private session.
    model.goTo(0);
    click(
      await waitFor(
        () => visible('.jp-Trail-PersonItem[data-user-id="u-alice"]')[0]
      )
    );
    const select = await waitFor(
      () => visible('.jp-Trail-NotebooksView select')[0] as HTMLSelectElement
    );
    expect(select.getAttribute('aria-label')).toBe(
      'Who can see this notebook’s sessions'
    );
    click(visible('.jp-Trail-NotebookItem')[0]);
    const locked = await waitFor(
      () => visible('.jp-Trail-SessionItem[data-session-id="a2"]')[0]
    );
    expect(locked.dataset.visibility).toBe('private');
    expect(locked.querySelector('.jp-Trail-PrivateMark')).not.toBeNull();
    expect(
      visible(
        '.jp-Trail-SessionItem[data-session-id="a1"] .jp-Trail-PrivateMark'
      )
    ).toHaveLength(0);
  });

  it('marks my notebooks that have private sessions with a lock and a count', async () => {
    const r = reader();
    for (const id of ['a2', 'a3']) {
      r.addSession({
        id,
        author: ALICE,
        notebookPath: 'alice/mine.ipynb',
        startedAt: '2026-11-20T09:00:00.000Z',
        visibility: 'private'
      });
    }
    r.addSession({
      id: 'a4',
      author: ALICE,
      notebookPath: 'alice/open.ipynb',
      startedAt: '2026-11-20T07:00:00.000Z'
    });
    // The server counts the caller's own private sessions, nobody else's.
    const listNotebooks = r.listNotebooks.bind(r);
    r.listNotebooks = async query => {
      const result = await listNotebooks(query);
      return {
        ...result,
        items: result.items.map(n =>
          n.author.id === ALICE.id && n.notebookPath === 'alice/mine.ipynb'
            ? { ...n, privateSessionCount: 2 }
            : n
        )
      };
    };
    mount(r);
    model.area = 'team';
    click(
      await waitFor(
        () => visible('.jp-Trail-PersonItem[data-user-id="u-alice"]')[0]
      )
    );
    const items = await waitFor(() => {
      const found = visible('.jp-Trail-NotebookItem');
      return found.length === 2 && found;
    });
    const mine = items.find(
      i => i.dataset.notebookPath === 'alice/mine.ipynb'
    )!;
    const count = mine.querySelector<HTMLElement>('.jp-Trail-PrivateCount')!;
    expect(count).not.toBeNull();
    expect(count.textContent).toBe('2 private');
    expect(count.querySelector('svg')).not.toBeNull();
    expect(count.title).toBe(
      '2 of your sessions of this notebook are private: only you can see them'
    );
    expect(mine.textContent).toContain('3 sessions');
    const open = items.find(
      i => i.dataset.notebookPath === 'alice/open.ipynb'
    )!;
    expect(open.querySelector('.jp-Trail-PrivateCount')).toBeNull();

    // Bob's notebook: no count, no lock.
    model.goTo(0);
    click(
      await waitFor(
        () => visible('.jp-Trail-PersonItem[data-user-id="u-bob"]')[0]
      )
    );
    const bobs = await waitFor(
      () =>
        visible(
          '.jp-Trail-NotebookItem[data-notebook-path="bob/explore.ipynb"]'
        )[0]
    );
    expect(bobs.querySelector('.jp-Trail-PrivateCount')).toBeNull();
    expect(bobs.querySelector('.jp-Trail-PrivateMark')).toBeNull();
  });

  it('makes my session private from its timeline', async () => {
    const r = reader();
    mount(r);
    await sidebar.openSession('a1');
    const select = await waitFor(
      () =>
        visible('.jp-Trail-TimelineView .jp-Trail-Visibility-select')[0] as
          HTMLSelectElement | undefined
    );
    expect(select.value).toBe('team');
    select.value = 'private';
    select.dispatchEvent(new Event('change', { bubbles: true }));
    await waitFor(() => r.callsOf('setSessionVisibility').length === 1);
    expect(r.callsOf('setSessionVisibility')[0].args).toEqual([
      'a1',
      'private'
    ]);
    await waitFor(
      () =>
        visible(
          '.jp-Trail-TimelineView .jp-Trail-ViewHeader .jp-Trail-PrivateMark'
        )[0]
    );
    // Someone else's session has no control, but shows its author.
    await sidebar.openSession('b1');
    await waitFor(() => visible('.jp-Trail-TimelineView .jp-Trail-Author')[0]);
    expect(visible('.jp-Trail-TimelineView .jp-Trail-Visibility')).toHaveLength(
      0
    );
    expect(
      visible('.jp-Trail-TimelineView .jp-Trail-Author')[0].textContent
    ).toBe('Bob Baker');
  });

  it('searches and marks matches with text nodes only, then opens the step', async () => {
    mount(reader());
    model.area = 'search';
    await typeSearch('needle');
    click(
      await waitFor(() => visible('.jp-Trail-SearchButton:not([disabled])')[0])
    );
    const hit = await waitFor(() => visible('.jp-Trail-SearchHit')[0]);
    const mark = hit.querySelector('mark.jp-Trail-Match')!;
    expect(mark.textContent).toBe('needle');
    // The teammate's code is text, never markup.
    expect(hit.querySelector('img')).toBeNull();
    expect(hit.textContent).toContain('<img src=x onerror=');
    expect(hit.textContent).toContain('Bob Baker');
    expect((window as any).__trailPwned).toBeUndefined();

    click(hit);
    await waitFor(() => sidebar.node.dataset.view === 'execution');
    await waitFor(
      () => model.levels.map(l => l.view).join() === 'search,timeline,execution'
    );
  });

  it('searches by word forms when the toggle is on, again at once when it changes', async () => {
    const r = reader();
    const asked: any[] = [];
    const search = r.search.bind(r);
    r.search = (query: any) => {
      asked.push(query);
      return search(query);
    };
    mount(r);
    model.area = 'search';
    await typeSearch('needles');
    const toggle = await waitFor(
      () => visible('.jp-Trail-SearchToggle')[0] as HTMLButtonElement
    );
    expect(toggle.getAttribute('aria-pressed')).toBe('false');
    // Before any search, the toggle only changes what the next one asks.
    click(toggle);
    await waitFor(() => toggle.getAttribute('aria-pressed') === 'true');
    expect(asked).toHaveLength(0);
    click(
      await waitFor(() => visible('.jp-Trail-SearchButton:not([disabled])')[0])
    );
    await waitFor(() => asked.length === 1);
    expect(asked[0]).toMatchObject({ q: 'needles', match: 'words' });
    click(toggle);
    await waitFor(() => asked.length === 2);
    expect(asked[1].q).toBe('needles');
    expect(asked[1].match).toBeUndefined();
    expect(toggle.getAttribute('aria-pressed')).toBe('false');
  });

  it('shows the history of a cell: runs, a CodeMirror diff and outputs side by side', async () => {
    mount(reader());
    await sidebar.openExecution('x2');
    const button = await waitFor(() => visible('.jp-Trail-HistoryButton')[0]);
    expect(visible('.jp-Trail-CopyLinkButton')).toHaveLength(1);
    // Someone else's execution says whose it is.
    await waitFor(() =>
      visible(
        '.jp-Trail-ExecutionDetail .jp-Trail-Metadata'
      )[0]?.textContent?.includes('Recorded byBob Baker')
    );
    click(button);
    await waitFor(() => sidebar.node.dataset.view === 'cellHistory');
    const runs = await waitFor(() => {
      const found = visible('.jp-Trail-CellRun');
      return found.length === 2 && found;
    });
    expect(runs.map(r => r.dataset.compare)).toEqual(['right', 'left']);
    expect(runs[0].textContent).toContain('code changed');
    expect(runs[0].textContent).toContain('Bob Baker');

    const merge = await waitFor(() => $('.jp-Trail-CodeDiff .cm-mergeView'));
    const editors = merge.querySelectorAll('.cm-editor');
    expect(editors).toHaveLength(2);
    expect(editors[0].textContent).toContain('fit(lr=0.1)');
    expect(editors[1].textContent).toContain('fit(lr=0.01)');
    expect(
      merge.querySelector('.cm-changedLine, .cm-deletedChunk, .cm-changedText')
    ).not.toBeNull();

    const sides = await waitFor(() => {
      const found = visible('.jp-Trail-CompareOutputs-side');
      return found.length === 2 && found;
    });
    await waitFor(() => sides[0].textContent?.includes('loss 0.5'));
    await waitFor(() => sides[1].textContent?.includes('loss 0.2'));
    // The HTML output of the newer run: sandboxed, its script never runs.
    const frame = await waitFor(() =>
      sides[1].querySelector<HTMLIFrameElement>('iframe.jp-Trail-SandboxFrame')
    );
    expect(frame.getAttribute('sandbox')).toBe('allow-scripts');
    expect(frame.srcdoc).not.toContain('__trailPwned');

    // Swapping sides compares again.
    const leftRadio = runs[0].querySelector<HTMLInputElement>('.jp-mod-left')!;
    click(leftRadio);
    await waitFor(() => model.cellHistory?.left === 'x2');
  });
});
