/**
 * Recorded outputs other than text and bitmaps become static HTML (no
 * script, no network, bounded work) in a sandboxed, network-less frame.
 * (The browser-level proof that nothing runs or calls out is the galata
 * test untrusted.spec.ts; this checks what the frame is given and what its
 * one script and the page do with links.)
 */
import { Sanitizer } from '@jupyterlab/apputils';
import {
  MimeModel,
  RenderMimeRegistry,
  standardRendererFactories
} from '@jupyterlab/rendermime';
import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import {
  framePolicy,
  openLink,
  recordedOutputRendermime,
  SandboxedRenderer,
  SANDBOXED_MIME_TYPES
} from '../../src/ui/sandbox';

const PAYLOADS = [
  '<script>window.parent.pwned = 1</script>',
  '<img src="x" onerror="window.parent.pwned = 2">',
  '<a href="javascript:window.parent.pwned=3">click</a>',
  '<svg onload="window.parent.pwned=4"><circle r="4"/></svg>',
  '<iframe src="https://evil.example/"></iframe>',
  '<form action="https://evil.example/"><input name="q"></form>'
];

async function render(
  mimeType: string,
  value: unknown
): Promise<SandboxedRenderer> {
  const renderer = new SandboxedRenderer({
    mimeType,
    sanitizer: new Sanitizer(),
    resolver: null,
    linkHandler: null,
    latexTypesetter: null,
    // Never used: the application's parser draws Mermaid in the page.
    markdownParser: {
      render: async () => {
        throw new Error('the application parser must not be used');
      }
    }
  });
  await renderer.renderModel(
    new MimeModel({ data: { [mimeType]: value as any } })
  );
  return renderer;
}

