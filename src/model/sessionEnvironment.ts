import { diffEnvironments, IEnvironmentDiff } from '../records/environment';
import { LoadableModel, toError } from './loadable';
import type {
  EnvironmentSnapshot,
  ITrailReader,
  SessionSummary
} from './types';

/**
 * One environment version of a session: from which execution on it applies.
 */
export interface IEnvironmentVersion {
  /** The snapshot id (its content hash). */
  id: string;
  fromSeq: number;
  capturedAt: string;
}

/**
 * A session's environment: its versions (a package installed during the
 * session starts a new one), the selected version's snapshot, and a
 * comparison with another session's environment.
 *
 * #### Notes
 * Nothing is requested until `refresh()`; the panel calls it when the
 * Environment section is opened. Snapshots never change, so a loaded one
 * is never fetched again.
 */
export class SessionEnvironmentModel extends LoadableModel {
  /**
   * Create the model of one session's environment.
   */
  constructor(options: SessionEnvironmentModel.IOptions) {
    super();
    this._reader = options.reader;
    this.sessionId = options.sessionId;
  }

  /**
   * The session whose environment this is.
   */
  readonly sessionId: string;

  /**
   * Whether the panel shows the environment (its section is open).
   */
  get expanded(): boolean {
    return this._expanded;
  }

  /**
   * Open or close the environment; the first opening loads it.
   */
  toggle(): Promise<void> {
    this._expanded = !this._expanded;
    this.emitChanged();
    return this._expanded && !this.loaded ? this.refresh() : Promise.resolve();
  }

  /**
   * The session's summary, once loaded.
   */
  get session(): SessionSummary | null {
    return this._session;
  }

  /**
   * Whether the session's environment versions are known.
   */
  get loaded(): boolean {
    return this._session !== null;
  }

  /**
   * The session's environment versions, in fromSeq order (empty when the
   * kernel had no helper).
   */
  get versions(): readonly IEnvironmentVersion[] {
    return this._session?.environments ?? [];
  }

  /**
   * The id of the version shown (the latest by default), or null.
   */
  get selectedVersionId(): string | null {
    const versions = this.versions;
    if (this._selectedVersionId !== null) {
      return this._selectedVersionId;
    }
    return versions.length > 0 ? versions[versions.length - 1].id : null;
  }

  /**
   * The version shown (the latest by default), or null. Its `capturedAt`
   * is when this session captured it; the snapshot's own `capturedAt` is
   * its earliest capture in any session (snapshots are stored once per
   * content), e.g. the session before a restart.
   */
  get selectedVersion(): IEnvironmentVersion | null {
    const id = this.selectedVersionId;
    return this.versions.find(version => version.id === id) ?? null;
  }

  /**
   * The snapshot of the version shown, once loaded.
   */
  get environment(): EnvironmentSnapshot | null {
    const id = this.selectedVersionId;
    return (id !== null && this._snapshots.get(id)) || null;
  }

  /**
   * Show another version of this session's environment.
   */
  selectVersion(id: string): Promise<void> {
    this._selectedVersionId = id;
    this.emitChanged();
    return this.refresh();
  }

  /**
   * Load the session's versions and the snapshot shown. The versions are
   * asked again each time (the session may still be running and install
   * packages); snapshots only once.
   */
  refresh(): Promise<void> {
    return this.enqueue(async isCurrent => {
      const session = await this._reader.getSession(this.sessionId);
      if (!isCurrent()) {
        return;
      }
      this._session = session;
      const id = this.selectedVersionId;
      if (id !== null && !this._snapshots.has(id)) {
        const snapshot = await this._reader.getEnvironment(id);
        if (isCurrent()) {
          this._snapshots.set(id, snapshot);
        }
      }
    });
  }

  /**
   * The session compared with, or null.
   */
  get comparedSession(): SessionSummary | null {
    return this._compared;
  }

  /**
   * The environment compared with, once loaded.
   */
  get comparedEnvironment(): EnvironmentSnapshot | null {
    return this._comparedEnvironment;
  }

  /**
   * Why the comparison could not be made, or null.
   */
  get compareError(): Error | null {
    return this._compareError;
  }

  /**
   * Whether the comparison is being loaded.
   */
  get comparing(): boolean {
    return this._comparing;
  }

  /**
   * What differs from the shown environment to the compared one.
   */
  get diff(): IEnvironmentDiff | null {
    const base = this.environment;
    const other = this._comparedEnvironment;
    return base && other ? diffEnvironments(base, other) : null;
  }

  /**
   * Sessions to compare with, once loaded: the same notebook's first
   * (newest first), then the others'.
   */
  get candidates(): readonly SessionSummary[] {
    return this._candidates;
  }

  /**
   * Load the sessions one can compare with.
   */
  async loadCandidates(): Promise<void> {
    const notebook = this._session?.notebookPath;
    try {
      const [same, all] = await Promise.all([
        notebook
          ? this._reader.listSessions({ notebook, limit: 50 })
          : Promise.resolve({
              items: [] as SessionSummary[],
              nextCursor: null
            }),
        this._reader.listSessions({ limit: 50 })
      ]);
      if (this.isDisposed) {
        return;
      }
      const seen = new Set<string>([this.sessionId]);
      const candidates: SessionSummary[] = [];
      for (const session of [...same.items, ...all.items]) {
        if (!seen.has(session.id) && (session.environments?.length ?? 0) > 0) {
          seen.add(session.id);
          candidates.push(session);
        }
      }
      this._candidates = candidates;
      this._compareError = null;
    } catch (reason) {
      this._compareError = toError(reason);
    }
    this.emitChanged();
  }

  /**
   * Compare with another session's latest environment; null stops
   * comparing.
   */
  async compareWith(session: SessionSummary | null): Promise<void> {
    this._compared = session;
    this._comparedEnvironment = null;
    this._compareError = null;
    const versions = session?.environments ?? [];
    if (!session || versions.length === 0) {
      this.emitChanged();
      return;
    }
    this._comparing = true;
    this.emitChanged();
    const id = versions[versions.length - 1].id;
    try {
      const snapshot =
        this._snapshots.get(id) ?? (await this._reader.getEnvironment(id));
      if (this._compared === session) {
        this._snapshots.set(id, snapshot);
        this._comparedEnvironment = snapshot;
      }
    } catch (reason) {
      if (this._compared === session) {
        this._compareError = toError(reason);
      }
    } finally {
      if (this._compared === session) {
        this._comparing = false;
      }
      this.emitChanged();
    }
  }

  private _expanded = false;
  private _reader: ITrailReader;
  private _session: SessionSummary | null = null;
  private _selectedVersionId: string | null = null;
  private _snapshots = new Map<string, EnvironmentSnapshot>();
  private _candidates: SessionSummary[] = [];
  private _compared: SessionSummary | null = null;
  private _comparedEnvironment: EnvironmentSnapshot | null = null;
  private _compareError: Error | null = null;
  private _comparing = false;
}

/**
 * The namespace for `SessionEnvironmentModel` statics.
 */
export namespace SessionEnvironmentModel {
  /**
   * Options to create the model.
   */
  export interface IOptions {
    reader: ITrailReader;
    sessionId: string;
  }
}
