/**
 * The environment versions of sessions (environment.captured events) and
 * when each distinct snapshot was first captured.
 */
import type { SessionSummary } from '../../src/records/schema';
import { compareIds, timeMs } from './time-order';

/** One environment version of a session. */
export type EnvironmentVersion = NonNullable<
  SessionSummary['environments']
>[number];

/** Order of versions: fromSeq, then capture time, then id. */
function compareVersions(a: EnvironmentVersion, b: EnvironmentVersion): number {
  return (
    a.fromSeq - b.fromSeq ||
    timeMs(a.capturedAt) - timeMs(b.capturedAt) ||
    compareIds(a.id, b.id)
  );
}

/** See the module comment. */
export class EnvironmentIndex {
  /** Versions by session id, in compareVersions order. */
  private readonly bySession = new Map<string, EnvironmentVersion[]>();
  /** The earliest capturedAt of each snapshot id. */
  private readonly firstCaptured = new Map<string, string>();

  /** Indexes a stored environment.captured event. */
  add(sessionId: string, version: EnvironmentVersion): void {
    const list = this.bySession.get(sessionId);
    if (!list) {
      this.bySession.set(sessionId, [version]);
    } else {
      let at = list.length;
      while (at > 0 && compareVersions(list[at - 1], version) > 0) {
        at--;
      }
      list.splice(at, 0, version);
    }
    const first = this.firstCaptured.get(version.id);
    if (first === undefined || timeMs(version.capturedAt) < timeMs(first)) {
      this.firstCaptured.set(version.id, version.capturedAt);
    }
  }

  /**
   * A session's versions in fromSeq order, or undefined when it has none.
   * A version equal to the one before it (the same snapshot captured
   * again, e.g. after a page reload) is left out: it changes nothing for
   * the executions from its fromSeq on.
   */
  versions(sessionId: string): EnvironmentVersion[] | undefined {
    const list = this.bySession.get(sessionId);
    return list?.filter((v, i) => i === 0 || list[i - 1].id !== v.id);
  }

  /** The earliest capturedAt of a stored snapshot, or undefined. */
  firstCapturedAt(id: string): string | undefined {
    return this.firstCaptured.get(id);
  }
}