/** The content of a frame document, between body and our script. */
function bodyOf(renderer: SandboxedRenderer): string {
  const doc = renderer.frame!.srcdoc;
  return doc.slice(doc.indexOf('<body>') + 6, doc.lastIndexOf('<script'));
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

  it('renders Markdown with its own parser, sanitized, math typeset and escapes kept', async () => {
    const renderer = await render(
      'text/markdown',
      [
        '## Results',
        '',
        'hello <img src=x onerror=alert(1)> and $a\\,b$ and $$\\frac{1}{2}$$',
        '',
        '```mermaid',
        'graph TD; A-->B',
        '```'
      ].join('\n')
    );
    const body = bodyOf(renderer);
    expect(body).toContain('<h2 id="Results">Results</h2>');
    expect(body).toContain('<img src="x">');
    expect(body).not.toContain('onerror');
    // Math is MathML (drawn by the browser, no script); `\,` survived.
    expect(body).toMatch(/<math[^>]*>.*<mfrac>/s);
    expect(body).toContain(
      '<annotation encoding="application/x-tex">a\\,b</annotation>'
    );
    // A Mermaid fence stays code: nothing draws it in the page.
    expect(body).toContain('<code class="language-mermaid">graph TD;');
    expect(body).not.toContain('<svg');
    renderer.dispose();
  });

  it('typesets LaTeX without links: \\href and \\url make no anchor', async () => {
    const renderer = await render(
      'text/latex',
      '$$\\href{java\tscript:alert(1)}{x} + \\url{https://evil.example/} + x^2$$ <b>not html</b>'
    );
    const body = bodyOf(renderer);
    expect(body).toMatch(/<math[^>]*display="block"/);
    expect(body).toContain('<msup><mi>x</mi><mn>2</mn></msup>');
    expect(body).not.toMatch(/<a[\s>]|href=|<b>/);
    expect(body).toContain('&lt;b&gt;not html&lt;/b&gt;');
    renderer.dispose();
  });

  it('shows SVG as a data: image, which runs no script and loads nothing', async () => {
    const renderer = await render(
      'image/svg+xml',
      '<svg xmlns="http://www.w3.org/2000/svg" onload="parent.pwned=1"><image href="https://evil.example/x.png"/></svg>'
    );
    const body = bodyOf(renderer);
    expect(body).toMatch(
      /^<img class="trail-svg" alt="SVG output" src="data:image\/svg\+xml;charset=utf-8,[^"<>]+">$/
    );
    expect(body).not.toMatch(/<svg|onload=|href=/);
    renderer.dispose();
  });

  it('shows JSON and Mermaid as text', async () => {
    const json = await render('application/json', {
      html: '<img src=x onerror=alert(1)>'
    });
    expect(bodyOf(json)).toBe(
      '<pre class="trail-json">{\n  &quot;html&quot;: &quot;&lt;img src=x onerror=alert(1)&gt;&quot;\n}</pre>'
    );
    const mermaid = await render(
      'text/vnd.mermaid',
      'graph TD; A[<img src=x onerror=alert(1)>]-->B'
    );
    expect(bodyOf(mermaid)).toContain(
      '<pre class="trail-mermaid">graph TD; A[&lt;img src=x onerror=alert(1)&gt;]--&gt;B</pre>'
    );
    json.dispose();
    mermaid.dispose();
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
        data: { trailFrame: frameId, seq: 1, height: 300 },
        source: window
      })
    );
    expect(a.frame!.style.height).toBe('2em');
    window.dispatchEvent(
      new MessageEvent('message', {
        data: { trailFrame: frameId, seq: 1, height: 99999 },
        source: a.frame!.contentWindow
      })
    );
    expect(a.frame!.style.height).toBe('1200px');
    a.dispose();
    b.dispose();
  });

  it('opens a link a frame hands over only from its own frame and after a real click', async () => {
    const open = jest.spyOn(window, 'open').mockReturnValue(null);
    const renderer = await render('text/html', '<p>a</p>');
    document.body.appendChild(renderer.node);
    const frameId = /"(trail-frame-\d+)"/.exec(renderer.frame!.srcdoc)![1];
    const ask = (source: MessageEventSource | null) =>
      window.dispatchEvent(
        new MessageEvent('message', {
          data: {
            trailFrame: frameId,
            seq: 1,
            open: 'https://example.com/a'
          },
          source
        })
      );
    let active = false;
    Object.defineProperty(navigator, 'userActivation', {
      configurable: true,
      get: () => ({ isActive: active, hasBeenActive: active })
    });
    try {
      // No click: a frame cannot open tabs on its own.
      ask(renderer.frame!.contentWindow);
      expect(open).not.toHaveBeenCalled();
      active = true;
      // Not our frame's window.
      ask(window);
      expect(open).not.toHaveBeenCalled();
      ask(renderer.frame!.contentWindow);
      expect(open).toHaveBeenCalledWith(
        'https://example.com/a',
        '_blank',
        'noopener,noreferrer'
      );
    } finally {
      delete (navigator as any).userActivation;
      open.mockRestore();
      renderer.dispose();
    }
  });
});

describe('the frame script', () => {
  /** Runs our frame script over `html` in this (test) document. */
  async function frameWith(html: string) {
    const renderer = await render('text/html', html);
    const doc = renderer.frame!.srcdoc;
    const script = /<script nonce="\w+">([\s\S]*)<\/script>/.exec(doc)![1];
    const body = bodyOf(renderer);
    renderer.dispose();
    document.body.innerHTML = body;
    const posted: any[] = [];
    const post = jest
      .spyOn(window, 'postMessage')
      .mockImplementation((message: any) => void posted.push(message));
    (window as any).ResizeObserver = class {
      observe() {
        // Nothing to observe in a test.
      }
    };
    const scrolled: Element[] = [];
    Element.prototype.scrollIntoView = function (this: Element) {
      scrolled.push(this);
    };
    // eslint-disable-next-line no-new-func
    new Function(script)();
    /** Clicks the link with that text. */
    const click = (text: string) => {
      const event = new MouseEvent('click', {
        bubbles: true,
        cancelable: true
      });
      Array.from(document.querySelectorAll('a'))
        .find(a => a.textContent === text)!
        .dispatchEvent(event);
      return event.defaultPrevented;
    };
    return {
      click,
      scrolled,
      opened: () => posted.filter(m => 'open' in m).map(m => m.open),
      done: () => {
        post.mockRestore();
        document.body.innerHTML = '';
      }
    };
  }

  it('scrolls to in-frame anchors, follows no link, hands over only absolute web links', async () => {
    const frame = await frameWith(
      [
        '<h2 id="Results">Results</h2>',
        '<p id="p">para</p>',
        '<a href="#results">results</a>',
        '<a href="#p">p</a>',
        '<a href="/lab?reset">relative</a>',
        '<a href="https://example.com/x?y=1">web</a>',
        '<a href="mailto:a@example.com">mail</a>'
      ].join('')
    );
    try {
      expect(frame.click('results')).toBe(true);
      expect(frame.click('p')).toBe(true);
      expect(frame.scrolled.map(e => e.textContent)).toEqual([
        'Results',
        'para'
      ]);
      expect(frame.click('relative')).toBe(true);
      expect(frame.click('mail')).toBe(true);
      expect(frame.click('web')).toBe(true);
      // The address as written, never resolved against the page's.
      expect(frame.opened()).toEqual(['https://example.com/x?y=1']);
    } finally {
      frame.done();
    }
  });
});

