/**
 * The Python the pipeline's script and notebook start with: how params are
 * read (params.yaml, then `--name value`), the script's own `trail` object
 * (it works without Trail installed and writes metrics.json), and
 * `display()` outside IPython. Kept as Python text here so both forms share
 * one definition; `_RECORDED_PARAMS`, `_SOURCE`, `_HERE` and `_NOTEBOOK_DIR` are
 * set by the lines written before it (see script.ts and notebook.ts).
 */

/** Coercion of a param given as text to the type of its recorded value. */
export const COERCE_PY = String.raw`
def _coerce(name, value):
    """A param as given (params.yaml, --name value) in the type of its recorded value."""
    recorded = _RECORDED_PARAMS.get(name)
    if recorded is None:
        if isinstance(value, str) and value.strip().lower() in ("", "none", "null", "~"):
            return None
        return value
    if isinstance(recorded, str):
        return value if value is None or isinstance(value, str) else str(value)
    if not isinstance(value, str):
        return value
    text = value.strip()
    if isinstance(recorded, bool):
        if text.lower() in ("true", "yes", "on", "1"):
            return True
        if text.lower() in ("false", "no", "off", "0"):
            return False
        raise ValueError("expected true or false for %s, got %r" % (name, value))
    try:
        return int(text)
    except ValueError:
        return float(text)
`;

/** params.yaml read with PyYAML when present, else a flat `key: value` reader. */
export const READ_PARAMS_PY = String.raw`
def _flat_yaml_value(text):
    if text[:1] == '"':
        return _json.loads(text)
    if text[:1] == "'":
        return text[1:-1].replace("''", "'")
    lowered = text.lower()
    if lowered in ("", "~", "null"):
        return None
    if lowered in ("true", "yes", "on"):
        return True
    if lowered in ("false", "no", "off"):
        return False
    if lowered in (".inf", "+.inf", "-.inf", ".nan"):
        return float(lowered.replace(".", ""))
    for number in (int, float):
        try:
            return number(text)
        except ValueError:
            pass
    return text


def _read_flat_yaml(text):
    """The flat mapping Trail writes params.yaml as (used when PyYAML is not installed)."""
    import re

    values = {}
    pattern = re.compile(r"""^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^:#'"][^:]*?)\s*:(?:\s+(.*))?$""")
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#") or stripped == "---":
            continue
        match = pattern.match(stripped)
        if match is None or line[:1].isspace():
            raise SystemExit("params.yaml line %d is not a flat 'name: value': %s" % (number, line))
        key, value = match.group(1), (match.group(2) or "").strip()
        if value[:1] not in ('"', "'") and " #" in value:
            value = value.split(" #", 1)[0].rstrip()
        values[_flat_yaml_value(key) if key[:1] in ('"', "'") else key] = _flat_yaml_value(value)
    return values


def _read_params(path):
    """params.yaml, each value in the type of its recorded value."""
    if not _os.path.exists(path):
        return dict(_RECORDED_PARAMS)
    with open(path, encoding="utf-8") as stream:
        text = stream.read()
    try:
        import yaml
    except ImportError:
        loaded = _read_flat_yaml(text)
    else:
        loaded = yaml.safe_load(text) or {}
    if not isinstance(loaded, dict):
        raise SystemExit("params.yaml must be a mapping of param names to values")
    return {str(name): _coerce(str(name), value) for name, value in loaded.items()}


def _parse_args(params, argv=None):
    """--name value overrides a param of params.yaml."""
    parser = _argparse.ArgumentParser(
        conflict_handler="resolve",
        description="%s, exported by Trail. Params come from params.yaml; --name value overrides one."
        % _SOURCE.get("notebook", "a recorded run")
    )
    for name, value in params.items():
        def convert(text, name=name):
            return _coerce(name, text)

        convert.__name__ = type(_RECORDED_PARAMS.get(name)).__name__
        parser.add_argument("--" + name, dest=name, type=convert, default=value, metavar="VALUE",
                            help="default %r (params.yaml)" % (value,))
    return vars(parser.parse_args(argv))
`;

