import type { ISignal } from '@lumino/signaling';
import { Signal } from '@lumino/signaling';
import type { ILevelKind, TrailView } from '../model';
import type { ITrailView, IViewRegistry } from '../tokens';

/**
 * The views of the Trail panel, by kind. The panel plugin makes one with
 * the panel's own views and provides it as `IViewRegistry`.
 */
export class TrailViewRegistry implements IViewRegistry {
  /**
   * Create the registry with its first views.
   */
  constructor(views: Iterable<ITrailView> = []) {
    for (const view of views) {
      this.add(view);
    }
  }

  /** Emitted when a view is added. */
  get added(): ISignal<this, ITrailView> {
    return this._added;
  }

  /** The views, in the order added. */
  get views(): readonly ITrailView[] {
    return [...this._views.values()];
  }

  /**
   * Add a view; it stays for the session.
   *
   * @throws when a view of the same kind is registered.
   */
  add(view: ITrailView): void {
    const kind = view.level.view;
    if (this._views.has(kind)) {
      throw new Error(`Trail: a view "${kind}" is already registered.`);
    }
    this._views.set(kind, view);
    this._added.emit(view);
  }

  /** The view registered as `view`, if any. */
  get(view: TrailView): ITrailView | undefined {
    return this._views.get(view);
  }

  /** The model half of the view registered as `view`, if any. */
  levelKind(view: TrailView): ILevelKind | undefined {
    return this._views.get(view)?.level;
  }

  private _added = new Signal<this, ITrailView>(this);
  private _views = new Map<TrailView, ITrailView>();
}
