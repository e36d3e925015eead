"""Trail's in-kernel helper: data versions, params, metrics and environment.

The browser injects this file into IPython kernels (see PROTOCOL.md next to it)
and talks to it over the comm target ``jupyterlab_trail``. It only observes:
every hook body is wrapped, nothing is printed, and a failure becomes at most
one ``warning`` message per kind, never an exception in user code.

What it records for each recorded execution (the execute_request between
IPython's ``pre_run_cell`` and ``post_run_cell``):

* files opened (an audit hook on ``open``, plus wrappers for pyarrow readers and
  writers that bypass Python's ``open``), with size, mtime, sha256 and, for
  CSV/TSV/Parquet, a light table schema;
* what the user logs through this module: ``trail.log_param``,
  ``trail.log_metric``, ``trail.dataset``, ``trail.tag``.

Standard library only at import; pyarrow is used for Parquet schemas only when
the user's code has already imported it.

This file must stay ASCII: the browser embeds it as a JSON string and both
sides must build the same injection code.
"""

import functools
import hashlib
import json
import math
import numbers
import os
import platform
import posixpath
import queue
import reprlib
import stat as _stat
import subprocess
import sys
import threading
import time
import types
import warnings

__version__ = "0.1.0"
__all__ = [
    "log_param",
    "log_params",
    "log_metric",
    "log_metrics",
    "dataset",
    "tag",
]

COMM_TARGET = "jupyterlab_trail"

# Access bits collected while a cell runs; see _access_name.
_READ = 1
_WRITE = 2
_READWRITE = 4

_MAX_PATHS = 100000  # distinct paths remembered per execution
_MAX_FILES = 10000  # entries per capture (schema limit)
_MAX_INLINE_FILES = 64  # cache-miss files hashed inline per execution
_INLINE_PATHS = 2000  # more paths than this are resolved in the background
_FOLDER_MIN = 5  # files of one folder that make a folder entry
_FOLDER_MIN_TOP = 50  # the same, for the notebook's own folder
_FOLDER_WALK_MAX = 100000
_SAMPLE_BYTES = 65536  # CSV/TSV bytes read to infer a schema
_SAMPLE_ROWS = 1000
_DIFF_MAX = 256 * 1024
_SUBPROCESS_TIMEOUT = 10
_HASH_CACHE_MAX = 100000
_BIG_INT = 2**53
_CODE_SUFFIXES = (".pyc", ".pyo", ".so", ".pyd", ".pth")
_TABULAR = (
    (".csv", "csv"),
    (".csv.gz", "csv"),
    (".tsv", "tsv"),
    (".tsv.gz", "tsv"),
    (".tab", "tsv"),
    (".parquet", "parquet"),
    (".pq", "parquet"),
)
_LIBRARY_PARTS = tuple(os.sep + name + os.sep for name in ("__pycache__", "site-packages", "dist-packages"))
# Audit events the hook looks at; every other event returns at once.
_AUDIT_EVENTS = frozenset(("open", "os.rename", "sqlite3.connect", "os.chdir"))

_get_ident = threading.get_ident
_perf_ns = time.perf_counter_ns


# --------------------------------------------------------------------------
# State


class _Execution:
    """What one recorded execution has accessed and logged so far."""

    __slots__ = ("msg_id", "cell_id", "files", "params", "metrics", "tags", "overflow")

    def __init__(self, msg_id, cell_id):
        self.msg_id = msg_id
        self.cell_id = cell_id
        self.files = {}  # absolute path -> [access bits, role or None, directory allowed]
        self.params = {}
        self.metrics = []
        self.tags = []
        self.overflow = 0

    def empty(self):
        return not (self.files or self.params or self.metrics or self.tags)


class _State:
    def __init__(self):
        self.lock = threading.RLock()
        self.booted = False
        self.shell = None
        self.kernel = None
        # config (PROTOCOL.md section 1)
        self.recording = False
        self.skip_cells = frozenset()
        self.hash_inline_bytes = 1 << 20
        # comms: comm_id -> [comm, environment sent]
        self.comms = {}
        # executions
        self.depth = 0  # run_cell nesting: pre_run_cell minus post_run_cell
        self.current = None
        self.last = None  # (msg_id, cell_id) of the last recorded execution
        self.late = None  # _Execution collecting logs made after its cell ended
        self.late_timer = None
        self.pending = set()  # msg_ids whose hashes run in the background
        # files
        cwd = os.getcwd()
        self.nbdir = cwd
        self.nbdir_prefix = cwd.rstrip(os.sep) + os.sep
        self.excluded = ()
        self.display_cache = {}
        self.path_memo = {}  # absolute path as opened -> normal path, or None when excluded
        self.rel_memo = {}  # the same for relative paths; cleared on chdir and per cell
        self.hash_cache = {}  # stat key -> [sha256, schema or _UNSET]
        self.own_threads = set()
        # environment
        self.env = None
        self.env_packages = None
        self.pkg_path = None
        self.pkg_dirs = ()
        self.pkg_sig = None
        self.env_ms = []  # how long each snapshot took
        # warnings
        self.warned = set()
        self.pending_warnings = []
        self.api_warned = False
        self.stats = {
            "filesHashed": 0,
            "bytesHashed": 0,
            "hashCacheHits": 0,
            "capturesSent": 0,
            "messagesSent": 0,
            "environmentSnapshots": 0,
            "environmentsSent": 0,
            "executionsRecorded": 0,
            "warnings": 0,
        }
        self.hook_ns = []  # pre + post hook wall time of the last executions
        self.pre_ns = 0
        # Benchmarks set this to also measure the hooks' thread CPU time,
        # which leaves out GIL waits and descheduling (two more syscalls).
        self.cpu_timing = False
        self.hook_cpu_ns = []
        self.pre_cpu_ns = 0
        self.hasher = None
        self.envworker = None


_st = _State()
_UNSET = object()


def _runtime():
    """The process-wide holder the audit hook and the library wrappers call.

    Audit hooks cannot be removed and wrapped library functions outlive a
    re-created helper module, so both dispatch through this holder, which
    each bootstrap points at its own handlers.
    """
    rt = getattr(sys, "_trail_runtime", None)
    if rt is None:
        rt = types.SimpleNamespace(audit=None, call=None, patch=None, after_fork=None, audit_installed=False)
        sys._trail_runtime = rt
    return rt


# --------------------------------------------------------------------------
# Small helpers


def _iso_ns(ns):
    """ISO-8601 UTC with milliseconds and Z, from nanoseconds since the epoch."""
    sec, frac = divmod(int(ns), 1000000000)
    t = time.gmtime(sec)
    return "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ" % (
        t.tm_year,
        t.tm_mon,
        t.tm_mday,
        t.tm_hour,
        t.tm_min,
        t.tm_sec,
        frac // 1000000,
    )


def _now_iso():
    return _iso_ns(time.time_ns())


def _clip(text, limit):
    """text as a str of at most limit characters that UTF-8 can encode.

    Lone surrogates (a non-UTF-8 file name, say) would make the whole comm
    message unserializable; they become U+FFFD.
    """
    text = str(text)
    if len(text) > limit:
        text = text[:limit]
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = "".join("\ufffd" if "\ud800" <= c <= "\udfff" else c for c in text)
    return text


def _report(where, error):
    """Queue one warning per kind of failure; sent from a safe point.

    Never sends directly: this may run inside the audit hook, on any thread.
    """
    try:
        if where in _st.warned:
            return
        _st.warned.add(where)
        if isinstance(error, BaseException):
            detail = "%s: %s" % (type(error).__name__, error)
        else:
            detail = str(error)
        _st.stats["warnings"] += 1
        if len(_st.pending_warnings) < 20:
            _st.pending_warnings.append(_clip("Trail kernel helper (%s): %s" % (where, detail), 2000))
    except BaseException:
        pass


def _flush_warnings():
    if not _st.pending_warnings or not _st.comms:
        return
    with _st.lock:
        items, _st.pending_warnings = _st.pending_warnings, []
    for message in items:
        _send({"type": "warning", "message": message})


# --------------------------------------------------------------------------
# Config and comms


