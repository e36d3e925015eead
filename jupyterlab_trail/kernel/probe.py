"""What a replay would run with: the kernel's environment and its files.

Before a replay the replayer asks the target kernel, by one silent
execution, for its environment (the snapshot the helper captures at start)
and for the state of the files the recorded steps read: whether each
exists, its sha256 and size, and for a table its light schema, all computed
as the recording computed them (hashing.py, tables.py), so the two compare.
Injected, it is the helper's ``_trail_probe``; the installed package offers
it as ``jupyterlab_trail.kernel.probe.probe`` for a kernel without the helper.
"""

import os
import stat as _stat
import sys
import time

from .state import _st
from .hashing import _hash_file, _hash_folder_tree
from .tables import _table_schema, _tabular_format
from .environment import _environment


def _probe_path(path):
    """A recorded path on this machine: relative ones from the notebook's folder."""
    if os.path.isabs(path):
        return path
    return os.path.join(_st.nbdir, *path.split("/"))


def _probe_table(full):
    fmt = _tabular_format(full)
    if fmt is None:
        return None
    if fmt == "parquet" and "pyarrow.parquet" not in sys.modules:
        # The recording read Parquet schemas with the pyarrow its code had
        # imported; a replay of that code imports it too.
        try:
            import pyarrow.parquet  # noqa: F401
        except Exception:
            return None
    return _table_schema(full, fmt)


def _probe_file(path):
    """A TargetFile: {path, exists, sha256?, size?, table?}."""
    entry = {"path": path, "exists": False}
    full = _probe_path(path)
    try:
        st = os.stat(full)
    except (OSError, ValueError):
        return entry
    entry["exists"] = True
    if _stat.S_ISDIR(st.st_mode):
        folder = {}
        _hash_folder_tree(folder, full, time.time_ns())
        if folder.get("sha256"):
            entry["sha256"] = folder["sha256"]
        entry["size"] = folder.get("size", 0)
        return entry
    try:
        sha, _before, after = _hash_file(full)
    except Exception:
        entry["size"] = st.st_size
        return entry
    entry["sha256"] = sha
    entry["size"] = after.st_size
    table = _probe_table(full)
    if table:
        entry["table"] = table
    return entry


def _trail_probe(paths):
    """{environment, files}: this kernel's EnvironmentSnapshot and a TargetFile per path."""
    return {
        "environment": _environment(),
        "files": [_probe_file(path) for path in paths if isinstance(path, str) and path],
    }


probe = _trail_probe
