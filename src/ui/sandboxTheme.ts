/**
 * The theme of sandboxed output frames (`sandbox.ts`) and how it follows
 * JupyterLab's.
 *
 * A frame has no same-origin access to the page, so it cannot read the
 * page's CSS variables itself: the page writes them into the frame's
 * document when it makes it, and posts them again, by the frame protocol,
 * whenever the theme changes. The frame's one script applies them to its
 * root (known variable names and safe values only, and only from its parent
 * window).
 *
 * A frame also declares the page's color scheme: Chromium paints an opaque
 * canvas (white, for a light scheme) behind a transparent frame whose color
 * scheme differs from its embedder's, which is what left frames light after
 * a switch to a dark theme.
 */

/** The CSS variables copied from the page so frames follow the theme. */
export const THEME_VARIABLES = [
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

/** The characters a theme value may hold in a frame. */
const SAFE_VALUE = /^[\w\s#%(),.'"-]*$/;

/**
 * The theme as a frame receives it: the variables' values and the color
 * scheme.
 */
export interface IFrameTheme {
  colorScheme: 'light' | 'dark';
  variables: Record<string, string>;
}

/** The page's current theme, as frames receive it. */
export function currentFrameTheme(): IFrameTheme {
  const style = getComputedStyle(document.body);
  const variables: Record<string, string> = {};
  for (const name of THEME_VARIABLES) {
    const value = style.getPropertyValue(name).trim();
    // Values come from our own page; still, keep them to safe characters.
    if (value && SAFE_VALUE.test(value)) {
      variables[name] = value;
    }
  }
  const colorScheme =
    document.body.dataset.jpThemeLight === 'false' ? 'dark' : 'light';
  return { colorScheme, variables };
}

/** The theme as the CSS rule a new frame's document starts with. */
export function frameThemeCss(theme: IFrameTheme): string {
  const lines = Object.entries(theme.variables).map(
    ([name, value]) => `${name}: ${value};`
  );
  return `:root { color-scheme: ${theme.colorScheme}; ${lines.join(' ')} }`;
}

/** Whether two themes would look the same in a frame. */
export function sameFrameTheme(a: IFrameTheme, b: IFrameTheme): boolean {
  return frameThemeCss(a) === frameThemeCss(b);
}

/**
 * The part of the frame script that applies a theme the parent posts as
 * `{ trailFrame: <frame id>, theme: IFrameTheme }` (the script defines `id`).
 * Anything but our variables with safe values, or a message from another
 * window, is ignored.
 */
export function frameThemeScript(): string {
  return (
    `var themeNames=${JSON.stringify(THEME_VARIABLES)};` +
    `var safeValue=${SAFE_VALUE.toString()};` +
    'addEventListener("message",function(e){' +
    'if(e.source!==parent)return;var d=e.data;' +
    'if(!d||d.trailFrame!==id||!d.theme||typeof d.theme!=="object")return;' +
    'var root=document.documentElement.style,t=d.theme;' +
    'if(t.colorScheme==="light"||t.colorScheme==="dark")' +
    'root.setProperty("color-scheme",t.colorScheme);' +
    'var v=t.variables||{};' +
    'for(var i=0;i<themeNames.length;i++){var n=themeNames[i];' +
    'var value=Object.prototype.hasOwnProperty.call(v,n)?v[n]:null;' +
    'if(typeof value==="string"&&safeValue.test(value))root.setProperty(n,value);' +
    'else root.removeProperty(n);}' +
    '});'
  );
}

/**
 * Calls back with the new theme when JupyterLab's theme changes: the theme
 * manager marks the body (`data-jp-theme-name`, `data-jp-theme-light`, its
 * color scheme) once the new theme's styles have loaded, and writes the
 * user's CSS overrides on the root element. One observer serves every
 * listener, reads the theme once per change and calls back only when it
 * differs from the last one (the body's style changes for other reasons
 * too, a drag's cursor); it stops when the last listener goes.
 */
export function onThemeChange(
  listener: (theme: IFrameTheme) => void
): () => void {
  listeners.add(listener);
  if (!observer) {
    last = currentFrameTheme();
    observer = new MutationObserver(() => {
      const theme = currentFrameTheme();
      if (last && sameFrameTheme(theme, last)) {
        return;
      }
      last = theme;
      for (const each of Array.from(listeners)) {
        each(theme);
      }
    });
    observer.observe(document.body, {
      attributes: true,
      attributeFilter: ['data-jp-theme-name', 'data-jp-theme-light', 'style']
    });
    observer.observe(document.documentElement, {
      attributes: true,
      attributeFilter: ['style']
    });
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && observer) {
      observer.disconnect();
      observer = null;
      last = null;
    }
  };
}

const listeners = new Set<(theme: IFrameTheme) => void>();
let observer: MutationObserver | null = null;
let last: IFrameTheme | null = null;
