/**
 * What a sandboxed frame shows for each recorded mime type, as HTML.
 *
 * Everything here runs in the page but does bounded work on strings only:
 * no script from the output runs, nothing is fetched, and the result still
 * goes into a frame with no network (see `sandbox.ts`).
 *
 * - Markdown is parsed by our own `marked` instance (not the application's
 *   parser, whose extensions draw Mermaid diagrams in the page), with math
 *   kept out of the parser's way as JupyterLab does, so `\,` survives.
 * - Math (Markdown and LaTeX outputs) is typeset by KaTeX to MathML, with
 *   no `\href`, `\url` or other trusted commands and a bound on macro
 *   expansion; browsers draw MathML without scripts or fonts to fetch.
 * - SVG becomes a `data:` image, which never runs scripts or loads anything.
 * - JSON and Mermaid show as text.
 */
import { removeMath } from '@jupyterlab/rendermime';
import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import katex from 'katex';
import { Marked } from 'marked';

/** The longest text shown as text (JSON, Mermaid source), in characters. */
export const MAX_TEXT_LENGTH = 200_000;

/** The longest formula typeset; longer ones are shown as their source. */
export const MAX_FORMULA_LENGTH = 20_000;

const markdown = new Marked({ gfm: true, breaks: false, async: false });

/** A placeholder removeMath leaves where it took a formula out. */
const PLACEHOLDER = /@@(\d+)@@/g;

/**
 * Escape text for HTML.
 */
export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    c =>
      ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[
        c
      ]!
  );
}

/**
 * Typeset one formula as removeMath found it (with its delimiters) into
 * MathML; a formula KaTeX cannot read shows as its source, in red.
 */
export function typesetFormula(source: string): string {
  if (source.startsWith('@@')) {
    // Text that looked like a placeholder, kept as it was.
    return escapeHtml(source);
  }
  let tex = source;
  let displayMode = false;
  const delimiters: [string, string, boolean][] = [
    ['$$', '$$', true],
    ['\\\\[', '\\\\]', true],
    ['\\[', '\\]', true],
    ['\\\\(', '\\\\)', false],
    ['\\(', '\\)', false],
    ['$', '$', false]
  ];
  for (const [open, close, display] of delimiters) {
    if (
      tex.length >= open.length + close.length &&
      tex.startsWith(open) &&
      tex.endsWith(close)
    ) {
      tex = tex.slice(open.length, tex.length - close.length);
      displayMode = display;
      break;
    }
  }
  if (/^\\begin\{/.test(source)) {
    displayMode = true;
  }
  if (tex.length > MAX_FORMULA_LENGTH) {
    return `<code class="trail-math-source">${escapeHtml(source)}</code>`;
  }
  return katex.renderToString(tex, {
    displayMode,
    output: 'mathml',
    throwOnError: false,
    // No \href, \url, \includegraphics, \htmlClass…: links and images
    // from a formula would be the author's, not the viewer's choice.
    trust: false,
    strict: 'ignore',
    maxExpand: 1000,
    maxSize: 50
  });
}

/**
 * Put typeset formulas where removeMath left placeholders, in text only
 * (a placeholder inside an attribute gets the formula's source back).
 */
function restoreMath(html: string, math: string[]): string {
  if (!math.length) {
    return html;
  }
  const template = document.createElement('template');
  // A template's content is inert: nothing in it loads or runs.
  template.innerHTML = html;
  const root = template.content;
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const texts: Text[] = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if ((node as Text).data.includes('@@')) {
      texts.push(node as Text);
    }
  }
  for (const text of texts) {
    const parts = text.data.split(/(@@\d+@@)/);
    const fragment = document.createElement('template');
    fragment.innerHTML = parts
      .map((part, i) => {
        const index = /^@@(\d+)@@$/.exec(part);
        return i % 2 === 1 && index && math[+index[1]] !== undefined
          ? typesetFormula(math[+index[1]])
          : escapeHtml(part);
      })
      .join('');
    text.replaceWith(fragment.content);
  }
  for (const element of Array.from(root.querySelectorAll('*'))) {
    for (const attr of Array.from(element.attributes)) {
      if (attr.value.includes('@@')) {
        element.setAttribute(
          attr.name,
          attr.value.replace(PLACEHOLDER, (whole, n) => math[+n] ?? whole)
        );
      }
    }
  }
  return template.innerHTML;
}

/**
 * Give headings the ids JupyterLab gives them (their text, spaces as
 * dashes), so that in-page links to them work inside the frame.
 */
function anchorHeadings(html: string): string {
  const template = document.createElement('template');
  template.innerHTML = html;
  for (const heading of Array.from(
    template.content.querySelectorAll('h1, h2, h3, h4, h5, h6')
  )) {
    if (!heading.id && heading.textContent) {
      heading.id = heading.textContent.trim().replace(/ /g, '-');
    }
  }
  return template.innerHTML;
}

/**
 * Markdown as sanitized HTML with typeset math.
 */
export function markdownToHtml(
  source: string,
  sanitizer: IRenderMime.ISanitizer
): string {
  const { text, math } = removeMath(source);
  const parsed = markdown.parse(text) as string;
  return anchorHeadings(restoreMath(sanitizer.sanitize(parsed), math));
}

/**
 * A LaTeX output (text with formulas) as HTML with typeset math.
 */
export function latexToHtml(source: string): string {
  const { text, math } = removeMath(source);
  return `<div class="trail-latex">${restoreMath(escapeHtml(text), math)}</div>`;
}

/**
 * An SVG document as an image: an image never runs its scripts or loads
 * what it links to.
 */
export function svgToHtml(source: string): string {
  return svgImage(source, 'trail-svg', 'SVG output');
}

/**
 * An SVG document as a `data:` image with the class and alt text given.
 */
export function svgImage(svg: string, className: string, alt: string): string {
  const src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
  return `<img class="${className}" alt="${escapeHtml(alt)}" src="${escapeHtml(src)}">`;
}

/**
 * Text shown as it is, cut at MAX_TEXT_LENGTH.
 */
export function textToHtml(text: string, className: string): string {
  const cut =
    text.length > MAX_TEXT_LENGTH
      ? `${text.slice(0, MAX_TEXT_LENGTH)}\n… (${text.length - MAX_TEXT_LENGTH} more characters not shown)`
      : text;
  return `<pre class="${className}">${escapeHtml(cut)}</pre>`;
}

/**
 * A JSON value, indented.
 */
export function jsonToHtml(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value, null, 2) ?? String(value);
  } catch {
    text = String(value);
  }
  return textToHtml(text, 'trail-json');
}

/**
 * A Mermaid diagram as its source: drawing it needs Mermaid's scripts and
 * an unbounded layout in the page.
 */
export function mermaidToHtml(source: string): string {
  return (
    '<p class="trail-note">Mermaid diagram (source):</p>' +
    textToHtml(source, 'trail-mermaid')
  );
}
