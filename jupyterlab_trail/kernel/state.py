"""The helper's state: one ``_State`` per helper module, one runtime per process.

Everything the hooks, the comms and the workers share lives on ``_st``;
importing this module creates it and starts nothing.
"""

import os
import sys
import threading
import time
import types

# Access bits collected while a cell runs; see _access_name.
_READ = 1
_WRITE = 2
_READWRITE = 4

# Looked up once: the audit hook and the execution hooks call them all the time.
_get_ident = threading.get_ident
_perf_ns = time.perf_counter_ns


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

    def logged(self):
        """What the user logged, as a capture's fields (the empty ones left out)."""
        capture = {}
        if self.params:
            capture["params"] = self.params
        if self.metrics:
            capture["metrics"] = self.metrics
        if self.tags:
            capture["tags"] = self.tags
        return capture


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
        self.redirect_map = None  # a fork's substitution (redirect.py), None when none
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
        rt = types.SimpleNamespace(
            audit=None, call=None, patch=None, after_fork=None, audit_installed=False, redirect=None, redirect_call=None
        )
        sys._trail_runtime = rt
    return rt


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
