/**
 * The git state of an environment: commit, branch, whether the working tree
 * is clean, and the uncommitted diff on demand.
 */
import { Clipboard } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import { copyIcon } from '@jupyterlab/ui-components';
import * as React from 'react';
import type { EnvironmentSnapshot } from '../records/schema';
import { shortHash } from './format';

/**
 * The git section of an environment; nothing outside a repository.
 */
export function GitView(props: {
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
