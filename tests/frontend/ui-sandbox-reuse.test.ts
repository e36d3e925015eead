/**
 * A sandboxed frame reused for new content (the replay viewer gives a
 * cell's renderers the next step's outputs instead of making new frames):
 * the page sends the new content by message, the frame's script swaps it
 * in whole, and neither side lets older content come back or count.
 */
import { Sanitizer } from '@jupyterlab/apputils';
import { MimeModel } from '@jupyterlab/rendermime';
import { SandboxedRenderer } from '../../src/ui/sandbox';

function renderer(): SandboxedRenderer {
  return new SandboxedRenderer({
    mimeType: 'text/html',
    sanitizer: new Sanitizer(),
    resolver: null,
    linkHandler: null,
    latexTypesetter: null,
    markdownParser: null
  });
}

const html = (text: string) => new MimeModel({ data: { 'text/html': text } });

/** A renderer showing `first`, its frame's script listening (it reported). */
async function listening(first: string) {
  const r = renderer();
  document.body.appendChild(r.node);
  await r.renderModel(html(first));
  const frame = r.frame!;
  const frameId = /"(trail-frame-\d+)"/.exec(frame.srcdoc)![1];
  const posted: any[] = [];
  jest
    .spyOn(frame.contentWindow!, 'postMessage')
    .mockImplementation((message: any) => void posted.push(message));
  const report = (seq: number, more: Record<string, unknown> = {}) =>
    window.dispatchEvent(
      new MessageEvent('message', {
        data: { trailFrame: frameId, seq, ...more },
        source: frame.contentWindow
      })
    );
  report(1, { height: 40 });
  return { r, frame, frameId, posted, report };
}

afterEach(() => {
  document.body.innerHTML = '';
  jest.restoreAllMocks();
});

describe('a reused sandboxed frame, page side', () => {
  it('sends new content to the same frame and shows it only once the frame reports it', async () => {
    const { r, frame, frameId, posted, report } =
      await listening('<p>step one</p>');
    const srcdoc = frame.srcdoc;
    expect(frame.style.height).toBe('40px');
    await r.renderModel(
      html('<p>step two</p><img src=x onerror="parent.pwned=1">')
    );
    // No new frame, no new document: a message with the sanitized content.
    expect(r.frame).toBe(frame);
    expect(r.node.querySelectorAll('iframe')).toHaveLength(1);
    expect(frame.srcdoc).toBe(srcdoc);
    expect(posted).toHaveLength(1);
    expect(posted[0]).toMatchObject({ trailFrame: frameId, seq: 2 });
    expect(posted[0].content).toContain('step two');
    expect(posted[0].content).not.toContain('onerror');
    // Hidden until the frame says it shows the new content: the old
    // step's outputs are never seen under the new step.
    expect(frame.style.visibility).toBe('hidden');
    // A late report about the old content: neither its size nor its
    // links count, and the frame stays hidden.
    const open = jest.spyOn(window, 'open').mockReturnValue(null);
    Object.defineProperty(navigator, 'userActivation', {
      configurable: true,
      get: () => ({ isActive: true, hasBeenActive: true })
    });
    try {
      report(1, { height: 500 });
      report(1, { open: 'https://example.com/old' });
      expect(frame.style.height).toBe('40px');
      expect(frame.style.visibility).toBe('hidden');
      expect(open).not.toHaveBeenCalled();
      // A report with no number at all is not heard either.
      window.dispatchEvent(
        new MessageEvent('message', {
          data: { trailFrame: frameId, height: 700 },
          source: frame.contentWindow
        })
      );
      expect(frame.style.height).toBe('40px');
      report(2, { height: 90 });
      expect(frame.style.height).toBe('90px');
      expect(frame.style.visibility).toBe('');
      report(2, { open: 'https://example.com/new' });
      expect(open).toHaveBeenCalledWith(
        'https://example.com/new',
        '_blank',
        'noopener,noreferrer'
      );
    } finally {
      delete (navigator as any).userActivation;
    }
    r.dispose();
  });

  it('shows the last content asked: one still being made when a newer is asked is dropped', async () => {
    const { r, posted } = await listening('<p>step one</p>');
    // The seam: how long making a content takes (a Vega chart is drawn in
    // a worker, so an older one can be ready after a newer one).
    let finishOld: (html: string) => void = () => undefined;
    const contentOf = jest
      .spyOn(r as any, '_contentOf')
      .mockImplementationOnce(
        () => new Promise<string>(resolve => (finishOld = resolve))
      )
      .mockImplementationOnce(async () => '<p>step three</p>');
    const old = r.renderModel(html('<p>step two</p>'));
    await r.renderModel(html('<p>step three</p>'));
    expect(contentOf).toHaveBeenCalledTimes(2);
    expect(posted.map(m => m.content)).toEqual(['<p>step three</p>']);
    finishOld('<p>step two</p>');
    await old;
    expect(posted.map(m => m.content)).toEqual(['<p>step three</p>']);
    r.dispose();
  });

  it('gives a frame whose script has not reported yet a new document instead, and ignores the old one', async () => {
    const r = renderer();
    document.body.appendChild(r.node);
    await r.renderModel(html('<p>step one</p>'));
    const frame = r.frame!;
    const frameId = /"(trail-frame-\d+)"/.exec(frame.srcdoc)![1];
    await r.renderModel(html('<p>step two</p>'));
    expect(r.frame).toBe(frame);
    expect(frame.srcdoc).toContain('step two');
    expect(frame.srcdoc).not.toContain('step one');
    expect(frame.srcdoc).toContain('var seq=2;');
    const send = (data: unknown) =>
      window.dispatchEvent(
        new MessageEvent('message', { data, source: frame.contentWindow })
      );
    // The first document reports late: not heard.
    send({ trailFrame: frameId, seq: 1, height: 300 });
    expect(frame.style.height).toBe('2em');
    expect(frame.style.visibility).toBe('hidden');
    send({ trailFrame: frameId, seq: 2, height: 60 });
    expect(frame.style.height).toBe('60px');
    expect(frame.style.visibility).toBe('');
    r.dispose();
  });
});

