/**
 * A fork (or replay) compared with its parent, in the main area (issue #14
 * item 5): who ran which notebook up to which step on each side, then the
 * params, metrics, substituted inputs and the steps whose outputs differ.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget, UseSignal } from '@jupyterlab/ui-components';
import type { Message } from '@lumino/messaging';
import * as React from 'react';
import type {
  ILineageComparison,
  ParentComparisonModel
} from '../../model/fork/comparison';
import type { SessionSummary } from '../../records/schema';
import { baseName, formatAbsoluteTime, formatRelativeTime } from '../format';
import { EmptyState, ErrorState, LoadingState } from '../states';
import {
  InputsSection,
  MetricsSection,
  ParamsSection,
  StepsSection
} from './comparisonSections';

/**
 * The comparison widget: reads its model when first attached.
 */
export class ParentComparisonView extends ReactWidget {
  constructor(options: ParentComparisonView.IOptions) {
    super();
    this._options = options;
    this.addClass('jp-Trail-Lineage');
  }

  /** The model shown. */
  get model(): ParentComparisonModel {
    return this._options.model;
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._options.model.dispose();
    super.dispose();
  }

  protected onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    if (this.model.state === 'idle') {
      void this.model.refresh();
    }
  }

  protected render(): JSX.Element {
    return (
      <UseSignal signal={this._options.model.changed}>
        {() => <ComparisonBody {...this._options} />}
      </UseSignal>
    );
  }

  private _options: ParentComparisonView.IOptions;
}

/** The namespace for `ParentComparisonView` statics. */
export namespace ParentComparisonView {
  export interface IOptions {
    model: ParentComparisonModel;
    trans: TranslationBundle;
    /** Whether a person is the user (their name reads "You"). */
    isMe?: (personId: string) => boolean;
    /** Opens the replay viewer at an execution's step, when offered. */
    onOpenStep?: (executionId: string) => void;
    /** Opens a session in the Trail panel, when offered. */
    onOpenSession?: (sessionId: string) => void;
  }
}

function ComparisonBody(props: ParentComparisonView.IOptions): JSX.Element {
  const { model, trans } = props;
  const comparison = model.comparison;
  const state = model.state;
  if (!comparison) {
    return (
      <div className="jp-Trail-Lineage-body">
        <h2 className="jp-Trail-Lineage-title">
          {trans.__('Compare with parent')}
        </h2>
        {state === 'not-found' ? (
          <EmptyState
            message={trans.__(
              'Session %1 has no parent to compare with: it is not a fork or replay, or its parent (or the session itself) is not one you can read.',
              model.sessionId
            )}
          />
        ) : state === 'error' && model.error ? (
          <ErrorState
            error={model.error}
            onRetry={() => void model.refresh()}
            trans={trans}
          />
        ) : (
          <LoadingState trans={trans} />
        )}
      </div>
    );
  }
  const fork = comparison.parent.kind === 'fork';
  const differing = model.differingSteps;
  return (
    <div className="jp-Trail-Lineage-body">
      <h2 className="jp-Trail-Lineage-title">
        {fork
          ? trans.__('Fork compared with its parent')
          : comparison.parent.kind === 'export'
            ? trans.__('Pipeline run compared with its source')
            : trans.__('Replay compared with its source')}
      </h2>
      {model.error && (
        <ErrorState
          error={model.error}
          onRetry={() => void model.refresh()}
          trans={trans}
          inline
        />
      )}
      <div className="jp-Trail-Lineage-sides">
        <ParentCard comparison={comparison} {...props} />
        <ForkCard comparison={comparison} session={model.session} {...props} />
      </div>
      <p className="jp-Trail-Lineage-summary" role="status">
        {summaryLine(comparison, model.differingParams, trans)}
      </p>
      <ParamsSection
        params={comparison.params}
        kind={comparison.parent.kind}
        trans={trans}
      />
      <MetricsSection
        metrics={model.metrics}
        kind={comparison.parent.kind}
        trans={trans}
      />
      {(fork || comparison.inputs.length > 0) && (
        <InputsSection inputs={comparison.inputs} trans={trans} />
      )}
      <StepsSection
        steps={differing}
        kind={comparison.parent.kind}
        total={comparison.steps.length}
        onOpenStep={props.onOpenStep}
        trans={trans}
      />
    </div>
  );
}

