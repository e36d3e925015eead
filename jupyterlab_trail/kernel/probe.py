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

from .limits import MAX_HASH_ERROR_LENGTH
from .state import _st
from .text import _clip
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


def _count_rows(full, fmt):
    """Data rows of a CSV/TSV file (header excluded; blank lines skipped, as pandas does).

    Read with the csv module, so a quoted field holding a newline is one row.
    """
    import csv

    if full.lower().endswith(".gz"):
        import gzip

        stream = gzip.open(full, "rt", encoding="utf-8", errors="replace", newline="")
    else:
        stream = open(full, "r", encoding="utf-8", errors="replace", newline="")
    with stream:
        reader = csv.reader(stream, delimiter="\t" if fmt == "tsv" else ",")
        rows = sum(1 for row in reader if row)
    return max(rows - 1, 0)


def _probe_table_detail(full, size):
    """The table with its rows counted; an empty file is a table with no rows."""
    fmt = _tabular_format(full)
    if fmt is None:
        return None
    table = _probe_table(full) if size else None
    if fmt == "parquet":
        return table
    if table is None:
        table = {"format": fmt, "columns": [], "rows": None}
    try:
        table["rows"] = _count_rows(full, fmt) if size else 0
    except Exception:
        table["rows"] = None
    return table


def _error_text(error):
    if isinstance(error, OSError) and error.strerror:
        text = error.strerror
    else:
        text = "%s: %s" % (type(error).__name__, error)
    return _clip(text, MAX_HASH_ERROR_LENGTH)


def _probe_folder(entry, full, detail):
    if detail:
        entry["kind"] = "folder"
        try:
            os.listdir(full)
        except OSError as error:
            entry["readable"] = False
            entry["error"] = _error_text(error)
            return entry
    folder = {}
    _hash_folder_tree(folder, full, time.time_ns())
    if folder.get("sha256"):
        entry["sha256"] = folder["sha256"]
    entry["size"] = folder.get("size", 0)
    if detail:
        entry["fileCount"] = folder.get("fileCount", 0)
        if folder.get("hashError"):
            entry["error"] = _clip(folder["hashError"], MAX_HASH_ERROR_LENGTH)
    return entry


def _probe_file(path, detail=False):
    """A TargetFile: {path, exists, sha256?, size?, table?}; with detail also
    kind, fileCount (folders), readable/error and counted CSV/TSV rows."""
    entry = {"path": path, "exists": False}
    full = _probe_path(path)
    try:
        st = os.stat(full)
    except (OSError, ValueError):
        return entry
    entry["exists"] = True
    if _stat.S_ISDIR(st.st_mode):
        return _probe_folder(entry, full, detail)
    if detail:
        entry["kind"] = "file"
    try:
        sha, _before, after = _hash_file(full)
    except Exception as error:
        entry["size"] = st.st_size
        if detail:
            entry["readable"] = False
            entry["error"] = _error_text(error)
        return entry
    entry["sha256"] = sha
    entry["size"] = after.st_size
    table = _probe_table_detail(full, after.st_size) if detail else _probe_table(full)
    if table:
        entry["table"] = table
    return entry


def _trail_probe(paths, detail=False):
    """{environment, files}: this kernel's EnvironmentSnapshot and a TargetFile per path.

    With detail (a fork's contract check): what is at each path (kind,
    fileCount), whether it can be read (readable, error) and the rows of a
    CSV/TSV table, counted.
    """
    return {
        "environment": _environment(),
        "files": [_probe_file(path, detail) for path in paths if isinstance(path, str) and path],
    }


probe = _trail_probe
