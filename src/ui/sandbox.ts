/**
 * Renders every recorded output that is more than plain text or a bitmap
 * (HTML, Markdown, LaTeX, SVG, JSON, Mermaid, Vega and Vega-Lite), which may
 * come from a teammate, so that nothing in it runs in, reaches into, or
 * calls out from the viewer's JupyterLab page.
 *
 * Two layers:
 * 1. The content is made into static HTML with bounded work and no network
 *    (`sandboxContent.ts`, `sandboxVega.ts`): HTML and Markdown through
 *    JupyterLab's sanitizer (no scripts, event-handler attributes,
 *    `javascript:` links, iframes or forms), math typeset to MathML without
 *    links, SVG and Vega charts as images.
 * 2. That is shown in an `<iframe sandbox="allow-scripts">` with no
 *    `allow-same-origin` (an opaque origin: no access to this page, its
 *    cookies, storage or token) whose Content-Security-Policy allows no
 *    network at all (images, fonts and media from `data:` only) and only our
 *    own script, by nonce: it reports the content's height so the frame
 *    fits, scrolls to in-frame anchors, and hands clicked web links to the
 *    page, which opens absolute http(s) links only, in a new tab without
 *    opener or referrer, and only after a real click. No popups, no
 *    navigation, no forms.
 *
 * JavaScript outputs never reach here: untrusted, the recorded registry
 * shows their text fallback instead.
 */