def _apply_config(config):
    if not isinstance(config, dict):
        return
    if "recording" in config:
        _st.recording = bool(config["recording"])
    if "skipCells" in config:
        cells = config["skipCells"]
        if isinstance(cells, (list, tuple)):
            _st.skip_cells = frozenset(c for c in cells if isinstance(c, str))
        else:
            _st.skip_cells = frozenset()
    if "hashInlineBytes" in config:
        value = config["hashInlineBytes"]
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            _st.hash_inline_bytes = value


def _send(payload, comms=None):
    """Send a message to the given comms (default: every open one)."""
    data = dict(payload)
    data["trail"] = 1
    if comms is None:
        with _st.lock:
            comms = [entry[0] for entry in _st.comms.values()]
    sent = 0
    for comm in comms:
        if getattr(comm, "_closed", False):
            _forget_comm(comm)
            continue
        try:
            comm.send(data)
            sent += 1
        except Exception as error:
            _report("send", error)
    _st.stats["messagesSent"] += sent
    return sent


def _forget_comm(comm):
    with _st.lock:
        _st.comms.pop(getattr(comm, "comm_id", None), None)


def _comm_opened(comm, msg):
    try:
        content = msg.get("content") or {}
        _apply_config(content.get("data"))
        with _st.lock:
            _st.comms[comm.comm_id] = [comm, False]
        comm.on_msg(_comm_message)
        comm.on_close(_comm_closed)
        _send({"type": "hello", "version": __version__, "pid": os.getpid()}, [comm])
        _flush_warnings()
        _send_start_environment()
    except Exception as error:
        _report("comm-open", error)


def _comm_message(msg):
    try:
        data = (msg.get("content") or {}).get("data")
        if isinstance(data, dict) and data.get("type") == "config":
            _apply_config(data)
    except Exception as error:
        _report("comm-message", error)


def _comm_closed(msg):
    try:
        comm_id = ((msg or {}).get("content") or {}).get("comm_id")
        with _st.lock:
            _st.comms.pop(comm_id, None)
    except Exception as error:
        _report("comm-close", error)


# --------------------------------------------------------------------------
# Which paths count as data


def _build_exclusions():
    """Prefixes of interpreter, library, cache and Jupyter files.

    A prefix that holds the notebook folder or the temp folder is dropped, so
    data there is always kept (a notebook under /usr/local/share, say).
    """
    home = os.path.expanduser("~")
    candidates = [
        sys.prefix,
        sys.base_prefix,
        sys.exec_prefix,
        getattr(sys, "base_exec_prefix", sys.exec_prefix),
        os.path.join(home, ".cache"),
        os.path.join(home, ".config"),
        os.path.join(home, ".local", "lib"),
        os.path.join(home, ".local", "share", "jupyter"),
        os.path.join(home, ".ipython"),
        os.path.join(home, ".jupyter"),
        os.path.join(home, ".matplotlib"),
        os.path.join(home, ".pyenv"),
        os.path.join(home, ".conda"),
    ]
    candidates += [
        "/proc",
        "/sys",
        "/dev",
        "/run",
        "/etc",
        "/usr",
        "/lib",
        "/lib32",
        "/lib64",
        "/bin",
        "/sbin",
        "/var/lib",
        "/var/cache",
        "/var/run",
        "/snap",
        "/System",
        "/Library",
        "/private/etc",
    ]
    try:
        import site

        candidates += list(site.getsitepackages())
        candidates.append(site.getusersitepackages())
    except Exception:
        pass
    try:
        from IPython.paths import get_ipython_dir

        candidates.append(get_ipython_dir())
    except Exception:
        pass
    try:
        candidates.append(_st.shell.profile_dir.location)
    except Exception:
        pass
    try:
        from jupyter_core import paths as jpaths

        candidates += [jpaths.jupyter_runtime_dir(), jpaths.jupyter_data_dir(), jpaths.jupyter_config_dir()]
    except Exception:
        pass
    import tempfile

    keep = [_st.nbdir, os.path.realpath(_st.nbdir)]
    try:
        tmp = tempfile.gettempdir()
        keep += [tmp, os.path.realpath(tmp)]
    except Exception:
        pass
    keep = [k.rstrip(os.sep) + os.sep for k in keep]
    prefixes = set()
    for cand in candidates:
        if not cand or not isinstance(cand, str):
            continue
        for p in {os.path.normpath(cand), os.path.realpath(cand)}:
            p = p.rstrip(os.sep) + os.sep
            if p == os.sep or any(k.startswith(p) for k in keep):
                continue
            prefixes.add(p)
    _st.excluded = tuple(sorted(prefixes))


def _excluded_path(path):
    """Interpreter, library, cache and Jupyter files, whatever the access."""
    if path.startswith(_st.excluded) or path.endswith(_CODE_SUFFIXES):
        return True
    for part in _LIBRARY_PARTS:
        if part in path:
            return True
    return False


def _abspath(path):
    if path.__class__ is not str:
        if isinstance(path, bytes):
            path = os.fsdecode(path)
        else:
            path = os.fspath(path)
            if isinstance(path, bytes):
                path = os.fsdecode(path)
    if not os.path.isabs(path):
        path = os.path.join(os.getcwd(), path)
    return os.path.normpath(path)


def _display(path):
    """Relative to the notebook folder when inside it (POSIX), else absolute."""
    shown = _st.display_cache.get(path)
    if shown is not None:
        return shown
    prefix = _st.nbdir_prefix
    if path.startswith(prefix):
        shown = path[len(prefix):]
    elif path == _st.nbdir:
        shown = "."
    else:
        shown = path
        try:
            real = os.path.realpath(path)
            if real.startswith(prefix):
                shown = real[len(prefix):]
        except Exception:
            pass
    if os.sep != "/":
        shown = shown.replace(os.sep, "/")
    shown = _clip(shown, 4096)
    if len(_st.display_cache) > 50000:
        _st.display_cache.clear()
    _st.display_cache[path] = shown
    return shown


def _note(ex, path, bits, role=None, directory=False, explicit=False):
    """Remember that the execution accessed path."""
    if explicit:
        path = _abspath(path)
    else:
        if _get_ident() in _st.own_threads:
            return
        if path.__class__ is str:
            memo = _st.path_memo if path[:1] == os.sep or os.path.isabs(path) else _st.rel_memo
            if path in memo:
                # seen before: its normal form, or None when excluded
                path = memo[path]
                if path is None:
                    return
            else:
                raw = path
                path = _abspath(path)
                if len(memo) >= 100000:
                    memo.clear()
                memo[raw] = None if _excluded_path(path) else path
        else:
            path = _abspath(path)
    entry = ex.files.get(path)
    if entry is None:
        if not explicit:
            if _excluded_path(path):
                return
            # Module sources read by imports, tracebacks and %run.
            if bits == _READ and path.endswith(".py"):
                return
        if len(ex.files) >= _MAX_PATHS:
            ex.overflow += 1
            return
        ex.files[path] = [bits, role, directory]
        return
    entry[0] |= bits
    if role is not None:
        entry[1] = role
    if directory:
        entry[2] = True


# --------------------------------------------------------------------------
# The audit hook


def _make_audit_hook(rt, events):
    # Kept tiny: it runs for every audit event of every thread.
    def _trail_audit_hook(event, args):
        if event in events:
            handler = rt.audit
            if handler is not None:
                handler(event, args)

    return _trail_audit_hook


