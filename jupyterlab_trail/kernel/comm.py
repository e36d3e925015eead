"""Config and comms: the ``jupyterlab_trail`` comm target and what it sends.

PROTOCOL.md sections 1 and 2: the config arrives with the injection, the
``comm_open`` and ``config`` messages; every message sent carries ``trail: 1``.
"""

import os

from .about import __version__
from .state import _st
from .text import _report

COMM_TARGET = "jupyterlab_trail"


def _flush_warnings():
    if not _st.pending_warnings or not _st.comms:
        return
    with _st.lock:
        items, _st.pending_warnings = _st.pending_warnings, []
    for message in items:
        _send({"type": "warning", "message": message})


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
