/**
 * A read-only side-by-side diff of two versions of a cell's code, with
 * CodeMirror's merge view, themed by JupyterLab's own editor theme.
 */
import { syntaxHighlighting } from '@codemirror/language';
import { MergeView } from '@codemirror/merge';
import { EditorState, Extension } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import {
  IEditorLanguageRegistry,
  jupyterHighlightStyle,
  jupyterTheme
} from '@jupyterlab/codemirror';
import { Widget } from '@lumino/widgets';

/**
 * A widget showing `a` → `b` as CodeMirror's merge view.
 */
export class CodeDiffWidget extends Widget {
  constructor(options: CodeDiffWidget.IOptions = {}) {
    super();
    this.addClass('jp-Trail-CodeDiff');
    this._languages = options.languages ?? null;
  }

  /** The merge view shown, if any. */
  get view(): MergeView | null {
    return this._view;
  }

  /**
   * Show the difference between two texts (the language names the
   * highlighting, e.g. 'python'). Showing the same pair again does nothing.
   */
  async showDiff(a: string, b: string, language = 'python'): Promise<void> {
    const key = `${language}\u0000${a}\u0000${b}`;
    if (key === this._key) {
      return;
    }
    this._key = key;
    const support = await this._languageSupport(language);
    if (key !== this._key || this.isDisposed) {
      return;
    }
    const extensions: Extension[] = [
      EditorView.editable.of(false),
      EditorState.readOnly.of(true),
      EditorView.lineWrapping,
      jupyterTheme,
      syntaxHighlighting(jupyterHighlightStyle),
      ...(support ? [support] : [])
    ];
    this._view?.destroy();
    this._view = new MergeView({
      a: { doc: a, extensions },
      b: { doc: b, extensions },
      parent: this.node,
      highlightChanges: true,
      gutter: true,
      collapseUnchanged: { margin: 3, minSize: 6 }
    });
  }

  /** Show nothing. */
  clear(): void {
    this._key = null;
    this._view?.destroy();
    this._view = null;
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this.clear();
    super.dispose();
  }

  private async _languageSupport(name: string): Promise<Extension | null> {
    if (!this._languages) {
      return null;
    }
    try {
      const language = await this._languages.getLanguage(name);
      return language?.support ?? null;
    } catch {
      return null;
    }
  }

  private _key: string | null = null;
  private _languages: IEditorLanguageRegistry | null;
  private _view: MergeView | null = null;
}

/**
 * The namespace for `CodeDiffWidget` statics.
 */
export namespace CodeDiffWidget {
  export interface IOptions {
    /** Highlights code; plain text without it. */
    languages?: IEditorLanguageRegistry | null;
  }
}
