/**
 * A session's environment in the timeline: language, platform, git, a
 * searchable package list, and a comparison with another session.
 */
import { Clipboard } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import {
  caretDownIcon,
  caretRightIcon,
  copyIcon
} from '@jupyterlab/ui-components';
import * as React from 'react';
import type { EnvironmentSnapshot } from '../records/schema';
import type {
  IEnvironmentDiff,
  SessionEnvironmentModel,
  SessionSummary
} from '../model';
import {
  baseName,
  formatAbsoluteTime,
  formatRelativeTime,
  shortHash
} from './format';
import { EmptyState, ErrorState, LoadingState } from './states';

/**
 * Packages listed at most; a search narrows the rest down.
 */
const MAX_PACKAGES_SHOWN = 500;

/**
 * The collapsible Environment section of a session. Its data is loaded the
 * first time it is opened.
 */
export function EnvironmentSection(props: {
  model: SessionEnvironmentModel;
  trans: TranslationBundle;
}): JSX.Element {
  const { model, trans } = props;
  const expanded = model.expanded;
  const environment = model.environment;
  const Caret = expanded ? caretDownIcon : caretRightIcon;
  const summary = environment
    ? `${environment.language.name} ${environment.language.version} · ${trans._n(
        '%1 package',
        '%1 packages',
        environment.packages.length
      )}`
    : '';
  return (
    <section
      className="jp-Trail-Environment"
      data-expanded={expanded ? 'true' : 'false'}
    >
      <button
        type="button"
        className="jp-Trail-Disclosure"
        aria-expanded={expanded}
        onClick={() => model.toggle()}
      >
        <Caret.react tag="span" elementSize="small" />
        <span className="jp-Trail-Disclosure-title">
          {trans.__('Environment')}
        </span>
        <span className="jp-Trail-Disclosure-summary">{summary}</span>
      </button>
      {expanded && <EnvironmentBody model={model} trans={trans} />}
    </section>
  );
}

function EnvironmentBody(props: {
  model: SessionEnvironmentModel;
  trans: TranslationBundle;
}): JSX.Element {
  const { model, trans } = props;
  const environment = model.environment;
  if (!environment) {
    if (model.error) {
      return (
        <ErrorState
          error={model.error}
          onRetry={() => void model.refresh()}
          trans={trans}
        />
      );
    }
    if (model.loaded && model.versions.length === 0) {
      return (
        <EmptyState
          message={trans.__(
            'No environment was recorded for this session: only Python (IPython) kernels report one, with kernel capture on.'
          )}
        />
      );
    }
    return <LoadingState trans={trans} />;
  }
  return (
    <div className="jp-Trail-Environment-body">
      {model.error && (
        <ErrorState
          error={model.error}
          onRetry={() => void model.refresh()}
          trans={trans}
          inline
        />
      )}
      <VersionPicker model={model} trans={trans} />
      <EnvironmentFields
        environment={environment}
        capturedAt={model.selectedVersion?.capturedAt ?? environment.capturedAt}
        trans={trans}
      />
      <GitView environment={environment} trans={trans} />
      <PackageList packages={environment.packages} trans={trans} />
      <CompareView model={model} trans={trans} />
    </div>
  );
}

function VersionPicker(props: {
  model: SessionEnvironmentModel;
  trans: TranslationBundle;
}): JSX.Element | null {
  const { model, trans } = props;
  const versions = model.versions;
  if (versions.length < 2) {
    return null;
  }
  return (
    <label className="jp-Trail-Field">
      <span>{trans.__('Version')}</span>
      <select
        className="jp-Trail-Select"
        value={model.selectedVersionId ?? ''}
        onChange={event => void model.selectVersion(event.target.value)}
      >
        {versions.map(version => (
          <option key={`${version.id}:${version.fromSeq}`} value={version.id}>
            {trans.__(
              'from execution #%1 (%2)',
              version.fromSeq,
              formatAbsoluteTime(version.capturedAt)
            )}
          </option>
        ))}
      </select>
    </label>
  );
}

function EnvironmentFields(props: {
  environment: EnvironmentSnapshot;
  /** When this session captured it (not the snapshot's first capture). */
  capturedAt: string;
  trans: TranslationBundle;
}): JSX.Element {
  const { environment: env, trans } = props;
  const fields: [string, string | undefined][] = [
    [
      trans.__('Language'),
      [
        env.language.name,
        env.language.version,
        env.language.implementation ? `(${env.language.implementation})` : ''
      ]
        .filter(Boolean)
        .join(' ')
    ],
    [
      trans.__('Platform'),
      [env.platform.system, env.platform.release, env.platform.machine]
        .filter(Boolean)
        .join(' ')
    ],
    [trans.__('Host'), env.platform.hostname],
    [
      trans.__('CPU'),
      env.cpu
        ? [env.cpu.model, env.cpu.count ? `× ${env.cpu.count}` : '']
            .filter(Boolean)
            .join(' ')
        : undefined
    ],
    [
      trans.__('GPUs'),
      (env.gpus ?? [])
        .map(gpu =>
          gpu.memoryMiB ? `${gpu.name} (${gpu.memoryMiB} MiB)` : gpu.name
        )
        .join(', ') || undefined
    ],
    [trans.__('Conda'), env.conda?.name ?? env.conda?.prefix],
    [trans.__('Folder'), env.platform.cwd],
    [trans.__('Executable'), env.language.executable],
    [trans.__('Captured'), formatAbsoluteTime(props.capturedAt)]
  ];
  return (
    <dl className="jp-Trail-Metadata">
      {fields
        .filter(([, value]) => !!value)
        .map(([label, value]) => (
          <React.Fragment key={label}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </React.Fragment>
        ))}
    </dl>
  );
}

