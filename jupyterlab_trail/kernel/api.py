"""The in-kernel API: ``trail.log_param``, ``log_metric``, ``dataset``, ``tag``.

Calls land on the running execution, or, just after a cell ended, on the last
one (sent half a second later). A wrong argument warns and is ignored; nothing
here raises into user code.
"""

import math
import numbers
import os
import reprlib
import threading
import warnings

from .limits import (
    MAX_METRICS,
    MAX_METRIC_NAME_LENGTH,
    MAX_PARAMS,
    MAX_PARAM_NAME_LENGTH,
    MAX_PARAM_VALUE_LENGTH,
    MAX_ROLE_LENGTH,
    MAX_TAGS,
    MAX_TAG_LENGTH,
)
from .state import _Execution, _READ, _WRITE, _st
from .text import _clip, _now_iso, _report
from .comm import _send
from .paths import _note
from .redirect import _redirected_declaration

__all__ = [
    "log_param",
    "log_params",
    "log_metric",
    "log_metrics",
    "dataset",
    "tag",
]
_BIG_INT = 2**53


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
    _send({"type": "capture", "msgId": ex.msg_id, "cellId": ex.cell_id, "capture": ex.logged(), "final": not pending})
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
        return _clip(value, MAX_PARAM_VALUE_LENGTH)
    if isinstance(value, int):
        value = int(value)
        return value if -_BIG_INT <= value <= _BIG_INT else _clip(repr(value), MAX_PARAM_VALUE_LENGTH)
    if isinstance(value, float):
        value = float(value)
        return value if math.isfinite(value) else repr(value)
    item = _scalar_item(value)
    if item is not None:
        return _param_value(item)
    try:
        return _clip(_repr.repr(value), MAX_PARAM_VALUE_LENGTH)
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


def _check_name(fn_name, name, limit):
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
        name = _check_name("log_param", name, MAX_PARAM_NAME_LENGTH)
        if name is None:
            return
        with _st.lock:
            if name not in ex.params and len(ex.params) >= MAX_PARAMS:
                _warn("trail.log_param: at most %d params per execution; %r ignored" % (MAX_PARAMS, name))
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
        name = _check_name("log_metric", name, MAX_METRIC_NAME_LENGTH)
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
            if len(ex.metrics) >= MAX_METRICS:
                _warn("trail.log_metric: at most %d points per execution; point ignored" % MAX_METRICS)
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
            value = _clip(value, MAX_TAG_LENGTH)
            with _st.lock:
                if value in ex.tags:
                    continue
                if len(ex.tags) >= MAX_TAGS:
                    _warn("trail.tag: at most %d tags per execution" % MAX_TAGS)
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
        role = _clip(role, MAX_ROLE_LENGTH)
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
                source = _redirected_declaration(source)
                _note(ex, source, bits, role=role, directory=True, explicit=True)
    except Exception as error:
        _report("dataset", error)
    return path
