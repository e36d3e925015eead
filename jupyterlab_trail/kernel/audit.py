"""The audit hook: ``open``, renames, SQLite connections and ``chdir``.

Installed once per process (audit hooks cannot be removed); it calls the
current helper through the runtime holder, and only while a cell is recorded.
"""

import os
import sys

from .state import _READ, _READWRITE, _WRITE, _st
from .text import _report
from .paths import _abspath, _note

# Audit events the hook looks at; every other event returns at once.
_AUDIT_EVENTS = frozenset(("open", "os.rename", "sqlite3.connect", "os.chdir"))


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


def _install_audit_hook(rt):
    if not rt.audit_installed:
        rt.audit_installed = True
        sys.addaudithook(_make_audit_hook(rt, _AUDIT_EVENTS))
