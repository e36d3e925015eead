"""The execution hooks: IPython's ``pre_run_cell`` and ``post_run_cell``.

They mark which execution is recorded, switch the audit hook on and off, and
time themselves (``_stats``); the capture is built in ``post_run_cell``.
"""

import time

from .state import _Execution, _perf_ns, _runtime, _st
from .text import _report
from .comm import _flush_warnings
from .audit import _on_audit
from .capture import _finish
from .api import _flush_late
from .environment import _check_packages


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