describe('a reused sandboxed frame, the frame script', () => {
  /** Runs the frame script of a frame showing `first` in this document. */
  async function frameScript(first: string) {
    const r = renderer();
    await r.renderModel(html(first));
    const doc = r.frame!.srcdoc;
    const frameId = /"(trail-frame-\d+)"/.exec(doc)![1];
    const script = /<script nonce="\w+">([\s\S]*)<\/script>/.exec(doc)![1];
    document.body.innerHTML = doc.slice(
      doc.indexOf('<body>') + 6,
      doc.lastIndexOf('<script')
    );
    r.dispose();
    const reports: any[] = [];
    jest
      .spyOn(window, 'postMessage')
      .mockImplementation((message: any) => void reports.push(message));
    jest.spyOn(window, 'scrollTo').mockImplementation(() => undefined);
    (window as any).ResizeObserver = class {
      observe() {
        // Nothing to observe in a test.
      }
    };
    // eslint-disable-next-line no-new-func
    new Function(script)();
    // Here the test page is the frame's parent (window.parent === window).
    const send = (data: unknown, source: MessageEventSource | null = window) =>
      window.dispatchEvent(new MessageEvent('message', { data, source }));
    return { frameId, reports, send };
  }

  it('replaces the whole content in one step, never the old and the new together', async () => {
    const { frameId, reports, send } = await frameScript(
      '<p>old one</p><table><tr><td>old cell</td></tr></table>'
    );
    expect(reports.at(-1)).toMatchObject({ trailFrame: frameId, seq: 1 });
    const changes: MutationRecord[] = [];
    const observer = new MutationObserver(records => changes.push(...records));
    observer.observe(document.body, { childList: true, subtree: true });
    send({
      trailFrame: frameId,
      seq: 2,
      content: '<h2>new</h2><p>new text</p><script>window.pwned = 1</script>'
    });
    await new Promise(resolve => setTimeout(resolve, 0));
    observer.disconnect();
    // One change of the body's children: the old nodes out and the new in
    // at once (nothing to see in between), nothing left of the old.
    expect(changes).toHaveLength(1);
    expect(changes[0].target).toBe(document.body);
    expect(document.body.textContent).toContain('new text');
    expect(document.body.textContent).not.toContain('old');
    expect((window as any).pwned).toBeUndefined();
    // It says it shows the new content.
    expect(reports.at(-1)).toMatchObject({ trailFrame: frameId, seq: 2 });
  });

  it('takes content only from the page, for its own id, newer than what it shows', async () => {
    const { frameId, reports, send } = await frameScript('<p>step one</p>');
    const shown = () => document.body.textContent;
    const reported = reports.length;
    send({ trailFrame: frameId, seq: 5, content: '<p>step five</p>' });
    expect(shown()).toContain('step five');
    // An older step's content arriving after a newer one: ignored.
    send({ trailFrame: frameId, seq: 3, content: '<p>step three</p>' });
    send({ trailFrame: frameId, seq: 5, content: '<p>step five again</p>' });
    // Not from the parent window, another frame's id, no number, not text.
    send({ trailFrame: frameId, seq: 9, content: '<p>other</p>' }, null);
    send({ trailFrame: 'trail-frame-x', seq: 9, content: '<p>other</p>' });
    send({ trailFrame: frameId, content: '<p>other</p>' });
    send({ trailFrame: frameId, seq: '9', content: '<p>other</p>' });
    send({ trailFrame: frameId, seq: 9, content: { html: '<p>x</p>' } });
    expect(shown()).toContain('step five');
    expect(shown()).not.toMatch(/three|again|other/);
    expect(reports.length).toBe(reported + 1);
    expect(reports.at(-1)).toMatchObject({ seq: 5 });
  });
});
