import type { ExecutionDetailModel } from './executionDetail';
import type {
  CellHistoryPlace,
  ExecutionPlace,
  NotebookSessionsPlace,
  NotebooksPlace,
  TimelinePlace,
  TrailLevel,
  TrailPlace
} from './levels';
import type { LevelStacks } from './levelStacks';
import type { SessionListModel } from './sessionList';
import type { SessionTimelineModel } from './sessionTimeline';
import type { Person, SessionSummary } from './types';

type TimelineLevel = TrailLevel<TimelinePlace, SessionTimelineModel>;
type ExecutionLevel = TrailLevel<ExecutionPlace, ExecutionDetailModel>;

/**
 * The ways from one level of the panel to another: a session from a list,
 * an execution from anywhere (its session's timeline slips in below it), a
 * cell's runs from an execution, a person's notebooks and sessions.
 *
 * #### Notes
 * Each move changes the stacks, calls `onChange` once, then loads the level
 * opened; going back needs no load (`LevelStacks.cut`).
 */
export class TrailNavigation {
  /**
   * Create the moves over the stacks.
   */
  constructor(options: TrailNavigation.IOptions) {
    this.stacks = options.stacks;
    this._onChange = options.onChange;
  }

  /**
   * The stacks moved in.
   */
  readonly stacks: LevelStacks;

  /**
   * The session shown by the level shown, if its kind says.
   */
  sessionShown(): SessionSummary | null {
    const levels = this.stacks.shown;
    const level = levels[levels.length - 1];
    if (!level) {
      return null;
    }
    const below = levels[levels.length - 2] ?? null;
    return this.stacks.kindOf(level).sessionShown?.(level, below) ?? null;
  }

  /**
   * The opened session's summary, once known: its timeline's, else the
   * one listed.
   */
  selectedSession(): SessionSummary | null {
    const level = this.stacks.find<TimelineLevel>('timeline');
    if (!level) {
      return null;
    }
    if (level.model.session) {
      return level.model.session;
    }
    const id = level.place.sessionId;
    for (const list of [
      this.stacks.find('notebookSessions')?.model,
      this.stacks.root('mine')?.model
    ]) {
      const found = (list as SessionListModel | undefined)?.find?.(id);
      if (found) {
        return found;
      }
    }
    return null;
  }

  /**
   * Show a level of any registered kind above the level shown.
   *
   * @returns resolves once it is loaded (or failed to).
   */
  open(place: TrailPlace): Promise<void> {
    const level = this.stacks.push(place);
    this._onChange();
    return level?.model.refresh() ?? Promise.resolve();
  }

  /**
   * Show a session's timeline, above the list it was picked from.
   *
   * @returns resolves once its executions are loaded (or failed to).
   */
  openSession(id: string, summary?: SessionSummary): Promise<void> {
    const current = this.stacks.find<TimelineLevel>('timeline');
    const reuse = current?.place.sessionId === id ? current : null;
    this.stacks.popTo(
      level => !!this.stacks.kindOf(level).list || level === reuse
    );
    if (!reuse) {
      const place: TimelinePlace = { view: 'timeline', sessionId: id };
      const level = this.stacks.push(place) as TimelineLevel | null;
      if (level && summary) {
        level.model.session = summary;
      }
    }
    this._onChange();
    return (
      this.stacks.find<TimelineLevel>('timeline')?.model.refresh() ??
      Promise.resolve()
    );
  }

