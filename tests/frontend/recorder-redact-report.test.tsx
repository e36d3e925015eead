/**
 * The redaction report reaches the panel: an execution the recorder
 * redacted says how many values of which kinds were hidden.
 */
import {
  RenderMimeRegistry,
  standardRendererFactories
} from '@jupyterlab/rendermime';
import { nullTranslator } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';
import { TrailBrowserModel } from '../../src/model';
import { Redactor } from '../../src/recorder/redact';
import { TrailSidebar } from '../../src/ui';
import { redactionSummary } from '../../src/ui/executionDetail';
import { FakeReader } from './model-fake-reader';
import { waitFor } from './ui-wait';

const trans = nullTranslator.load('jupyterlab_trail');

describe('the redaction report', () => {
  it('reads "N values redacted: kinds"', () => {
    expect(redactionSummary({ password: 1, 'api-key': 1 }, trans)).toBe(
      '2 values redacted: api-key, password'
    );
    expect(redactionSummary({ token: 1 }, trans)).toBe(
      '1 value redacted: token'
    );
    expect(redactionSummary(undefined, trans)).toBeNull();
  });

  it('shows on the execution in the panel, from what the recorder counted', async () => {
    // What the recorder sends for a cell with a key and a password.
    const event = new Redactor().redactEvent({
      id: 'ev',
      kind: 'execution.completed',
      execution: {
        id: 'e1',
        sessionId: 's1',
        seq: 1,
        notebookPath: 'n.ipynb',
        cellId: 'c',
        code: [
          'key = "AKIA',
          'Q3EGRT7YUJK4LM2N"\npassword = "Tr0ub4dor&3x"'
        ].join(''),
        executionCount: 1,
        status: 'ok',
        startedAt: '2026-11-20T10:00:00.000Z',
        endedAt: '2026-11-20T10:00:01.000Z',
        durationMs: 1000,
        timing: 'kernel',
        outputs: []
      }
    });
    if (event.kind !== 'execution.completed') {
      throw new Error('not an execution');
    }
    const reader = new FakeReader();
    reader.addSession({
      id: 's1',
      notebookPath: 'n.ipynb',
      startedAt: '2026-11-20T10:00:00.000Z'
    });
    reader.addExecution(event.execution);
    const model = new TrailBrowserModel({ reader });
    const sidebar = new TrailSidebar({
      model,
      rendermime: new RenderMimeRegistry({
        initialFactories: standardRendererFactories
      })
    });
    Widget.attach(sidebar, document.body);
    try {
      const $ = (selector: string) => sidebar.node.querySelector(selector);
      (
        (await waitFor(() =>
          $('.jp-Trail-SessionItem[data-session-id="s1"]')
        )) as HTMLElement
      ).click();
      (
        (await waitFor(() =>
          $('.jp-Trail-ExecutionItem[data-execution-id="e1"]')
        )) as HTMLElement
      ).click();
      const report = await waitFor(() =>
        $(
          '.jp-Trail-ExecutionDetail[data-execution-id="e1"] .jp-Trail-Redactions'
        )
      );
      expect(report.textContent).toBe(
        '2 values redacted: aws-access-key, password'
      );
    } finally {
      sidebar.dispose();
      model.dispose();
    }
  });
});
