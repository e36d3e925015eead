"""A fork's substitution: recorded paths redirected to the user's files.

A fork runs a recorded experiment's code unchanged on other data. The code
names the recorded paths, often built at run time (``os.path.join``,
f-strings, ``pathlib``, a glob over a folder), and hands them to any reader.
``_trail_redirect(mapping)`` installs, for this kernel, a map from recorded
paths to the user's paths; from then on the Python-level entry points every
reader goes through see the user's path instead:

* ``builtins.open`` / ``io.open`` (and IPython's ``open``, which calls the
  ``io_open`` its module imported), ``os.open``;
* ``os.stat`` / ``os.lstat`` (so ``os.path.exists``/``isfile``/``isdir``/
  ``getsize``, ``pathlib.Path.stat``/``exists``/``is_file``),
  ``os.listdir`` / ``os.scandir`` (so ``glob``, ``os.walk``,
  ``Path.iterdir``/``glob``), ``os.access``;
* the pyarrow and pandas functions wrappers.py wraps (they open natively):
  their path argument is rewritten before the capture notes it.

A recorded folder maps to a folder: a path under it becomes the same
relative path under the new one, and a listing of it lists the new one (so a
glob over it answers recorded-looking paths, which open the new files).
Writes to a mapped path are redirected too. The audit hook sees the opened
(new) path, so the capture records the real files the fork read.

The patches are installed the first time a map is installed, once per
process, and dispatch through the runtime holder: with no map (or a cleared
one) each patched call costs one attribute check. Other paths are passed
through untouched: same object, same type.
"""

import builtins
import io
import os
import sys

from .state import _runtime, _st

_SEP = os.sep


class _Redirected(str):
    """A path the redirection produced: never rewritten again.

    pandas hands the path it was given (already rewritten) on to pyarrow; a
    second rewrite would send a swapped pair (a -> b, b -> a) back home.
    """

    __slots__ = ()

    def __reduce__(self):
        # Pickled (say, a dataset object sent to a spawned worker) as a plain str.
        return (str, (str(self),))


class _Map:
    """The installed map: files by absolute recorded path, folders longest first."""

    __slots__ = ("files", "folders", "entries")

    def __init__(self, files, folders, entries):
        self.files = files
        self.folders = folders
        self.entries = entries


def _resolve(path):
    """A path of the map: relative ones from the notebook's folder, as the probe does."""
    path = os.path.expanduser(path)
    if not os.path.isabs(path):
        path = os.path.join(_st.nbdir, *path.split("/"))
    return os.path.normpath(path)


def _target_of(text):
    """The new path for an absolute or cwd-relative str path, or None."""
    active = _st.redirect_map
    if active is None:
        return None
    if not text:
        return None
    if text[:1] != _SEP and not os.path.isabs(text):
        try:
            text = os.path.join(os.getcwd(), text)
        except OSError:
            return None
    text = os.path.normpath(text)
    hit = active.files.get(text)
    if hit is not None:
        return hit
    for folder, new in active.folders:
        if text.startswith(folder):
            return new + text[len(folder) - 1:]
        if text == folder[:-1]:
            return new
    return None


def _rewrite(path):
    """path, or its redirection in the type the callee accepts (str, bytes)."""
    cls = path.__class__
    if cls is _Redirected or cls is int:
        return path
    try:
        if cls is str:
            text = path
        elif cls is bytes:
            text = os.fsdecode(path)
        elif isinstance(path, (str, os.PathLike)):
            text = os.fspath(path)
            if isinstance(text, bytes):
                cls = bytes
                text = os.fsdecode(text)
        else:
            return path
        new = _target_of(text)
    except Exception:
        return path
    if new is None:
        return path
    if cls is bytes:
        return os.fsencode(new)
    return _Redirected(new)


