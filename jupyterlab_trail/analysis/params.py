"""The params a cell logs with ``trail.log_param`` / ``trail.log_params``, and
``rewrite_params``, which makes a pipeline read them from ``PARAMS``.

A param has a *target* when its value is a name whose latest binding at the
cell's top level, before the logging call, is ``name = <literal>``: that
literal is what the pipeline replaces with ``PARAMS["param"]``.
"""

import ast
import json

from .names import bound_by_import
from .source import line_offsets, node_span, split_lines


def _literal(node):
    try:
        ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False
    return True


def _literal_assignment(stmt):
    """``(name, value node)`` for ``name = <literal>`` / ``name: T = <literal>``."""
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
        if _literal(stmt.value):
            return stmt.targets[0].id, stmt.value
    if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.value is not None:
        if _literal(stmt.value):
            return stmt.target.id, stmt.value
    return None


def _rebound(stmt):
    """Names a top-level statement binds (outside nested scopes)."""
    names = set()
    stack = [stmt]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            names.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
            continue
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names |= bound_by_import(node)
        elif isinstance(node, (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            continue
        stack.extend(ast.iter_child_nodes(node))
    return names


def _log_calls(stmt):
    """``log_param``/``log_params`` calls of a statement, in source order, not
    inside functions (those log when called, from values unknown here)."""
    found = []
    stack = [stmt]
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
            if name in ("log_param", "log_params"):
                found.append((name, node))
        stack.extend(ast.iter_child_nodes(node))
    found.sort(key=lambda item: (item[1].lineno, item[1].col_offset))
    return found


def _argument(call, position, keyword):
    if len(call.args) > position:
        return call.args[position]
    for k in call.keywords:
        if k.arg == keyword:
            return k.value
    return None


def find_params(tree, run_params=()):
    """The logged params ``[{"name", "target"?}]`` of a cell, and for each
    param with a target the literal node it replaces (``{name: node}``)."""
    literals = {}  # name -> value node of its latest top-level literal binding
    literal_dicts = {}  # name -> Dict node
    params = {}
    nodes = {}

    def found(name, value):
        target = None
        if isinstance(value, ast.Name) and literals.get(value.id) is not None:
            target = value.id
            nodes[name] = literals[value.id]
        else:
            nodes.pop(name, None)
        params.pop(name, None)
        params[name] = {"name": name, "target": target} if target else {"name": name}

    for stmt in tree.body:
        for kind, call in _log_calls(stmt):
            if kind == "log_param":
                name = _argument(call, 0, "name")
                if isinstance(name, ast.Constant) and isinstance(name.value, str):
                    found(name.value, _argument(call, 1, "value"))
                continue
            mapping = _argument(call, 0, "params")
            if isinstance(mapping, ast.Name) and literal_dicts.get(mapping.id) is not None:
                mapping = literal_dicts[mapping.id]
            if isinstance(mapping, ast.Dict):
                for key, value in zip(mapping.keys, mapping.values):
                    if isinstance(key, ast.Constant) and isinstance(key.value, str):
                        found(key.value, value)
            elif isinstance(mapping, ast.Call) and isinstance(mapping.func, ast.Name) and mapping.func.id == "dict":
                for keyword in mapping.keywords:
                    if keyword.arg:
                        found(keyword.arg, keyword.value)
            else:
                # Names unknown here: the run's params that this cell binds
                # to a literal under the same name.
                for name in run_params:
                    if literals.get(name) is not None:
                        found(name, ast.Name(id=name, ctx=ast.Load()))
        for name in _rebound(stmt):
            literals[name] = None
            literal_dicts[name] = None
        assignment = _literal_assignment(stmt)
        if assignment is not None:
            literals[assignment[0]] = assignment[1]
            if isinstance(assignment[1], ast.Dict):
                literal_dicts[assignment[0]] = assignment[1]
    return list(params.values()), nodes


def rewrite_params(python, params):
    """``python`` with the literal of each param's target replaced by
    ``PARAMS["name"]`` (``params``: name -> target); everything else is kept
    byte for byte. A target the cell does not bind to a literal before logging
    the param is left alone."""
    if not params:
        return python
    try:
        tree = ast.parse(python)
    except SyntaxError:
        return python
    logged, nodes = find_params(tree, run_params=list(params))
    targets = {p["name"]: p.get("target") for p in logged}
    lines = split_lines(python)
    offsets = line_offsets(lines)
    edits = []
    for name, target in params.items():
        if not target or targets.get(name) != target or name not in nodes:
            continue
        start, end = node_span(lines, offsets, nodes[name])
        edits.append((start, end, "PARAMS[%s]" % json.dumps(name)))
    seen = set()
    for start, end, replacement in sorted(edits, reverse=True):
        if (start, end) in seen:
            continue  # one literal logged under two names: the first wins
        seen.add((start, end))
        python = python[:start] + replacement + python[end:]
    return python
