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
import type { Output } from '../../src/records/schema';
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

  it('opens links in text outputs only as web links, without opener or referrer', async () => {
    const open = jest.spyOn(window, 'open').mockReturnValue(null);
    area = new RecordedOutputArea({
      outputs: [
        {
          output_type: 'stream',
          name: 'stdout',
          text: 'see https://example.com/report and more\n'
        }
      ],
      rendermime
    });
    Widget.attach(area, document.body);
    const link = await waitFor(() =>
      area!.node.querySelector<HTMLAnchorElement>('a[href]')
    );
    await waitFor(() => link.rel === 'noopener noreferrer');
    expect(link.referrerPolicy).toBe('no-referrer');
    const click = new MouseEvent('click', { bubbles: true, cancelable: true });
    link.dispatchEvent(click);
    expect(click.defaultPrevented).toBe(true);
    expect(open).toHaveBeenCalledWith(
      'https://example.com/report',
      '_blank',
      'noopener,noreferrer'
    );
    // A link to anything but an absolute web address does nothing.
    open.mockClear();
    link.setAttribute('href', '/lab?reset');
    const relative = new MouseEvent('click', {
      bubbles: true,
      cancelable: true
    });
    link.dispatchEvent(relative);
    expect(relative.defaultPrevented).toBe(true);
    expect(open).not.toHaveBeenCalled();
    open.mockRestore();
  });

  it('names the types of an output it has no renderer for', async () => {
    area = new RecordedOutputArea({
      outputs: [
        {
          output_type: 'display_data',
          data: { 'application/vnd.plotly.v1+json': { data: [] } },
          metadata: {}
        }
      ],
      rendermime
    });
    Widget.attach(area, document.body);
    await waitFor(() =>
      area!.node.textContent?.includes(
        '[output not shown: application/vnd.plotly.v1+json]'
      )
    );
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
