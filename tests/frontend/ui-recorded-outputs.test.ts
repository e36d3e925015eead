/**
 * The output area both the execution detail and the cell history use for
 * recorded outputs: untrusted, lines joined, HTML in a sandboxed frame,
 * its model disposed with it.
 */
import {
  RenderMimeRegistry,
  standardRendererFactories
} from '@jupyterlab/rendermime';
import { Widget } from '@lumino/widgets';
import type { Output } from '../../src/_schema/records';
import { RecordedOutputArea } from '../../src/ui/recordedOutputs';
import { recordedOutputRendermime } from '../../src/ui/sandbox';
import { waitFor } from './ui-wait';

const OUTPUTS: Output[] = [
  { output_type: 'stream', name: 'stdout', text: ['hello from ', 'stdout\n'] },
  {
    output_type: 'display_data',
    data: {
      'text/html': ['<b class="trail-bold">bold</b>', '<script>x()</script>'],
      'text/plain': 'plain fallback'
    },
    metadata: {}
  },
  {
    output_type: 'display_data',
    data: {
      'application/javascript': 'window.__trailPwned = "js"',
      'text/plain': 'javascript fallback text'
    },
    metadata: {}
  }
];

describe('RecordedOutputArea', () => {
  const rendermime = recordedOutputRendermime(
    new RenderMimeRegistry({ initialFactories: standardRendererFactories })
  );
  let area: RecordedOutputArea | null = null;

  afterEach(() => {
    area?.dispose();
    area = null;
    delete (window as any).__trailPwned;
  });

  it('renders recorded outputs as untrusted, HTML in a sandboxed frame', async () => {
    area = new RecordedOutputArea({ outputs: OUTPUTS, rendermime });
    Widget.attach(area, document.body);
    expect(area.model.trusted).toBe(false);
    expect(area.model.length).toBe(3);
    expect(area.node.classList).toContain('jp-Trail-RecordedOutputs');
    await waitFor(() =>
      area!.node.textContent?.includes('javascript fallback text')
    );
    expect(area.node.textContent).toContain('hello from stdout');
    const frame = await waitFor(() =>
      area!.node.querySelector<HTMLIFrameElement>(
        'iframe.jp-Trail-SandboxFrame'
      )
    );
    expect(frame.getAttribute('sandbox')).toBe('allow-scripts');
    expect(frame.srcdoc).toContain('<b class="trail-bold">bold</b>');
    expect(area.node.querySelector('script')).toBeNull();
    expect((window as any).__trailPwned).toBeUndefined();
  });

  it('shows at most maxNumberOutputs outputs, then offers the rest', () => {
    // (Consecutive streams would merge into one output: use displays.)
    const many: Output[] = Array.from({ length: 5 }, (_, i) => ({
      output_type: 'display_data',
      data: { 'text/plain': `output ${i}` },
      metadata: {}
    }));
    area = new RecordedOutputArea({
      outputs: many,
      rendermime,
      maxNumberOutputs: 2
    });
    expect(area.model.length).toBe(5);
    expect(area.maxNumberOutputs).toBe(2);
    // Two outputs and the "show more" prompt.
    expect(area.widgets.length).toBe(3);
  });

  it('disposes its output model with it', () => {
    area = new RecordedOutputArea({ outputs: OUTPUTS, rendermime });
    const model = area.model;
    area.dispose();
    expect(model.isDisposed).toBe(true);
    area.dispose();
  });
});
