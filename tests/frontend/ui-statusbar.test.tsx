import { Signal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';
import { DeliveryStatus, IDeliveryStatusState } from '../../src/ui/statusbar';

async function waitFor(check: () => boolean, timeoutMs = 3000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) {
      throw new Error(`Timed out waiting for ${check.toString()}`);
    }
    await new Promise(resolve => setTimeout(resolve, 10));
  }
}

describe('DeliveryStatus', () => {
  let state: IDeliveryStatusState;
  let changed: Signal<object, void>;
  let onClick: jest.Mock;
  let item: DeliveryStatus;

  beforeEach(() => {
    state = {
      recording: true,
      pending: 0,
      failed: 0,
      lastError: null,
      lastDeliveredAt: '2026-11-20T10:00:00.000Z',
      configured: true
    };
    changed = new Signal<object, void>({});
    onClick = jest.fn();
    item = new DeliveryStatus({ getState: () => state, changed, onClick });
    Widget.attach(item, document.body);
  });

  afterEach(() => {
    item.dispose();
  });

  const button = () =>
    item.node.querySelector<HTMLButtonElement>(
      'button.jp-Trail-DeliveryStatus-button'
    );

  it('shows recording and nothing waiting', async () => {
    await waitFor(() => button() !== null);
    expect(item.node.classList).toContain('jp-Trail-DeliveryStatus');
    expect(item.node.dataset.recording).toBe('true');
    expect(item.node.dataset.pending).toBe('0');
    expect(button()!.textContent).toBe('Trail');
    expect(button()!.getAttribute('aria-pressed')).toBe('true');
    expect(
      item.node.querySelector('.jp-Trail-DeliveryStatus-dot.jp-mod-recording')
    ).not.toBeNull();
  });

  it('follows the state: events waiting, errors, paused', async () => {
    await waitFor(() => button() !== null);
    state = { ...state, pending: 3 };
    changed.emit();
    await waitFor(() => button()!.textContent === 'Trail: 3 waiting');
    expect(item.node.dataset.pending).toBe('3');
    // What is counted is said: events, which are more than cell runs.
    expect(button()!.title).toContain(
      'Waiting to be sent: 3 events (cell runs, and the notebook structure when it changed)'
    );

    state = { ...state, lastError: 'The Trail server is unreachable.' };
    changed.emit();
    await waitFor(() => item.node.dataset.error === 'true');
    await waitFor(() =>
      button()!.title.includes('Last error: The Trail server is unreachable.')
    );
    expect(
      item.node.querySelector('.jp-Trail-DeliveryStatus-dot.jp-mod-warning')
    ).not.toBeNull();

    state = { ...state, recording: false, pending: 0, lastError: null };
    changed.emit();
    await waitFor(() => button()!.textContent === 'Trail: paused');
    expect(item.node.dataset.recording).toBe('false');
    expect(button()!.title).toContain('Click to resume');
  });

  it('says when no server is known', async () => {
    state = { ...state, configured: false, pending: 2 };
    changed.emit();
    await waitFor(
      () => button()?.textContent === 'Trail: no server, 2 waiting'
    );
    expect(item.node.dataset.configured).toBe('false');
  });

  it('calls onClick when clicked', async () => {
    await waitFor(() => button() !== null);
    button()!.click();
    expect(onClick).toHaveBeenCalledTimes(1);
  });

  it('stops listening once disposed', async () => {
    await waitFor(() => button() !== null);
    item.dispose();
    state = { ...state, pending: 9 };
    expect(() => changed.emit()).not.toThrow();
    expect(item.node.dataset.pending).toBe('0');
  });
});