def _on_audit(event, args):
    ex = _st.current
    if ex is None:
        return
    try:
        if event == "open":
            path = args[0]
            if path is None or path.__class__ is int:
                return
            flags = args[2]
            if isinstance(flags, int) and flags >= 0:
                acc = flags & 3
                if acc == 0:
                    bits = _READ
                elif acc == 1:
                    bits = _WRITE
                else:
                    bits = _WRITE if flags & getattr(os, "O_TRUNC", 0) else _READWRITE
            else:
                mode = args[1] or "r"
                if "+" in mode:
                    bits = _WRITE if "w" in mode else _READWRITE
                elif "r" in mode:
                    bits = _READ
                else:
                    bits = _WRITE
            _note(ex, path, bits)
        elif event == "os.rename":
            if args[2] != -1 or args[3] != -1:
                return
            src = _abspath(args[0])
            moved = ex.files.pop(src, None)
            bits = moved[0] if moved else _WRITE
            if bits & _READ and not bits & (_WRITE | _READWRITE):
                bits = _WRITE
            _note(ex, args[1], bits)
        elif event == "os.chdir":
            _st.rel_memo = {}
        elif event == "sqlite3.connect":
            path = args[0]
            if isinstance(path, (str, bytes, os.PathLike)) and path not in (":memory:", b":memory:", ""):
                if not (isinstance(path, str) and path.startswith("file:")):
                    _note(ex, path, _READWRITE)
    except Exception as error:
        _report("audit", error)


def _after_fork_in_child():
    """A forked child (multiprocessing, a DataLoader worker) records nothing.

    It must not inherit a lock held by a helper thread, nor send on the
    parent's comms.
    """
    try:
        _runtime().audit = None
        _st.lock = threading.RLock()
        _st.current = None
        _st.depth = 0
        _st.late = None
        _st.late_timer = None
        _st.comms = {}
        _st.recording = False
        _st.hasher = None
        _st.envworker = None
        _st.own_threads = set()
    except BaseException:
        pass


def _install_audit_hook(rt):
    if not rt.audit_installed:
        rt.audit_installed = True
        sys.addaudithook(_make_audit_hook(rt, _AUDIT_EVENTS))


# --------------------------------------------------------------------------
# Readers and writers that bypass Python's open: wrapped at import time

# Where a wrapped callable finds its path, access and filesystem:
# (attribute, (index, keyword) of the path, access bits or None to read them
# from the mode argument, (index, keyword) of the mode, (index, keyword) of
# the filesystem). Indexes count positional arguments without self.
_FS = (None, "filesystem")


def _spec(attr, index, keyword, bits, mode=None, fs=_FS):
    return (attr, (index, keyword), bits, mode, fs)


_WRAPS = {
    "pyarrow": [
        _spec("memory_map", 0, "path", None, mode=(1, "mode"), fs=None),
        _spec("create_memory_map", 0, "path", _WRITE, fs=None),
        _spec("input_stream", 0, "source", _READ, fs=None),
        _spec("output_stream", 0, "source", _WRITE, fs=None),
    ],
    "pyarrow.parquet": [
        _spec("read_table", 0, "source", _READ),
        _spec("read_pandas", 0, "source", _READ),
        _spec("read_schema", 0, "where", _READ, fs=(3, "filesystem")),
        _spec("read_metadata", 0, "where", _READ, fs=(3, "filesystem")),
        _spec("write_table", 1, "where", _WRITE),
        _spec("write_to_dataset", 1, "root_path", _WRITE, fs=(3, "filesystem")),
        _spec("ParquetFile", 0, "source", _READ),
        _spec("ParquetWriter", 0, "where", _WRITE, fs=(2, "filesystem")),
        _spec("ParquetDataset", 0, "path_or_paths", _READ, fs=(1, "filesystem")),
    ],
    "pyarrow.feather": [
        _spec("read_table", 0, "source", _READ, fs=None),
        _spec("read_feather", 0, "source", _READ, fs=None),
        _spec("write_feather", 1, "dest", _WRITE, fs=None),
    ],
    "pyarrow.csv": [
        _spec("read_csv", 0, "input_file", _READ, fs=None),
        _spec("open_csv", 0, "input_file", _READ, fs=None),
        _spec("write_csv", 1, "output_file", _WRITE, fs=None),
    ],
    "pyarrow.json": [_spec("read_json", 0, "input_file", _READ, fs=None)],
    "pyarrow.orc": [
        _spec("read_table", 0, "source", _READ, fs=(2, "filesystem")),
        _spec("write_table", 1, "where", _WRITE, fs=None),
        _spec("ORCFile", 0, "source", _READ, fs=None),
    ],
    "pyarrow.dataset": [
        _spec("dataset", 0, "source", _READ, fs=(3, "filesystem")),
        _spec("write_dataset", 1, "base_dir", _WRITE),
    ],
    # pandas 3 opens Parquet destinations with pa.OSFile, natively: its path
    # and mode are seen here.
    "pandas.io.parquet": [
        _spec("_get_path_or_handle", 0, "path", None, mode=(3, "mode"), fs=(1, "fs")),
    ],
}


def _make_wrapper(rt, original, spec, shift):
    @functools.wraps(original)
    def _trail_wrapper(*args, **kwargs):
        handler = rt.call
        if handler is not None:
            handler(args, kwargs, spec, shift)
        return original(*args, **kwargs)

    _trail_wrapper.__trail_wrapped__ = True
    return _trail_wrapper


def _argument(args, kwargs, at, shift):
    index, keyword = at
    if index is not None and len(args) > index + shift:
        return args[index + shift]
    return kwargs.get(keyword)


def _mode_bits(mode):
    if not isinstance(mode, str):
        return _READ
    if "+" in mode:
        return _WRITE if "w" in mode else _READWRITE
    if "w" in mode or "a" in mode or "x" in mode:
        return _WRITE
    return _READ


def _on_call(args, kwargs, spec, shift):
    ex = _st.current
    if ex is None:
        return
    try:
        _, path_at, bits, mode_at, fs_at = spec
        if fs_at is not None:
            fs = _argument(args, kwargs, fs_at, shift)
            if fs is not None and type(fs).__name__ != "LocalFileSystem":
                return
        if bits is None:
            bits = _mode_bits(_argument(args, kwargs, mode_at, shift) if mode_at else None)
        _note_source(ex, _argument(args, kwargs, path_at, shift), bits)
    except Exception as error:
        _report("wrapper", error)


def _note_source(ex, source, bits):
    if isinstance(source, (list, tuple)):
        for item in source[:_MAX_PATHS]:
            _note_source(ex, item, bits)
        return
    if isinstance(source, os.PathLike):
        source = os.fspath(source)
    if not isinstance(source, str):
        return  # file objects were seen by the audit hook; buffers are not files
    if "://" in source:
        if not source.startswith("file://"):
            return
        source = source[len("file://"):]
    _note(ex, source, bits, directory=True)


def _patch_module(name, module):
    specs = _WRAPS.get(name)
    if not specs or module is None:
        return
    rt = _runtime()
    for spec in specs:
        attr = spec[0]
        try:
            original = getattr(module, attr, None)
            if original is None:
                continue
            if isinstance(original, type):
                init = original.__dict__.get("__init__")
                if init is None or getattr(init, "__trail_wrapped__", False):
                    continue
                original.__init__ = _make_wrapper(rt, init, spec, 1)
                continue
            if getattr(original, "__trail_wrapped__", False):
                continue
            wrapper = _make_wrapper(rt, original, spec, 0)
            setattr(module, attr, wrapper)
            home = sys.modules.get(getattr(original, "__module__", None) or "")
            if home is not None and home is not module and getattr(home, attr, None) is original:
                setattr(home, attr, wrapper)
        except Exception as error:
            _report("patch " + name, error)


class _PostImportFinder:
    """Wraps the target modules right after they are imported.

    Wrapping only at pre_run_cell would miss ``import pyarrow.parquet as pq;
    pq.read_table(...)`` in the same cell, the most common case.
    """

    __trail_finder__ = True

    def __init__(self, rt):
        self._rt = rt
        self._busy = set()

    def find_spec(self, fullname, path=None, target=None):
        if fullname not in _WRAPS or fullname in self._busy:
            return None
        self._busy.add(fullname)
        try:
            spec = None
            for finder in sys.meta_path:
                if finder is self or not hasattr(finder, "find_spec"):
                    continue
                spec = finder.find_spec(fullname, path, target)
                if spec is not None:
                    break
        except Exception:
            return None
        finally:
            self._busy.discard(fullname)
        loader = getattr(spec, "loader", None)
        if loader is None or not hasattr(loader, "exec_module"):
            return None
        rt = self._rt
        original = loader.exec_module

        def exec_module(module):
            original(module)
            patch = rt.patch
            if patch is not None:
                try:
                    patch(fullname, module)
                except Exception:
                    pass

        try:
            loader.exec_module = exec_module
        except Exception:
            return None
        return spec


