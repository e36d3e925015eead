/**
 * Renders recorded HTML and Markdown outputs, which may come from a
 * teammate, so that nothing in them runs in, reaches into, or calls out
 * from the viewer's JupyterLab page.
 *
 * Two layers:
 * 1. JupyterLab's sanitizer strips scripts, event-handler attributes,
 *    `javascript:` links, iframes and forms, as for any untrusted output.
 * 2. What is left is shown in an `<iframe sandbox="allow-scripts">` with no
 *    `allow-same-origin` (an opaque origin: no access to this page, its
 *    cookies, storage or token) whose Content-Security-Policy allows no
 *    network at all (images, fonts and media from `data:` only) and only our
 *    own script, by nonce: it reports the content's height so the frame
 *    fits, and hands clicked links to the page, which opens web links in a
 *    new tab. No popups, no navigation, no forms.
 *
 * JavaScript outputs never reach here: untrusted, JupyterLab shows their
 * text fallback instead.
 */
import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { Widget } from '@lumino/widgets';

/** The mime types whose renderer this module replaces. */
export const SANDBOXED_MIME_TYPES = ['text/html', 'text/markdown'];

/** The CSS variables copied from the page so frames follow the theme. */
const THEME_VARIABLES = [
  '--jp-content-font-family',
  '--jp-content-font-size1',
  '--jp-content-font-color1',
  '--jp-content-font-color2',
  '--jp-content-link-color',
  '--jp-code-font-family',
  '--jp-code-font-size',
  '--jp-layout-color0',
  '--jp-layout-color1',
  '--jp-layout-color2',
  '--jp-border-color1',
  '--jp-border-color2',
  '--jp-rendermime-table-row-background',
  '--jp-rendermime-table-row-hover-background'
];

/** The tallest a frame grows before it scrolls, in pixels. */
export const MAX_FRAME_HEIGHT = 1200;

function randomNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, b => b.toString(16).padStart(2, '0')).join('');
}

/** The Content-Security-Policy of every frame. */
export function framePolicy(nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    "style-src 'unsafe-inline'",
    'img-src data:',
    'font-src data:',
    'media-src data:',
    "connect-src 'none'",
    "frame-src 'none'",
    "child-src 'none'",
    "form-action 'none'",
    "base-uri 'none'"
  ].join('; ');
}

