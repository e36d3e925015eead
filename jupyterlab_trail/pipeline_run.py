"""Runs of an exported pipeline, recorded to Trail (#15, contract D).

``pipeline.py`` (written by Trail's export, ``src/records/export/pipeline``)
calls :func:`start` when this module can be imported: the run it returns
captures what the pipeline does with the kernel helper's own capture code
(the audit hook that sees every file opened, renamed or connected to with
SQLite, the Parquet wrappers, the hashes and table schemas, the params,
metrics and tags of ``trail.log_*``, and the environment snapshot), exactly
as a notebook cell's capture is made, so a pipeline run and the session it
was exported from compare file by file.

The notebook form (``pipeline.ipynb`` run by papermill in a plain
kernel) calls :func:`start` the same way; it names itself with
``_NOTEBOOK_FORM``, and a cell that raises ends its run as failed.

At the end (``finish``, called by the script's last line, or when the
process exits before it) the capture is written as JSON and handed to the
one recorder: ``trail record-run <capture.json>`` (``src/cli/record-run.ts``)
builds a session with one execution (the pipeline.py text as its code, the
run's status, stdout and stderr as stream outputs, the capture) whose
lineage is ``{kind: "export", sessionId, step}`` of the exported session,
and delivers it to the Trail server the ``trail`` command uses
(``TRAIL_URL`` with ``TRAIL_TOKEN``/``TRAIL_TOKEN_FILE``, else the local
server of ``TRAIL_DATA_DIR``).

Without a Trail server configured (no ``TRAIL_URL`` and no local server
data folder), without Node.js or without the bundled command the pipeline
runs all the same and says once on stderr that the run is not recorded;
``TRAIL_DISABLED=1`` turns recording off silently. Only the standard
library is needed: a clean virtual environment that can import this
package records too.

Variables read: ``TRAIL_DISABLED``, ``TRAIL_URL``, ``TRAIL_DATA_DIR``,
``TRAIL_NODE`` (the node to run), ``TRAIL_CLI`` (the bundled command,
default ``jupyterlab_trail/bin/trail.cjs``), ``TRAIL_RUN_RESULT`` (a file
the command's answer ``{sessionId, executionId, server}`` is written to).
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import traceback

from .kernel import api as _api
from .kernel.audit import _install_audit_hook, _on_audit
from .kernel.capture import _Budget, _resolve_files
from .kernel.environment import _environment
from .kernel.paths import _build_exclusions
from .kernel.state import _after_fork_in_child, _Execution, _runtime, _st
from .kernel.text import _iso_ns
from .kernel.wrappers import _install_import_hooks, _on_call, _patch_module

CAPTURE_VERSION = 1
"""The version of the capture file ``trail record-run`` reads."""

MAX_STREAM_CHARS = 512 * 1024
"""Characters of stdout (and of stderr) kept as the execution's outputs."""

RECORD_TIMEOUT_S = 120
"""How long the run waits for ``trail record-run`` to deliver it."""

_CLI_SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "bin", "trail.cjs")
_RUN = None
_SAID = False


def _say(message):
    """One line on stderr, once per process."""
    global _SAID
    if _SAID:
        return
    _SAID = True
    try:
        sys.__stderr__.write("trail: %s\n" % message)
        sys.__stderr__.flush()
    except Exception:
        pass


def _jupyter_data_dir():
    try:
        from jupyter_core.paths import jupyter_data_dir

        return jupyter_data_dir()
    except Exception:
        # The same rule as jupyter_core's (and the trail command's) on Linux.
        if os.environ.get("JUPYTER_DATA_DIR"):
            return os.environ["JUPYTER_DATA_DIR"]
        if sys.platform == "darwin":
            return os.path.join(os.path.expanduser("~"), "Library", "Jupyter")
        base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
        return os.path.join(base, "jupyter")


def local_data_dir():
    """The local Trail server's data folder, as the ``trail`` command finds it."""
    return (
        os.environ.get("TRAIL_DATA_DIR", "").strip()
        or os.environ.get("TRAIL_DEFAULT_DATA_DIR", "").strip()
        or os.path.join(_jupyter_data_dir(), "trail")
    )


