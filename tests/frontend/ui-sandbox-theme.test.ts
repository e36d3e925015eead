/**
 * Sandboxed frames follow JupyterLab's theme: a frame starts with the
 * page's theme, and when the theme changes the page posts the new one to
 * every frame whose script listens, by the frame protocol (the frames have
 * no same-origin access to read it). The browser-level check (a frame's
 * background and text after a switch to the dark theme) is galata's
 * replay-viewer.spec.ts.
 */
import { Sanitizer } from '@jupyterlab/apputils';
import { MimeModel } from '@jupyterlab/rendermime';
import { SandboxedRenderer } from '../../src/ui/sandbox';
import {
  currentFrameTheme,
  frameThemeScript,
  onThemeChange
} from '../../src/ui/sandboxTheme';

const LIGHT = {
  '--jp-layout-color0': '#ffffff',
  '--jp-content-font-color1': 'rgba(0, 0, 0, 0.87)'
};
const DARK = {
  '--jp-layout-color0': '#111111',
  '--jp-content-font-color1': 'rgba(255, 255, 255, 1)'
};

/** Switches the page's theme as JupyterLab's theme manager does. */
function setTheme(light: boolean): void {
  const values = light ? LIGHT : DARK;
  for (const [name, value] of Object.entries(values)) {
    document.documentElement.style.setProperty(name, value);
    document.body.style.setProperty(name, value);
  }
  document.body.dataset.jpThemeLight = String(light);
  document.body.dataset.jpThemeName = light
    ? 'JupyterLab Light'
    : 'JupyterLab Dark';
  document.body.style.colorScheme = light ? 'light' : 'dark';
}

/** Lets the mutation observer run. */
const settle = () => new Promise(resolve => setTimeout(resolve, 0));

async function mount(): Promise<{
  renderer: SandboxedRenderer;
  frameId: string;
  posted: any[];
  /** The frame's script reports its height (it now listens). */
  report: () => void;
}> {
  const renderer = new SandboxedRenderer({
    mimeType: 'text/markdown',
    sanitizer: new Sanitizer(),
    resolver: null,
    linkHandler: null,
    latexTypesetter: null,
    markdownParser: null
  });
  document.body.appendChild(renderer.node);
  await renderer.renderModel(
    new MimeModel({ data: { 'text/markdown': '# Results' } })
  );
  const frame = renderer.frame!;
  const frameId = /"(trail-frame-\d+)"/.exec(frame.srcdoc)![1];
  const posted: any[] = [];
  jest
    .spyOn(frame.contentWindow!, 'postMessage')
    .mockImplementation((message: any, target?: any) => {
      expect(target).toBe('*');
      posted.push(message);
    });
  const report = () =>
    window.dispatchEvent(
      new MessageEvent('message', {
        data: { trailFrame: frameId, seq: 1, height: 40 },
        source: frame.contentWindow
      })
    );
  return { renderer, frameId, posted, report };
}

describe('sandboxed frames and the theme', () => {
  beforeEach(() => setTheme(true));
  afterEach(() => {
    document.body.innerHTML = '';
    jest.restoreAllMocks();
  });

  it('starts a frame with the page theme and its color scheme', async () => {
    setTheme(false);
    const { renderer } = await mount();
    const doc = renderer.frame!.srcdoc;
    expect(doc).toContain('color-scheme: dark;');
    expect(doc).toContain('--jp-layout-color0: #111111;');
    renderer.dispose();
  });

  it('posts the new theme to a listening frame when the theme changes', async () => {
    const { renderer, frameId, posted, report } = await mount();
    report();
    // Nothing changed since the frame was made: nothing to send.
    expect(posted).toEqual([]);
    setTheme(false);
    await settle();
    expect(posted).toEqual([
      {
        trailFrame: frameId,
        theme: {
          colorScheme: 'dark',
          variables: expect.objectContaining(DARK)
        }
      }
    ]);
    // Back to light: posted again; a body style change that leaves the
    // theme as it was (a drag's cursor) posts nothing.
    setTheme(true);
    await settle();
    document.body.style.cursor = 'grab';
    await settle();
    expect(posted).toHaveLength(2);
    expect(posted[1].theme.colorScheme).toBe('light');
    expect(posted[1].theme.variables).toMatchObject(LIGHT);
    renderer.dispose();
  });

  it('tells a frame that was still loading during the change once it reports', async () => {
    const { renderer, frameId, posted, report } = await mount();
    setTheme(false);
    await settle();
    // Its script did not run yet: a post would be lost.
    expect(posted).toEqual([]);
    report();
    expect(posted).toEqual([
      {
        trailFrame: frameId,
        theme: expect.objectContaining({ colorScheme: 'dark' })
      }
    ]);
    report();
    expect(posted).toHaveLength(1);
    renderer.dispose();
  });

  it('stops following the theme once disposed', async () => {
    const { renderer, posted, report } = await mount();
    report();
    renderer.dispose();
    setTheme(false);
    await settle();
    expect(posted).toEqual([]);
  });

  it('hears a theme from the page only, and only our variables with safe values', () => {
    const script = `var id="trail-frame-x";${frameThemeScript()}`;
    // eslint-disable-next-line no-new-func
    new Function(script)();
    const root = document.documentElement.style;
    const send = (data: unknown, source: MessageEventSource | null) =>
      window.dispatchEvent(new MessageEvent('message', { data, source }));
    const theme = {
      colorScheme: 'dark',
      variables: {
        '--jp-layout-color0': '#111111',
        '--jp-content-font-color1': 'url(https://evil.example/)',
        '--not-ours': 'red'
      }
    };
    // Not from the parent window (here the test page is its own parent).
    send({ trailFrame: 'trail-frame-x', theme }, null);
    expect(root.getPropertyValue('color-scheme')).toBe('');
    // Another frame's id.
    send({ trailFrame: 'trail-frame-y', theme }, window);
    expect(root.getPropertyValue('color-scheme')).toBe('');
    send({ trailFrame: 'trail-frame-x', theme }, window);
    expect(root.getPropertyValue('color-scheme')).toBe('dark');
    expect(root.getPropertyValue('--jp-layout-color0')).toBe('#111111');
    // Unsafe value and unknown name: not applied.
    expect(root.getPropertyValue('--jp-content-font-color1')).not.toContain(
      'evil'
    );
    expect(root.getPropertyValue('--not-ours')).toBe('');
  });
});

describe('onThemeChange', () => {
  it('calls back once per change with the new theme, and stops with the last listener', async () => {
    setTheme(true);
    const seen: string[] = [];
    const stop = onThemeChange(theme => seen.push(theme.colorScheme));
    setTheme(false);
    await settle();
    expect(seen).toEqual(['dark']);
    expect(currentFrameTheme().variables).toMatchObject(DARK);
    stop();
    setTheme(true);
    await settle();
    expect(seen).toEqual(['dark']);
  });
});
