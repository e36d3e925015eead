/**
 * The replay viewer lays its cells out by CSS `order` and never moves their
 * nodes: Tab must still go through them in the order the reader sees.
 */
import { VisualFocusOrder } from '../../src/ui/replay/visualOrder';

/** Cells in DOM order a, b, c, shown (visual order) as c, a, b. */
function cells(): {
  container: HTMLElement;
  order: VisualFocusOrder;
  button: (id: string) => HTMLButtonElement;
  outside: HTMLButtonElement;
} {
  document.body.replaceChildren();
  const before = document.createElement('button');
  before.textContent = 'stepper';
  const container = document.createElement('div');
  for (const id of ['a', 'b', 'c']) {
    const cell = document.createElement('div');
    cell.dataset.id = id;
    const button = document.createElement('button');
    button.id = `button-${id}`;
    cell.append(button);
    container.append(cell);
  }
  const outside = document.createElement('button');
  document.body.append(before, container, outside);
  const byId = (id: string) =>
    container.querySelector<HTMLElement>(`[data-id="${id}"]`)!;
  const order = new VisualFocusOrder(container, () =>
    ['c', 'a', 'b'].map(byId)
  );
  const button = (id: string) =>
    document.getElementById(`button-${id}`) as HTMLButtonElement;
  return { container, order, button, outside };
}

function tab(target: HTMLElement, shiftKey = false): KeyboardEvent {
  const event = new KeyboardEvent('keydown', {
    key: 'Tab',
    shiftKey,
    bubbles: true,
    cancelable: true
  });
  Object.defineProperty(event, 'target', { value: target });
  return event;
}

describe('VisualFocusOrder', () => {
  it('lists the focusable things in visual order, not DOM order', () => {
    const { order, button } = cells();
    expect(order.tabbables()).toEqual([button('c'), button('a'), button('b')]);
  });

  it('moves Tab and Shift+Tab to the visual neighbour', () => {
    const { order, button } = cells();
    button('c').focus();
    const forward = tab(button('c'));
    expect(order.handleTab(forward)).toBe(true);
    expect(forward.defaultPrevented).toBe(true);
    expect(document.activeElement).toBe(button('a'));
    order.handleTab(tab(button('a')));
    expect(document.activeElement).toBe(button('b'));
    order.handleTab(tab(button('b'), true));
    expect(document.activeElement).toBe(button('a'));
  });

  it('leaves the cells from their DOM end past the visual end', () => {
    const { order, button } = cells();
    button('b').focus();
    const last = tab(button('b'));
    // b is the visual last: the browser's own Tab continues from the DOM
    // last (c), which leaves the cells.
    expect(order.handleTab(last)).toBe(false);
    expect(last.defaultPrevented).toBe(false);
    expect(document.activeElement).toBe(button('c'));
  });

  it('enters the cells by Tab at the visual first', () => {
    const { order, button, container } = cells();
    container.addEventListener('focusin', event => order.handleFocusIn(event));
    const stepper = document.body.firstElementChild as HTMLElement;
    stepper.focus();
    expect(order.handleTab(tab(stepper))).toBe(false);
    // The browser lands on the DOM first (a); it is put on c.
    button('a').focus();
    expect(document.activeElement).toBe(button('c'));
    // A focus by a click is left where it is, even after a Tab outside.
    stepper.focus();
    order.handleTab(tab(stepper));
    order.pointerDown();
    button('b').focus();
    expect(document.activeElement).toBe(button('b'));
  });
});