def _install_import_hooks(rt):
    sys.meta_path[:] = [f for f in sys.meta_path if not getattr(f, "__trail_finder__", False)]
    sys.meta_path.insert(0, _PostImportFinder(rt))
    for name in _WRAPS:
        module = sys.modules.get(name)
        if module is not None:
            _patch_module(name, module)


# --------------------------------------------------------------------------
# Execution hooks


def _pre_run_cell(info=None):
    t0 = _perf_ns()
    st = _st
    c0 = time.thread_time_ns() if st.cpu_timing else 0
    try:
        st.depth += 1
        if st.depth > 1:
            return  # a nested run_cell belongs to the outer execution
        if st.late is not None:
            _flush_late()
        if not st.recording or not st.comms:
            return
        if st.rel_memo:
            st.rel_memo = {}  # the cwd may have changed while nothing was recorded
        parent = st.kernel.get_parent() if st.kernel is not None else {}
        header = parent.get("header") or {}
        msg_id = header.get("msg_id")
        if not msg_id or header.get("msg_type", "execute_request") != "execute_request":
            return
        cell_id = (parent.get("metadata") or {}).get("cellId")
        if not isinstance(cell_id, str):
            cell_id = getattr(info, "cell_id", None)
            if not isinstance(cell_id, str):
                cell_id = None
        if cell_id is not None and cell_id in st.skip_cells:
            return
        st.current = _Execution(msg_id, cell_id)
        _runtime().audit = _on_audit
    except BaseException as error:
        _report("pre_run_cell", error)
    finally:
        st.pre_ns = _perf_ns() - t0
        if c0:
            st.pre_cpu_ns = time.thread_time_ns() - c0


def _post_run_cell(result=None):
    t0 = _perf_ns()
    st = _st
    c0 = time.thread_time_ns() if st.cpu_timing else 0
    msg_id = None
    try:
        st.depth = max(0, st.depth - 1)
        if st.depth:
            return
        _runtime().audit = None
        ex, st.current = st.current, None
        if ex is not None:
            msg_id = ex.msg_id
            with st.lock:
                st.last = (ex.msg_id, ex.cell_id)
            st.stats["executionsRecorded"] += 1
            _finish(ex)
    except BaseException as error:
        _report("post_run_cell", error)
    try:
        if not st.depth:
            _check_packages(msg_id)
            _flush_warnings()
    except BaseException as error:
        _report("packages", error)
    finally:
        if len(st.hook_ns) >= 10000:
            del st.hook_ns[:5000]
        st.hook_ns.append(st.pre_ns + _perf_ns() - t0)
        st.pre_ns = 0
        if c0:
            if len(st.hook_cpu_ns) >= 10000:
                del st.hook_cpu_ns[:5000]
            st.hook_cpu_ns.append(st.pre_cpu_ns + time.thread_time_ns() - c0)
            st.pre_cpu_ns = 0


def _register_shell_events(shell):
    events = shell.events
    for name, fn in (("pre_run_cell", _pre_run_cell), ("post_run_cell", _post_run_cell)):
        for old in list(events.callbacks.get(name, [])):
            if getattr(old, "__trail_hook__", False):
                events.unregister(name, old)
        events.register(name, fn)


_pre_run_cell.__trail_hook__ = True
_post_run_cell.__trail_hook__ = True


# --------------------------------------------------------------------------
# Building a capture


def _access_name(bits):
    if bits & _READWRITE or bits & 3 == 3:
        return "readwrite"
    if bits & _WRITE:
        return "write"
    return "read"


def _stat_key(st):
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def _racy(st, started_ns):
    """True when a write in the same timestamp tick could go unseen.

    Like git's racy-clean check: a file changed within the filesystem's
    timestamp granularity of the moment we hashed it may change again
    without changing its stat, so its hash is not cached.
    """
    changed = st.st_ctime_ns
    margin = 2000000000 if changed % 1000000000 == 0 else 50000000
    return changed >= started_ns - margin


def _tabular_format(path):
    lower = path.lower()
    for suffix, fmt in _TABULAR:
        if lower.endswith(suffix):
            return fmt
    return None


def _finish(ex):
    # list(): another thread may still be adding to the dict.
    accessed = list(ex.files.items())
    if len(accessed) > _INLINE_PATHS:
        # Too many to stat before the reply: all of it in the background.
        files, jobs = [], [("resolve", None, accessed)]
    elif accessed:
        files, jobs = _resolve_files(accessed, _Budget(_st.hash_inline_bytes))
    else:
        files, jobs = [], []
    capture = {}
    if files:
        capture["files"] = files
    if ex.params:
        capture["params"] = ex.params
    if ex.metrics:
        capture["metrics"] = ex.metrics
    if ex.tags:
        capture["tags"] = ex.tags
    if ex.overflow:
        _report("too-many-files", "more than %d paths in one execution; the rest were not recorded" % _MAX_PATHS)
    if not capture and not jobs:
        return
    if jobs:
        with _st.lock:
            _st.pending.add(ex.msg_id)
    _send({"type": "capture", "msgId": ex.msg_id, "cellId": ex.cell_id, "capture": capture, "final": not jobs})
    _st.stats["capturesSent"] += 1
    if jobs:
        _hasher().submit(_complete_hashes, ex.msg_id, ex.cell_id, jobs)


class _Budget:
    """What post_run_cell may still hash before the reply."""

    __slots__ = ("bytes", "files")

    def __init__(self, nbytes, files=_MAX_INLINE_FILES):
        self.bytes = nbytes
        self.files = files


def _resolve_files(accessed, budget):
    """Entries for the capture, and the background jobs that complete them."""
    started = time.time_ns()
    rows = []  # [display, bits, role, path, stat or None, error or None, directory]
    for path, (bits, role, directory) in accessed:
        if "://" in path:
            rows.append([_clip(path, 4096), bits, role, path, None, "remote path: not hashed", False])
            continue
        shown = _display(path)
        try:
            st = os.stat(path)
        except OSError as error:
            if role is not None:
                rows.append([shown, bits, role, path, None, _clip(error.strerror or error, 1000), False])
            continue
        mode = st.st_mode
        if _stat.S_ISDIR(mode):
            if directory or role is not None:
                rows.append([shown, bits, role, path, st, None, True])
            continue
        if not _stat.S_ISREG(mode):
            continue
        rows.append([shown, bits, role, path, st, None, False])

    # Several plain files of one folder become one folder entry.
    groups = {}
    for row in rows:
        if row[4] is not None and not row[6] and row[2] is None:
            key = (posixpath.dirname(row[0]), _access_name(row[1]))
            groups.setdefault(key, []).append(row)
    grouped = {}
    for (folder, access), members in groups.items():
        if len(members) >= (_FOLDER_MIN_TOP if folder == "" else _FOLDER_MIN):
            for row in members:
                grouped[id(row)] = (folder, access)

    entries = []
    jobs = []
    done_groups = set()
    for row in rows:
        shown, bits, role, path, st, error, directory = row
        key = grouped.get(id(row))
        if key is not None:
            if key in done_groups:
                continue
            done_groups.add(key)
            entry, job = _folder_from_members(key[0] or ".", key[1], groups[key], budget, started)
        elif directory:
            entry = {"path": shown, "access": _access_name(bits), "kind": "folder"}
            if role is not None:
                entry["role"] = role
            entry.update(size=None, mtime=None, sha256=None, hashPending=True)
            job = ("walk", entry, path)
        else:
            entry, job = _file_entry(shown, bits, role, path, st, error, budget, started)
        entries.append(entry)
        if job is not None:
            jobs.append(job)
    if len(entries) > _MAX_FILES:
        _report("too-many-files", "more than %d file entries in one execution" % _MAX_FILES)
        kept = entries[:_MAX_FILES]
        kept_ids = set(id(e) for e in kept)
        jobs = [j for j in jobs if id(j[1]) in kept_ids]
        entries = kept
    # The first capture must not share dicts with the jobs: the hasher fills them.
    return [dict(e) for e in entries], jobs


