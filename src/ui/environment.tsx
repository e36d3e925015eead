/**
 * A session's environment in the timeline: language, platform, git, a
 * searchable package list, and a comparison with another session (each
 * part in its own environment*.tsx file).
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import { caretDownIcon, caretRightIcon } from '@jupyterlab/ui-components';
import * as React from 'react';
import type { EnvironmentSnapshot } from '../records/schema';
import type { SessionEnvironmentModel } from '../model';
import { CompareView } from './environmentCompare';
import { GitView } from './environmentGit';
import { PackageList } from './environmentPackages';
import { formatAbsoluteTime } from './format';
import { EmptyState, ErrorState, LoadingState } from './states';

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
