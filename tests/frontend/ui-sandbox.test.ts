/**
 * Recorded HTML and Markdown go through JupyterLab's sanitizer and into a
 * sandboxed, network-less frame. (The browser-level proof that nothing runs
 * or calls out is the galata test; this checks what the frame is given.)
 */
import { Sanitizer } from '@jupyterlab/apputils';
import {
  MimeModel,
  RenderMimeRegistry,
  standardRendererFactories
} from '@jupyterlab/rendermime';
import {
  framePolicy,
  openLink,
  recordedOutputRendermime,
  SandboxedRenderer
} from '../../src/ui/sandbox';

const PAYLOADS = [
  '<script>window.parent.pwned = 1</script>',
  '<img src="x" onerror="window.parent.pwned = 2">',
  '<a href="javascript:window.parent.pwned=3">click</a>',
  '<svg onload="window.parent.pwned=4"><circle r="4"/></svg>',
  '<iframe src="https://evil.example/"></iframe>',
  '<form action="https://evil.example/"><input name="q"></form>'
];

function render(mimeType: string, source: string): Promise<SandboxedRenderer> {
  const renderer = new SandboxedRenderer({
    mimeType,
    sanitizer: new Sanitizer(),
    resolver: null,
    linkHandler: null,
    latexTypesetter: null,
    markdownParser: { render: async (text: string) => `<p>${text}</p>` }
  });
  return renderer
    .renderModel(new MimeModel({ data: { [mimeType]: source } }))
    .then(() => renderer);
}

describe('SandboxedRenderer', () => {
  it('puts sanitized HTML in a frame without same-origin rights', async () => {
    const renderer = await render('text/html', `<b>ok</b>${PAYLOADS.join('')}`);
    const frame = renderer.frame!;
    expect(frame.getAttribute('sandbox')).toBe('allow-scripts');
    const doc = frame.srcdoc;
    expect(doc).toContain('<b>ok</b>');
    expect(doc).not.toMatch(/pwned/);
    expect(doc).not.toMatch(
      /onerror|onload=|javascript:|<iframe|action=|evil/i
    );
    // Exactly one script: ours, carrying the nonce the policy names.
    const scripts = doc.match(/<script[^>]*>/g) ?? [];
    expect(scripts).toHaveLength(1);
    const nonce = /nonce="([0-9a-f]{32})"/.exec(scripts[0]!)![1];
    expect(doc).toContain(framePolicy(nonce));
    renderer.dispose();
  });

  it('blocks every network fetch by policy', () => {
    const policy = framePolicy('abc');
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain('img-src data:');
    expect(policy).toContain("connect-src 'none'");
    expect(policy).not.toMatch(/unsafe-eval|https?:|\*/);
    expect(policy).toMatch(/script-src 'nonce-abc'(;|$)/);
  });

  it('renders Markdown through the parser, then the sanitizer', async () => {
    const renderer = await render(
      'text/markdown',
      'hello <img src=x onerror=alert(1)>'
    );
    expect(renderer.frame!.srcdoc).toContain('<p>hello <img src="x" /></p>');
    expect(renderer.frame!.srcdoc).not.toContain('onerror');
    renderer.dispose();
  });

  it('uses a fresh nonce per frame and grows the frame from its own messages only', async () => {
    const a = await render('text/html', '<p>a</p>');
    const b = await render('text/html', '<p>b</p>');
    const nonceOf = (r: SandboxedRenderer) =>
      /nonce="(\w+)"/.exec(r.frame!.srcdoc)![1];
    expect(nonceOf(a)).not.toBe(nonceOf(b));
    document.body.appendChild(a.node);
    const frameId = /"(trail-frame-\d+)"/.exec(a.frame!.srcdoc)![1];
    // A message that does not come from the frame's window is ignored.
    window.dispatchEvent(
      new MessageEvent('message', {
        data: { trailFrame: frameId, height: 300 },
        source: window
      })
    );
    expect(a.frame!.style.height).toBe('2em');
    window.dispatchEvent(
      new MessageEvent('message', {
        data: { trailFrame: frameId, height: 99999 },
        source: a.frame!.contentWindow
      })
    );
    expect(a.frame!.style.height).toBe('1200px');
    a.dispose();
    b.dispose();
  });
});

describe('recordedOutputRendermime', () => {
  it('replaces the HTML and Markdown renderers of a clone only', () => {
    const app = new RenderMimeRegistry({
      initialFactories: standardRendererFactories
    });
    const recorded = recordedOutputRendermime(app);
    const model = new MimeModel({
      data: { 'text/html': '<b>x</b>' },
      trusted: false
    });
    expect(recorded.createRenderer('text/html')).toBeInstanceOf(
      SandboxedRenderer
    );
    expect(recorded.createRenderer('text/markdown')).toBeInstanceOf(
      SandboxedRenderer
    );
    expect(app.createRenderer('text/html')).not.toBeInstanceOf(
      SandboxedRenderer
    );
    expect(recorded.preferredMimeType(model.data, 'any')).toBe('text/html');
    // Untrusted JavaScript is still never chosen.
    expect(
      recorded.preferredMimeType(
        { 'application/javascript': 'x', 'text/plain': 'x' },
        'ensure'
      )
    ).toBe('text/plain');
  });
});

describe('openLink', () => {
  it('opens web and mail links in a new tab without a way back, nothing else', () => {
    const open = jest.spyOn(window, 'open').mockReturnValue(null);
    expect(openLink('https://example.com/a?b=1')).toBe(true);
    expect(open).toHaveBeenLastCalledWith(
      'https://example.com/a?b=1',
      '_blank',
      'noopener,noreferrer'
    );
    expect(openLink('mailto:someone@example.com')).toBe(true);
    for (const href of [
      'javascript:alert(1)',
      'JAVASCRIPT:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'about:srcdoc',
      'file:///etc/passwd',
      'not a url'
    ]) {
      expect(openLink(href)).toBe(false);
    }
    expect(open).toHaveBeenCalledTimes(2);
    open.mockRestore();
  });

  it('is asked by the frame only for links it was clicked on', async () => {
    const renderer = await render('text/html', '<a href="#top">in page</a>');
    expect(renderer.frame!.srcdoc).toContain('closest("a[href],area[href]")');
    renderer.dispose();
  });
});
