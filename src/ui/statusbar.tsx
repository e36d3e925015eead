import { TextItem } from '@jupyterlab/statusbar';
import type { ITranslator, TranslationBundle } from '@jupyterlab/translation';
import { nullTranslator } from '@jupyterlab/translation';
import { ReactWidget } from '@jupyterlab/ui-components';
import type { ISignal } from '@lumino/signaling';
import * as React from 'react';
import { formatAbsoluteTime } from './format';

/**
 * What the status-bar item shows.
 */
export interface IDeliveryStatusState {
  /** Whether executions are being recorded. */
  recording: boolean;
  /** Events recorded but not delivered yet. */
  pending: number;
  /** Failures reported by the delivery queue. */
  failed: number;
  /** The last delivery or configuration error, or null. */
  lastError: string | null;
  /** When events were last delivered (ISO time), or null. */
  lastDeliveredAt: string | null;
  /** Whether a Trail server is known. */
  configured: boolean;
}

/**
 * The Trail status-bar item: a dot for recording on or off, the number of
 * events waiting, and the last error in the tooltip with a warning colour.
 * Clicking it calls `onClick` (the lead toggles recording there).
 *
 * #### Notes
 * The widget node carries `data-recording`, `data-pending` and
 * `data-error` so that styles and UI tests read the state directly.
 */
export class DeliveryStatus extends ReactWidget {
  /**
   * Create the item.
   */
  constructor(options: DeliveryStatus.IOptions) {
    super();
    this._getState = options.getState;
    this._changed = options.changed;
    this._onClick = options.onClick;
    this._trans = (options.translator ?? nullTranslator).load(
      'jupyterlab-trail'
    );
    this.addClass('jp-Trail-DeliveryStatus');
    this._changed.connect(this._onChanged, this);
    this._applyState(this._getState());
  }

  /**
   * Dispose the item and stop listening.
   */
  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._changed.disconnect(this._onChanged, this);
    super.dispose();
  }

  protected render(): JSX.Element {
    const state = this._getState();
    this._applyState(state);
    const trans = this._trans;
    const attention = state.lastError !== null || !state.configured;
    return (
      <button
        type="button"
        className="jp-Trail-DeliveryStatus-button"
        title={describe(state, trans)}
        aria-pressed={state.recording}
        onClick={() => this._onClick()}
      >
        <span
          className={`jp-Trail-DeliveryStatus-dot${
            state.recording ? ' jp-mod-recording' : ''
          }${attention ? ' jp-mod-warning' : ''}`}
          aria-hidden
        />
        <TextItem source={label(state, trans)} />
      </button>
    );
  }

  private _onChanged(): void {
    this._applyState(this._getState());
    this.update();
  }

  private _applyState(state: IDeliveryStatusState): void {
    const data = this.node.dataset;
    data.recording = String(state.recording);
    data.pending = String(state.pending);
    data.configured = String(state.configured);
    data.error = String(state.lastError !== null);
  }

  private _changed: ISignal<any, void>;
  private _getState: () => IDeliveryStatusState;
  private _onClick: () => void;
  private _trans: TranslationBundle;
}

/**
 * The namespace for `DeliveryStatus` statics.
 */
export namespace DeliveryStatus {
  /**
   * Options to create the status-bar item.
   */
  export interface IOptions {
    /** Reads the current state; called on every render. */
    getState: () => IDeliveryStatusState;
    /** Emitted whenever the state may have changed. */
    changed: ISignal<any, void>;
    /** Called when the item is clicked. */
    onClick: () => void;
    /** The application translator. */
    translator?: ITranslator;
  }
}

/**
 * The short text shown in the status bar.
 */
function label(state: IDeliveryStatusState, trans: TranslationBundle): string {
  const parts: string[] = [];
  if (!state.recording) {
    parts.push(trans.__('paused'));
  }
  if (!state.configured) {
    parts.push(trans.__('no server'));
  }
  if (state.pending > 0) {
    parts.push(trans.__('%1 waiting', state.pending));
  }
  if (parts.length === 0 && state.lastError !== null) {
    parts.push(trans.__('error'));
  }
  return parts.length > 0
    ? trans.__('Trail: %1', parts.join(', '))
    : trans.__('Trail');
}

/**
 * The tooltip: every detail, one per line.
 */
function describe(
  state: IDeliveryStatusState,
  trans: TranslationBundle
): string {
  const lines = [
    state.recording
      ? trans.__('Recording cell executions. Click to pause.')
      : trans.__('Recording paused. Click to resume.')
  ];
  if (!state.configured) {
    lines.push(trans.__('No Trail server is known yet.'));
  }
  // Events, not cell runs: a run of a new or moved cell also sends the
  // notebook's structure, and a session's start and environment are events.
  lines.push(
    trans._n(
      'Waiting to be sent: %1 event (cell runs, and the notebook structure when it changed)',
      'Waiting to be sent: %1 events (cell runs, and the notebook structure when it changed)',
      state.pending
    )
  );
  if (state.failed > 0) {
    lines.push(trans.__('Failed: %1', state.failed));
  }
  lines.push(
    state.lastDeliveredAt
      ? trans.__(
          'Last delivered: %1',
          formatAbsoluteTime(state.lastDeliveredAt)
        )
      : trans.__('Nothing delivered yet.')
  );
  if (state.lastError !== null) {
    lines.push(trans.__('Last error: %1', state.lastError));
  }
  return lines.join('\n');
}
