/**
 * A session's "identical to Bob's session up to step 12" in the Trail
 * panel (#16 item 4): the other sessions whose first steps computed the
 * same (GET /sessions/:id/identical-prefix), read when the session shows
 * and again when it grows; nothing when none, or on a server without it.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';
import type { IdenticalPrefix, PrefixMatch } from '../client/api-schema';
import type { Person } from '../records/schema';
import { prefixText } from './identical';

/** What the section reads (a TrailClient has it). */
export interface IIdenticalPrefixReader {
  identicalPrefix(sessionId: string): Promise<IdenticalPrefix>;
}

/** See the module comment. */
export function IdenticalPrefixSection(props: {
  /** The panel's reader; read when it has `identicalPrefix`. */
  reader: object | null;
  sessionId: string;
  /** The session's number of steps: read again when it changes. */
  steps: number;
  isMe: (person: Person | undefined) => boolean;
  onOpen: (match: PrefixMatch) => void;
  trans: TranslationBundle;
}): JSX.Element | null {
  const { reader, sessionId, steps, trans } = props;
  const [matches, setMatches] = React.useState<PrefixMatch[]>([]);
  React.useEffect(() => {
    const read = (reader as Partial<IIdenticalPrefixReader> | null)
      ?.identicalPrefix;
    setMatches([]);
    if (!read || steps === 0) {
      return;
    }
    let current = true;
    read
      .call(reader, sessionId)
      .then(answer => current && setMatches(answer.matches))
      .catch(() => undefined); // an older server: nothing to say
    return () => {
      current = false;
    };
  }, [reader, sessionId, steps]);
  if (matches.length === 0) {
    return null;
  }
  const me = { isMe: props.isMe };
  return (
    <div
      className="jp-trail-IdenticalPrefix"
      aria-label={trans.__('Sessions that computed the same')}
    >
      {matches.map(match => (
        <button
          key={match.sessionId}
          type="button"
          title={trans.__(
            'Steps 1 to %1 of this session computed the same as that session’s: the same code on the same data and environment. Open it.',
            match.step
          )}
          onClick={() => props.onOpen(match)}
        >
          {prefixText(match, me, trans)}
        </button>
      ))}
    </div>
  );
}