def _file_entry(shown, bits, role, path, st, error, budget, started):
    entry = {"path": shown, "access": _access_name(bits), "kind": "file"}
    if role is not None:
        entry["role"] = role
    if st is None:
        entry.update(size=None, mtime=None, sha256=None, hashError=error or "not found")
        return entry, None
    entry["size"] = st.st_size
    entry["mtime"] = _iso_ns(st.st_mtime_ns)
    fmt = _tabular_format(path)
    cached = _st.hash_cache.get(_stat_key(st))
    if cached is not None:
        _st.stats["hashCacheHits"] += 1
        entry["sha256"] = cached[0]
        if fmt is not None:
            # A schema reads a bounded sample (or the Parquet footer): cheap
            # enough inline, and computed once per file version.
            if cached[1] is _UNSET:
                cached[1] = _table_schema(path, fmt)
            if cached[1] is not None:
                entry["schema"] = cached[1]
        return entry, None
    if budget.files > 0 and st.st_size <= budget.bytes:
        budget.files -= 1
        budget.bytes -= st.st_size
        _hash_into(entry, path, fmt, started)
        return entry, None
    entry["sha256"] = None
    entry["hashPending"] = True
    return entry, ("file", entry, path, fmt)


def _folder_from_members(shown, access, members, budget, started):
    entry = {"path": shown, "access": access, "kind": "folder", "fileCount": len(members)}
    entry["size"] = sum(row[4].st_size for row in members)
    entry["mtime"] = _iso_ns(max(row[4].st_mtime_ns for row in members))
    lines = []
    missing = []
    for row in members:
        name = posixpath.basename(row[0])  # already clipped by _display
        cached = _st.hash_cache.get(_stat_key(row[4]))
        if cached is not None:
            _st.stats["hashCacheHits"] += 1
            lines.append((name, cached[0]))
        elif budget.files > 0 and row[4].st_size <= budget.bytes:
            budget.files -= 1
            budget.bytes -= row[4].st_size
            sha, _ = _hash_cached(row[3], started)
            lines.append((name, sha))
        else:
            missing.append((name, row[3]))
    if not missing:
        _set_folder_hash(entry, lines)
        return entry, None
    entry["sha256"] = None
    entry["hashPending"] = True
    return entry, ("members", entry, lines, missing)


def _set_folder_hash(entry, lines):
    failed = [name for name, sha in lines if sha is None]
    if failed:
        entry["sha256"] = None
        entry["hashError"] = _clip("could not hash %d file(s), e.g. %s" % (len(failed), failed[0]), 1000)
    else:
        entry["sha256"] = _folder_digest(lines)
    entry.pop("hashPending", None)


def _folder_digest(lines):
    """sha256 of the sorted "relpath NUL sha256 LF" lines."""
    h = hashlib.sha256()
    for name, sha in sorted(lines):
        h.update(("%s\0%s\n" % (name, sha)).encode("utf-8", "surrogateescape"))
    return h.hexdigest()


# --------------------------------------------------------------------------
# Hashing and schemas


_buffers = threading.local()
_SMALL_FILE = 1 << 20  # read in one piece
_HASH_BUFFER = 8 << 20


def _hash_file(path):
    """(sha256, stat before, stat after) of a file.

    Large files are read with readinto into one reused 8 MiB buffer per
    thread: both the read and hashlib release the GIL, and few, large chunks
    keep GIL hand-offs rare while user code runs. Not mmap: a file truncated
    while mapped raises SIGBUS, which would kill the user's kernel.
    """
    h = hashlib.sha256()
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        before = os.fstat(fd)
        if before.st_size <= _SMALL_FILE:
            chunk = os.read(fd, before.st_size + 1)
            while chunk:  # more than stat said when the file grows meanwhile
                h.update(chunk)
                chunk = os.read(fd, _SMALL_FILE)
        else:
            try:
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_SEQUENTIAL)
            except Exception:
                pass
            buf = getattr(_buffers, "buf", None)
            if buf is None:
                buf = _buffers.buf = bytearray(_HASH_BUFFER)
                _buffers.view = memoryview(buf)
            view = _buffers.view
            with open(fd, "rb", buffering=0, closefd=False) as f:
                while True:
                    n = f.readinto(buf)
                    if not n:
                        break
                    h.update(view[:n])
        after = os.fstat(fd)
    finally:
        os.close(fd)
    return h.hexdigest(), before, after


def _hash_cached(path, started):
    """(sha256 or None, error or None), using and filling the hash cache."""
    try:
        sha, before, after = _hash_file(path)
    except OSError as error:
        return None, _clip(error.strerror or error, 1000)
    except Exception as error:
        return None, _clip("%s: %s" % (type(error).__name__, error), 1000)
    _st.stats["filesHashed"] += 1
    _st.stats["bytesHashed"] += after.st_size
    key = _stat_key(before)
    if key == _stat_key(after) and not _racy(after, started):
        cache = _st.hash_cache
        if len(cache) >= _HASH_CACHE_MAX:
            for old in list(cache)[: _HASH_CACHE_MAX // 2]:
                cache.pop(old, None)
        cache[key] = [sha, _UNSET]
    return sha, None


def _hash_into(entry, path, fmt, started):
    """Fill sha256 (and schema) of a file entry in place."""
    if entry.get("sha256") is None:
        sha, error = _hash_cached(path, started)
        entry["sha256"] = sha
        if error:
            entry["hashError"] = error
    entry.pop("hashPending", None)
    if fmt is not None:
        schema = _table_schema(path, fmt)
        if schema is not None:
            entry["schema"] = schema
        try:
            cached = _st.hash_cache.get(_stat_key(os.stat(path)))
            if cached is not None and cached[0] == entry["sha256"]:
                cached[1] = schema
        except OSError:
            pass


def _table_schema(path, fmt):
    try:
        if fmt == "parquet":
            return _parquet_schema(path)
        return _csv_schema(path, "\t" if fmt == "tsv" else None, fmt)
    except Exception:
        return None


def _parquet_schema(path):
    pq = sys.modules.get("pyarrow.parquet")
    if pq is None:
        return None  # only with the pyarrow the user already imported
    read_metadata = getattr(pq.read_metadata, "__wrapped__", pq.read_metadata)
    meta = read_metadata(path)
    schema = meta.schema.to_arrow_schema()
    columns = [{"name": _clip(f.name, 1000), "type": _arrow_type(f.type)} for f in schema]
    return {"format": "parquet", "columns": columns[:5000], "rows": int(meta.num_rows)}


def _arrow_type(t):
    import pyarrow.types as pt

    if pt.is_dictionary(t):
        return _arrow_type(t.value_type)
    if pt.is_boolean(t):
        return "bool"
    if pt.is_integer(t):
        return str(t)
    if pt.is_floating(t):
        return {16: "float16", 32: "float32"}.get(t.bit_width, "float64")
    checks = (
        ("is_string", "string"),
        ("is_large_string", "string"),
        ("is_string_view", "string"),
        ("is_binary", "binary"),
        ("is_large_binary", "binary"),
        ("is_fixed_size_binary", "binary"),
        ("is_binary_view", "binary"),
        ("is_timestamp", "datetime"),
        ("is_date", "date"),
        ("is_time", "time"),
        ("is_duration", "duration"),
        ("is_decimal", "decimal"),
        ("is_list", "list"),
        ("is_large_list", "list"),
        ("is_fixed_size_list", "list"),
        ("is_list_view", "list"),
        ("is_struct", "struct"),
        ("is_map", "map"),
        ("is_null", "null"),
    )
    for name, result in checks:
        check = getattr(pt, name, None)
        if check is not None and check(t):
            return result
    return _clip(str(t), 200)


def _read_sample(path):
    if path.lower().endswith(".gz"):
        import gzip

        with gzip.open(path, "rb") as f:
            data = f.read(_SAMPLE_BYTES + 1)
    else:
        with open(path, "rb") as f:
            data = f.read(_SAMPLE_BYTES + 1)
    if len(data) > _SAMPLE_BYTES:
        data = data[:_SAMPLE_BYTES]
        cut = data.rfind(b"\n")
        if cut > 0:
            data = data[:cut]
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    return data.decode("utf-8", "replace")


def _csv_schema(path, delimiter, fmt):
    import csv

    text = _read_sample(path)
    if not text.strip():
        return None
    if delimiter is None:
        first = text.split("\n", 1)[0]
        delimiter = ","
        if first.count(",") == 0:
            best = max((";", "\t", "|"), key=first.count)
            if first.count(best):
                delimiter = best
    reader = csv.reader(text.splitlines(), delimiter=delimiter)
    header = next(reader, None)
    if not header:
        return None
    values = [[] for _ in header]
    for n, row in enumerate(reader):
        if n >= _SAMPLE_ROWS:
            break
        for i in range(min(len(row), len(header))):
            if row[i] != "":
                values[i].append(row[i])
    columns = [{"name": _clip(name, 1000), "type": _infer_type(vals)} for name, vals in zip(header, values)]
    return {"format": fmt, "columns": columns[:5000], "rows": None}


def _infer_type(values):
    if not values:
        return "null"
    for name, check in _CSV_TYPES:
        try:
            if all(check(v) for v in values):
                return name
        except Exception:
            continue
    return "string"


def _is_int(v):
    v = v.strip()
    if v[:1] in "+-":
        v = v[1:]
    return v.isdigit() and v.isascii()


def _is_float(v):
    float(v)
    return True


def _is_bool(v):
    return v.strip().lower() in ("true", "false")


def _is_datetime(v):
    from datetime import datetime

    v = v.strip()
    if len(v) < 8 or not v[:4].isdigit():
        return False
    datetime.fromisoformat(v[:-1] + "+00:00" if v.endswith("Z") else v)
    return True


_CSV_TYPES = (("int64", _is_int), ("float64", _is_float), ("bool", _is_bool), ("datetime", _is_datetime))


# --------------------------------------------------------------------------
# Background work


class _Worker:
    """One daemon thread running queued jobs; its opens are never recorded."""

    def __init__(self, name):
        self.name = name
        self.queue = queue.SimpleQueue()
        self.thread = None
        self.lock = threading.Lock()
        self.busy = 0

    def submit(self, fn, *args):
        with self.lock:
            self.busy += 1
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self._run, name=self.name, daemon=True)
                self.thread.start()
        self.queue.put((fn, args))

    def _run(self):
        _st.own_threads.add(_get_ident())
        while True:
            fn, args = self.queue.get()
            try:
                fn(*args)
            except BaseException as error:
                _report(self.name, error)
            finally:
                with self.lock:
                    self.busy -= 1
            try:
                _flush_warnings()
            except BaseException:
                pass


