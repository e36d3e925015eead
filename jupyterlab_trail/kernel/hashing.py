"""File and folder hashes, with a cache keyed on the file's stat.

Usable outside the kernel (export and fork hash files the same way): a
folder's hash is the sha256 of its sorted "relpath NUL sha256 LF" lines.
"""

import hashlib
import os
import stat as _stat
import threading

from .limits import MAX_HASH_ERROR_LENGTH
from .state import _UNSET, _st
from .text import _clip, _iso_ns

_FOLDER_WALK_MAX = 100000
_HASH_CACHE_MAX = 100000


def _stat_key(st):
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def _racy(st, started_ns):
    """True when a write in the same timestamp tick could go unseen.

    Like git's racy-clean check: a file changed within the filesystem's
    timestamp granularity of the moment we hashed it may change again
    without changing its stat, so its hash is not cached.
    """
    changed = st.st_ctime_ns
    margin = 2000000000 if changed % 1000000000 == 0 else 50000000
    return changed >= started_ns - margin


def _set_folder_hash(entry, lines):
    failed = [name for name, sha in lines if sha is None]
    if failed:
        entry["sha256"] = None
        reason = "could not hash %d file(s), e.g. %s" % (len(failed), failed[0])
        entry["hashError"] = _clip(reason, MAX_HASH_ERROR_LENGTH)
    else:
        entry["sha256"] = _folder_digest(lines)
    entry.pop("hashPending", None)


def _folder_digest(lines):
    """sha256 of the sorted "relpath NUL sha256 LF" lines."""
    h = hashlib.sha256()
    for name, sha in sorted(lines):
        h.update(("%s\0%s\n" % (name, sha)).encode("utf-8", "surrogateescape"))
    return h.hexdigest()


_buffers = threading.local()
_SMALL_FILE = 1 << 20  # read in one piece
_HASH_BUFFER = 8 << 20


def _hash_file(path):
    """(sha256, stat before, stat after) of a file.

    Large files are read with readinto into one reused 8 MiB buffer per
    thread: both the read and hashlib release the GIL, and few, large chunks
    keep GIL hand-offs rare while user code runs. Not mmap: a file truncated
    while mapped raises SIGBUS, which would kill the user's kernel.
    """
    h = hashlib.sha256()
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        before = os.fstat(fd)
        if before.st_size <= _SMALL_FILE:
            chunk = os.read(fd, before.st_size + 1)
            while chunk:  # more than stat said when the file grows meanwhile
                h.update(chunk)
                chunk = os.read(fd, _SMALL_FILE)
        else:
            try:
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_SEQUENTIAL)
            except Exception:
                pass
            buf = getattr(_buffers, "buf", None)
            if buf is None:
                buf = _buffers.buf = bytearray(_HASH_BUFFER)
                _buffers.view = memoryview(buf)
            view = _buffers.view
            with open(fd, "rb", buffering=0, closefd=False) as f:
                while True:
                    n = f.readinto(buf)
                    if not n:
                        break
                    h.update(view[:n])
        after = os.fstat(fd)
    finally:
        os.close(fd)
    return h.hexdigest(), before, after


def _hash_cached(path, started):
    """(sha256 or None, error or None), using and filling the hash cache."""
    try:
        sha, before, after = _hash_file(path)
    except OSError as error:
        return None, _clip(error.strerror or error, MAX_HASH_ERROR_LENGTH)
    except Exception as error:
        return None, _clip("%s: %s" % (type(error).__name__, error), MAX_HASH_ERROR_LENGTH)
    _st.stats["filesHashed"] += 1
    _st.stats["bytesHashed"] += after.st_size
    key = _stat_key(before)
    if key == _stat_key(after) and not _racy(after, started):
        cache = _st.hash_cache
        if len(cache) >= _HASH_CACHE_MAX:
            for old in list(cache)[: _HASH_CACHE_MAX // 2]:
                cache.pop(old, None)
        cache[key] = [sha, _UNSET]
    return sha, None


def _hash_folder_tree(entry, root, started):
    """Hash every file under root (dot-files and dot-folders skipped)."""
    lines = []
    size = 0
    newest = None
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__")
        for name in names:
            if name.startswith("."):
                continue
            path = os.path.join(folder, name)
            try:
                st = os.stat(path)
            except OSError:
                continue
            if not _stat.S_ISREG(st.st_mode):
                continue
            if len(lines) >= _FOLDER_WALK_MAX:
                entry.update(sha256=None, fileCount=len(lines), size=size)
                entry["hashError"] = "more than %d files" % _FOLDER_WALK_MAX
                return
            rel = _clip(os.path.relpath(path, root).replace(os.sep, "/"), 4096)
            cached = _st.hash_cache.get(_stat_key(st))
            if cached is not None:
                _st.stats["hashCacheHits"] += 1
                sha = cached[0]
            else:
                sha = _hash_cached(path, started)[0]
            lines.append((rel, sha))
            size += st.st_size
            newest = st.st_mtime_ns if newest is None else max(newest, st.st_mtime_ns)
    entry["fileCount"] = len(lines)
    entry["size"] = size
    entry["mtime"] = _iso_ns(newest) if newest is not None else None
    _set_folder_hash(entry, lines)