def recorder_command():
    """``(argv prefix, None)`` to run ``trail``, or ``(None, why not)``."""
    node = os.environ.get("TRAIL_NODE") or shutil.which("node")
    if not node:
        return None, "Node.js (node) was not found on PATH; set TRAIL_NODE"
    cli = os.environ.get("TRAIL_CLI") or _CLI_SCRIPT
    if not os.path.isfile(cli):
        return None, "the trail command's bundle %s is missing" % cli
    return [node, cli], None


def why_not_recorded():
    """Why a run would not be recorded here, or None when it would."""
    if not os.environ.get("TRAIL_URL", "").strip() and not os.path.isdir(local_data_dir()):
        return "no Trail server is configured (set TRAIL_URL and TRAIL_TOKEN)"
    return recorder_command()[1]


class _Tee:
    """A text stream writing through to the original and keeping the start."""

    def __init__(self, stream, kept):
        self._stream = stream
        self._kept = kept  # [chunks, characters kept, characters dropped]

    def write(self, text):
        written = self._stream.write(text)
        try:
            if isinstance(text, str) and text:
                kept = self._kept
                room = MAX_STREAM_CHARS - kept[1]
                if room > 0:
                    kept[0].append(text[:room])
                    kept[1] += min(room, len(text))
                kept[2] += max(0, len(text) - max(room, 0))
        except Exception:
            pass
        return written

    def __getattr__(self, name):
        return getattr(self._stream, name)


def _stream_text(kept):
    text = "".join(kept[0])
    if kept[2]:
        text += "\n[trail: %d more characters were not recorded]\n" % kept[2]
    return text


