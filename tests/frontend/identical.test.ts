/**
 * "Who already computed this?" in JupyterLab, with the server seam
 * mocked: the lookup when a cell starts (asked again while the previous
 * step is not stored yet), the confirmation once recorded, what the
 * notice says, and the mark on a cell.
 */
import { nullTranslator } from '@jupyterlab/translation';
import type {
  FingerprintLookupResult,
  IdenticalExecutions,
  IdenticalMatch
} from '../../src/client/api-schema';
import { TrailResponseError } from '../../src/client/errors';
import {
  IdenticalRuns,
  type IIdenticalClient,
  type IIdenticalMark,
  type IIdenticalNotice
} from '../../src/model/identical/identicalRuns';
import type { IExecutionStart } from '../../src/recorder/types';
import {
  identicalMessage,
  IDENTICAL_MARK_CLASS,
  markCellNode,
  markText,
  openStepLabel,
  prefixText
} from '../../src/ui/identical';

const trans = nullTranslator.load('jupyterlab-trail');
const alice = { id: 'u-alice', name: 'alice', displayName: 'Alice' };
const nobodyIsMe = { isMe: () => false };

const match = (over: Partial<IdenticalMatch> = {}): IdenticalMatch => ({
  executionId: 'exe-alice-12',
  sessionId: 'ses-alice',
  notebookPath: 'train.ipynb',
  step: 12,
  author: alice,
  endedAt: new Date(Date.now() - 3 * 24 * 3600 * 1000).toISOString(),
  durationMs: 41 * 60 * 1000,
  status: 'ok',
  ...over
});

const start: IExecutionStart = {
  executionId: 'exe-bob-12',
  sessionId: 'ses-bob',
  seq: 12,
  previousExecutionId: 'exe-bob-11',
  code: 'model = fit(df)',
  notebookPath: 'train.ipynb',
  cellId: 'cell-fit'
};

/** A client whose answers are queued per method; records the calls. */
function fakeClient(answers: {
  lookup?: (FingerprintLookupResult | Error)[];
  identical?: (IdenticalExecutions | Error)[];
}) {
  const calls: { method: string; arg: unknown }[] = [];
  const next = <T>(list: (T | Error)[] | undefined): Promise<T> => {
    const answer = list?.shift();
    if (answer === undefined) {
      return Promise.reject(new Error('no answer queued'));
    }
    return answer instanceof Error
      ? Promise.reject(answer)
      : Promise.resolve(answer);
  };
  const client: IIdenticalClient = {
    lookupFingerprint: request => {
      calls.push({ method: 'lookup', arg: request });
      return next(answers.lookup);
    },
    identicalExecutions: id => {
      calls.push({ method: 'identical', arg: id });
      return next(answers.identical);
    }
  };
  return { client, calls };
}

function model(
  client: IIdenticalClient,
  options: { enabled?: boolean; muted?: string[]; minDurationMs?: number } = {}
) {
  const notices: IIdenticalNotice[] = [];
  const marks: IIdenticalMark[] = [];
  const waits: number[] = [];
  const runs = new IdenticalRuns({
    client: () => client,
    enabled: () => options.enabled ?? true,
    muted: path => (options.muted ?? []).includes(path),
    minDurationMs: () => options.minDurationMs ?? 0,
    notify: notice => notices.push(notice),
    mark: mark => marks.push(mark),
    sleep: async ms => {
      waits.push(ms);
    }
  });
  return { runs, notices, marks, waits };
}

describe('IdenticalRuns: when a cell starts', () => {
  it('asks the lookup with the session, the previous step and the code, and tells the newest match', async () => {
    const newest = match();
    const { client, calls } = fakeClient({
      lookup: [{ state: 'ok', matches: [newest, match({ step: 3 })] }]
    });
    const { runs, notices, waits } = model(client);
    await runs.started(start);
    expect(calls).toEqual([
      {
        method: 'lookup',
        arg: {
          sessionId: 'ses-bob',
          previousExecutionId: 'exe-bob-11',
          code: 'model = fit(df)'
        }
      }
    ]);
    expect(waits).toEqual([]); // at once, no delay
    expect(notices).toEqual([{ start, match: newest, count: 2 }]);
  });

  it('asks again while the previous step is not stored yet, then tells', async () => {
    const { client, calls } = fakeClient({
      lookup: [
        { state: 'previous-unknown', matches: [] },
        { state: 'previous-unknown', matches: [] },
        { state: 'ok', matches: [match()] }
      ]
    });
    const { runs, notices, waits } = model(client);
    await runs.started(start);
    expect(calls).toHaveLength(3);
    // Within a second in all.
    expect(waits.reduce((a, b) => a + b, 0)).toBeLessThan(1000);
    expect(notices).toHaveLength(1);
  });

  it('gives up quietly: the path stays unknown, or the server fails', async () => {
    const unknown = fakeClient({
      lookup: Array(10).fill({ state: 'previous-unknown', matches: [] })
    });
    const a = model(unknown.client);
    await a.runs.started(start);
    // Asked at once, then a few times over about four seconds.
    expect(unknown.calls.length).toBe(6);
    expect(a.waits.reduce((x, y) => x + y, 0)).toBeLessThan(5000);
    expect(a.notices).toEqual([]);
    const failing = fakeClient({ lookup: [new Error('offline')] });
    const b = model(failing.client);
    await expect(b.runs.started(start)).resolves.toBeUndefined();
    expect(b.notices).toEqual([]);
  });

  it('tells nothing without matches, when off, or for a muted notebook', async () => {
    const none = fakeClient({ lookup: [{ state: 'ok', matches: [] }] });
    const a = model(none.client);
    await a.runs.started(start);
    expect(a.notices).toEqual([]);
    const off = fakeClient({ lookup: [{ state: 'ok', matches: [match()] }] });
    const b = model(off.client, { enabled: false });
    await b.runs.started(start);
    expect(off.calls).toEqual([]); // not even asked
    const muted = fakeClient({
      lookup: [{ state: 'ok', matches: [match()] }]
    });
    const c = model(muted.client, { muted: ['train.ipynb'] });
    await c.runs.started(start);
    expect(c.notices).toEqual([]);
  });
});

