/**
 * A long session in a real browser: a session of 10,000 executions opens
 * in well under a second, only a window of its rows is ever in the page,
 * and scrolling reads on by itself.
 */
import { expect, test } from './fixtures';
import { recordedSession } from './records';

test.describe('long sessions', () => {
  test.describe.configure({ timeout: 240000 });

  test('a session of 10,000 executions opens fast and scrolls with a window of rows', async ({
    page,
    trail,
    tmpPath
  }) => {
    const executions = Array.from({ length: 10000 }, (_, i) => ({
      code: `step_${i + 1} = train(step=${i + 1})`,
      outputs: [
        { output_type: 'stream', name: 'stdout', text: `step ${i + 1}\n` }
      ]
    }));
    const recorded = recordedSession(`${tmpPath}/long.ipynb`, executions);
    for (let i = 0; i < recorded.events.length; i += 1000) {
      await trail.ingest(recorded.events.slice(i, i + 1000));
    }

    await page.evaluate(() =>
      (window as any).jupyterapp.commands.execute('trail:open-panel')
    );
    const panel = page.locator('#jp-trail-sidebar');
    const session = panel.locator(
      `.jp-Trail-SessionItem[data-session-id="${recorded.sessionId}"]`
    );
    await expect(session).toContainText('10000 executions', { timeout: 20000 });

    // From the click to the first rows on screen.
    const opened = await page.evaluate(async sessionId => {
      const item = document.querySelector<HTMLElement>(
        `.jp-Trail-SessionItem[data-session-id="${sessionId}"]`
      )!;
      const started = performance.now();
      item.click();
      await new Promise<void>(resolve => {
        const check = () => {
          const row = document.querySelector(
            '.jp-Trail-TimelineView .jp-Trail-ExecutionItem'
          );
          if (row && row.getBoundingClientRect().height > 0) {
            resolve();
          } else {
            requestAnimationFrame(check);
          }
        };
        check();
      });
      return performance.now() - started;
    }, recorded.sessionId);
    console.log(
      `10k-execution session: first rows after ${Math.round(opened)} ms`
    );
    expect(opened).toBeLessThan(1000);

    // Scroll down page after page: rows load by themselves, the DOM keeps
    // only a window of them, and each scroll step renders quickly.
    const view = panel.locator('.jp-Trail-TimelineView');
    const frames: number[] = [];
    for (let step = 0; step < 30; step++) {
      frames.push(
        await view.evaluate(async node => {
          const started = performance.now();
          node.scrollTop += node.clientHeight;
          await new Promise(resolve =>
            requestAnimationFrame(() => requestAnimationFrame(resolve))
          );
          return performance.now() - started;
        })
      );
      const rows = await view.locator('.jp-Trail-ExecutionItem').count();
      expect(rows).toBeLessThan(80);
    }
    await expect
      .poll(
        async () =>
          await view
            .locator('.jp-Trail-ExecutionItem')
            .last()
            .getAttribute('data-execution-id'),
        {
          timeout: 20000
        }
      )
      .not.toBe(recorded.executionIds[49]);
    frames.sort((a, b) => a - b);
    const p90 = frames[Math.floor(frames.length * 0.9)];
    console.log(
      `scroll steps: median ${Math.round(frames[frames.length >> 1])} ms, p90 ${Math.round(p90)} ms`
    );
    expect(p90).toBeLessThan(200);

    // Keyboard: End goes to the last row loaded, wherever it is.
    await view.locator('.jp-Trail-ExecutionItem').first().focus();
    await page.keyboard.press('End');
    await expect(page.locator('.jp-Trail-ExecutionItem:focus')).toHaveCount(1);
  });
});