class PipelineRun:
    """One run of a pipeline script, captured like a notebook cell."""

    def __init__(self, source, params, script):
        self.source = dict(source or {})
        self.script = script
        self.started_ns = time.time_ns()
        self.pid = os.getpid()
        self.finished = False
        self.recorded = False
        self.error = None
        self.environment = None
        self._env_thread = None
        self._stdout = [[], 0, 0]
        self._stderr = [[], 0, 0]
        self._streams = None
        self._excepthook = None
        self._shell = None
        self._lock = threading.Lock()
        self.execution = _Execution("pipeline-run", None)
        self._params = dict(params or {})

    # The seam (src/records/export/pipeline/prologue.ts).

    def log_param(self, name, value):
        _api.log_param(name, value)

    def log_metric(self, name, value, step=None):
        _api.log_metric(name, value, step)

    def tag(self, *tags):
        _api.tag(*tags)

    def dataset(self, path, role="input"):
        _api.dataset(path, role)

    def finish(self, metrics=None):
        """The script reached its end: the run is recorded as ok."""
        self._end("ok", metrics)

    # Capture.

    def begin(self, notebook_dir):
        st = _st
        st.nbdir = os.path.normpath(notebook_dir)
        st.nbdir_prefix = st.nbdir.rstrip(os.sep) + os.sep
        st.display_cache = {}
        st.path_memo = {}
        st.rel_memo = {}
        _build_exclusions()
        rt = _runtime()
        if not hasattr(rt, "redirect"):
            rt.redirect = None
            rt.redirect_call = None
        rt.patch = _patch_module
        rt.call = _on_call
        # A forked child (multiprocessing, os.fork) captures nothing and records nothing.
        rt.after_fork = _after_fork_in_child
        if not getattr(rt, "fork_hook_installed", False) and hasattr(os, "register_at_fork"):
            rt.fork_hook_installed = True
            os.register_at_fork(after_in_child=lambda: rt.after_fork())
        st.recording = True
        st.api_warned = True  # recording is on: log_* never warn that it is off
        st.current = self.execution
        for name, value in self._params.items():
            _api.log_param(name, value)
        _install_audit_hook(rt)
        _install_import_hooks(rt)
        rt.audit = _on_audit
        # The environment is read alongside the run (its thread's opens are not recorded).
        self._env_thread = threading.Thread(target=self._read_environment, name="trail-environment", daemon=True)
        self._env_thread.start()
        self._streams = (sys.stdout, sys.stderr)
        sys.stdout = _Tee(sys.stdout, self._stdout)
        sys.stderr = _Tee(sys.stderr, self._stderr)
        self._excepthook = sys.excepthook
        sys.excepthook = self._on_exception
        # In a kernel (the notebook form under papermill) a failing cell never
        # reaches sys.excepthook: IPython says after each cell whether it raised.
        self._shell = _ipython()
        if self._shell is not None:
            self._shell.events.register("post_run_cell", self._after_cell)
        atexit.register(self._at_exit)

    def _read_environment(self):
        st = _st
        st.own_threads.add(threading.get_ident())
        try:
            self.environment = _environment()
        except Exception:
            self.environment = None  # the run is recorded without it

    def _on_exception(self, kind, value, tb):
        """The script raised: the traceback is shown, then the run recorded as failed."""
        lines = "".join(traceback.format_exception(kind, value, tb)).rstrip("\n").split("\n")
        self.error = {"ename": kind.__name__, "evalue": str(value), "traceback": lines}
        hook = self._excepthook or sys.__excepthook__
        self._restore()
        try:
            hook(kind, value, tb)
        finally:
            self._end("interrupted" if issubclass(kind, KeyboardInterrupt) else "error", None)

    def _after_cell(self, result):
        """A cell of the notebook form raised: the run is recorded as failed (papermill stops there)."""
        error = getattr(result, "error_in_exec", None)
        if error is None or self.finished:
            return
        lines = "".join(traceback.format_exception(type(error), error, error.__traceback__))
        self.error = {"ename": type(error).__name__, "evalue": str(error), "traceback": lines.rstrip("\n").split("\n")}
        self._end("interrupted" if isinstance(error, KeyboardInterrupt) else "error", None)

    def _restore(self):
        """The streams and the exception hook as they were before the run."""
        if self._streams is not None:
            if isinstance(sys.stdout, _Tee):
                sys.stdout = self._streams[0]
            if isinstance(sys.stderr, _Tee):
                sys.stderr = self._streams[1]
        if self._excepthook is not None and sys.excepthook == self._on_exception:
            sys.excepthook = self._excepthook
        if self._shell is not None:
            try:
                self._shell.events.unregister("post_run_cell", self._after_cell)
            except ValueError:
                pass
            self._shell = None

    def _at_exit(self):
        if not self.finished:
            self.error = self.error or {
                "ename": "SystemExit",
                "evalue": "the pipeline stopped before its end",
                "traceback": [],
            }
            self._end("error", None)

    def _end(self, status, metrics):
        if os.getpid() != self.pid:
            return  # a forked child leaving: the run is its parent's
        with self._lock:
            if self.finished:
                return
            self.finished = True
        ended_ns = time.time_ns()
        rt = _runtime()
        rt.audit = None
        _st.current = None
        self._restore()
        try:
            capture = self._capture(metrics)
            if self._env_thread is not None:
                self._env_thread.join(60)
            document = {
                "version": CAPTURE_VERSION,
                "source": self.source,
                "script": self.script,
                "notebookPath": self._notebook_path(),
                "code": self._code(),
                "status": status,
                "startedAt": _iso_ns(self.started_ns),
                "endedAt": _iso_ns(ended_ns),
                "stdout": _stream_text(self._stdout),
                "stderr": _stream_text(self._stderr),
                "capture": capture,
                "environment": self.environment,
            }
            if self.error is not None:
                document["error"] = self.error
            self.recorded = deliver(document)
        except Exception as error:
            _say("this run was not recorded (%s: %s)" % (type(error).__name__, error))

    def _capture(self, metrics):
        ex = self.execution
        files, _ = _resolve_files(list(ex.files.items()), _Budget(1 << 62, 1 << 62))
        capture = {"files": files} if files else {}
        capture.update(ex.logged())
        if metrics:
            # A metric the seam saw only at the end (it always sees each log).
            logged = {point["name"] for point in capture.get("metrics", [])}
            for name, value in dict(metrics).items():
                if name not in logged and isinstance(value, (int, float)) and not isinstance(value, bool):
                    capture.setdefault("metrics", []).append(
                        {"name": str(name), "value": value, "at": _iso_ns(time.time_ns())}
                    )
        return capture

    def _code(self):
        try:
            with open(self.script, encoding="utf-8") as stream:
                text = stream.read()
            if self.script.endswith(".ipynb"):
                # The notebook form: its code cells, in order, as one text.
                cells = json.loads(text).get("cells", [])
                text = "\n\n".join(
                    "# %%%% cell %s\n%s" % (cell.get("id", index), _cell_text(cell.get("source")))
                    for index, cell in enumerate(cells)
                    if cell.get("cell_type") == "code"
                ) + "\n"
            return text
        except Exception:
            return ""

    def _notebook_path(self):
        """The pipeline's pipeline.py as a notebook path beside the exported notebook's."""
        notebook = str(self.source.get("notebook") or "")
        folder = os.path.dirname(self.script)
        relative = os.path.relpath(folder, _st.nbdir).replace(os.sep, "/")
        if relative.startswith("../") or relative == "..":
            return self.script.replace(os.sep, "/")
        base = notebook.rsplit("/", 1)[0] if "/" in notebook else ""
        parts = [part for part in (base, relative, os.path.basename(self.script)) if part and part != "."]
        return "/".join(parts)