def _hasher():
    if _st.hasher is None:
        _st.hasher = _Worker("trail-hash")
    return _st.hasher


def _env_worker():
    if _st.envworker is None:
        _st.envworker = _Worker("trail-environment")
    return _st.envworker


def _complete_hashes(msg_id, cell_id, jobs):
    started = time.time_ns()
    entries = []
    if jobs and jobs[0][0] == "resolve":
        # Every entry goes in this final capture: hash everything here.
        resolved, jobs = _resolve_files(jobs[0][2], _Budget(1 << 62, 1 << 62))
        entries.extend(e for e in resolved if not e.get("hashPending"))
    for job in jobs:
        kind, entry = job[0], job[1]
        try:
            if kind == "file":
                _hash_into(entry, job[2], job[3], started)
            elif kind == "members":
                lines = list(job[2])
                for name, path in job[3]:
                    lines.append((name, _hash_cached(path, started)[0]))
                _set_folder_hash(entry, lines)
            elif kind == "walk":
                _hash_folder_tree(entry, job[2], started)
        except Exception as error:
            entry["sha256"] = None
            entry["hashError"] = _clip("%s: %s" % (type(error).__name__, error), 1000)
        entry.pop("hashPending", None)
        entries.append(entry)
    with _st.lock:
        _st.pending.discard(msg_id)
    # Always sent: the first capture promised a final one.
    _send({"type": "capture", "msgId": msg_id, "cellId": cell_id, "capture": {"files": entries}, "final": True})
    _st.stats["capturesSent"] += 1


def _hash_folder_tree(entry, root, started):
    """Hash every file under root (dot-files and dot-folders skipped)."""
    lines = []
    size = 0
    newest = None
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__")
        for name in names:
            if name.startswith("."):
                continue
            path = os.path.join(folder, name)
            try:
                st = os.stat(path)
            except OSError:
                continue
            if not _stat.S_ISREG(st.st_mode):
                continue
            if len(lines) >= _FOLDER_WALK_MAX:
                entry.update(sha256=None, fileCount=len(lines), size=size)
                entry["hashError"] = "more than %d files" % _FOLDER_WALK_MAX
                return
            rel = _clip(os.path.relpath(path, root).replace(os.sep, "/"), 4096)
            cached = _st.hash_cache.get(_stat_key(st))
            if cached is not None:
                _st.stats["hashCacheHits"] += 1
                sha = cached[0]
            else:
                sha = _hash_cached(path, started)[0]
            lines.append((rel, sha))
            size += st.st_size
            newest = st.st_mtime_ns if newest is None else max(newest, st.st_mtime_ns)
    entry["fileCount"] = len(lines)
    entry["size"] = size
    entry["mtime"] = _iso_ns(newest) if newest is not None else None
    _set_folder_hash(entry, lines)


# --------------------------------------------------------------------------
# In-kernel API


def _warn(message):
    warnings.warn(message, UserWarning, stacklevel=4)


def _target(fn_name):
    """The execution an API call lands on, or None to do nothing."""
    if not _st.recording:
        if not _st.api_warned:
            _st.api_warned = True
            _warn("Trail recording is off: trail.%s() and the other trail.log functions do nothing." % fn_name)
        return None
    ex = _st.current
    if ex is not None:
        return ex
    if _st.depth:
        return None  # a skipped cell, or no frontend listening
    with _st.lock:
        if _st.last is None or not _st.comms:
            return None
        if _st.late is None or _st.late.msg_id != _st.last[0]:
            if _st.late is not None:
                _flush_late()
            _st.late = _Execution(*_st.last)
        if _st.late_timer is None:
            timer = threading.Timer(0.5, _flush_late_safely)
            timer.daemon = True
            _st.late_timer = timer
            timer.start()
        return _st.late


def _flush_late_safely():
    try:
        _flush_late()
    except BaseException as error:
        _report("late-log", error)


def _flush_late():
    with _st.lock:
        ex, _st.late = _st.late, None
        timer, _st.late_timer = _st.late_timer, None
        pending = ex is not None and ex.msg_id in _st.pending
    if timer is not None:
        timer.cancel()
    if ex is None or ex.empty():
        return
    capture = {}
    if ex.params:
        capture["params"] = ex.params
    if ex.metrics:
        capture["metrics"] = ex.metrics
    if ex.tags:
        capture["tags"] = ex.tags
    _send({"type": "capture", "msgId": ex.msg_id, "cellId": ex.cell_id, "capture": capture, "final": not pending})
    _st.stats["capturesSent"] += 1


_repr = reprlib.Repr()
_repr.maxstring = 5000
_repr.maxother = 5000
_repr.maxlist = _repr.maxtuple = _repr.maxset = _repr.maxdict = 100


def _scalar_item(value):
    """The Python scalar of a numpy scalar or 0-d array/tensor, else None."""
    item = getattr(value, "item", None)
    if item is None or getattr(value, "shape", None) != ():
        return None
    try:
        result = item()
    except Exception:
        return None
    return result if isinstance(result, (bool, int, float, str)) else None


def _param_value(value):
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        return _clip(value, 5000)
    if isinstance(value, int):
        value = int(value)
        return value if -_BIG_INT <= value <= _BIG_INT else _clip(repr(value), 5000)
    if isinstance(value, float):
        value = float(value)
        return value if math.isfinite(value) else repr(value)
    item = _scalar_item(value)
    if item is not None:
        return _param_value(item)
    try:
        return _clip(_repr.repr(value), 5000)
    except Exception:
        return "<%s>" % type(value).__name__


