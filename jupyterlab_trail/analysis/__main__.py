"""``python -m jupyterlab_trail.analysis``: JSON on stdin, JSON on stdout.

Facts: ``{"cells": [{"id", "code"}], "params": [names]}`` ->
``{"cells": [CellFacts]}``. Params rewrite: ``{"rewrite": {"python", "params":
{name: target}}}`` -> ``{"python"}``. Bad input: a one-line reason on stderr
and exit status 2, nothing on stdout.
"""

import json
import sys
import warnings

from . import analyze, rewrite_params


class BadRequest(Exception):
    pass


def _strings(value, what):
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise BadRequest("%s must be a list of strings" % what)
    return value


def answer(request):
    if not isinstance(request, dict):
        raise BadRequest("the request must be a JSON object")
    if "rewrite" in request:
        rewrite = request["rewrite"]
        if not isinstance(rewrite, dict) or not isinstance(rewrite.get("python"), str):
            raise BadRequest("rewrite.python must be a string")
        params = rewrite.get("params", {})
        if not isinstance(params, dict) or not all(isinstance(v, str) for v in params.values()):
            raise BadRequest("rewrite.params must map param names to target names")
        return {"python": rewrite_params(rewrite["python"], params)}
    cells = request.get("cells")
    if not isinstance(cells, list):
        raise BadRequest("cells must be a list")
    for i, cell in enumerate(cells):
        if not isinstance(cell, dict) or not isinstance(cell.get("id"), str) or not isinstance(cell.get("code"), str):
            raise BadRequest("cells[%d] must have a string id and code" % i)
    params = _strings(request.get("params", []), "params")
    return {"cells": analyze(cells, params)}


def main():
    # The recorded code's own SyntaxWarnings (invalid escapes...) are not ours to print.
    warnings.simplefilter("ignore")
    try:
        request = json.loads(sys.stdin.buffer.read().decode("utf-8"))
        result = answer(request)
    except (ValueError, BadRequest) as exc:
        sys.stderr.write("trail analysis: %s\n" % exc)
        return 2
    sys.stdout.write(json.dumps(result))
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
