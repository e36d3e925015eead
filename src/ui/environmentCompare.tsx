/**
 * Comparing a session's environment with another session's: the session
 * picker and what differs (src/records/environment.ts says how).
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';
import type { IEnvironmentDiff } from '../records/environment';
import type { SessionEnvironmentModel, SessionSummary } from '../model';
import { baseName, formatRelativeTime } from './format';
import { ErrorState, LoadingState } from './states';

/**
 * The "Compare with…" picker (this notebook's sessions first) and the
 * differences once a session is chosen.
 */
export function CompareView(props: {
  model: SessionEnvironmentModel;
  trans: TranslationBundle;
}): JSX.Element {
  const { model, trans } = props;
  const notebook = model.session?.notebookPath;
  const candidates = model.candidates;
  const same = candidates.filter(s => s.notebookPath === notebook);
  const others = candidates.filter(s => s.notebookPath !== notebook);
  // A teammate's session says whose it is.
  const ownAuthor = model.session?.author?.id;
  const label = (session: SessionSummary) =>
    [
      baseName(session.notebookPath),
      session.author && session.author.id !== ownAuthor
        ? session.author.displayName || session.author.name
        : '',
      formatRelativeTime(session.startedAt),
      session.kernel?.displayName ?? ''
    ]
      .filter(Boolean)
      .join(' · ');
  const [loadingCandidates, setLoadingCandidates] = React.useState(false);
  const loadCandidates = () => {
    if (!loadingCandidates && candidates.length === 0) {
      setLoadingCandidates(true);
      void model.loadCandidates().finally(() => setLoadingCandidates(false));
    }
  };
  const diff = model.diff;
  return (
    <div className="jp-Trail-Compare">
      <div className="jp-Trail-SectionHeader">
        <h3>{trans.__('Compare with…')}</h3>
      </div>
      <select
        className="jp-Trail-Select jp-Trail-CompareSelect"
        aria-label={trans.__('Compare with another session')}
        value={model.comparedSession?.id ?? ''}
        onFocus={loadCandidates}
        onMouseDown={loadCandidates}
        onChange={event => {
          const id = event.target.value;
          void model.compareWith(candidates.find(s => s.id === id) ?? null);
        }}
      >
        <option value="">
          {loadingCandidates
            ? trans.__('Loading sessions…')
            : trans.__('Choose a session')}
        </option>
        {same.length > 0 && (
          <optgroup label={trans.__('This notebook')}>
            {same.map(session => (
              <option key={session.id} value={session.id}>
                {label(session)}
              </option>
            ))}
          </optgroup>
        )}
        {others.length > 0 && (
          <optgroup label={trans.__('Other notebooks')}>
            {others.map(session => (
              <option key={session.id} value={session.id}>
                {label(session)}
              </option>
            ))}
          </optgroup>
        )}
      </select>
      {model.compareError && (
        <ErrorState
          error={model.compareError}
          onRetry={() =>
            void (model.comparedSession
              ? model.compareWith(model.comparedSession)
              : model.loadCandidates())
          }
          trans={trans}
          inline
        />
      )}
      {model.comparing && <LoadingState trans={trans} />}
      {diff && <EnvironmentDiffView diff={diff} trans={trans} />}
    </div>
  );
}

/**
 * What changed from this session's environment to the compared one.
 */
export function EnvironmentDiffView(props: {
  diff: IEnvironmentDiff;
  trans: TranslationBundle;
}): JSX.Element {
  const { diff, trans } = props;
  const total =
    diff.added.length +
    diff.removed.length +
    diff.changed.length +
    diff.fields.length;
  if (total === 0) {
    return (
      <p className="jp-Trail-Hint jp-Trail-EnvDiff-same">
        {trans.__('Same packages, language and platform.')}
      </p>
    );
  }
  return (
    <div className="jp-Trail-EnvDiff">
      <p className="jp-Trail-EnvDiff-summary">
        {trans.__(
          '%1 added, %2 removed, %3 changed',
          diff.added.length,
          diff.removed.length,
          diff.changed.length
        )}
      </p>
      <table className="jp-Trail-Table">
        <tbody>
          {diff.fields.map(field => (
            <tr key={`f:${field.label}`} className="jp-Trail-EnvDiff-field">
              <th scope="row">{field.label}</th>
              <td>
                <del>{field.before || '—'}</del> →{' '}
                <ins>{field.after || '—'}</ins>
              </td>
            </tr>
          ))}
          {diff.changed.map(p => (
            <tr key={`c:${p.name}`} className="jp-Trail-EnvDiff-changed">
              <th scope="row">{p.name}</th>
              <td>
                <del>{p.before}</del> → <ins>{p.after}</ins>
              </td>
            </tr>
          ))}
          {diff.added.map(p => (
            <tr key={`a:${p.name}`} className="jp-Trail-EnvDiff-added">
              <th scope="row">+ {p.name}</th>
              <td>
                <ins>{p.version}</ins>
              </td>
            </tr>
          ))}
          {diff.removed.map(p => (
            <tr key={`r:${p.name}`} className="jp-Trail-EnvDiff-removed">
              <th scope="row">− {p.name}</th>
              <td>
                <del>{p.version}</del>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