def _metric_value(value):
    if isinstance(value, bool):
        return int(value)
    if not isinstance(value, numbers.Real):
        item = _scalar_item(value)
        if item is None or isinstance(item, str):
            raise TypeError("a metric value must be a real number, not %s" % type(value).__name__)
        value = item
    if isinstance(value, numbers.Integral) and -_BIG_INT <= int(value) <= _BIG_INT:
        return int(value)
    value = float(value)
    return value if math.isfinite(value) else None


def _check_name(fn_name, name, limit=250):
    if not isinstance(name, str) or not name:
        _warn("trail.%s: the name must be a non-empty str, got %r; ignored" % (fn_name, type(name).__name__))
        return None
    return _clip(name, limit)


def log_param(name, value):
    """Log one param of the current execution (the latest wins per name)."""
    try:
        ex = _target("log_param")
        if ex is None:
            return
        name = _check_name("log_param", name)
        if name is None:
            return
        with _st.lock:
            if name not in ex.params and len(ex.params) >= 1000:
                _warn("trail.log_param: at most 1000 params per execution; %r ignored" % name)
                return
            ex.params[name] = _param_value(value)
    except Exception as error:
        _report("log_param", error)


def log_params(params):
    """Log several params from a mapping."""
    try:
        if not hasattr(params, "items"):
            _warn("trail.log_params expects a dict, got %s; ignored" % type(params).__name__)
            return
        for name, value in list(params.items()):
            log_param(name, value)
    except Exception as error:
        _report("log_params", error)


def log_metric(name, value, step=None):
    """Log one metric point; NaN and infinities are stored as null."""
    try:
        ex = _target("log_metric")
        if ex is None:
            return
        name = _check_name("log_metric", name)
        if name is None:
            return
        try:
            number = _metric_value(value)
        except (TypeError, ValueError) as error:
            _warn("trail.log_metric(%r): %s; ignored" % (name, error))
            return
        if step is not None:
            if isinstance(step, numbers.Integral) and not isinstance(step, bool):
                step = int(step)
            else:
                _warn("trail.log_metric(%r): step must be an int, got %s; step dropped" % (name, type(step).__name__))
                step = None
        point = {"name": name, "value": number, "at": _now_iso()}
        if step is not None:
            point["step"] = step
        with _st.lock:
            if len(ex.metrics) >= 100000:
                _warn("trail.log_metric: at most 100000 points per execution; point ignored")
                return
            ex.metrics.append(point)
    except Exception as error:
        _report("log_metric", error)


def log_metrics(metrics, step=None):
    """Log several metrics from a mapping, all at the same step."""
    try:
        if not hasattr(metrics, "items"):
            _warn("trail.log_metrics expects a dict, got %s; ignored" % type(metrics).__name__)
            return
        for name, value in list(metrics.items()):
            log_metric(name, value, step)
    except Exception as error:
        _report("log_metrics", error)


def tag(*tags):
    """Tag the current execution."""
    try:
        ex = _target("tag")
        if ex is None:
            return
        for value in tags:
            if not isinstance(value, str) or not value:
                _warn("trail.tag: tags must be non-empty str, got %r; ignored" % (value,))
                continue
            value = _clip(value, 250)
            with _st.lock:
                if value in ex.tags:
                    continue
                if len(ex.tags) >= 200:
                    _warn("trail.tag: at most 200 tags per execution")
                    return
                ex.tags.append(value)
    except Exception as error:
        _report("tag", error)


def dataset(path, role="input"):
    """Declare a dataset the execution uses, hashed like any file read.

    Returns path unchanged, so it can wrap the argument of a reader:
    ``pd.read_csv(trail.dataset("train.csv", role="train"))``. A folder is
    hashed as a whole. role "output" records a write instead of a read.
    """
    try:
        ex = _target("dataset")
        if ex is None:
            return path
        if not isinstance(role, str) or not role:
            _warn("trail.dataset: role must be a non-empty str; using 'input'")
            role = "input"
        role = _clip(role, 100)
        bits = _WRITE if role == "output" else _READ
        source = os.fspath(path) if isinstance(path, os.PathLike) else path
        if isinstance(source, bytes):
            source = os.fsdecode(source)
        if not isinstance(source, str) or not source:
            _warn("trail.dataset: path must be a str or os.PathLike, got %s; ignored" % type(path).__name__)
            return path
        with _st.lock:
            if "://" in source and not source.startswith("file://"):
                entry = ex.files.get(source)
                if entry is None:
                    ex.files[source] = [bits, role, False]
                else:
                    entry[0] |= bits
                    entry[1] = role
            else:
                if source.startswith("file://"):
                    source = source[len("file://"):]
                _note(ex, source, bits, role=role, directory=True, explicit=True)
    except Exception as error:
        _report("dataset", error)
    return path


# --------------------------------------------------------------------------
# Environment


