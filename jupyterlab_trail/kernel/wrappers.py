"""Readers and writers that bypass Python's open, wrapped at import time.

pyarrow (and pandas 3's Parquet writer) open files natively, so the audit
hook never sees them; their functions are wrapped as their modules are
imported and note the path they are given.
"""

import functools
import os
import sys

from .state import _READ, _READWRITE, _WRITE, _runtime, _st
from .text import _report
from .paths import _MAX_PATHS, _note

# Where a wrapped callable finds its path, access and filesystem:
# (attribute, (index, keyword) of the path, access bits or None to read them
# from the mode argument, (index, keyword) of the mode, (index, keyword) of
# the filesystem). Indexes count positional arguments without self.
_FS = (None, "filesystem")


def _spec(attr, index, keyword, bits, mode=None, fs=_FS):
    return (attr, (index, keyword), bits, mode, fs)


_WRAPS = {
    "pyarrow": [
        _spec("memory_map", 0, "path", None, mode=(1, "mode"), fs=None),
        _spec("create_memory_map", 0, "path", _WRITE, fs=None),
        _spec("input_stream", 0, "source", _READ, fs=None),
        _spec("output_stream", 0, "source", _WRITE, fs=None),
    ],
    "pyarrow.parquet": [
        _spec("read_table", 0, "source", _READ),
        _spec("read_pandas", 0, "source", _READ),
        _spec("read_schema", 0, "where", _READ, fs=(3, "filesystem")),
        _spec("read_metadata", 0, "where", _READ, fs=(3, "filesystem")),
        _spec("write_table", 1, "where", _WRITE),
        _spec("write_to_dataset", 1, "root_path", _WRITE, fs=(3, "filesystem")),
        _spec("ParquetFile", 0, "source", _READ),
        _spec("ParquetWriter", 0, "where", _WRITE, fs=(2, "filesystem")),
        _spec("ParquetDataset", 0, "path_or_paths", _READ, fs=(1, "filesystem")),
    ],
    "pyarrow.feather": [
        _spec("read_table", 0, "source", _READ, fs=None),
        _spec("read_feather", 0, "source", _READ, fs=None),
        _spec("write_feather", 1, "dest", _WRITE, fs=None),
    ],
    "pyarrow.csv": [
        _spec("read_csv", 0, "input_file", _READ, fs=None),
        _spec("open_csv", 0, "input_file", _READ, fs=None),
        _spec("write_csv", 1, "output_file", _WRITE, fs=None),
    ],
    "pyarrow.json": [_spec("read_json", 0, "input_file", _READ, fs=None)],
    "pyarrow.orc": [
        _spec("read_table", 0, "source", _READ, fs=(2, "filesystem")),
        _spec("write_table", 1, "where", _WRITE, fs=None),
        _spec("ORCFile", 0, "source", _READ, fs=None),
    ],
    "pyarrow.dataset": [
        _spec("dataset", 0, "source", _READ, fs=(3, "filesystem")),
        _spec("write_dataset", 1, "base_dir", _WRITE),
    ],
    # pandas 3 opens Parquet destinations with pa.OSFile, natively: its path
    # and mode are seen here.
    "pandas.io.parquet": [
        _spec("_get_path_or_handle", 0, "path", None, mode=(3, "mode"), fs=(1, "fs")),
    ],
}


def _make_wrapper(rt, original, spec, shift):
    @functools.wraps(original)
    def _trail_wrapper(*args, **kwargs):
        redirect = rt.redirect_call
        if redirect is not None:
            # A fork's substitution (redirect.py): before the capture notes the path.
            args, kwargs = redirect(args, kwargs, spec, shift)
        handler = rt.call
        if handler is not None:
            handler(args, kwargs, spec, shift)
        return original(*args, **kwargs)

    _trail_wrapper.__trail_wrapped__ = True
    return _trail_wrapper


