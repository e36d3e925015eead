import type { IDisposable } from '@lumino/disposable';
import {
  AREA_ROOTS,
  ILevelChanges,
  ILevelContext,
  ILevelKind,
  ILevelKinds,
  ILevelModel,
  modelsOf,
  TrailLevel,
  TrailPlace
} from './levels';
import type { TrailArea, TrailView } from './types';

/** The areas of the panel, each with its own stack. */
const AREAS: readonly TrailArea[] = ['mine', 'team', 'search'];

/**
 * The navigation stack of each area of the panel (my sessions, the team,
 * search): the levels opened, each with its models, built by their
 * registered kind.
 *
 * #### Notes
 * Every model's `changed` is forwarded to `onChange`. Moving does not emit:
 * whoever moves says when the move is done, once.
 */
export class LevelStacks implements IDisposable {
  /**
   * Create empty stacks.
   */
  constructor(options: LevelStacks.IOptions) {
    this._kinds = options.kinds;
    this.context = options.context;
    this._onChange = options.onChange;
  }

  /**
   * The area shown.
   */
  area: TrailArea = 'mine';

  /**
   * What levels are built with; null while nothing can be read.
   */
  readonly context: () => ILevelContext | null;

  /**
   * The stack of the area shown, from its root to the level shown (to
   * change in place, releasing what leaves it).
   */
  get shown(): TrailLevel[] {
    return this._stacks[this.area];
  }

  /**
   * Whether the stacks are disposed.
   */
  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * The root level of an area, if built.
   */
  root(area: TrailArea): TrailLevel | undefined {
    return this._stacks[area][0];
  }

  /**
   * Every level of every area.
   */
  *all(): IterableIterator<TrailLevel> {
    for (const area of AREAS) {
      yield* this._stacks[area];
    }
  }

  /**
   * The kind of a level (every level built has one).
   */
  kindOf(level: TrailLevel): ILevelKind {
    return this._kinds.levelKind(level.view)!;
  }

  /**
   * The topmost level of a kind in the area shown.
   */
  find<L extends TrailLevel = TrailLevel>(view: TrailView): L | undefined {
    const stack = this.shown;
    for (let i = stack.length - 1; i >= 0; i--) {
      if (stack[i].view === view) {
        return stack[i] as L;
      }
    }
    return undefined;
  }

  /**
   * Build every area again for the context now (another reader), at the
   * same places; with none, empty them.
   */
  rebuild(): void {
    const context = this.context();
    for (const area of AREAS) {
      const places = this._stacks[area].map(level => level.place);
      this._stacks[area].forEach(level => this.release(level));
      this._stacks[area] = context
        ? (places.length ? places : [{ view: AREA_ROOTS[area] }]).map(place =>
            this.build(place, context)
          )
        : [];
    }
  }

  /**
   * Put a level at `place` above the level shown; null while there is
   * nothing to read from or no kind is registered for it.
   */
  push(place: TrailPlace): TrailLevel | null {
    const context = this.context();
    if (!context || !this._kinds.levelKind(place.view)) {
      return null;
    }
    const level = this.build(place, context);
    this.shown.push(level);
    return level;
  }

  /** Pop levels from the top until `keep` holds for the top (or one is left). */
  popTo(keep: (level: TrailLevel) => boolean): void {
    const stack = this.shown;
    while (stack.length > 1 && !keep(stack[stack.length - 1])) {
      this.release(stack.pop()!);
    }
  }

  /**
   * Keep the levels up to `index` of the area shown.
   *
   * @returns whether any level went.
   */
  cut(index: number): boolean {
    const gone = this.shown.splice(index + 1);
    gone.forEach(level => this.release(level));
    return gone.length > 0;
  }

  /**
   * Read the levels of the area shown again: all, or with `onlyChanged`
   * those the changes may concern (any change of visibility concerns all).
   */
  refresh(
    changed: ILevelChanges,
    options: { onlyChanged?: boolean; skip?: ILevelModel | null }
  ): Promise<unknown> {
    const tasks: Promise<void>[] = [];
    for (const level of this.shown) {
      if (level.model === options.skip) {
        continue;
      }
      const kind = this.kindOf(level);
      const concerned =
        !options.onlyChanged ||
        changed.visibility ||
        (kind.concerns?.(level.place, changed, level) ?? true);
      if (concerned) {
        tasks.push(kind.refresh?.(level, changed) ?? level.model.refresh());
      }
    }
    return Promise.all(tasks);
  }

  /**
   * Make a level's models (followed until released).
   */
  build(place: TrailPlace, context: ILevelContext): TrailLevel {
    const kind = this._kinds.levelKind(place.view);
    if (!kind) {
      throw new Error(`Trail: no view is registered as "${place.view}".`);
    }
    const { model, related } = kind.create(place, context);
    const level: TrailLevel = {
      view: place.view,
      place,
      model,
      related: related ?? {}
    };
    for (const each of modelsOf(level)) {
      each.changed.connect(this._forward, this);
    }
    return level;
  }

  /** Dispose a level's models, no longer followed. */
  release(level: TrailLevel): void {
    for (const model of modelsOf(level)) {
      model.changed.disconnect(this._forward, this);
      model.dispose();
    }
  }

  /**
   * Release every level.
   */
  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    for (const area of AREAS) {
      this._stacks[area].forEach(level => this.release(level));
      this._stacks[area] = [];
    }
  }

  private _forward(): void {
    this._onChange();
  }

  private _isDisposed = false;
  private _kinds: ILevelKinds;
  private _onChange: () => void;
  private _stacks: Record<TrailArea, TrailLevel[]> = {
    mine: [],
    team: [],
    search: []
  };
}

/**
 * The namespace for `LevelStacks` statics.
 */
export namespace LevelStacks {
  /**
   * Options to create the stacks.
   */
  export interface IOptions {
    /** Where the kind of each level is found. */
    kinds: ILevelKinds;
    /** What levels are built with; null while nothing can be read. */
    context: () => ILevelContext | null;
    /** Called when a model of a level changed. */
    onChange: () => void;
  }
}
