/**
 * What the Python analysis (`python -m jupyterlab_trail.analysis`) says about
 * one recorded cell (#15, contract 1): the names it binds and reads, whether
 * it only shows things, its imports and `%pip` requirements, and the cell as
 * plain Python with the magics translated.
 */
export interface CellFacts {
  id: string;
  /** false: the code does not parse even after IPython's transformation. */
  ok: boolean;
  /** The SyntaxError, with line. */
  error?: string;
  /**
   * Names bound at the cell's top level (assign, augassign, for, with,
   * import, def, class, walrus, del) AND names the cell may mutate: the
   * receiver base of a method call or of an attribute/subscript assignment
   * (`df["x"] = ...`, `model.fit(X)`, `plt.plot(...)` -> df, model, plt).
   */
  defines: string[];
  /** Names read before the cell binds them (free loads), builtins excluded. */
  uses: string[];
  /**
   * display: every statement only shows things (bare expression of
   * names/attributes, print/display/repr, df.head()/describe()/info(),
   * plt.show(), magics dropped) and binds nothing.
   */
  effects: 'state' | 'display';
  /** Top-level modules imported (`sklearn` for `from sklearn.linear_model import X`). */
  imports: string[];
  /** From `%pip install ...` / `!pip install ...`, as written ("scikit-learn==1.5.0", "pandas"). */
  requirements: string[];
  /**
   * The cell as plain Python: `!cmd` -> subprocess.run(..., shell=True,
   * check=True), %matplotlib / %load_ext autoreload / %autoreload / %pip
   * dropped, %time/%timeit/%%time unwrapped to the statement; anything
   * untranslatable kept as a comment
   * `# trail: not translated (<reason>): <line>`.
   */
  python: string;
  translations: {
    line: number;
    magic: string;
    action:
      'requirement' | 'subprocess' | 'dropped' | 'unwrapped' | 'untranslated';
    reason?: string;
  }[];
  /**
   * trail.log_param("lr", lr) / log_params({...}): the param and, when its
   * value is a name bound to a literal in this cell, that name (so the
   * pipeline can read it from params.yaml).
   */
  params: { name: string; target?: string }[];
  /**
   * What the cell's top level does to the process that later cells depend
   * on without naming it (`np.random.seed(0)`, `os.chdir(...)`,
   * `os.makedirs("out")`, `os.environ["X"] = ...`, `pd.set_option(...)`),
   * resolved through the imports of this and earlier cells
   * (jupyterlab_trail/analysis/side_effects.py holds the table). Calls in a
   * function body count where the function is called, not where defined.
   */
  sideEffects: SideEffect[];
}

export type SideEffectKind =
  'seed' | 'cwd' | 'filesystem' | 'environment' | 'settings';

export interface SideEffect {
  kind: SideEffectKind;
  /** The callee or assigned target as written (`np.random.seed`, `os.environ['X']`, `set_seed → np.random.seed`). */
  call: string;
  /** Its line in `python`. */
  line: number;
  /** The folder, when a makedirs/mkdir/chdir names it with a literal (`out/models`). */
  path?: string;
}

/** One cell given to the analysis: `id` comes back on its facts. */
export interface CellSource {
  id: string;
  /** The code as it ran (magics and all). */
  code: string;
}