def _run(args, cwd=None, limit=None):
    """stdout of a command (bytes, at most limit + 1), or None on failure."""
    try:
        proc = subprocess.Popen(
            args,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
    except Exception:
        return None
    timer = threading.Timer(_SUBPROCESS_TIMEOUT, proc.kill)
    timer.daemon = True
    timer.start()
    try:
        if limit is None:
            out = proc.stdout.read()
        else:
            out = proc.stdout.read(limit + 1)
            if len(out) > limit:
                proc.kill()
        proc.stdout.close()
        code = proc.wait()
    finally:
        timer.cancel()
    if limit is not None and len(out) > limit:
        return out
    return out if code == 0 else None


def _git_info(folder):
    import shutil

    git = shutil.which("git")
    if git is None:
        return None
    base = [git, "--no-optional-locks", "-C", folder]
    inside = _run(base + ["rev-parse", "--is-inside-work-tree"])
    if inside is None or inside.strip() != b"true":
        return None
    commit = _run(base + ["rev-parse", "--verify", "-q", "HEAD"])
    branch = _run(base + ["symbolic-ref", "--quiet", "--short", "HEAD"])
    status = _run(base + ["status", "--porcelain", "--untracked-files=no"])
    info = {
        "commit": _clip(commit.decode("ascii", "replace").strip(), 64) if commit else None,
        "branch": _clip(branch.decode("utf-8", "replace").strip(), 500) if branch else None,
        "dirty": bool(status and status.strip()),
    }
    if commit:
        diff = _run(base + ["diff", "HEAD", "--no-color", "--no-ext-diff"], limit=_DIFF_MAX)
        if diff is not None:
            truncated = len(diff) > _DIFF_MAX
            info["diff"] = diff[:_DIFF_MAX].decode("utf-8", "replace")
            info["diffTruncated"] = truncated
    return info


def _gpus():
    import shutil

    smi = shutil.which("nvidia-smi")
    if smi is None:
        return []
    out = _run([smi, "--query-gpu=name,memory.total,driver_version", "--format=csv,noheader,nounits"])
    gpus = []
    for line in (out or b"").decode("utf-8", "replace").splitlines():
        parts = [p.strip() for p in line.split(",")]
        if not parts or not parts[0]:
            continue
        memory = None
        if len(parts) > 1:
            try:
                memory = int(float(parts[1]))
            except ValueError:
                memory = None
        gpus.append(
            {
                "name": _clip(parts[0], 500),
                "memoryMiB": memory,
                "driver": _clip(parts[2], 100) if len(parts) > 2 and parts[2] else None,
            }
        )
    return gpus[:64]


def _cpu():
    model = None
    try:
        with open("/proc/cpuinfo", "rb") as f:
            for line in f.read(1 << 20).decode("utf-8", "replace").splitlines():
                if line.startswith("model name") and ":" in line:
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    if not model:
        model = platform.processor() or None
    cpu = {"count": os.cpu_count() or 0}
    if model:
        cpu["model"] = _clip(model, 500)
    return cpu


def _normalize_name(name):
    out = []
    dash = False
    for ch in name.lower():
        if ch in "-_.":
            if not dash:
                out.append("-")
            dash = True
        else:
            out.append(ch)
            dash = False
    return "".join(out)


def _dist_name_version(dist):
    """Name and Version from the metadata header only (fast)."""
    text = None
    for filename in ("METADATA", "PKG-INFO"):
        try:
            text = dist.read_text(filename)
        except Exception:
            text = None
        if text:
            break
    name = version = None
    if text:
        for line in text.splitlines():
            if not line.strip():
                break
            if name is None and line.startswith("Name:"):
                name = line[5:].strip()
            elif version is None and line.startswith("Version:"):
                version = line[8:].strip()
            if name and version:
                break
    if not name or not version:
        try:
            name = name or dist.metadata["Name"]
            version = version or dist.version
        except Exception:
            pass
    return name, version


def _packages():
    import importlib
    import importlib.metadata

    importlib.invalidate_caches()
    seen = {}
    for dist in importlib.metadata.distributions():
        name, version = _dist_name_version(dist)
        if not name or not version:
            continue
        key = _normalize_name(name)
        if key not in seen:  # the first on sys.path is the one imported
            seen[key] = version
    return [{"name": _clip(n, 500), "version": _clip(v, 200)} for n, v in sorted(seen.items())]


def _conda():
    prefix = sys.prefix
    if not os.path.isdir(os.path.join(prefix, "conda-meta")):
        return None
    # Only these two variables are read, and only their names are used.
    active_prefix = os.environ.get("CONDA_PREFIX")
    name = None
    if active_prefix and os.path.realpath(active_prefix) == os.path.realpath(prefix):
        name = os.environ.get("CONDA_DEFAULT_ENV")
    return {"name": _clip(name or os.path.basename(prefix.rstrip(os.sep)) or "base", 500), "prefix": _clip(prefix, 4096)}


def _environment():
    """An EnvironmentSnapshot (schema/records/environment.schema.json)."""
    impl = sys.implementation.name
    env = {
        "capturedAt": _now_iso(),
        "language": {
            "name": "python",
            "version": platform.python_version(),
            "implementation": platform.python_implementation() or impl,
            "executable": _clip(sys.executable or "", 4096),
        },
        "platform": {
            "system": platform.system() or sys.platform,
            "release": _clip(platform.release(), 200),
            "machine": _clip(platform.machine(), 100),
            "platform": _clip(platform.platform(), 500),
            "hostname": _clip(platform.node(), 255),
            "cwd": _clip(_st.nbdir, 4096),
        },
        "packages": [],
    }
    parts = (("cpu", _cpu), ("gpus", _gpus), ("packages", _packages), ("conda", _conda), ("git", lambda: _git_info(_st.nbdir)))
    for key, fn in parts:
        try:
            env[key] = fn()
        except Exception as error:
            _report("environment " + key, error)
    _st.stats["environmentSnapshots"] += 1
    return env


def _snapshot_environment(reason, msg_id):
    t0 = _perf_ns()
    env = _environment()
    _st.env_ms.append((_perf_ns() - t0) / 1e6)
    packages = env.get("packages")
    with _st.lock:
        changed = packages != _st.env_packages
        first = _st.env is None
        _st.env = env
        _st.env_packages = packages
        if first:
            for entry in _st.comms.values():
                entry[1] = True
            comms = [entry[0] for entry in _st.comms.values()]
    if first:
        _send({"type": "environment", "reason": "start", "msgId": None, "environment": env}, comms)
        _st.stats["environmentsSent"] += 1
    elif reason == "packages-changed" and changed:
        with _st.lock:
            for entry in _st.comms.values():
                entry[1] = True
        _send({"type": "environment", "reason": reason, "msgId": msg_id, "environment": env})
        _st.stats["environmentsSent"] += 1


def _send_start_environment():
    """A newly opened comm gets the latest snapshot once it exists."""
    with _st.lock:
        env = _st.env
        if env is None:
            return
        comms = [entry[0] for entry in _st.comms.values() if not entry[1]]
        for entry in _st.comms.values():
            entry[1] = True
    if comms:
        _send({"type": "environment", "reason": "start", "msgId": None, "environment": env}, comms)
        _st.stats["environmentsSent"] += 1


def _package_dirs(path):
    dirs = []
    try:
        import site

        sites = set(site.getsitepackages())
    except Exception:
        sites = set()
    for entry in path:
        if not isinstance(entry, str) or not entry:
            continue
        if "site-packages" in entry or "dist-packages" in entry or entry in sites:
            if os.path.isdir(entry):
                dirs.append(entry)
    return tuple(dirs)


def _package_signature():
    """mtimes of the site-packages folders on sys.path: an install or an
    uninstall adds or removes a *.dist-info folder there."""
    path = tuple(sys.path)
    if path != _st.pkg_path:
        _st.pkg_path = path
        _st.pkg_dirs = _package_dirs(path)
    mtimes = []
    for folder in _st.pkg_dirs:
        try:
            mtimes.append(os.stat(folder).st_mtime_ns)
        except OSError:
            mtimes.append(None)
    return (_st.pkg_dirs, tuple(mtimes))


def _check_packages(msg_id):
    sig = _package_signature()
    if sig == _st.pkg_sig:
        return
    _st.pkg_sig = sig
    if msg_id is None and _st.kernel is not None:
        header = _st.kernel.get_parent().get("header") or {}
        msg_id = header.get("msg_id") or None
    _env_worker().submit(_snapshot_environment, "packages-changed", msg_id)


# --------------------------------------------------------------------------
# Bootstrap


def _comm_manager(kernel):
    manager = getattr(kernel, "comm_manager", None)
    if manager is None:
        from comm import get_comm_manager

        manager = get_comm_manager()
    return manager


def _trail_bootstrap(module, config_json):
    """Install the helper once per kernel; later calls only update the config."""
    try:
        try:
            config = json.loads(config_json) if isinstance(config_json, (str, bytes)) else config_json
        except ValueError:
            config = {}
        _apply_config(config)
        if _st.booted:
            return
        _st.booted = True
        module.__trail_helper__ = True
        sys.modules["trail"] = module
        from IPython import get_ipython

        shell = get_ipython()
        _st.shell = shell
        _st.kernel = getattr(shell, "kernel", None)
        session = getattr(shell, "user_ns", {}).get("__session__")
        if isinstance(session, str) and os.path.isabs(session) and os.path.isdir(os.path.dirname(session)):
            _st.nbdir = os.path.dirname(session)
        else:
            _st.nbdir = os.getcwd()
        _st.nbdir_prefix = _st.nbdir.rstrip(os.sep) + os.sep
        _build_exclusions()
        rt = _runtime()
        rt.patch = _patch_module
        rt.call = _on_call
        rt.audit = None
        rt.after_fork = _after_fork_in_child
        if not getattr(rt, "fork_hook_installed", False) and hasattr(os, "register_at_fork"):
            rt.fork_hook_installed = True
            os.register_at_fork(after_in_child=lambda: rt.after_fork())
        _install_audit_hook(rt)
        _install_import_hooks(rt)
        if shell is not None:
            _register_shell_events(shell)
        _comm_manager(_st.kernel).register_target(COMM_TARGET, _comm_opened)
        _st.pkg_sig = _package_signature()
        _env_worker().submit(_snapshot_environment, "start", None)
    except BaseException as error:
        _report("bootstrap", error)


def _stats():
    """Counters for tests and benchmarks (not part of the protocol)."""
    with _st.lock:
        out = dict(_st.stats)
        out["hookNs"] = list(_st.hook_ns)
        out["hookCpuNs"] = list(_st.hook_cpu_ns)
        out["environmentMs"] = list(_st.env_ms[-100:])
        out["hashCacheSize"] = len(_st.hash_cache)
        out["comms"] = len(_st.comms)
        out["recording"] = _st.recording
        out["notebookDir"] = _st.nbdir
        out["pendingWarnings"] = list(_st.pending_warnings)
        out["warned"] = sorted(_st.warned)
        busy = 0
        for worker in (_st.hasher, _st.envworker):
            if worker is not None:
                busy += worker.busy
        out["busy"] = busy
    return out
