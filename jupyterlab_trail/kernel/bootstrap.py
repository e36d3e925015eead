"""Bootstrap: ``_trail_bootstrap``, which the injection code calls (PROTOCOL.md section 1).

The only place that installs anything: hooks, wrappers, the comm target and
the first environment snapshot. Also ``_stats``, the counters tests read.
"""

import json
import os
import sys

from .state import _after_fork_in_child, _runtime, _st
from .text import _report
from .comm import COMM_TARGET, _apply_config, _comm_opened
from .paths import _build_exclusions
from .audit import _install_audit_hook
from .wrappers import _install_import_hooks, _on_call, _patch_module
from .workers import _env_worker
from .environment import _package_signature, _snapshot_environment
from .hooks import _register_shell_events


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
        if not hasattr(rt, "redirect"):  # a holder made by an older helper
            rt.redirect = None
            rt.redirect_call = None
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
