"""The walk over two loaded values (see the package's comment)."""

from __future__ import annotations

import math
import numbers
import sys
import time
import types

from .load import _Stub

KEEP = 10
"""Differences listed (all are counted)."""

MAX_DEPTH = 100
"""Levels walked; deeper values are compared with ``==``."""

SHORT = 160
"""Characters of a value's repr in a difference."""


class _TimeUp(Exception):
    pass


def _short(value) -> str:
    try:
        text = repr(value)
    except Exception as error:  # a broken __repr__ of a loaded object
        text = f"<{type(value).__name__}: repr failed: {error}>"
    return text if len(text) <= SHORT else text[: SHORT - 1] + "…"


def _qualname(value) -> str:
    module = getattr(value, "__module__", None) or ""
    name = getattr(value, "__qualname__", None) or getattr(value, "__name__", None) or type(value).__name__
    return f"{module}.{name}" if module else str(name)


def _is_number(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and type(value).__name__ != "bool_"


def _attr(path: str, name: str) -> str:
    return f"{path}.{name}" if path else str(name)


class Walk:
    def __init__(self, tolerance: float = 0.0, timeout: float = 60.0):
        self.tolerance = tolerance
        self.deadline = time.monotonic() + timeout
        self.differences: list = []
        self.count = 0
        self.complete = True
        self.seen: set = set()
        self.alive: list = []
        self._np = sys.modules.get("numpy")
        self._pd = sys.modules.get("pandas")

    def differ(self, path, recorded, reproduced, note=None, raw=False):
        self.count += 1
        if len(self.differences) < KEEP:
            entry = {
                "path": path or "(top level)",
                "recorded": recorded if raw else _short(recorded),
                "reproduced": reproduced if raw else _short(reproduced),
            }
            if note:
                entry["note"] = note
            self.differences.append(entry)

    def numbers_close(self, a, b) -> bool:
        if a == b:
            return True
        if math.isnan(a) and math.isnan(b):
            return True
        return abs(a - b) <= self.tolerance

    def walk(self, a, b, path: str = "", depth: int = 0) -> None:
        if time.monotonic() > self.deadline:
            raise _TimeUp
        if _is_number(a) and _is_number(b):
            try:
                if not self.numbers_close(a, b):
                    self.differ(path, a, b)
            except (TypeError, ValueError, OverflowError):
                if a != b:
                    self.differ(path, a, b)
            return
        if type(a) is not type(b):
            self.differ(path, a, b, note=f"{_qualname(type(a))} recorded, {_qualname(type(b))} reproduced")
            return
        if a is None or isinstance(a, (str, bytes, bytearray, bool, complex)):
            if a != b:
                self.differ(path, a, b)
            return
        if depth > MAX_DEPTH:
            self.complete = False
            if not _equal(a, b):
                self.differ(path, a, b, note=f"deeper than {MAX_DEPTH} levels: compared with ==")
            return
        pair = (id(a), id(b))
        if pair in self.seen:
            return  # a cycle, or an object shared within the file: compared once
        self.seen.add(pair)
        # Held until the walk ends: a temporary (a state made by __getstate__,
        # a list of reduce arguments) freed early could leave its id to the
        # next one, which would then be skipped as already compared.
        self.alive.append((a, b))
        np, pd = self._np, self._pd
        if np is not None and isinstance(a, np.ndarray):
            return self.arrays(a, b, path, depth)
        if np is not None and isinstance(a, np.generic):
            return self.walk(a.item(), b.item(), path, depth + 1)
        if pd is not None and isinstance(a, (pd.DataFrame, pd.Series, pd.Index)):
            return self.frames(a, b, path, depth)
        if isinstance(a, dict):
            return self.mappings(a, b, path, depth)
        if isinstance(a, (list, tuple)):
            return self.sequences(a, b, path, depth)
        if isinstance(a, (set, frozenset)):
            if a != b:
                self.differ(path, sorted(map(_short, a - b)), sorted(map(_short, b - a)),
                            note="members only in the recorded set / only in the reproduced one")
            return
        if isinstance(a, (type, types.FunctionType, types.BuiltinFunctionType, types.MethodType, types.ModuleType)):
            if _qualname(a) != _qualname(b):
                self.differ(path, _qualname(a), _qualname(b), raw=True)
            return
        if isinstance(a, _Stub):
            return self.stubs(a, b, path, depth)
        return self.objects(a, b, path, depth)

    def mappings(self, a, b, path, depth):
        for key in a:
            where = f"{path}[{_short(key)}]"
            if key in b:
                self.walk(a[key], b[key], where, depth + 1)
            else:
                self.differ(where, a[key], "(absent)", raw=False)
        for key in b:
            if key not in a:
                self.differ(f"{path}[{_short(key)}]", "(absent)", b[key])

    def sequences(self, a, b, path, depth):
        if len(a) != len(b):
            self.differ(f"len({path})" if path else "len()", len(a), len(b))
        for index, (x, y) in enumerate(zip(a, b)):
            self.walk(x, y, f"{path}[{index}]", depth + 1)

    def state(self, a, b, path, depth):
        """Pickled state: a dict of attributes, (dict, slots), or anything."""
        if isinstance(a, tuple) and len(a) == 2 and isinstance(b, tuple) and len(b) == 2 and (
            isinstance(a[0], dict) or a[0] is None
        ) and isinstance(a[1], dict):
            for part_a, part_b in zip(a, b):
                self.state(part_a if part_a is not None else {}, part_b if part_b is not None else {}, path, depth)
            return
        if isinstance(a, dict) and isinstance(b, dict) and all(isinstance(k, str) for k in list(a) + list(b)):
            for name in a:
                if name in b:
                    self.walk(a[name], b[name], _attr(path, name), depth + 1)
                else:
                    self.differ(_attr(path, name), a[name], "(absent)")
            for name in b:
                if name not in a:
                    self.differ(_attr(path, name), "(absent)", b[name])
            return
        self.walk(a, b, f"{path}.__getstate__()" if path else "__getstate__()", depth + 1)

    def objects(self, a, b, path, depth):
        # By what pickle keeps of them (not their __eq__, which may be lax or
        # strict about floats, and says nothing of where they differ).
        try:
            ra, rb = a.__reduce_ex__(4), b.__reduce_ex__(4)
        except Exception:
            if not _equal(a, b):
                self.differ(path, a, b, note="no pickled state: compared with ==")
            return
        if isinstance(ra, str) or isinstance(rb, str):  # a global's name
            if ra != rb:
                self.differ(path, ra, rb, raw=True)
            return
        ra, rb = tuple(ra) + (None,) * (5 - len(ra)), tuple(rb) + (None,) * (5 - len(rb))
        if _qualname(ra[0]) != _qualname(rb[0]):
            self.differ(path, _qualname(ra[0]), _qualname(rb[0]), note="made by", raw=True)
            return
        # copyreg.__newobj__ / __reconstructor's first argument is the class itself.
        self.walk(list(ra[1] or ()), list(rb[1] or ()), f"{path}(args)" if path else "(args)", depth + 1)
        if ra[2] is not None or rb[2] is not None:
            self.state(ra[2], rb[2], path, depth)
        if ra[3] is not None or rb[3] is not None:
            self.walk(list(ra[3] or ()), list(rb[3] or ()), path + "(items)", depth + 1)
        if ra[4] is not None or rb[4] is not None:
            self.walk(dict(ra[4] or ()), dict(rb[4] or ()), path, depth + 1)

    def stubs(self, a, b, path, depth):
        if a._trail_class != b._trail_class:
            self.differ(path, a._trail_class, b._trail_class, raw=True)
            return
        self.walk(a._trail_args, b._trail_args, f"{path}(args)" if path else "(args)", depth + 1)
        if a._trail_state is not None or b._trail_state is not None:
            self.state(a._trail_state, b._trail_state, path, depth)
        self.walk(a._trail_items, b._trail_items, path + "(items)", depth + 1)

    def arrays(self, a, b, path, depth):
        np = self._np
        if a.shape != b.shape:
            self.differ(_attr(path, "shape"), a.shape, b.shape)
            return
        if a.dtype != b.dtype:
            self.differ(_attr(path, "dtype"), str(a.dtype), str(b.dtype), raw=True)
            return
        if a.dtype.hasobject:
            for index in np.ndindex(a.shape):
                self.walk(a[index], b[index], _index(path, index), depth + 1)
            return
        kind = a.dtype.kind
        if kind in "biufc":
            if kind in "fc" or self.tolerance:
                equal = np.isclose(a, b, rtol=0, atol=self.tolerance, equal_nan=True) | (a == b)
            else:
                equal = a == b
        elif kind in "mM":
            equal = (a == b) | (np.isnat(a) & np.isnat(b))
        else:
            equal = a == b
        equal = np.asarray(equal)
        if equal.shape != a.shape:  # an elementwise == numpy could not make
            if not np.array_equal(a, b):
                self.differ(path, a, b)
            return
        if equal.all():
            return
        where = tuple(int(i) for i in np.argwhere(~equal)[0]) if a.ndim else ()
        wrong = int((~equal).sum())
        note = f"{wrong} of {a.size} elements differ"
        if kind in "iuf":
            with np.errstate(all="ignore"):
                gap = np.abs(a.astype("float64") - b.astype("float64"))[~equal]
            gap = gap[np.isfinite(gap)]
            if gap.size:
                note += f" (largest difference {float(gap.max()):.6g})"
        self.differ(_index(path, where), a[where], b[where], note=note)

    def frames(self, a, b, path, depth):
        pd = self._pd
        if self.tolerance == 0 and a.equals(b) and _same_labels(a, b):
            return
        if isinstance(a, pd.Index):
            self.walk(a.tolist(), b.tolist(), path, depth + 1)
            return
        if a.shape != b.shape:
            self.differ(_attr(path, "shape"), a.shape, b.shape)
            return
        if not a.index.equals(b.index):
            self.walk(a.index.tolist(), b.index.tolist(), _attr(path, "index"), depth + 1)
            return
        if isinstance(a, pd.Series):
            columns = [(path, a, b)]
        else:
            if list(a.columns) != list(b.columns):
                self.walk([*map(str, a.columns)], [*map(str, b.columns)], _attr(path, "columns"), depth + 1)
                return
            columns = [(f"{path}[{_short(name)}]", a.iloc[:, i], b.iloc[:, i]) for i, name in enumerate(a.columns)]
        for where, x, y in columns:
            if x.dtype != y.dtype:
                self.differ(_attr(where, "dtype"), str(x.dtype), str(y.dtype), raw=True)
                continue
            values_a, values_b = x.to_numpy(), y.to_numpy()
            if values_a.dtype.hasobject:
                missing = x.isna().to_numpy() & y.isna().to_numpy()
                for i, (p, q) in enumerate(zip(values_a, values_b)):
                    if not missing[i]:
                        self.walk(p, q, f"{where}[{_short(x.index[i])}]", depth + 1)
                continue
            before = self.count
            self.arrays(values_a, values_b, where, depth)
            # Name the row by its label, as df[col][label] reads it.
            if self.count > before and self.differences and self.differences[-1]["path"].startswith(where):
                entry = self.differences[-1]
                row = entry["path"][len(where):].strip("[]")
                if row.isdigit() and int(row) < len(x):
                    entry["path"] = f"{where}[{_short(x.index[int(row)])}]"


def _index(path: str, index: tuple) -> str:
    if not index:
        return path
    return f"{path}[{', '.join(str(i) for i in index)}]"


def _same_labels(a, b) -> bool:
    names_a = list(getattr(a, "columns", [])) + [getattr(a, "name", None)]
    names_b = list(getattr(b, "columns", [])) + [getattr(b, "name", None)]
    return names_a == names_b


def _equal(a, b) -> bool:
    try:
        result = a == b
        if isinstance(result, bool):
            return result
        if hasattr(result, "all"):
            return bool(result.all())
        return bool(result)
    except Exception:
        return False
