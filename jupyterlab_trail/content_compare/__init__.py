"""Compares two files by what they hold, for a verification whose hash differs.

``trail verify`` / ``trail export --verify`` (``src/cli/verify.ts``) compares
each file a pipeline wrote with the recorded one by sha256. Some files can
never match byte for byte although they hold the same thing (a pickle with
an ``id()`` inside, as scikit-learn's ``CountVectorizer._stop_words_id``);
this module loads the file the recording wrote and the one the pipeline
wrote and walks both:

- ``.pkl`` ``.pickle`` ``.joblib``: loaded with joblib when importable, else
  pickle; a class that cannot be imported here (one defined in the notebook,
  pickled as ``__main__.X``) is compared by its pickled state;
- ``.npy`` ``.npz``: numpy arrays, exactly or within the tolerance;
- ``.csv`` ``.tsv`` ``.parquet``: pandas frames (csv without pandas: cells);
- ``.json``: the parsed documents.

The walk: dicts by key, lists and tuples by index, objects by their pickled
state (``__reduce_ex__``: ``__getstate__()`` / ``__dict__``, and slots),
numpy arrays, pandas objects, floats within the absolute tolerance; cycles
and shared objects are compared once; bounded in depth and time.

SECURITY: loading a pickle runs code named in the file. This module is only
ever handed files the user's own pipeline and the user's own recording wrote
(the verification compares a user's run with itself); it must never be used
on a file from anyone else.

Run with the verification venv's Python (the pickled classes must be
importable there): ``python -m jupyterlab_trail.content_compare``; it needs
nothing but the standard library and this package's ``__init__``, so the
verification imports it from a folder that holds only a link to this
package (``python -I``, nothing else of the project's environment)::

    python -m jupyterlab_trail.content_compare RECORDED REPRODUCED \
        [--tolerance X] [--timeout S] [--path DIR]

It prints one JSON document: ``{comparable, same, format, differences:
[{path, recorded, reproduced, note?}] (at most 10), count, complete,
reason?, notes?}`` and exits 0 (2 when its arguments are wrong).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys

from .load import NotComparable, format_of, load
from .walk import MAX_DEPTH, Walk, _TimeUp

__all__ = ["compare", "main", "NotComparable"]


def compare(recorded: str, reproduced: str, tolerance: float = 0.0, timeout: float = 60.0) -> dict:
    """The comparison of two files of the same format (see the module's comment)."""
    kind = format_of(reproduced) or format_of(recorded)
    answer: dict = {"comparable": False, "same": False, "format": kind, "differences": [], "count": 0, "complete": True}
    notes: list = []
    try:
        if kind is None:
            raise NotComparable(
                f"no content comparison for {os.path.splitext(reproduced)[1] or 'files without an extension'}"
            )
        a = load(recorded, kind, notes)
        b = load(reproduced, kind, notes)
    except NotComparable as error:
        answer["reason"] = str(error)
        return answer
    walk = Walk(tolerance, timeout)
    try:
        walk.walk(a, b)
    except _TimeUp:
        walk.complete = False
        answer["reason"] = f"the comparison took longer than {timeout:g} s"
    except RecursionError:
        walk.complete = False
        answer["reason"] = "the content is nested too deeply to walk"
    answer["differences"] = walk.differences
    answer["count"] = walk.count
    answer["complete"] = walk.complete
    # Unfinished with no difference found yet: nothing can be said.
    answer["comparable"] = walk.count > 0 or "reason" not in answer
    answer["same"] = answer["comparable"] and walk.count == 0
    if notes:
        answer["notes"] = sorted(set(notes))
    return answer


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Compare two files by content (JSON on stdout).")
    parser.add_argument("recorded")
    parser.add_argument("reproduced")
    parser.add_argument("--tolerance", type=float, default=0.0, help="absolute, for numbers (default 0)")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds for the walk (default 60)")
    parser.add_argument("--path", action="append", default=[], help="a folder to import pickled classes from")
    args = parser.parse_args(argv)
    if not (args.tolerance >= 0 and math.isfinite(args.tolerance)):
        parser.error("--tolerance must be a number >= 0")
    for folder in reversed(args.path):
        sys.path.insert(0, folder)
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 4 * MAX_DEPTH + 1000))
    answer = compare(args.recorded, args.reproduced, args.tolerance, args.timeout)
    json.dump(answer, sys.stdout)
    sys.stdout.write("\n")
    return 0