function GitView(props: {
  environment: EnvironmentSnapshot;
  trans: TranslationBundle;
}): JSX.Element | null {
  const { trans } = props;
  const git = props.environment.git;
  const [showDiff, setShowDiff] = React.useState(false);
  if (!git) {
    return null;
  }
  return (
    <div className="jp-Trail-Git">
      <div className="jp-Trail-SectionHeader">
        <h3>{trans.__('Git')}</h3>
        {git.diff && (
          <button
            type="button"
            className="jp-Trail-Button jp-Trail-DiffToggle"
            aria-expanded={showDiff}
            onClick={() => setShowDiff(!showDiff)}
          >
            {showDiff ? trans.__('Hide diff') : trans.__('Show diff')}
          </button>
        )}
      </div>
      <dl className="jp-Trail-Metadata">
        <dt>{trans.__('Commit')}</dt>
        <dd>
          {git.commit ? (
            <span className="jp-Trail-Hash">
              <code title={git.commit}>{shortHash(git.commit, 10)}</code>
              <button
                type="button"
                className="jp-Trail-IconButton"
                title={trans.__('Copy the commit hash')}
                aria-label={trans.__('Copy the commit hash')}
                onClick={() => Clipboard.copyToSystem(git.commit as string)}
              >
                <copyIcon.react tag="span" elementSize="small" />
              </button>
            </span>
          ) : (
            trans.__('none yet')
          )}
        </dd>
        <dt>{trans.__('Branch')}</dt>
        <dd>{git.branch ?? trans.__('detached')}</dd>
        <dt>{trans.__('Working tree')}</dt>
        <dd>
          {git.dirty ? (
            <span className="jp-Trail-ChangeBadge jp-mod-changed">
              {trans.__('uncommitted changes')}
            </span>
          ) : (
            trans.__('clean')
          )}
        </dd>
      </dl>
      {showDiff && git.diff && (
        <DiffView
          diff={git.diff}
          truncated={git.diffTruncated === true}
          trans={trans}
        />
      )}
    </div>
  );
}

/**
 * A unified diff with added, removed and hunk lines told apart.
 */
export function DiffView(props: {
  diff: string;
  truncated: boolean;
  trans: TranslationBundle;
}): JSX.Element {
  const lines = props.diff.replace(/\n$/, '').split('\n');
  return (
    <>
      <pre
        className="jp-Trail-Diff"
        aria-label={props.trans.__('Uncommitted diff')}
      >
        {lines.map((line, index) => (
          <span
            key={index}
            className={`jp-Trail-DiffLine ${diffLineClass(line)}`}
          >
            {line}
            {'\n'}
          </span>
        ))}
      </pre>
      {props.truncated && (
        <p className="jp-Trail-Hint jp-Trail-DiffNote">
          {props.trans.__('The diff was cut: it is too large to keep whole.')}
        </p>
      )}
    </>
  );
}

function diffLineClass(line: string): string {
  if (
    line.startsWith('+++') ||
    line.startsWith('---') ||
    line.startsWith('diff ')
  ) {
    return 'jp-mod-file';
  }
  if (line.startsWith('@@')) {
    return 'jp-mod-hunk';
  }
  if (line.startsWith('+')) {
    return 'jp-mod-added';
  }
  if (line.startsWith('-')) {
    return 'jp-mod-removed';
  }
  return '';
}

function PackageList(props: {
  packages: EnvironmentSnapshot['packages'];
  trans: TranslationBundle;
}): JSX.Element {
  const { packages, trans } = props;
  const [query, setQuery] = React.useState('');
  const needle = query.trim().toLowerCase();
  const matches = needle
    ? packages.filter(
        p =>
          p.name.toLowerCase().includes(needle) ||
          p.version.toLowerCase().includes(needle)
      )
    : packages;
  const shown = matches.slice(0, MAX_PACKAGES_SHOWN);
  return (
    <div className="jp-Trail-Packages">
      <div className="jp-Trail-SectionHeader">
        <h3>{trans._n('%1 package', '%1 packages', packages.length)}</h3>
      </div>
      <input
        type="search"
        className="jp-Trail-Search jp-mod-styled"
        placeholder={trans.__('Search packages')}
        aria-label={trans.__('Search packages')}
        value={query}
        onChange={event => setQuery(event.target.value)}
      />
      {matches.length === 0 ? (
        <p className="jp-Trail-Hint jp-Trail-Packages-empty">
          {trans.__('No package matches “%1”.', query)}
        </p>
      ) : (
        <div className="jp-Trail-Packages-scroll">
          <table className="jp-Trail-Table jp-Trail-PackageTable">
            <tbody>
              {shown.map(p => (
                <tr key={p.name} data-package={p.name}>
                  <th scope="row">{p.name}</th>
                  <td>{p.version}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {matches.length > shown.length && (
        <p className="jp-Trail-Hint">
          {trans.__(
            '%1 more: search to narrow the list.',
            matches.length - shown.length
          )}
        </p>
      )}
    </div>
  );
}

function CompareView(props: {
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
