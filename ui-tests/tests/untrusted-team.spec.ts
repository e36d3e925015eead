/**
 * Two people on one Trail server: Mallory stores hostile outputs of every
 * mime type through the API with her token; Victor, in his own JupyterLab
 * with his own token, opens them in every view that shows outputs (the
 * timeline's execution detail, a search result, a permalink, the cell's
 * history side by side). Nothing runs, no request leaves for Mallory's
 * addresses, links behave, and Victor's page stays responsive while a
 * Vega spec spins forever.
 */
import type { Browser, BrowserContext, Locator, Page } from '@playwright/test';
import * as http from 'http';
import type { AddressInfo } from 'net';
import { expect, test } from './fixtures';
import { recordedSession } from './records';
import { addMember, PersonalLab } from './team-lab';

interface IHit {
  url: string;
  referer: string | null;
}

/** A local HTTP listener that records every request it gets. */
async function startListener() {
  const hits: IHit[] = [];
  const server = http.createServer((req, res) => {
    hits.push({ url: req.url ?? '', referer: req.headers.referer ?? null });
    res.writeHead(200, {
      'Content-Type': 'text/html',
      'Access-Control-Allow-Origin': '*'
    });
    res.end('<script>opener && (opener.__pwned = "listener")</script>hit');
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    hits,
    close: () => new Promise<void>(resolve => server.close(() => resolve()))
  };
}

/** One display output. */
function display(data: Record<string, unknown>) {
  return { output_type: 'display_data', data, metadata: {} };
}

/** Mallory's outputs: one of every mime type, each hostile. */
function hostileOutputs(evil: string, link: string): unknown[] {
  const filler = Array.from(
    { length: 80 },
    (_, i) => `Filler paragraph ${i}.`
  ).join('\n\n');
  return [
    {
      output_type: 'stream',
      name: 'stdout',
      text: `report at ${link}/autolinked and more\n`
    },
    display({
      'text/html': [
        '<p class="safe-html">Safe HTML survives</p>',
        '<script>window.__pwned = "html-script"; alert(1)</script>',
        `<img src="${evil}/html-img" onerror="parent.__pwned='html-img'">`,
        '<a class="to-p" href="#p">to p</a>',
        '<a class="relative" href="/lab?reset">reset the lab</a>',
        `<a class="web" href="${link}/web-link">web link</a>`,
        '<p id="p">paragraph p</p>'
      ].join(''),
      'text/plain': 'html fallback'
    }),
    display({
      'text/markdown': [
        '[Results](#results) and [reset](/lab?reset)',
        '',
        'Thin space kept: $a\\,b$ and $$\\frac{1}{2}$$',
        '',
        `![remote](${evil}/md-image.png)`,
        '',
        '```mermaid',
        'graph TD; A-->B',
        '```',
        '',
        filler,
        '',
        '## Results',
        '',
        'The results.'
      ].join('\n'),
      'text/plain': 'markdown fallback'
    }),
    display({
      'text/latex': `$$\\href{java\tscript:parent.__pwned='latex'}{x} + \\href{${evil}/latex-href}{y} + \\url{${evil}/latex-url} + z^2$$`,
      'text/plain': 'latex fallback'
    }),
    display({
      'image/svg+xml':
        '<svg xmlns="http://www.w3.org/2000/svg" width="60" height="20" onload="parent.__pwned=\'svg\'">' +
        `<script>parent.__pwned = "svg-script"</script><image href="${evil}/svg-image" width="10" height="10"/>` +
        '<text x="0" y="15">svg text</text></svg>',
      'text/plain': 'svg fallback'
    }),
    display({
      'application/json': {
        html: '<img src=x onerror="parent.__pwned=\'json\'">',
        url: `${evil}/json`
      },
      'text/plain': 'json fallback'
    }),
    display({
      'text/vnd.mermaid': `graph TD; A["<img src=${evil}/mermaid onerror=alert(1)>"]-->B; click A "javascript:parent.__pwned='mermaid'"`,
      'text/plain': 'mermaid fallback'
    }),
    display({
      'application/vnd.vegalite.v5+json': {
        $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
        title: 'Remote data chart',
        data: { url: `${evil}/vega-lite-data.csv` },
        mark: 'point',
        encoding: {
          x: { field: 'a', type: 'quantitative' },
          y: { field: 'b', type: 'quantitative' }
        }
      },
      'text/plain': 'vega-lite fallback'
    }),
    display({
      'application/vnd.vega.v5+json': {
        $schema: 'https://vega.github.io/schema/vega/v5.json',
        width: 80,
        height: 40,
        data: [{ name: 'remote', url: `${evil}/vega-data.json` }],
        marks: [
          {
            type: 'image',
            encode: {
              enter: {
                url: { value: `${evil}/vega-image.png` },
                width: { value: 20 },
                height: { value: 20 },
                href: { value: `${evil}/vega-href` }
              }
            }
          },
          {
            type: 'text',
            encode: {
              enter: { text: { value: 'vega text' }, y: { value: 30 } }
            }
          }
        ]
      },
      'text/plain': 'vega fallback'
    }),
    // A spec that never finishes: a timer-driven signal and a regular
    // expression that backtracks for ever.
    display({
      'application/vnd.vega.v5+json': {
        $schema: 'https://vega.github.io/schema/vega/v5.json',
        signals: [
          {
            name: 'tick',
            value: 0,
            on: [{ events: 'timer{1}', update: 'tick + 1' }]
          },
          {
            name: 'spin',
            update: `test(/^(a+)+$/, '${'a'.repeat(48)}!')`
          }
        ],
        data: [{ name: 'more', url: `${evil}/loop-data.json` }],
        marks: []
      },
      'text/plain': 'loop fallback'
    }),
    display({
      'application/javascript': `window.__pwned = "js"; fetch("${evil}/js")`,
      'text/plain': 'javascript fallback text'
    }),
    display({
      'application/vnd.trail-unknown+json': { url: `${evil}/unknown` }
    })
  ];
}

/** Every mime type that gets a sandboxed frame, once per output area. */
const FRAMED = [
  'text/html',
  'text/markdown',
  'text/latex',
  'image/svg+xml',
  'application/json',
  'text/vnd.mermaid',
  'application/vnd.vegalite.v5+json',
  'application/vnd.vega.v5+json',
  'application/vnd.vega.v5+json'
];

async function openLab(lab: PersonalLab, browser: Browser) {
  const opened = await lab.open(browser);
  await opened.page.evaluate(() =>
    (window as any).jupyterapp.commands.execute('trail:open-panel')
  );
  return opened;
}

/**
 * Round-trips to the page while outputs render: none may take long.
 * Returns the slowest, in ms.
 */
async function slowestRoundTrip(page: Page, forMs: number): Promise<number> {
  let slowest = 0;
  const end = Date.now() + forMs;
  while (Date.now() < end) {
    const start = Date.now();
    await page.evaluate(() => document.title.length);
    slowest = Math.max(slowest, Date.now() - start);
    await page.waitForTimeout(100);
  }
  return slowest;
}

/**
 * The outputs of `area` are all there, rendered sandboxed or as text, and
 * the charts have been drawn (or stopped), while the page stays responsive.
 */
async function expectInert(
  page: Page,
  area: Locator,
  nothingLeaked: () => void,
  copies = 1
) {
  await expect(area.first()).toContainText('javascript fallback text', {
    timeout: 30000
  });
  // Drawing the spinning chart must not freeze the page: it is stopped.
  expect(await slowestRoundTrip(page, 6000)).toBeLessThan(1000);
  // Nothing ran and nothing was fetched while everything rendered.
  nothingLeaked();
  const frames = area.locator('iframe.jp-Trail-SandboxFrame');
  await expect(frames).toHaveCount(FRAMED.length * copies, { timeout: 30000 });
  for (const mime of new Set(FRAMED)) {
    const ofType = area.locator(
      `iframe.jp-Trail-SandboxFrame[data-mime-type="${mime}"]`
    );
    const count = FRAMED.filter(m => m === mime).length * copies;
    await expect(ofType).toHaveCount(count);
    for (let i = 0; i < count; i++) {
      await expect(ofType.nth(i)).toHaveAttribute('sandbox', 'allow-scripts');
    }
  }
  const vega = area.locator(
    'iframe[data-mime-type="application/vnd.vega.v5+json"]'
  );
  for (let i = 0; i < copies; i++) {
    await expect(
      vega
        .nth(2 * i)
        .contentFrame()
        .locator('img.trail-vega')
    ).toBeVisible({ timeout: 20000 });
    await expect(
      vega
        .nth(2 * i + 1)
        .contentFrame()
        .locator('body')
    ).toContainText(
      'Vega chart not drawn: drawing took longer than 5 s and was stopped.',
      { timeout: 20000 }
    );
  }
  await expect(area.first()).toContainText('javascript fallback text');
  await expect(area.first()).toContainText(
    '[output not shown: application/vnd.trail-unknown+json]'
  );
  await expect(area.locator('script')).toHaveCount(0);
}

test.describe('untrusted outputs of a teammate', () => {
  test.describe.configure({ timeout: 420000 });

  test("Mallory's hostile outputs of every type are inert in Victor's page, in every view", async ({
    browser,
    trail
  }) => {
    const mallory = await addMember(trail.dataDir, 'mallory', 'Mallory M');
    const victor = await addMember(trail.dataDir, 'victor', 'Victor V');
    const evil = await startListener();
    const linkTarget = await startListener();
    const recorded = recordedSession('hostile/everything.ipynb', [
      {
        code: 'show_everything()  # zebracorn',
        cellId: 'evil',
        outputs: hostileOutputs(evil.base, linkTarget.base)
      },
      {
        code: 'show_everything(again=True)  # zebracorn',
        cellId: 'evil',
        outputs: hostileOutputs(evil.base, linkTarget.base)
      }
    ]);
    await trail.ingest(recorded.events, mallory.token);
    const [first, second] = recorded.executionIds;

    const lab = new PersonalLab(8893, victor);
    await lab.start();
    let context: BrowserContext | null = null;
    try {
      const opened = await openLab(lab, browser);
      context = opened.context;
      const page = opened.page;
      const dialogs: string[] = [];
      page.on('dialog', dialog => {
        dialogs.push(dialog.message());
        void dialog.dismiss();
      });
      // Every request for Mallory's addresses that would leave the browser,
      // from any page, frame or worker, is caught (and stopped) here; the
      // listener sees any that got past. (A frame's images blocked by its
      // policy never reach the network: Playwright reports them as failed
      // with "csp", and they are not routed.)
      const leaving: string[] = [];
      await context.route(`${evil.base}/**`, route => {
        leaving.push(route.request().url());
        return route.abort();
      });
      const nothingLeaked = () => {
        expect(leaving).toEqual([]);
        expect(evil.hits).toEqual([]);
        expect(dialogs).toEqual([]);
      };
      const nothingRan = () =>
        page.evaluate(() => (window as any).__pwned ?? null);
      const panel = page.locator('#jp-trail-sidebar');
      const outputs = panel.locator('.jp-Trail-Outputs');

      // 1. The timeline: Mallory's session from the team area.
      await panel.getByRole('tab', { name: 'Team' }).click();
      await panel
        .locator(`.jp-Trail-PersonItem[data-user-id="${mallory.id}"]`)
        .click();
      await panel
        .locator(
          '.jp-Trail-NotebookItem[data-notebook-path="hostile/everything.ipynb"]'
        )
        .click();
      await panel
        .locator(
          `.jp-Trail-SessionItem[data-session-id="${recorded.sessionId}"]`
        )
        .click();
      await panel
        .locator(`.jp-Trail-ExecutionItem[data-execution-id="${first}"]`)
        .click();
      await expectInert(page, outputs, nothingLeaked);
      expect(await nothingRan()).toBeNull();

      // What each frame shows, and what its links do.
      const html = outputs
        .locator('iframe[data-mime-type="text/html"]')
        .contentFrame();
      await expect(html.locator('.safe-html')).toHaveText('Safe HTML survives');
      const markdown = outputs
        .locator('iframe[data-mime-type="text/markdown"]')
        .contentFrame();
      // Math typeset in the frame, the thin space kept.
      await expect(markdown.locator('math').first()).toBeAttached();
      await expect(markdown.locator('annotation').first()).toHaveText('a\\,b');
      await expect(markdown.locator('code.language-mermaid')).toContainText(
        'graph TD'
      );
      await expect(markdown.locator('svg')).toHaveCount(0);
      const latex = outputs
        .locator('iframe[data-mime-type="text/latex"]')
        .contentFrame();
      await expect(latex.locator('math')).toBeAttached();
      await expect(latex.locator('a, [href]')).toHaveCount(0);
      const svg = outputs
        .locator('iframe[data-mime-type="image/svg+xml"]')
        .contentFrame();
      await expect(svg.locator('img.trail-svg')).toBeVisible();
      await expect(svg.locator('svg')).toHaveCount(0);
      await expect(
        outputs
          .locator('iframe[data-mime-type="text/vnd.mermaid"]')
          .contentFrame()
          .locator('pre.trail-mermaid')
      ).toContainText('graph TD');
      await expect(
        outputs
          .locator('iframe[data-mime-type="application/json"]')
          .contentFrame()
          .locator('pre.trail-json')
      ).toContainText('onerror');
      await expect(
        outputs
          .locator('iframe[data-mime-type="application/vnd.vegalite.v5+json"]')
          .contentFrame()
          .locator('img.trail-vega')
      ).toBeVisible();

      // An in-page anchor scrolls inside its frame; the frame stays ours.
      const markdownFrame = (await outputs
        .locator('iframe[data-mime-type="text/markdown"]')
        .elementHandle())!;
      const mdFrame = (await markdownFrame.contentFrame())!;
      expect(await mdFrame.evaluate(() => scrollY)).toBe(0);
      await markdown.getByText('Results', { exact: true }).first().click();
      await expect
        .poll(() => mdFrame.evaluate(() => scrollY))
        .toBeGreaterThan(0);
      expect(mdFrame.url()).toBe('about:srcdoc');
      await html.locator('a.to-p').click();
      await expect(html.locator('.safe-html')).toBeVisible();
      // Relative links do nothing: no tab, no navigation.
      const pagesBefore = context.pages().length;
      await markdown.getByText('reset', { exact: true }).click();
      await html.locator('a.relative').click();
      await page.waitForTimeout(1000);
      expect(context.pages().length).toBe(pagesBefore);
      expect(mdFrame.url()).toBe('about:srcdoc');
      await expect(markdown.getByText('The results.')).toBeAttached();
      // Absolute web links open in a new tab, without opener or referrer,
      // from the frames and from text outputs alike.
      for (const [click, path] of [
        [() => html.locator('a.web').click(), '/web-link'],
        [
          () =>
            outputs.locator('a', { hasText: '/autolinked' }).first().click(),
          '/autolinked'
        ]
      ] as const) {
        const popup = context.waitForEvent('page');
        await click();
        const tab = await popup;
        await expect
          .poll(() => linkTarget.hits.filter(hit => hit.url === path))
          .toEqual([{ url: path, referer: null }]);
        expect(await tab.evaluate(() => window.opener)).toBeNull();
        await tab.close();
      }
      expect(page.url()).toContain('/lab');

      // 2. A search result.
      await panel.getByRole('tab', { name: 'Search' }).click();
      const input = panel.getByRole('searchbox', { name: 'Search text' });
      await input.fill('zebracorn');
      await input.press('Enter');
      const hits = panel.locator('.jp-Trail-SearchHit');
      await expect(hits).toHaveCount(2);
      await hits.first().click();
      await expect(panel.locator('.jp-Trail-ExecutionDetail')).toBeVisible();
      await expectInert(page, outputs, nothingLeaked);
      expect(await nothingRan()).toBeNull();

      // 3. A permalink.
      await page.goto(`${lab.url}/lab?trail-execution=${second}`);
      await expect(
        panel.locator(
          `.jp-Trail-ExecutionDetail[data-execution-id="${second}"]`
        )
      ).toBeVisible({ timeout: 60000 });
      await expectInert(page, outputs, nothingLeaked);
      expect(await nothingRan()).toBeNull();

      // 4. The cell's history: both runs' outputs side by side.
      await panel.getByRole('button', { name: 'History of this cell' }).click();
      const sides = panel.locator('.jp-Trail-CompareOutputs');
      await expect(panel.locator('.jp-Trail-CellRun')).toHaveCount(2);
      await expectInert(page, sides, nothingLeaked, 2);
      expect(await nothingRan()).toBeNull();

      // Give timers, lazy loads and refreshes their chance.
      await page.waitForTimeout(2000);
      expect(
        await page.evaluate(() => (window as any).__pwned)
      ).toBeUndefined();
      expect(dialogs).toEqual([]);
      nothingLeaked();
      expect(page.url()).toContain('/lab');
    } finally {
      await context?.close();
      await lab.stop();
      await evil.close();
      await linkTarget.close();
    }
  });
});
