import { Notification } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import { lockIcon, usersIcon } from '@jupyterlab/ui-components';
import * as React from 'react';
import type { Visibility } from '../model';
import { describeLoadError } from './format';

/**
 * A lock that says a session or notebook is private (only its author reads
 * it); nothing for team ones.
 */
export function PrivateMark(props: {
  visibility: Visibility | undefined;
  trans: TranslationBundle;
}): JSX.Element | null {
  if (props.visibility !== 'private') {
    return null;
  }
  const label = props.trans.__('Private: only you can see it');
  return (
    <span className="jp-Trail-PrivateMark" title={label} aria-label={label}>
      <lockIcon.react tag="span" className="jp-Trail-PrivateMark-icon" />
    </span>
  );
}

/**
 * Who may read a session or a notebook: a labelled choice between the team
 * and only me. The change is asked of the server; a refusal is told once,
 * as a notification, and the choice goes back.
 */
export function VisibilityControl(props: {
  /** What is being set, for the label: 'session' or 'notebook'. */
  subject: 'session' | 'notebook';
  /** The current rule; null when none was set (each session keeps its own). */
  value: Visibility | null;
  onChange: (value: Visibility) => Promise<unknown>;
  trans: TranslationBundle;
}): JSX.Element {
  const { trans } = props;
  const [pending, setPending] = React.useState<Visibility | null>(null);
  const shown: Visibility | null = pending ?? props.value;
  const label =
    props.subject === 'session'
      ? trans.__('Who can see this session')
      : trans.__('Who can see this notebook’s sessions');
  const change = async (value: Visibility) => {
    setPending(value);
    try {
      await props.onChange(value);
    } catch (reason) {
      const error =
        reason instanceof Error ? reason : new Error(String(reason));
      const { title, message } = describeLoadError(error, trans);
      Notification.error(
        `${trans.__('Visibility not changed')}: ${title}. ${message}`,
        {
          autoClose: 8000
        }
      );
      console.error('Trail: visibility not changed', reason);
    } finally {
      setPending(null);
    }
  };
  const Icon = shown === 'private' ? lockIcon : usersIcon;
  // "shown" is null only for a notebook without a rule of its own.
  return (
    <label
      className="jp-Trail-Visibility"
      data-visibility={shown ?? 'unset'}
      title={
        shown === 'private'
          ? trans.__('Private: only you can see it')
          : shown === 'team'
            ? trans.__('Team: everyone on this Trail server can see it')
            : trans.__(
                'No rule for this notebook: each session is as it was recorded (team unless the notebook asked for private)'
              )
      }
    >
      <Icon.react tag="span" className="jp-Trail-Visibility-icon" />
      <span className="jp-Trail-Visibility-label">
        {trans.__('Visible to')}
      </span>
      <select
        className="jp-Trail-Visibility-select"
        aria-label={label}
        value={shown ?? ''}
        disabled={pending !== null}
        onChange={event =>
          event.target.value && void change(event.target.value as Visibility)
        }
      >
        {shown === null && (
          <option value="" disabled>
            {trans.__('Each session as recorded')}
          </option>
        )}
        <option value="team">{trans.__('Team')}</option>
        <option value="private">{trans.__('Only me (private)')}</option>
      </select>
    </label>
  );
}
