/**
 * Keyboard focus and reading order for the replay viewer's cells, which are
 * laid out by CSS `order` rather than by their place in the DOM.
 *
 * The viewer never moves a cell's node when the notebook's order changes
 * between steps (moving a node that holds an iframe reloads the frame, and
 * moving hundreds of nodes is what made a far slider jump take a second).
 * DOM order then differs from what the reader sees, so:
 * - the list says each cell's place (`aria-posinset`/`aria-setsize`) and
 *   owns them in the visual order (`aria-owns`), for screen readers;
 * - Tab and Shift+Tab among the focusable things of the cells go in the
 *   visual order (`VisualFocusOrder`), entering at the visually first (or
 *   last) one and leaving the cells where the browser would.
 */

/** What the keyboard can reach inside a cell, in the page's document. */
const TABBABLE =
  'a[href], button, input, select, textarea, iframe, [tabindex]:not([tabindex="-1"])';

/**
 * Tab order by visual order over a container whose children are placed
 * with CSS `order`. `shown()` gives the shown children in visual order.
 */
export class VisualFocusOrder {
  constructor(
    private readonly _container: HTMLElement,
    private readonly _shown: () => readonly HTMLElement[]
  ) {}

  /** The container's focusable things, in the order the reader sees. */
  tabbables(): HTMLElement[] {
    const found: HTMLElement[] = [];
    for (const child of this._shown()) {
      for (const node of Array.from(
        child.querySelectorAll<HTMLElement>(TABBABLE)
      )) {
        if (
          !(node as HTMLInputElement).disabled &&
          !node.closest('[hidden], .lm-mod-hidden')
        ) {
          found.push(node);
        }
      }
    }
    return found;
  }

  /**
   * Handle the viewer's keydown: Tab from a focusable thing in the cells
   * moves to its visual neighbour; true when it was handled.
   */
  handleTab(event: KeyboardEvent): boolean {
    if (event.key !== 'Tab' || event.altKey || event.ctrlKey || event.metaKey) {
      return false;
    }
    const target = event.target as HTMLElement | null;
    if (!target || !this._container.contains(target)) {
      // From outside the cells (the stepper): if the browser lands in the
      // cells, it should be at the visual end it comes from.
      this._entering = event.shiftKey ? 'backward' : 'forward';
      return false;
    }
    const list = this.tabbables();
    const at = list.indexOf(target);
    if (at === -1) {
      return false;
    }
    const next = list[at + (event.shiftKey ? -1 : 1)];
    if (next) {
      event.preventDefault();
      next.focus();
      return true;
    }
    // Past the visual end: continue from the DOM end, so the browser's own
    // move leaves the cells where it would have.
    const all = Array.from(
      this._container.querySelectorAll<HTMLElement>(TABBABLE)
    ).filter(node => list.includes(node));
    const edge = event.shiftKey ? all[0] : all[all.length - 1];
    if (edge && edge !== target) {
      edge.focus();
    }
    return false;
  }

  /**
   * Handle a focusin in the container: put the focus entering the cells by
   * Tab on the visual first (last) thing, and after leaving a frame's
   * content by Tab, on the frame's visual neighbour.
   */
  handleFocusIn(event: FocusEvent): void {
    const target = event.target as HTMLElement;
    const entering = this._entering;
    this._entering = null;
    const previous = this._last;
    this._last = target;
    if (this._pointer) {
      return;
    }
    const list = this.tabbables();
    if (list.length === 0 || !list.includes(target)) {
      return;
    }
    const from = event.relatedTarget as HTMLElement | null;
    let wanted: HTMLElement | undefined;
    if (entering && (!from || !this._container.contains(from))) {
      wanted = entering === 'forward' ? list[0] : list[list.length - 1];
    } else if (
      !from &&
      previous?.tagName === 'IFRAME' &&
      previous !== target &&
      this._container.contains(previous)
    ) {
      // Tabbed out of a frame's own content: the browser took the DOM
      // neighbour; go to the visual one.
      const forward = Boolean(
        previous.compareDocumentPosition(target) &
        Node.DOCUMENT_POSITION_FOLLOWING
      );
      const at = list.indexOf(previous);
      wanted = at === -1 ? undefined : list[at + (forward ? 1 : -1)];
    }
    if (wanted && wanted !== target) {
      this._last = wanted;
      wanted.focus();
    }
  }

  /** A pointer press: the focus that follows is the user's own choice. */
  pointerDown(): void {
    this._pointer = true;
    setTimeout(() => (this._pointer = false), 0);
  }

  private _entering: 'forward' | 'backward' | null = null;
  private _last: HTMLElement | null = null;
  private _pointer = false;
}