def _argument(args, kwargs, at, shift):
    index, keyword = at
    if index is not None and len(args) > index + shift:
        return args[index + shift]
    return kwargs.get(keyword)


def _mode_bits(mode):
    if not isinstance(mode, str):
        return _READ
    if "+" in mode:
        return _WRITE if "w" in mode else _READWRITE
    if "w" in mode or "a" in mode or "x" in mode:
        return _WRITE
    return _READ


def _on_call(args, kwargs, spec, shift):
    ex = _st.current
    if ex is None:
        return
    try:
        _, path_at, bits, mode_at, fs_at = spec
        if fs_at is not None:
            fs = _argument(args, kwargs, fs_at, shift)
            if fs is not None and type(fs).__name__ != "LocalFileSystem":
                return
        if bits is None:
            bits = _mode_bits(_argument(args, kwargs, mode_at, shift) if mode_at else None)
        _note_source(ex, _argument(args, kwargs, path_at, shift), bits)
    except Exception as error:
        _report("wrapper", error)


def _note_source(ex, source, bits):
    if isinstance(source, (list, tuple)):
        for item in source[:_MAX_PATHS]:
            _note_source(ex, item, bits)
        return
    if isinstance(source, os.PathLike):
        source = os.fspath(source)
    if not isinstance(source, str):
        return  # file objects were seen by the audit hook; buffers are not files
    if "://" in source:
        if not source.startswith("file://"):
            return
        source = source[len("file://"):]
    _note(ex, source, bits, directory=True)


def _patch_module(name, module):
    specs = _WRAPS.get(name)
    if not specs or module is None:
        return
    rt = _runtime()
    for spec in specs:
        attr = spec[0]
        try:
            original = getattr(module, attr, None)
            if original is None:
                continue
            if isinstance(original, type):
                init = original.__dict__.get("__init__")
                if init is None or getattr(init, "__trail_wrapped__", False):
                    continue
                original.__init__ = _make_wrapper(rt, init, spec, 1)
                continue
            if getattr(original, "__trail_wrapped__", False):
                continue
            wrapper = _make_wrapper(rt, original, spec, 0)
            setattr(module, attr, wrapper)
            home = sys.modules.get(getattr(original, "__module__", None) or "")
            if home is not None and home is not module and getattr(home, attr, None) is original:
                setattr(home, attr, wrapper)
        except Exception as error:
            _report("patch " + name, error)


class _PostImportFinder:
    """Wraps the target modules right after they are imported.

    Wrapping only at pre_run_cell would miss ``import pyarrow.parquet as pq;
    pq.read_table(...)`` in the same cell, the most common case.
    """

    __trail_finder__ = True

    def __init__(self, rt):
        self._rt = rt
        self._busy = set()

    def find_spec(self, fullname, path=None, target=None):
        if fullname not in _WRAPS or fullname in self._busy:
            return None
        self._busy.add(fullname)
        try:
            spec = None
            for finder in sys.meta_path:
                if finder is self or not hasattr(finder, "find_spec"):
                    continue
                spec = finder.find_spec(fullname, path, target)
                if spec is not None:
                    break
        except Exception:
            return None
        finally:
            self._busy.discard(fullname)
        loader = getattr(spec, "loader", None)
        if loader is None or not hasattr(loader, "exec_module"):
            return None
        rt = self._rt
        original = loader.exec_module

        def exec_module(module):
            original(module)
            patch = rt.patch
            if patch is not None:
                try:
                    patch(fullname, module)
                except Exception:
                    pass

        try:
            loader.exec_module = exec_module
        except Exception:
            return None
        return spec


def _install_import_hooks(rt):
    sys.meta_path[:] = [f for f in sys.meta_path if not getattr(f, "__trail_finder__", False)]
    sys.meta_path.insert(0, _PostImportFinder(rt))
    for name in _WRAPS:
        module = sys.modules.get(name)
        if module is not None:
            _patch_module(name, module)
