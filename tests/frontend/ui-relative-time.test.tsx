/**
 * Relative times ("10 seconds ago") move on while the panel shows, redrawn
 * by the panel's one clock; none of it runs while the panel is hidden.
 */
import {
  RenderMimeRegistry,
  standardRendererFactories
} from '@jupyterlab/rendermime';
import { Widget } from '@lumino/widgets';
import { TrailBrowserModel } from '../../src/model';
import { TrailSidebar } from '../../src/ui';
import { FakeReader } from './model-fake-reader';

/**
 * Wait until `find` returns something truthy, counting rounds: the clock
 * (Date) is fake here, so elapsed time cannot be measured.
 */
async function waitFor<T>(
  find: () => T | false | null | undefined,
  rounds = 300
): Promise<T> {
  for (let i = 0; i < rounds; i++) {
    const value = find();
    if (value) {
      return value;
    }
    await new Promise(resolve => setTimeout(resolve, 10));
  }
  throw new Error(`Timed out waiting for ${find.toString()}`);
}

describe('Relative times in the Trail panel', () => {
  let sidebar: TrailSidebar;
  let model: TrailBrowserModel;

  beforeEach(() => {
    // Only the clock's timer and Date are fake: React, Lumino and the
    // waits above keep real timers.
    jest.useFakeTimers({
      now: new Date('2026-11-20T10:00:10.000Z'),
      doNotFake: [
        'nextTick',
        'setImmediate',
        'clearImmediate',
        'queueMicrotask',
        'setTimeout',
        'clearTimeout',
        'requestAnimationFrame',
        'cancelAnimationFrame',
        'requestIdleCallback',
        'cancelIdleCallback',
        'performance',
        'hrtime'
      ]
    });
    const reader = new FakeReader();
    reader.addSession({ id: 's1', startedAt: '2026-11-20T10:00:00.000Z' });
    model = new TrailBrowserModel({ reader });
    sidebar = new TrailSidebar({
      model,
      rendermime: new RenderMimeRegistry({
        initialFactories: standardRendererFactories
      })
    });
    Widget.attach(sidebar, document.body);
  });

  afterEach(() => {
    sidebar.dispose();
    model.dispose();
    jest.useRealTimers();
  });

  const time = () =>
    sidebar.node.querySelector(
      '.jp-Trail-SessionItem[data-session-id="s1"] .jp-Trail-Time'
    )?.textContent;

  it('redraws them about every 30 seconds while the panel shows', async () => {
    await waitFor(() => time() === '10 seconds ago');
    await waitFor(() => model.clock.running);
    expect(jest.getTimerCount()).toBe(1);

    jest.advanceTimersByTime(30_000);
    await waitFor(() => time() === '40 seconds ago');

    jest.advanceTimersByTime(90_000);
    await waitFor(() => time() === '2 minutes ago');
  });

  it('runs no timer while the panel is hidden, and catches up when shown', async () => {
    await waitFor(() => time() === '10 seconds ago');
    await waitFor(() => model.clock.running);
    sidebar.hide();
    expect(model.active).toBe(false);
    expect(model.clock.running).toBe(false);
    expect(jest.getTimerCount()).toBe(0);

    jest.advanceTimersByTime(5 * 60_000);
    await new Promise(resolve => setTimeout(resolve, 50));
    expect(time()).toBe('10 seconds ago');

    sidebar.show();
    expect(model.clock.running).toBe(true);
    await waitFor(() => time() === '5 minutes ago');
  });

  it('redraws the team view too', async () => {
    const reader = new FakeReader();
    const bob = { id: 'u-bob', name: 'bob', displayName: 'Bob Baker' };
    reader.me = { ...bob, role: 'member' };
    reader.users = [{ ...bob, role: 'member' }];
    reader.addSession({
      id: 'b1',
      author: bob,
      startedAt: '2026-11-20T10:00:00.000Z',
      lastExecutionAt: '2026-11-20T10:00:00.000Z'
    });
    model.reader = reader;
    model.area = 'team';
    const active = () =>
      sidebar.node.querySelector('.jp-Trail-PersonItem[data-user-id="u-bob"]')
        ?.textContent ?? '';
    await waitFor(() => active().includes('active 10 seconds ago'));
    await waitFor(() => model.clock.running);
    jest.advanceTimersByTime(60_000);
    await waitFor(() => active().includes('active 1 minute ago'));
  });
});