function themeCss(): string {
  const style = getComputedStyle(document.body);
  const lines = THEME_VARIABLES.map(name => {
    const value = style.getPropertyValue(name).trim();
    // Values come from our own page; still, keep them to safe characters.
    return value && /^[\w\s#%(),.'"-]*$/.test(value)
      ? `${name}: ${value};`
      : '';
  }).filter(Boolean);
  return `:root { ${lines.join(' ')} }`;
}

const BASE_CSS = `
html, body { margin: 0; padding: 0; background: transparent; }
body {
  font-family: var(--jp-content-font-family, system-ui, sans-serif);
  font-size: var(--jp-content-font-size1, 14px);
  color: var(--jp-content-font-color1, #000);
  line-height: 1.5; overflow-wrap: anywhere;
}
a { color: var(--jp-content-link-color, #1976d2); }
pre, code { font-family: var(--jp-code-font-family, monospace); font-size: var(--jp-code-font-size, 13px); }
table { border-collapse: collapse; border-spacing: 0; font-size: 12px; }
th, td { padding: 0.25em 0.5em; border: none; text-align: right; }
thead { border-bottom: 1px solid var(--jp-border-color1, #bdbdbd); }
tbody tr:nth-child(odd) { background: var(--jp-rendermime-table-row-background, #f5f5f5); }
tbody tr:hover { background: var(--jp-rendermime-table-row-hover-background, #e1f5fe); }
img, svg, video { max-width: 100%; }
`;

/**
 * The whole document of a frame: policy, theme, the sanitized content, and
 * the height reporter.
 */
export function frameDocument(
  sanitizedHtml: string,
  nonce: string,
  frameId: string
): string {
  const reporter =
    `(function(){var id=${JSON.stringify(frameId)};` +
    'function report(){parent.postMessage({trailFrame:id,' +
    'height:Math.ceil(document.documentElement.scrollHeight)},"*");}' +
    'new ResizeObserver(report).observe(document.documentElement);' +
    'addEventListener("load",report);report();' +
    // A followed link would load a page of anyone's choosing inside this
    // frame, without our policy: the page opens it in a new tab instead.
    'document.addEventListener("click",function(e){' +
    'var a=e.target&&e.target.closest?e.target.closest("a[href],area[href]"):null;' +
    'if(!a||a.getAttribute("href").charAt(0)==="#")return;' +
    'e.preventDefault();parent.postMessage({trailFrame:id,open:a.href},"*");},true);' +
    '})();';
  return (
    '<!DOCTYPE html><html><head><meta charset="utf-8">' +
    `<meta http-equiv="Content-Security-Policy" content="${framePolicy(nonce)}">` +
    `<style>${themeCss()}${BASE_CSS}</style></head><body>` +
    sanitizedHtml +
    `<script nonce="${nonce}">${reporter}</script></body></html>`
  );
}

let frameCounter = 0;

/**
 * A renderer of HTML or Markdown into a sandboxed, network-less frame.
 */
export class SandboxedRenderer extends Widget implements IRenderMime.IRenderer {
  constructor(options: IRenderMime.IRendererOptions) {
    super();
    this.addClass('jp-Trail-Sandboxed');
    this._mimeType = options.mimeType;
    this._sanitizer = options.sanitizer;
    this._markdownParser = options.markdownParser ?? null;
    this._frameId = `trail-frame-${++frameCounter}`;
    window.addEventListener('message', this._onMessage);
  }

  /** The frame showing the current content, if any. */
  get frame(): HTMLIFrameElement | null {
    return this._frame;
  }

  async renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    const raw = model.data[this._mimeType];
    const source =
      typeof raw === 'string' ? raw : Array.isArray(raw) ? raw.join('') : '';
    let html = source;
    if (this._mimeType === 'text/markdown') {
      html = this._markdownParser
        ? await this._markdownParser.render(source)
        : `<pre>${escapeHtml(source)}</pre>`;
    }
    const sanitized = this._sanitizer.sanitize(html);
    const frame = document.createElement('iframe');
    // Scripts may run only by nonce (the height reporter); no same-origin,
    // so the frame cannot touch this page, its storage or its token.
    frame.setAttribute('sandbox', 'allow-scripts');
    frame.setAttribute('referrerpolicy', 'no-referrer');
    frame.setAttribute('title', 'Recorded output (sandboxed)');
    frame.className = 'jp-Trail-SandboxFrame';
    frame.style.width = '100%';
    frame.style.border = '0';
    frame.style.display = 'block';
    frame.style.height = '2em';
    frame.srcdoc = frameDocument(sanitized, randomNonce(), this._frameId);
    this._frame?.remove();
    this._frame = frame;
    this.node.appendChild(frame);
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    window.removeEventListener('message', this._onMessage);
    this._frame = null;
    super.dispose();
  }

  private _onMessage = (event: MessageEvent): void => {
    const frame = this._frame;
    if (!frame || event.source !== frame.contentWindow) {
      return;
    }
    const data = event.data as {
      trailFrame?: unknown;
      height?: unknown;
      open?: unknown;
    };
    if (data?.trailFrame !== this._frameId) {
      return;
    }
    if (typeof data.open === 'string') {
      openLink(data.open);
      return;
    }
    if (typeof data.height !== 'number') {
      return;
    }
    const height = Math.min(
      Math.max(Math.ceil(data.height), 16),
      MAX_FRAME_HEIGHT
    );
    frame.style.height = `${height}px`;
  };

  private _frame: HTMLIFrameElement | null = null;
  private _frameId: string;
  private _markdownParser: IRenderMime.IMarkdownParser | null;
  private _mimeType: string;
  private _sanitizer: IRenderMime.ISanitizer;
}

/**
 * Opens a link clicked in a frame in a new tab, without a way back to this
 * page; only web and mail links.
 */
export function openLink(href: string): boolean {
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    return false;
  }
  if (!['http:', 'https:', 'mailto:'].includes(url.protocol)) {
    return false;
  }
  window.open(url.href, '_blank', 'noopener,noreferrer');
  return true;
}

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    c =>
      ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[
        c
      ]!
  );
}

/** The factory that puts {@link SandboxedRenderer} in a rendermime registry. */
export const sandboxedRendererFactory: IRenderMime.IRendererFactory = {
  safe: true,
  mimeTypes: SANDBOXED_MIME_TYPES,
  defaultRank: 50,
  createRenderer: options => new SandboxedRenderer(options)
};

/**
 * A registry for recorded outputs: the application's, with HTML and
 * Markdown rendered in sandboxed frames.
 */
export function recordedOutputRendermime<
  T extends {
    clone(): T;
    addFactory(f: IRenderMime.IRendererFactory, rank?: number): void;
    getRank(mime: string): number | undefined;
  }
>(rendermime: T): T {
  const clone = rendermime.clone();
  clone.addFactory(
    sandboxedRendererFactory,
    rendermime.getRank('text/html') ?? sandboxedRendererFactory.defaultRank
  );
  return clone;
}