import {
  errorRendererFactory,
  imageRendererFactory,
  RenderMimeRegistry,
  textRendererFactory
} from '@jupyterlab/rendermime';
import type { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { Widget } from '@lumino/widgets';
import { isVegaMimeType, RECORDED_MIME_TYPES } from './outputs';
import {
  jsonToHtml,
  latexToHtml,
  markdownToHtml,
  mermaidToHtml,
  svgToHtml
} from './sandboxContent';
import { drawVegaInWorker, vegaToHtml } from './sandboxVega';
import {
  currentFrameTheme,
  frameThemeCss,
  frameThemeScript,
  IFrameTheme,
  onThemeChange,
  sameFrameTheme
} from './sandboxTheme';

/** The mime types rendered in sandboxed frames. */
export const SANDBOXED_MIME_TYPES = Object.keys(RECORDED_MIME_TYPES.SANDBOXED);

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

const BASE_CSS = `
html, body { margin: 0; padding: 0; background: transparent; }
body {
  font-family: var(--jp-content-font-family, system-ui, sans-serif);
  font-size: var(--jp-content-font-size1, 14px);
  color: var(--jp-content-font-color1, #000);
  line-height: 1.5; overflow-wrap: anywhere;
}
a { color: var(--jp-content-link-color, #1976d2); }
math[display="block"] { margin: 0.5em 0; }
.trail-latex { white-space: pre-wrap; }
.trail-note { color: var(--jp-content-font-color2, #616161); font-size: 12px; margin: 0.25em 0; }
.trail-json, .trail-mermaid { margin: 0; white-space: pre-wrap; }
details.trail-spec > summary { cursor: pointer; color: var(--jp-content-font-color2, #616161); font-size: 12px; }
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
 * our script (the theme receiver and the height reporter).
 */
export function frameDocument(
  sanitizedHtml: string,
  nonce: string,
  frameId: string,
  theme: IFrameTheme = currentFrameTheme(),
  seq = 1
): string {
  const reporter =
    `(function(){var id=${JSON.stringify(frameId)};var seq=${Math.floor(seq)};` +
    // Listening before the first report: once the page hears from the
    // frame, a theme it posts is applied, and new content.
    frameThemeScript() +
    frameContentScript() +
    // Every report says which content it measured (`seq`): the page
    // heeds only reports of the content it last gave.
    'function report(){parent.postMessage({trailFrame:id,seq:seq,' +
    'height:Math.ceil(document.documentElement.scrollHeight)},"*");}' +
    'new ResizeObserver(report).observe(document.documentElement);' +
    'addEventListener("load",report);report();' +
    // An in-frame anchor: resolved against the page's address, following
    // it would load the viewer's JupyterLab into the frame; scroll instead.
    'function target(name){var all=document.querySelectorAll("[id],[data-jupyter-id],[name]");' +
    'var lower=name.toLowerCase(),loose=null;' +
    'for(var i=0;i<all.length;i++){var e=all[i];' +
    'var keys=[e.id,e.getAttribute("data-jupyter-id"),e.getAttribute("name")];' +
    'for(var k=0;k<3;k++){if(keys[k]===name)return e;' +
    'if(!loose&&keys[k]&&keys[k].toLowerCase()===lower)loose=e;}}return loose;}' +
    // No link is ever followed inside the frame: anchors scroll, absolute
    // web links go to the page (which opens them in a new tab), anything
    // else (relative, javascript:, data:…) does nothing.
    'function onLink(e){' +
    'var a=e.target&&e.target.closest?e.target.closest("a,area"):null;' +
    'if(!a)return;e.preventDefault();' +
    'var href=(a.getAttribute("href")||a.getAttribute("xlink:href")||"").trim();' +
    'if(e.type!=="click")return;' +
    'if(href.charAt(0)==="#"){var name=href.slice(1);try{name=decodeURIComponent(name);}catch(x){}' +
    'var t=name?target(name):null;' +
    'if(t)t.scrollIntoView();else if(!name||name==="top")window.scrollTo(0,0);return;}' +
    'if(/^https?:\\/\\//i.test(href))parent.postMessage({trailFrame:id,seq:seq,open:href},"*");}' +
    'document.addEventListener("click",onLink,true);' +
    'document.addEventListener("auxclick",onLink,true);' +
    '})();';
  return (
    '<!DOCTYPE html><html><head><meta charset="utf-8">' +
    `<meta http-equiv="Content-Security-Policy" content="${framePolicy(nonce)}">` +
    `<style>${frameThemeCss(theme)}${BASE_CSS}</style></head><body>` +
    sanitizedHtml +
    `<script nonce="${nonce}">${reporter}</script></body></html>`
  );
}

/**
 * The part of the frame script that takes new content from the page (a
 * frame reused for the next outputs of its cell, instead of a new frame):
 * `{ trailFrame: <frame id>, seq: <number>, content: <static HTML> }`, from
 * the parent window only, for this frame's id only, and only newer than
 * what it shows (`seq`, which the script defines, as `id` and `report`).
 *
 * The content is the same sanitized, static HTML a new frame would get in
 * its document, and the frame's policy still holds: parsed in an inert
 * template (nothing in it loads or runs while parsed), then put in place
 * of the whole body in one step, so the old and the new content are never
 * seen together. Scripts inserted so never run (and the policy allows
 * ours only, by nonce); images, fonts and media still come from `data:`.
 */
export function frameContentScript(): string {
  return (
    'addEventListener("message",function(e){' +
    'if(e.source!==parent)return;var d=e.data;' +
    'if(!d||d.trailFrame!==id||typeof d.content!=="string")return;' +
    'if(typeof d.seq!=="number"||!(d.seq>seq))return;' +
    'var t=document.createElement("template");t.innerHTML=d.content;' +
    'document.body.replaceChildren(t.content);seq=d.seq;' +
    'window.scrollTo(0,0);report();' +
    '});'
  );
}

let frameCounter = 0;

/**
 * The live renderers by frame id, served by one window listener: a
 * listener per renderer made every frame's message cost one check per
 * frame in the page (hundreds in a replayed notebook).
 */
const renderers = new Map<string, SandboxedRenderer>();

function onFrameMessage(event: MessageEvent): void {
  const id = (event.data as { trailFrame?: unknown } | null)?.trailFrame;
  if (typeof id === 'string') {
    renderers.get(id)?.handleFrameMessage(event);
  }
}

/**
 * A renderer of HTML or Markdown into a sandboxed, network-less frame.
 */
export class SandboxedRenderer extends Widget implements IRenderMime.IRenderer {
  constructor(options: IRenderMime.IRendererOptions) {
    super();
    this.addClass('jp-Trail-Sandboxed');
    this._mimeType = options.mimeType;
    this._sanitizer = options.sanitizer;
    this._frameId = `trail-frame-${++frameCounter}`;
    if (renderers.size === 0) {
      window.addEventListener('message', onFrameMessage);
    }
    renderers.set(this._frameId, this);
    this._stopFollowingTheme = onThemeChange(this._onThemeChange);
  }

  /** The frame showing the current content, if any. */
  get frame(): HTMLIFrameElement | null {
    return this._frame;
  }

  /**
   * Show the model's content. The first content makes the frame; later
   * ones (the cell's output area reuses its renderers for a new step's
   * outputs) go to the same frame by message once its script listens, or
   * into its document while it still loads: building a new frame is most
   * of what a far jump in the replay viewer cost.
   *
   * The last content asked wins: one still being made when a newer is
   * asked is dropped, and a reused frame is hidden from the moment it is
   * given new content until it reports that content (never the previous
   * step's outputs under the new step's code).
   */
  async renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    const asked = ++this._asked;
    const html = await this._contentOf(model.data[this._mimeType]);
    if (this.isDisposed || asked !== this._asked) {
      return;
    }
    const existing = this._frame;
    const target = existing?.contentWindow;
    if (existing && target && this._frameListening) {
      this._given = asked;
      existing.style.visibility = 'hidden';
      target.postMessage(
        { trailFrame: this._frameId, seq: asked, content: html },
        '*'
      );
      return;
    }
    const frame = existing ?? this._makeFrame();
    const theme = currentFrameTheme();
    if (existing) {
      // Its document is still loading: the new one replaces it, and what
      // the old one reports is not heard (its `seq` is older).
      existing.style.visibility = 'hidden';
    }
    frame.srcdoc = frameDocument(
      html,
      randomNonce(),
      this._frameId,
      theme,
      asked
    );
    this._frameTheme = theme;
    this._frameListening = false;
    this._documentSeq = asked;
    this._given = asked;
    if (!existing) {
      this._frame = frame;
      this.node.appendChild(frame);
    }
  }

  private _makeFrame(): HTMLIFrameElement {
    const frame = document.createElement('iframe');
    // Scripts may run only by nonce (ours); no same-origin, so the frame
    // cannot touch this page, its storage or its token.
    frame.setAttribute('sandbox', 'allow-scripts');
    frame.setAttribute('referrerpolicy', 'no-referrer');
    frame.setAttribute('title', 'Recorded output (sandboxed)');
    frame.className = 'jp-Trail-SandboxFrame';
    frame.dataset.mimeType = this._mimeType;
    frame.style.width = '100%';
    frame.style.border = '0';
    frame.style.display = 'block';
    frame.style.height = '2em';
    return frame;
  }

  /**
   * The frame's content for the recorded value: static HTML only.
   */
  private async _contentOf(value: unknown): Promise<string> {
    const mime = this._mimeType;
    const text =
      typeof value === 'string'
        ? value
        : Array.isArray(value) && value.every(line => typeof line === 'string')
          ? value.join('')
          : null;
    if (isVegaMimeType(mime)) {
      let spec = value;
      if (text !== null) {
        try {
          spec = JSON.parse(text);
        } catch {
          return jsonToHtml(text);
        }
      }
      return vegaToHtml(await drawVegaInWorker(spec, mime), spec, mime);
    }
    switch (mime) {
      case 'text/html':
        return this._sanitizer.sanitize(text ?? '');
      case 'text/markdown':
        return markdownToHtml(text ?? '', this._sanitizer);
      case 'text/latex':
        return latexToHtml(text ?? '');
      case 'image/svg+xml':
        return svgToHtml(text ?? '');
      case 'text/vnd.mermaid':
        return mermaidToHtml(text ?? '');
      default:
        return jsonToHtml(value);
    }
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    renderers.delete(this._frameId);
    if (renderers.size === 0) {
      window.removeEventListener('message', onFrameMessage);
    }
    this._stopFollowingTheme();
    this._frame = null;
    super.dispose();
  }

  /**
   * A message that names this renderer's frame (by the one window
   * listener); heeded only when it comes from that frame.
   */
  handleFrameMessage(event: MessageEvent): void {
    const frame = this._frame;
    if (!frame || event.source !== frame.contentWindow) {
      return;
    }
    const data = event.data as {
      trailFrame?: unknown;
      seq?: unknown;
      height?: unknown;
      open?: unknown;
    };
    if (data?.trailFrame !== this._frameId || typeof data.seq !== 'number') {
      return;
    }
    if (data.seq < this._documentSeq) {
      // From a document the frame no longer shows.
      return;
    }
    if (!this._frameListening) {
      // The frame's script runs: from now on it hears the theme. If the
      // theme changed while the frame was loading, it missed that; tell it.
      this._frameListening = true;
      const theme = currentFrameTheme();
      if (this._frameTheme && !sameFrameTheme(theme, this._frameTheme)) {
        this._postTheme(theme);
      }
    }
    if (data.seq !== this._given) {
      // About content the frame shows no more, or that a newer is about
      // to replace: neither its size nor its links count.
      return;
    }
    if (frame.style.visibility === 'hidden') {
      frame.style.visibility = '';
    }
    if (typeof data.open === 'string') {
      // Only after a real click in the frame: a frame cannot fake one.
      if (hasUserActivation()) {
        openLink(data.open);
      }
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
  }

  private _onThemeChange = (theme: IFrameTheme): void => {
    if (this._frame && this._frameListening) {
      this._postTheme(theme);
    }
  };

  /**
   * Posts the theme to the frame (by the frame protocol: an opaque origin,
   * so to any origin; the theme is no secret).
   */
  private _postTheme(theme: IFrameTheme): void {
    const target = this._frame?.contentWindow;
    if (!target) {
      return;
    }
    target.postMessage({ trailFrame: this._frameId, theme }, '*');
    this._frameTheme = theme;
  }

  private _frame: HTMLIFrameElement | null = null;
  /** The latest content asked (`renderModel` calls), by number. */
  private _asked = 0;
  /** The number of the content the frame was last given. */
  private _given = 0;
  /** The number of the content the frame's current document came with. */
  private _documentSeq = 0;
  /** The theme the frame shows, as far as the page knows. */
  private _frameTheme: IFrameTheme | null = null;
  /** Whether the frame's script has reported, so hears what is posted. */
  private _frameListening = false;
  private _stopFollowingTheme: () => void;
  private _frameId: string;
  private _mimeType: string;
  private _sanitizer: IRenderMime.ISanitizer;
}

/**
 * Whether the page has transient user activation (a click in one of its
 * frames activates the page too); false where the browser cannot tell.
 */
export function hasUserActivation(): boolean {
  const activation = (
    navigator as Navigator & { userActivation?: { isActive: boolean } }
  ).userActivation;
  return activation?.isActive === true;
}

/**
 * Opens a link clicked in a recorded output in a new tab, without a way
 * back to this page and without telling where it came from; absolute web
 * links only.
 */
export function openLink(href: string): boolean {
  const text = href.trim();
  if (!/^https?:\/\//i.test(text)) {
    return false;
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return false;
  }
  window.open(url.href, '_blank', 'noopener,noreferrer');
  return true;
}

/** One factory per rank, all making sandboxed renderers. */
function sandboxedFactories(): IRenderMime.IRendererFactory[] {
  const byRank = new Map<number, string[]>();
  for (const [mime, rank] of Object.entries(RECORDED_MIME_TYPES.SANDBOXED)) {
    byRank.set(rank, [...(byRank.get(rank) ?? []), mime]);
  }
  return Array.from(byRank, ([rank, mimeTypes]) => ({
    safe: true,
    mimeTypes,
    defaultRank: rank,
    createRenderer: options => new SandboxedRenderer(options)
  }));
}

/**
 * The registry for recorded outputs: only sandboxed frames, JupyterLab's
 * bitmap renderer and its text renderers, with the application's
 * sanitizer. Not a clone of the application's registry: other extensions'
 * renderers (Vega, Mermaid, JSON, …) run in the page, and its Markdown
 * parser and LaTeX typesetter too.
 */
export function recordedOutputRendermime(
  rendermime: Pick<IRenderMimeRegistry, 'sanitizer'>
): IRenderMimeRegistry {
  return new RenderMimeRegistry({
    initialFactories: [
      ...sandboxedFactories(),
      imageRendererFactory,
      errorRendererFactory,
      textRendererFactory
    ],
    sanitizer: rendermime.sanitizer
  });
}