/** One sentence of what differs: steps, params, inputs. */
function summaryLine(
  comparison: ILineageComparison,
  differingParams: number,
  trans: TranslationBundle
): string {
  const steps = comparison.steps.length;
  const notRun = comparison.steps.filter(
    step => step.verdict === 'not-run'
  ).length;
  const differ = comparison.steps.filter(
    step => step.verdict !== 'same' && step.verdict !== 'not-run'
  ).length;
  const parts = [
    differ === 0
      ? trans._n(
          'The step’s outputs are the parent’s',
          'No step’s outputs differ from the parent’s',
          steps
        )
      : trans.__('%1 of %2 steps differ from the parent', differ, steps)
  ];
  if (notRun > 0) {
    parts.push(trans._n('%1 not run', '%1 not run', notRun));
  }
  parts.push(
    trans._n('%1 param differs', '%1 params differ', differingParams),
    trans._n(
      '%1 input replaced',
      '%1 inputs replaced',
      comparison.inputs.length
    )
  );
  return parts.join(' · ');
}

function personName(
  person: { id: string; name: string; displayName: string } | undefined,
  props: ParentComparisonView.IOptions
): string | null {
  if (!person) {
    return null;
  }
  if (props.isMe?.(person.id)) {
    return props.trans.__('You');
  }
  return person.displayName || person.name;
}

function SessionLink(props: {
  sessionId: string;
  label: string;
  title?: string;
  onOpenSession?: (sessionId: string) => void;
}): JSX.Element {
  if (!props.onOpenSession) {
    return <span title={props.title}>{props.label}</span>;
  }
  return (
    <button
      type="button"
      className="jp-Trail-LinkButton jp-Trail-Lineage-sessionLink"
      title={props.title}
      onClick={() => props.onOpenSession!(props.sessionId)}
    >
      {props.label}
    </button>
  );
}

function ParentCard(
  props: ParentComparisonView.IOptions & { comparison: ILineageComparison }
): JSX.Element {
  const { comparison, trans } = props;
  const { parent } = comparison;
  const who =
    personName(props.model.parentSession?.author, props) ??
    parent.author ??
    null;
  return (
    <section
      className="jp-Trail-Lineage-side"
      data-side="parent"
      aria-label={trans.__('Parent')}
    >
      <h3>{trans.__('Parent')}</h3>
      <p className="jp-Trail-Lineage-notebook">
        <SessionLink
          sessionId={parent.sessionId}
          label={
            parent.notebookPath
              ? baseName(parent.notebookPath)
              : trans.__('Session %1', parent.sessionId)
          }
          title={parent.notebookPath}
          onOpenSession={props.onOpenSession}
        />
      </p>
      <p className="jp-Trail-Lineage-meta">
        {[who, trans.__('steps 1–%1', parent.step)].filter(Boolean).join(' · ')}
      </p>
    </section>
  );
}

function ForkCard(
  props: ParentComparisonView.IOptions & {
    comparison: ILineageComparison;
    session: SessionSummary | null;
  }
): JSX.Element {
  const { comparison, session, trans } = props;
  const fork = comparison.parent.kind === 'fork';
  const side =
    comparison.parent.kind === 'export'
      ? trans.__('Pipeline run')
      : fork
        ? trans.__('Fork')
        : trans.__('Replay');
  const who = personName(session?.author, props);
  return (
    <section
      className="jp-Trail-Lineage-side"
      data-side="fork"
      aria-label={side}
    >
      <h3>{side}</h3>
      <p className="jp-Trail-Lineage-notebook">
        <SessionLink
          sessionId={comparison.sessionId}
          label={
            session?.notebookPath
              ? baseName(session.notebookPath)
              : trans.__('Session %1', comparison.sessionId)
          }
          title={session?.notebookPath}
          onOpenSession={props.onOpenSession}
        />
      </p>
      <p className="jp-Trail-Lineage-meta">
        {who}
        {who && session ? ' · ' : ''}
        {session && (
          <time
            dateTime={session.startedAt}
            title={formatAbsoluteTime(session.startedAt)}
          >
            {trans.__('started %1', formatRelativeTime(session.startedAt))}
          </time>
        )}
      </p>
    </section>
  );
}