def _rewrite_source(source):
    """A pyarrow source: a path, a list of paths, or anything else (untouched)."""
    if isinstance(source, (list, tuple)):
        rewritten = [_rewrite_source(item) for item in source]
        if any(a is not b for a, b in zip(rewritten, source)):
            return type(source)(rewritten) if isinstance(source, tuple) else rewritten
        return source
    if isinstance(source, str) and source.startswith("file://"):
        new = _rewrite(source[len("file://"):])
        return source if new.__class__ is not _Redirected else _Redirected("file://" + new)
    if isinstance(source, (str, bytes, os.PathLike)):
        return _rewrite(source)
    return source


def _redirect_call(args, kwargs, spec, shift):
    """A wrapped library call's (args, kwargs) with its path argument redirected."""
    try:
        _, (index, keyword), _bits, _mode, fs_at = spec
        if fs_at is not None:
            fs_index, fs_keyword = fs_at
            if fs_index is not None and len(args) > fs_index + shift:
                fs = args[fs_index + shift]
            else:
                fs = kwargs.get(fs_keyword)
            if fs is not None and type(fs).__name__ != "LocalFileSystem":
                return args, kwargs
        if index is not None and len(args) > index + shift:
            at = index + shift
            new = _rewrite_source(args[at])
            if new is not args[at]:
                args = args[:at] + (new,) + args[at + 1:]
        elif keyword in kwargs:
            new = _rewrite_source(kwargs[keyword])
            if new is not kwargs[keyword]:
                kwargs = dict(kwargs)
                kwargs[keyword] = new
    except Exception:
        pass
    return args, kwargs


def _redirected_declaration(source):
    """What ``trail.dataset(path)`` records: the new path of a mapped one."""
    if _st.redirect_map is None:
        return source
    new = _rewrite(source)
    return str(new) if new.__class__ is _Redirected else source


# -- the patches (once per process)


def _make_first_arg_patch(rt, original, keyword):
    """A patch for f(path, ...): the path redirected while a map is installed."""

    def patched(*args, **kwargs):
        rewrite = rt.redirect
        if rewrite is not None and kwargs.get("dir_fd") is None:
            if args:
                args = (rewrite(args[0]),) + args[1:]
            elif keyword in kwargs:
                kwargs[keyword] = rewrite(kwargs[keyword])
        return original(*args, **kwargs)

    return patched


def _make_listing_patch(rt, original, keyword="path"):
    """A patch for listdir/scandir, whose path is optional (default ".")."""

    def patched(*args, **kwargs):
        rewrite = rt.redirect
        if rewrite is not None:
            if args:
                args = (rewrite(args[0]),) + args[1:]
            elif keyword in kwargs:
                kwargs[keyword] = rewrite(kwargs[keyword])
            else:
                target = rewrite(".")
                if target != ".":
                    args = (target,)
        return original(*args, **kwargs)

    return patched


def _finish_patch(patched, original):
    try:
        patched.__name__ = original.__name__
        patched.__qualname__ = getattr(original, "__qualname__", original.__name__)
        patched.__doc__ = original.__doc__
    except Exception:
        pass
    patched.__wrapped__ = original
    patched.__trail_redirect__ = True
    return patched


# Modules that keep the ``open`` they found at import time: IPython's
# ``open`` calls its module's ``io_open``; numpy's loadtxt/genfromtxt open
# through ``np.lib._datasource._file_openers``; tarfile's ``bltn_open``.
# Imported after the patch they hold the patched one already.
_CAPTURED_OPENS = (
    ("IPython.core.interactiveshell", ("io_open",)),
    ("numpy.lib._datasource", ("_file_openers", "_file_openers", None)),
    ("tarfile", ("bltn_open",)),
)


def _rebind_captured_opens(original, patched):
    for module_name, route in _CAPTURED_OPENS:
        holder = sys.modules.get(module_name)
        try:
            for step in route[:-1]:
                holder = getattr(holder, step, None)
            last = route[-1]
            if isinstance(holder, dict):
                if holder.get(last) is original:
                    holder[last] = patched
            elif holder is not None and getattr(holder, last, None) is original:
                setattr(holder, last, patched)
        except Exception:
            pass


