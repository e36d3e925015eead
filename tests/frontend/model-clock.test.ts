/**
 * The clock of the panel's relative times: one timer, running only while
 * the panel is active and a view follows it.
 */
import { TrailBrowserModel, TrailClock } from '../../src/model';

describe('TrailClock', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  it('ticks on its interval only while followed and active', () => {
    const clock = new TrailClock({ intervalMs: 1000 });
    const ticks: number[] = [];
    clock.ticked.connect((_, now) => ticks.push(now));
    jest.advanceTimersByTime(5000);
    expect(clock.running).toBe(false);
    expect(ticks).toHaveLength(0);

    const first = clock.follow();
    const second = clock.follow();
    expect(clock.running).toBe(true);
    expect(jest.getTimerCount()).toBe(1);
    jest.advanceTimersByTime(3000);
    expect(ticks).toHaveLength(3);

    clock.active = false;
    expect(clock.running).toBe(false);
    jest.advanceTimersByTime(5000);
    expect(ticks).toHaveLength(3);

    // Shown again: one tick at once, then on the interval.
    clock.active = true;
    expect(ticks).toHaveLength(4);
    jest.advanceTimersByTime(1000);
    expect(ticks).toHaveLength(5);

    first.dispose();
    first.dispose();
    expect(clock.running).toBe(true);
    second.dispose();
    expect(clock.running).toBe(false);
    expect(jest.getTimerCount()).toBe(0);
    clock.dispose();
  });

  it('does not tick on showing when nothing follows it', () => {
    const clock = new TrailClock({ intervalMs: 1000 });
    const ticked = jest.fn();
    clock.ticked.connect(ticked);
    clock.active = false;
    clock.active = true;
    expect(ticked).not.toHaveBeenCalled();
    clock.dispose();
  });

  it('stops for good when disposed', () => {
    const clock = new TrailClock({ intervalMs: 1000 });
    clock.follow();
    clock.dispose();
    expect(clock.running).toBe(false);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('follows the browser model: active with the panel, disposed with it', () => {
    const model = new TrailBrowserModel({ clockIntervalMs: 1000 });
    model.clock.follow();
    expect(model.clock.running).toBe(true);
    model.active = false;
    expect(model.clock.running).toBe(false);
    model.active = true;
    expect(model.clock.running).toBe(true);
    model.dispose();
    expect(model.clock.isDisposed).toBe(true);
    expect(jest.getTimerCount()).toBe(0);
  });
});