describe('recordedOutputRendermime', () => {
  it('renders every non-text mime type in a sandboxed frame, and uses none of the application renderers', () => {
    const inPage: IRenderMime.IRendererFactory = {
      safe: true,
      mimeTypes: [
        'application/vnd.vegalite.v5+json',
        'text/vnd.mermaid',
        'application/json',
        'application/vnd.plotly.v1+json'
      ],
      defaultRank: 1,
      createRenderer: () => {
        throw new Error('an application renderer was used');
      }
    };
    const app = new RenderMimeRegistry({
      initialFactories: [...standardRendererFactories, inPage]
    });
    const recorded = recordedOutputRendermime(app);
    for (const mime of [
      'text/html',
      'text/markdown',
      'text/latex',
      'image/svg+xml',
      'application/json',
      'text/vnd.mermaid',
      'application/vnd.vega.v5+json',
      'application/vnd.vegalite.v5+json',
      'application/vnd.vegalite.v4+json'
    ]) {
      expect(SANDBOXED_MIME_TYPES).toContain(mime);
      expect(recorded.createRenderer(mime)).toBeInstanceOf(SandboxedRenderer);
      expect(
        recorded.preferredMimeType({ [mime]: 'x', 'text/plain': 'x' }, 'ensure')
      ).toBe(mime);
    }
    // A type no recorded renderer knows falls back to its text.
    expect(
      recorded.preferredMimeType(
        { 'application/vnd.plotly.v1+json': {}, 'text/plain': 'x' },
        'ensure'
      )
    ).toBe('text/plain');
    // Untrusted JavaScript is never chosen.
    expect(
      recorded.preferredMimeType(
        { 'application/javascript': 'x', 'text/plain': 'x' },
        'ensure'
      )
    ).toBe('text/plain');
    expect(recorded.preferredMimeType({ 'image/png': 'x' }, 'ensure')).toBe(
      'image/png'
    );
    expect(recorded.sanitizer).toBe(app.sanitizer);
    expect(app.createRenderer('text/html')).not.toBeInstanceOf(
      SandboxedRenderer
    );
  });
});

describe('openLink', () => {
  it('opens absolute web links in a new tab without opener or referrer, nothing else', () => {
    const open = jest.spyOn(window, 'open').mockReturnValue(null);
    expect(openLink('https://example.com/a?b=1')).toBe(true);
    expect(open).toHaveBeenLastCalledWith(
      'https://example.com/a?b=1',
      '_blank',
      'noopener,noreferrer'
    );
    expect(openLink('HTTP://example.com/')).toBe(true);
    for (const href of [
      'javascript:alert(1)',
      'JAVASCRIPT:alert(1)',
      'java\tscript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'mailto:someone@example.com',
      'about:srcdoc',
      'file:///etc/passwd',
      '/lab?reset',
      '//evil.example/x',
      '#results',
      'not a url'
    ]) {
      expect(openLink(href)).toBe(false);
    }
    expect(open).toHaveBeenCalledTimes(2);
    open.mockRestore();
  });
});