/** The script's own trail object, display() and the chdir to the recorded paths' folder. */
export const TRAIL_PY = String.raw`
def _recorder():
    """The seam for recording pipeline runs to Trail (#15, item 5).

    When the installed jupyterlab_trail offers pipeline_run.start(source,
    params), the run it returns takes every call the script's trail gets
    (log_param, log_metric, tag, dataset) and finish(metrics) at the end.
    Without it (or with TRAIL_DISABLED=1) the pipeline runs on its own.
    """
    if _os.environ.get("TRAIL_DISABLED"):
        return None
    if _KERNEL_TRAIL is not None and hasattr(_KERNEL_TRAIL, "log_metric"):
        # Run as a notebook in a kernel Trail records: its own trail records.
        return _KERNEL_TRAIL
    try:
        from jupyterlab_trail import pipeline_run
        start = pipeline_run.start
    except Exception:
        return None
    try:
        return start(_SOURCE, dict(PARAMS))
    except Exception as error:
        print("trail: not recording this run (%s)" % error, file=_sys.stderr)
        return None


def _mlflow():
    """MLflow, when "mlflow run" runs this script (it sets MLFLOW_RUN_ID):
    the metrics the run logs then go to that MLflow run too."""
    if not _os.environ.get("MLFLOW_RUN_ID"):
        return None
    try:
        import mlflow
    except Exception:
        return None
    return mlflow


def _metric_value(value):
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, int):
        value = float(value)
        if value != value or value in (float("inf"), float("-inf")):
            return None
    return value


class _Trail:
    """The trail of the recorded code, outside the notebook: it keeps what the
    run logs, writes the metrics to metrics.json at the end, and passes every
    call on to Trail when a recorder is installed (see _recorder)."""

    def __init__(self):
        self.params = {}
        self.metrics = {}
        self.tags = []
        self.datasets = []
        self.kernel_trail = _KERNEL_TRAIL
        self._run = _recorder()
        self._mlflow = _mlflow()

    def _record(self, method, *args):
        if self._run is None:
            return
        call = getattr(self._run, method, None)
        if call is None:
            return
        try:
            call(*args)
        except Exception as error:
            print("trail: recording stopped (%s)" % error, file=_sys.stderr)
            self._run = None

    def log_param(self, name, value):
        self.params[str(name)] = value
        self._record("log_param", str(name), value)

    def log_params(self, params):
        for name, value in dict(params).items():
            self.log_param(name, value)

    def log_metric(self, name, value, step=None):
        self.metrics[str(name)] = _metric_value(value)
        self._record("log_metric", str(name), value, step)
        if self._mlflow is not None and self.metrics[str(name)] is not None:
            try:
                self._mlflow.log_metric(
                    str(name), float(self.metrics[str(name)]),
                    step=None if step is None else int(step))
            except Exception as error:
                # Said once: a training loop logs the same metric many times.
                print("trail: metric %r not logged to MLflow, nor any after it (%s)"
                      % (str(name), error), file=_sys.stderr)
                self._mlflow = None

    def log_metrics(self, metrics, step=None):
        for name, value in dict(metrics).items():
            self.log_metric(name, value, step)

    def tag(self, *tags):
        self.tags.extend(str(tag) for tag in tags)
        self._record("tag", *tags)

    def dataset(self, path, role="input"):
        self.datasets.append((path, role))
        self._record("dataset", path, role)
        return path

    def finish(self, path):
        """Writes every metric the run logged (the latest value of each) to path."""
        with open(path, "w", encoding="utf-8") as stream:
            _json.dump(self.metrics, stream, indent=2, sort_keys=True)
            stream.write("\n")
        self._record("finish", dict(self.metrics))
        if _KERNEL_TRAIL is not None:
            # In a kernel Trail records, its own module is trail again.
            _sys.modules["trail"] = _KERNEL_TRAIL


# The trail module of a kernel Trail records (the notebook form run there).
_KERNEL_TRAIL = _sys.modules.get("trail")
if type(_KERNEL_TRAIL).__name__ == "_Trail":
    # Left by an earlier run of this notebook that stopped halfway.
    _KERNEL_TRAIL = _KERNEL_TRAIL.kernel_trail
trail = _trail = _Trail()
# import trail in the recorded code gets this object.
_sys.modules["trail"] = trail

try:
    from IPython.display import display
except ImportError:
    def display(*objects, **kwargs):
        for shown in objects:
            print(shown)

# Recorded paths are relative to the notebook's folder.
_os.chdir(_os.path.normpath(_os.path.join(_HERE, _NOTEBOOK_DIR)))
`;