  /**
   * Show one execution. Once it is loaded, the level below it is its
   * session's timeline, so that going back leads there (from search, from
   * a permalink, or from another session's timeline).
   *
   * @returns resolves once the record is loaded (or failed to).
   */
  async openExecution(id: string): Promise<void> {
    const stack = this.stacks.shown;
    const shown = stack[stack.length - 1] as ExecutionLevel | undefined;
    if (shown?.view === 'execution' && shown.place.executionId === id) {
      return shown.model.refresh();
    }
    if (shown?.view === 'execution' && stack.length > 1) {
      // One execution replaces another (the previous run of a cell).
      this.stacks.release(stack.pop()!);
    }
    const place: ExecutionPlace = { view: 'execution', executionId: id };
    const level = this.stacks.push(place) as ExecutionLevel | null;
    this._onChange();
    if (!level) {
      return;
    }
    await level.model.refresh();
    const sessionId = level.model.record?.sessionId;
    const index = stack.indexOf(level);
    const context = this.stacks.context();
    if (!sessionId || index < 0 || !context) {
      return;
    }
    const below = stack[index - 1] as TimelineLevel | undefined;
    if (below?.view === 'timeline' && below.place.sessionId === sessionId) {
      return;
    }
    const timelinePlace: TimelinePlace = { view: 'timeline', sessionId };
    const timeline = this.stacks.build(timelinePlace, context);
    if (below?.view === 'timeline') {
      this.stacks.release(below);
      stack.splice(index - 1, 1, timeline);
    } else {
      stack.splice(index, 0, timeline);
    }
    this._onChange();
    await timeline.model.refresh();
  }

  /**
   * Show every run of the opened execution's cell, across sessions.
   *
   * @returns resolves once the runs are loaded (or failed to); false when
   * the execution did not come from a notebook cell.
   */
  async openCellHistory(): Promise<boolean> {
    const record = this.stacks.find<ExecutionLevel>('execution')?.model.record;
    if (!record || record.cellId === null) {
      return false;
    }
    // Alternating "History of this cell" and a run opened from it must not
    // grow the stack: an earlier history of this cell goes, with all above.
    const stack = this.stacks.shown;
    const earlier = stack.findIndex(level => {
      const place = level.place as CellHistoryPlace;
      return (
        level.view === 'cellHistory' &&
        place.notebookPath === record.notebookPath &&
        place.cellId === record.cellId
      );
    });
    if (earlier > 0) {
      stack.splice(earlier).forEach(level => this.stacks.release(level));
    } else {
      this.stacks.popTo(level => level.view !== 'cellHistory');
    }
    const place: CellHistoryPlace = {
      view: 'cellHistory',
      notebookPath: record.notebookPath,
      cellId: record.cellId,
      executionId: record.id
    };
    this.stacks.push(place);
    this._onChange();
    await this.stacks.find('cellHistory')?.model.refresh();
    return true;
  }

  /**
   * Show a person's notebooks (in the team area).
   */
  openPerson(person: Person): Promise<void> {
    this.stacks.area = 'team';
    this.stacks.popTo(level => level.view === 'people');
    const place: NotebooksPlace = {
      view: 'notebooks',
      person: personOf(person)
    };
    this.stacks.push(place);
    this._onChange();
    return this.stacks.find('notebooks')?.model.refresh() ?? Promise.resolve();
  }

  /**
   * Show one person's sessions of one notebook (in the team area).
   */
  openNotebook(person: Person, notebookPath: string): Promise<void> {
    this.stacks.area = 'team';
    const known = this.stacks.find('notebooks');
    if (!known || (known.place as NotebooksPlace).person.id !== person.id) {
      this.stacks.popTo(level => level.view === 'people');
      const place: NotebooksPlace = {
        view: 'notebooks',
        person: personOf(person)
      };
      this.stacks.push(place);
    } else {
      this.stacks.popTo(level => level === known);
    }
    const place: NotebookSessionsPlace = {
      view: 'notebookSessions',
      person: personOf(person),
      notebookPath
    };
    this.stacks.push(place);
    this._onChange();
    return (
      this.stacks.find('notebookSessions')?.model.refresh() ?? Promise.resolve()
    );
  }

  private _onChange: () => void;
}

/**
 * The namespace for `TrailNavigation` statics.
 */
export namespace TrailNavigation {
  /**
   * Options to create the moves.
   */
  export interface IOptions {
    /** The stacks moved in. */
    stacks: LevelStacks;
    /** Called once a move is done. */
    onChange: () => void;
  }
}

/** A Person without extra fields (role, counts) that would go stale. */
function personOf(person: Person): Person {
  return { id: person.id, name: person.name, displayName: person.displayName };
}
