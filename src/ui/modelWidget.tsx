/**
 * A main-area widget over one model: re-rendered whenever the model
 * changes, the model disposed with it (the replay preflight, the fork
 * check and the Fork widget are such widgets).
 */
import { ReactWidget, UseSignal } from '@jupyterlab/ui-components';
import type { ISignal } from '@lumino/signaling';
import * as React from 'react';

/** What a `ModelWidget` shows: a model that says when it changed. */
export interface IWidgetModel {
  readonly changed: ISignal<unknown, void>;
  dispose(): void;
}

/**
 * The widget over `options.model`; `renderView` draws it from the options.
 */
export abstract class ModelWidget<
  O extends { model: IWidgetModel }
> extends ReactWidget {
  constructor(options: O) {
    super();
    this._options = options;
  }

  /** The model shown. */
  get model(): O['model'] {
    return this._options.model;
  }

  protected render(): JSX.Element {
    return (
      <UseSignal signal={this._options.model.changed}>
        {() => this.renderView(this._options)}
      </UseSignal>
    );
  }

  /** The view of the model, drawn again at every change. */
  protected abstract renderView(options: O): JSX.Element;

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._options.model.dispose();
    super.dispose();
  }

  protected readonly _options: O;
}
