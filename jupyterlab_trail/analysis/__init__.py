"""The code analysis behind "Export as pipeline" (#15): for each recorded
cell, the facts the slicing rule and the pipeline writer need (``CellFacts``
in ``src/records/export/facts.ts``): what the cell binds and reads, whether it
only shows things, what it imports and installs, the cell as plain Python with
IPython's magics translated, the params it logs, and its side effects on the
process (seeds, working folder, folders made, environment, settings:
``side_effects``).

Python is the subject, so Python reads it: ``ast`` for the code and IPython's
own input transformer for the magics. TypeScript reaches it through
``python -m jupyterlab_trail.analysis`` (JSON on stdin and stdout, see
``__main__``). Nothing here imports the Jupyter server or runs cell code.
"""

from .magics import translate
from .effects import effects
from .names import CellNames, imported_modules
from .params import find_params, rewrite_params
from .side_effects import Context, side_effects

__all__ = ["analyze", "analyze_cell", "rewrite_params", "rewriteParams"]


def analyze_cell(cell_id, code, params=(), context=None):
    """The facts of one cell (a ``CellFacts`` dict). ``context``: what the
    cells analysed before it imported and defined (``side_effects.Context``,
    updated with this cell's), for side effects through earlier imports."""
    translated = translate(code)
    facts = {
        "id": cell_id,
        "ok": translated.error is None,
        "defines": [],
        "uses": [],
        "effects": "state",
        "imports": [],
        "requirements": translated.requirements,
        "python": translated.python,
        "translations": translated.translations,
        "params": [],
        "sideEffects": [],
    }
    if translated.error is not None:
        facts["error"] = translated.error
        return facts
    tree = translated.tree
    names = CellNames().analyse(tree)
    injected = {n for n in translated.injected if n not in code}
    facts["defines"] = [n for n in names.defines if n not in injected and not n.startswith("_trail_")]
    facts["uses"] = list(names.uses)
    facts["effects"] = effects(tree, names) if not any(
        t["action"] in ("subprocess", "untranslated") for t in translated.translations
    ) else "state"
    facts["imports"] = [m for m in imported_modules(tree) if m not in injected]
    facts["params"] = find_params(tree, params)[0]
    facts["sideEffects"] = side_effects(tree, context if context is not None else Context())
    return facts


def analyze(cells, params=()):
    """The facts of each cell (``cells``: dicts with ``id`` and ``code``), in
    order. ``params`` are the names of the params the run logged: a cell that
    logs a dict the analysis cannot read is matched to them by name."""
    params = list(params)
    context = Context()
    results = []
    for cell in cells:
        try:
            results.append(analyze_cell(cell["id"], cell["code"], params, context))
        except RecursionError:
            results.append(_failed(cell, "trail: the cell is nested too deeply to analyse"))
    return results


def _failed(cell, error):
    return {
        "id": cell["id"], "ok": False, "error": error, "defines": [], "uses": [], "effects": "state",
        "imports": [], "requirements": [], "python": cell["code"], "translations": [], "params": [],
        "sideEffects": [],
    }


# The contract's name (src/records/export/facts.ts).
rewriteParams = rewrite_params