def _cell_text(source):
    return "".join(source) if isinstance(source, list) else str(source or "")


def _ipython():
    """The IPython shell this runs in (the notebook form), or None."""
    shell = None
    module = sys.modules.get("IPython")
    if module is not None:
        try:
            shell = module.get_ipython()
        except Exception:
            shell = None
    return shell if shell is not None and hasattr(shell, "events") else None


def deliver(document):
    """Writes the capture and runs ``trail record-run``; True when it was recorded."""
    argv, problem = recorder_command()
    if argv is None:
        _say("this run was not recorded (%s)" % problem)
        return False
    handle, path = tempfile.mkstemp(prefix="trail-run-", suffix=".json")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(document, stream)
        env = dict(os.environ)
        env.setdefault("TRAIL_PYTHON", sys.executable)
        if not env.get("TRAIL_DEFAULT_DATA_DIR"):
            env["TRAIL_DEFAULT_DATA_DIR"] = local_data_dir()
        try:
            done = subprocess.run(
                [*argv, "record-run", path, "--json"],
                env=env,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                timeout=RECORD_TIMEOUT_S,
            )
        except subprocess.TimeoutExpired:
            _say("this run was not recorded (trail record-run did not finish within %d s)" % RECORD_TIMEOUT_S)
            return False
        if done.returncode != 0:
            reason = (done.stderr or done.stdout).strip().splitlines()
            _say("this run was not recorded (%s)" % (reason[-1] if reason else "exit %d" % done.returncode))
            return False
        answer = {}
        try:
            answer = json.loads(done.stdout)
        except ValueError:
            pass
        result = os.environ.get("TRAIL_RUN_RESULT")
        if result:
            with open(result, "w", encoding="utf-8") as stream:
                json.dump(answer, stream)
        if answer.get("sessionId"):
            _say("run recorded as session %s" % answer["sessionId"])
        return True
    finally:
        try:
            os.unlink(path)
        except OSError:
            pass


def _main_script():
    """The script that runs: pipeline.py, or pipeline.ipynb run in a kernel (papermill)."""
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    if isinstance(path, str) and path:
        return os.path.abspath(path)
    # The notebook form names itself (_NOTEBOOK_FORM) beside _HERE, the folder it runs in.
    notebook, here = getattr(main, "_NOTEBOOK_FORM", None), getattr(main, "_HERE", None)
    if isinstance(notebook, str) and notebook and isinstance(here, str) and here:
        return os.path.abspath(os.path.join(here, notebook))
    return None


def start(source, params):
    """The seam: a :class:`PipelineRun` capturing this process, or None.

    ``source`` is the pipeline's provenance (``_SOURCE``: session, notebook,
    step, ...), ``params`` the params it runs with (logged as the run's).
    """
    global _RUN
    if os.environ.get("TRAIL_DISABLED"):
        return None
    if _RUN is not None:
        return _RUN
    problem = why_not_recorded()
    if problem is not None:
        _say("this run is not recorded (%s)" % problem)
        return None
    script = _main_script()
    if script is None:
        _say("this run is not recorded (not run as a script)")
        return None
    main = sys.modules.get("__main__")
    here = getattr(main, "_HERE", None) or os.path.dirname(script)
    notebook_dir = os.path.normpath(os.path.join(here, getattr(main, "_NOTEBOOK_DIR", None) or "."))
    run = PipelineRun(source, params, script)
    run.begin(notebook_dir)
    _RUN = run
    return run
