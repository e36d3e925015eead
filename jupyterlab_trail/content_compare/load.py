"""Loading a file for the comparison, by its extension.

SECURITY: loading a pickle runs code named in the file: only ever the files
the user's own pipeline and own recording wrote (see the package's comment).
"""

from __future__ import annotations

import json
import os
import pickle
import sys

FORMATS = {
    ".pkl": "pickle",
    ".pickle": "pickle",
    ".joblib": "pickle",
    ".npy": "npy",
    ".npz": "npz",
    ".csv": "csv",
    ".tsv": "csv",
    ".parquet": "parquet",
    ".json": "json",
}


class NotComparable(Exception):
    """The files cannot be compared by content (the message says why)."""


def format_of(path: str) -> str | None:
    return FORMATS.get(os.path.splitext(path)[1].lower())


# --- pickles whose classes are not importable -------------------------------

class _Stub:
    """A pickled object whose class could not be imported: its name, the
    arguments it was made with and the state it was given."""

    _trail_class = "?"

    def __new__(cls, *args, **kwargs):
        obj = object.__new__(cls)
        object.__setattr__(obj, "_trail_args", list(args))
        object.__setattr__(obj, "_trail_state", None)
        object.__setattr__(obj, "_trail_items", [])
        return obj

    def __init__(self, *args, **kwargs):
        if kwargs:
            self._trail_args.append(kwargs)

    def __setstate__(self, state):
        object.__setattr__(self, "_trail_state", state)

    def append(self, item):
        self._trail_items.append(item)

    def extend(self, items):
        self._trail_items.extend(items)

    def __setitem__(self, key, value):
        self._trail_items.append((key, value))

    def __repr__(self):
        return f"<{self._trail_class}, not importable here>"


_STUBS: dict = {}


def _stub_class(module: str, name: str):
    key = (module, name)
    if key not in _STUBS:
        _STUBS[key] = type(name.split(".")[-1], (_Stub,), {"_trail_class": f"{module}.{name}"})
    return _STUBS[key]


class _StubUnpickler(pickle.Unpickler):
    missing: set

    def find_class(self, module, name):
        try:
            return super().find_class(module, name)
        except (ImportError, AttributeError):
            self.missing.add(f"{module}.{name}")
            return _stub_class(module, name)


def _load_pickle(path: str, notes: list):
    try:
        import joblib  # handles plain pickles as well as its own (compressed) files
    except ImportError:
        joblib = None
    try:
        if joblib is not None:
            return joblib.load(path)
        with open(path, "rb") as stream:
            return pickle.load(stream)
    except (ImportError, AttributeError) as error:
        first = error
    except Exception as error:
        raise NotComparable(f"cannot load {os.path.basename(path)}: {type(error).__name__}: {error}") from error
    try:
        with open(path, "rb") as stream:
            unpickler = _StubUnpickler(stream)
            unpickler.missing = set()
            value = unpickler.load()
    except Exception as error:
        raise NotComparable(
            f"cannot load {os.path.basename(path)}: {type(first).__name__}: {first}"
        ) from error
    notes.append(
        "not importable here, compared by their pickled state: " + ", ".join(sorted(unpickler.missing))
    )
    return value

def _need(module: str):
    try:
        return __import__(module)
    except ImportError as error:
        raise NotComparable(f"{module} is not installed in this Python ({sys.executable})") from error


def load(path: str, kind: str, notes: list):
    if kind == "pickle":
        return _load_pickle(path, notes)
    if kind in ("npy", "npz"):
        np = _need("numpy")
        try:
            try:
                value = np.load(path, allow_pickle=False)
            except ValueError:  # object arrays: pickled, and written by the user's own run
                value = np.load(path, allow_pickle=True)
            if kind == "npz":
                with value:
                    return {name: value[name] for name in value.files}
            return value
        except Exception as error:
            raise NotComparable(f"cannot load {os.path.basename(path)}: {type(error).__name__}: {error}") from error
    if kind == "csv":
        sep = "\t" if path.lower().endswith(".tsv") else ","
        try:
            import pandas
        except ImportError:
            import csv

            with open(path, newline="", encoding="utf-8", errors="replace") as stream:
                return [[_cell(text) for text in row] for row in csv.reader(stream, delimiter=sep)]
        try:
            return pandas.read_csv(path, sep=sep)
        except Exception as error:
            raise NotComparable(f"cannot read {os.path.basename(path)}: {type(error).__name__}: {error}") from error
    if kind == "parquet":
        pandas = _need("pandas")
        try:
            return pandas.read_parquet(path)
        except Exception as error:
            raise NotComparable(f"cannot read {os.path.basename(path)}: {type(error).__name__}: {error}") from error
    if kind == "json":
        try:
            with open(path, encoding="utf-8") as stream:
                return json.load(stream)
        except Exception as error:
            raise NotComparable(f"cannot read {os.path.basename(path)}: {type(error).__name__}: {error}") from error
    raise NotComparable(f"no content comparison for {os.path.splitext(path)[1] or 'files without an extension'}")


def _cell(text: str):
    try:
        return float(text)
    except ValueError:
        return text
