import type { LoadableModel } from '../loadable';
import type {
  ITrailReader,
  SessionSummary,
  TrailArea,
  TrailView
} from '../types';

/**
 * Where one level of the panel points, without its model: its kind and
 * whatever the kind needs to build the level again (for another reader) or
 * to name it in breadcrumbs.
 */
export interface TrailPlace {
  /** The kind of level, as registered (e.g. `timeline`). */
  readonly view: TrailView;
}

/**
 * A model a level shows: filled from the server, read again on `refresh()`.
 */
export interface ILevelModel extends LoadableModel {
  /** Read again from the server; never rejects (failures land in `error`). */
  refresh(): Promise<void>;
}

/**
 * One level of the panel: a place and the model that shows it.
 */
export interface TrailLevel<
  P extends TrailPlace = TrailPlace,
  M extends ILevelModel = ILevelModel
> {
  /** The kind of level (the place's). */
  readonly view: TrailView;
  /** Where the level points. */
  readonly place: P;
  /** The model the level shows. */
  readonly model: M;
  /**
   * Models shown beside the main one, by name (a session's environment):
   * disposed and followed with it.
   */
  readonly related: Readonly<Record<string, ILevelModel>>;
}

/**
 * What the feed's changes since the last refresh touched.
 */
export interface ILevelChanges {
  /** Sessions that got something. */
  readonly sessions: Set<string>;
  /**
   * Sessions that started (a subset of `sessions`): a new replay or fork
   * of a session shown is among them.
   */
  readonly started: Set<string>;
  /** Executions annotated (their capture grew). */
  readonly executions: Set<string>;
  /** Notebooks that got something. */
  readonly notebooks: Set<string>;
  /** Whether a visibility changed (what may be read changed). */
  visibility: boolean;
}

/**
 * What a level kind may build its models with.
 */
export interface ILevelContext {
  /** Where data is read from. */
  readonly reader: ITrailReader;
  /** Items asked per page, when the panel sets it. */
  readonly pageSize?: number;
  /** The notebook path "my sessions" is restricted to, or null for all. */
  readonly notebookFilter: string | null;
  /** The id of the person the token belongs to, once known. */
  readonly me: string | null;
}

/**
 * The models one level is made of.
 */
export interface ILevelModels<M extends ILevelModel = ILevelModel> {
  /** The model the level shows. */
  model: M;
  /** Models shown beside it, by name. */
  related?: Record<string, ILevelModel>;
}

/**
 * What the panel model knows of one kind of level: how its models are made
 * and read again. The panel's view of it is registered beside
 * (`ITrailView` in tokens.ts); this half has no widget in it.
 */
export interface ILevelKind<
  P extends TrailPlace = TrailPlace,
  M extends ILevelModel = ILevelModel
> {
  /** The kind, as in `TrailPlace.view`. */
  readonly view: TrailView;
  /**
   * Whether the level lists things a person picks from (not a detail):
   * opening a session goes back to the nearest list first.
   */
  readonly list?: boolean;
  /** Make the models of a level at `place`. */
  create(place: P, context: ILevelContext): ILevelModels<M>;
  /**
   * Whether the feed's changes may concern the level (default: always).
   * Any change of visibility concerns every level, without asking.
   */
  concerns?(place: P, changed: ILevelChanges, level: TrailLevel<P, M>): boolean;
  /** Read the level again (default: its model's `refresh()`). */
  refresh?(level: TrailLevel<P, M>, changed: ILevelChanges): Promise<void>;
  /**
   * The session the level shows, if it shows one (`below` is the level
   * under it): tells whether the panel shows someone else's work.
   */
  sessionShown?(
    level: TrailLevel<P, M>,
    below: TrailLevel | null
  ): SessionSummary | null;
  /** Show a session's new summary (its visibility changed). */
  sessionChanged?(level: TrailLevel<P, M>, session: SessionSummary): void;
}

/**
 * Where the panel model finds the kind of a level.
 */
export interface ILevelKinds {
  /** The kind registered as `view`, if any. */
  levelKind(view: TrailView): ILevelKind | undefined;
}

/**
 * A fixed set of level kinds (a panel model made without a view registry).
 */
export class LevelKinds implements ILevelKinds {
  /**
   * Collect the kinds; a second kind of the same name is refused.
   */
  constructor(kinds: Iterable<ILevelKind>) {
    for (const kind of kinds) {
      if (this._kinds.has(kind.view)) {
        throw new Error(`Trail: the level kind "${kind.view}" is taken.`);
      }
      this._kinds.set(kind.view, kind);
    }
  }

  /**
   * The kind registered as `view`, if any.
   */
  levelKind(view: TrailView): ILevelKind | undefined {
    return this._kinds.get(view);
  }

  private _kinds = new Map<TrailView, ILevelKind>();
}

/** No change yet. */
export function noChanges(): ILevelChanges {
  return {
    sessions: new Set(),
    started: new Set(),
    executions: new Set(),
    notebooks: new Set(),
    visibility: false
  };
}

/** The level an area starts from. */
export const AREA_ROOTS: Record<TrailArea, TrailView> = {
  mine: 'sessions',
  team: 'people',
  search: 'search'
};

/** Every model of a level (the related ones too). */
export function modelsOf(level: TrailLevel): ILevelModel[] {
  return [level.model, ...Object.values(level.related)];
}