describe('IdenticalRuns: only steps worth telling', () => {
  it('leaves out quick steps (an import everyone ran), when told and when marked', async () => {
    const quick = match({ executionId: 'exe-import', durationMs: 120 });
    const slow = match();
    const both = fakeClient({
      lookup: [{ state: 'ok', matches: [quick, slow] }],
      identical: [{ fingerprint: 'f'.repeat(64), matches: [quick] }]
    });
    const { runs, notices, marks } = model(both.client, {
      minDurationMs: 2000
    });
    await runs.started(start);
    expect(notices).toEqual([{ start, match: slow, count: 1 }]);
    await runs.recorded({ id: 'x', notebookPath: 'n', cellId: 'c' });
    expect(marks).toEqual([]);
  });
});

describe('IdenticalRuns: once recorded', () => {
  const recorded = {
    id: 'exe-bob-12',
    notebookPath: 'train.ipynb',
    cellId: 'cell-fit'
  };

  it('marks the cell once the server has the execution and its fingerprint', async () => {
    const found = match();
    const { client, calls } = fakeClient({
      identical: [
        new TrailResponseError(404, 'not_found', 'No execution'),
        { fingerprint: null, matches: [] },
        { fingerprint: 'f'.repeat(64), matches: [found] }
      ]
    });
    const { runs, marks } = model(client);
    await runs.recorded(recorded);
    expect(calls.map(c => c.arg)).toEqual([
      'exe-bob-12',
      'exe-bob-12',
      'exe-bob-12'
    ]);
    expect(marks).toEqual([
      {
        executionId: 'exe-bob-12',
        notebookPath: 'train.ipynb',
        cellId: 'cell-fit',
        match: found,
        count: 1
      }
    ]);
  });

  it('marks nothing when nothing is identical, or on another error', async () => {
    const none = fakeClient({
      identical: [{ fingerprint: 'f'.repeat(64), matches: [] }]
    });
    const a = model(none.client);
    await a.runs.recorded(recorded);
    expect(a.marks).toEqual([]);
    expect(none.calls).toHaveLength(1);
    const broken = fakeClient({
      identical: [new TrailResponseError(500, 'internal_error', 'boom')]
    });
    const b = model(broken.client);
    await b.runs.recorded(recorded);
    expect(broken.calls).toHaveLength(1);
    expect(b.marks).toEqual([]);
  });
});

describe('what it says', () => {
  it('names who, when, how long, and how many more', () => {
    expect(identicalMessage(match(), 1, nobodyIsMe, trans)).toBe(
      'Alice ran this same code after the same steps, on the same data and environment, 3 days ago (took 41 min).'
    );
    expect(identicalMessage(match(), 3, nobodyIsMe, trans)).toMatch(
      /\(took 41 min\)\. 2 more runs did too\.$/
    );
    const mine = { isMe: (p?: { id: string }) => p?.id === 'u-alice' };
    expect(identicalMessage(match(), 1, mine, trans)).toMatch(/^You ran/);
    expect(
      identicalMessage(match({ status: 'error' }), 1, nobodyIsMe, trans)
    ).toMatch(/That run ended: error\.$/);
    expect(openStepLabel(match(), nobodyIsMe, trans)).toBe('Open Alice’s step');
    expect(markText(match(), nobodyIsMe, trans)).toBe(
      'identical to Alice’s step 12'
    );
    expect(
      prefixText(
        {
          sessionId: 's',
          notebookPath: 'n',
          step: 12,
          author: { id: 'u-bob', name: 'bob', displayName: 'Bob' }
        },
        nobodyIsMe,
        trans
      )
    ).toBe('identical to Bob’s session up to step 12');
  });

  it('marks a cell once, on its input, and opens the step on a click', () => {
    const cell = document.createElement('div');
    const input = document.createElement('div');
    input.className = 'jp-Cell-inputWrapper';
    cell.appendChild(input);
    const opened: string[] = [];
    markCellNode(cell, 'identical to Alice’s step 3', 'old', () =>
      opened.push('old')
    );
    const mark = markCellNode(cell, 'identical to Alice’s step 12', 'tip', () =>
      opened.push('new')
    );
    const marks = cell.querySelectorAll(`.${IDENTICAL_MARK_CLASS}`);
    expect(marks).toHaveLength(1);
    expect(mark.parentElement).toBe(input);
    expect(mark.textContent).toBe('≡ identical to Alice’s step 12');
    expect(mark.title).toBe('tip');
    mark.click();
    expect(opened).toEqual(['new']);
  });
});