def _install_patches(rt):
    """Patch the entry points once per process (kept by the runtime holder)."""
    if getattr(rt, "redirect_patched", False):
        return
    rt.redirect_patched = True
    originals = {}
    rt.redirect_originals = originals
    # open: builtins.open is io.open; IPython's open calls its module's io_open.
    original_open = io.open
    patched_open = _finish_patch(_make_first_arg_patch(rt, original_open, "file"), original_open)
    originals["io.open"] = original_open
    io.open = patched_open
    if builtins.open is original_open:
        builtins.open = patched_open
    _rebind_captured_opens(original_open, patched_open)
    fd_sets = [
        getattr(os, name, None)
        for name in ("supports_dir_fd", "supports_fd", "supports_follow_symlinks", "supports_effective_ids")
    ]
    for name, maker in (
        ("open", _make_first_arg_patch),
        ("stat", _make_first_arg_patch),
        ("lstat", _make_first_arg_patch),
        ("access", _make_first_arg_patch),
        ("listdir", _make_listing_patch),
        ("scandir", _make_listing_patch),
    ):
        original = getattr(os, name, None)
        if original is None:
            continue
        patched = _finish_patch(maker(rt, original, "path"), original)
        originals["os." + name] = original
        setattr(os, name, patched)
        # shutil, tempfile and glob ask "os.stat in os.supports_dir_fd".
        for group in fd_sets:
            if isinstance(group, set) and original in group:
                group.add(patched)


# -- the API


def _check_mapping(mapping):
    if mapping is None:
        return {}
    if not isinstance(mapping, dict):
        raise TypeError("_trail_redirect: mapping must be a dict of recorded path -> new path, got %s" % type(mapping).__name__)
    for recorded, path in mapping.items():
        for role, value in (("recorded path", recorded), ("new path", path)):
            if isinstance(value, os.PathLike):
                value = os.fspath(value)
            if not isinstance(value, str) or not value:
                raise ValueError("_trail_redirect: each %s must be a non-empty str, got %r" % (role, value))
            if "\0" in value:
                raise ValueError("_trail_redirect: %s %r holds a NUL character" % (role, value))
    return mapping


def _trail_redirect(mapping):
    """Install {recorded path: new path} for this kernel (replacing any previous map; {} clears).

    Relative paths on both sides resolve against the notebook's folder. A
    new path that is a folder maps the recorded one as a folder. Returns
    {"redirects": [{"recorded": abs, "path": abs, "kind": "file"|"folder"}]}.
    """
    mapping = _check_mapping(mapping)
    files = {}
    folders = []
    entries = []
    for recorded, path in mapping.items():
        old = _resolve(os.fspath(recorded))
        new = _resolve(os.fspath(path))
        kind = "folder" if _is_dir(new) else "file"
        entries.append({"recorded": old, "path": new, "kind": kind})
        if kind == "folder":
            folders.append((old.rstrip(_SEP) + _SEP, new.rstrip(_SEP) or _SEP))
        files[old] = new
    folders.sort(key=lambda pair: len(pair[0]), reverse=True)
    rt = _runtime()
    if entries:
        _install_patches(rt)
        _st.redirect_map = _Map(files, tuple(folders), entries)
        rt.redirect = _rewrite
        rt.redirect_call = _redirect_call
    else:
        _st.redirect_map = None
        rt.redirect = None
        rt.redirect_call = None
    return {"redirects": [dict(entry) for entry in entries]}


def _is_dir(path):
    """Whether path is a folder, seen without any redirection (the map is being replaced)."""
    import stat as _stat

    originals = getattr(_runtime(), "redirect_originals", None) or {}
    try:
        st = originals.get("os.stat", os.stat)(path)
    except (OSError, ValueError):
        return False
    return _stat.S_ISDIR(st.st_mode)


redirect = _trail_redirect
