"""Building a capture: the file entries of one execution, its params, metrics and tags.

What ``post_run_cell`` can stat and hash within its budget goes in the first
capture; the rest is completed by the hasher, which sends the final one.
"""

import os
import posixpath
import stat as _stat
import time

from .limits import MAX_FILES, MAX_HASH_ERROR_LENGTH, MAX_PATH_LENGTH
from .state import _READWRITE, _UNSET, _WRITE, _st
from .text import _clip, _iso_ns, _report
from .comm import _send
from .paths import _MAX_PATHS, _display
from .hashing import _hash_cached, _hash_folder_tree, _set_folder_hash, _stat_key
from .tables import _table_schema, _tabular_format
from .workers import _hasher

_MAX_INLINE_FILES = 64  # cache-miss files hashed inline per execution
_INLINE_PATHS = 2000  # more paths than this are resolved in the background
_FOLDER_MIN = 5  # files of one folder that make a folder entry
_FOLDER_MIN_TOP = 50  # the same, for the notebook's own folder


def _access_name(bits):
    if bits & _READWRITE or bits & 3 == 3:
        return "readwrite"
    if bits & _WRITE:
        return "write"
    return "read"


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
    capture = {"files": files} if files else {}
    capture.update(ex.logged())
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
            rows.append([_clip(path, MAX_PATH_LENGTH), bits, role, path, None, "remote path: not hashed", False])
            continue
        shown = _display(path)
        try:
            st = os.stat(path)
        except OSError as error:
            if role is not None:
                reason = _clip(error.strerror or error, MAX_HASH_ERROR_LENGTH)
                rows.append([shown, bits, role, path, None, reason, False])
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
    if len(entries) > MAX_FILES:
        _report("too-many-files", "more than %d file entries in one execution" % MAX_FILES)
        kept = entries[:MAX_FILES]
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
            entry["hashError"] = _clip("%s: %s" % (type(error).__name__, error), MAX_HASH_ERROR_LENGTH)
        entry.pop("hashPending", None)
        entries.append(entry)
    with _st.lock:
        _st.pending.discard(msg_id)
    # Always sent: the first capture promised a final one.
    _send({"type": "capture", "msgId": msg_id, "cellId": cell_id, "capture": {"files": entries}, "final": True})
    _st.stats["capturesSent"] += 1
