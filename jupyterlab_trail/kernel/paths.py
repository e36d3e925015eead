"""Which paths count as data, and how an execution remembers them.

Interpreter, library, cache and Jupyter files are never data; paths are shown
relative to the notebook folder when inside it.
"""

import os
import sys

from .limits import MAX_PATH_LENGTH
from .state import _READ, _get_ident, _st
from .text import _clip

_MAX_PATHS = 100000  # distinct paths remembered per execution
_CODE_SUFFIXES = (".pyc", ".pyo", ".so", ".pyd", ".pth")
_LIBRARY_PARTS = tuple(os.sep + name + os.sep for name in ("__pycache__", "site-packages", "dist-packages"))


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
    shown = _clip(shown, MAX_PATH_LENGTH)
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
