"""Whether a cell only shows things: every statement a bare expression that
answers a value (names, attributes, items, pure builtins, reads such as
``df.head()``), a call that displays (``print``, ``display``, ``plt.show()``)
or a dropped magic, and nothing bound or changed."""

import ast

from .names import COMPREHENSIONS
from .vocabulary import DISPLAY_FUNCTIONS, PURE_BUILTINS, READ_METHODS


def _shows(node):
    """Whether an expression only shows things."""
    if isinstance(node, (ast.Name, ast.Constant)):
        return True
    if isinstance(node, ast.Attribute):
        return _shows(node.value)
    if isinstance(node, ast.Subscript):
        return _shows(node.value) and _shows(node.slice)
    if isinstance(node, ast.Slice):
        return all(part is None or _shows(part) for part in (node.lower, node.upper, node.step))
    if isinstance(node, (ast.Tuple, ast.List)):
        return all(_shows(e) for e in node.elts)
    if isinstance(node, ast.JoinedStr):
        return all(_shows(v) for v in node.values)
    if isinstance(node, ast.FormattedValue):
        return _shows(node.value)
    if isinstance(node, ast.Compare):
        return _shows(node.left) and all(_shows(c) for c in node.comparators)
    if isinstance(node, ast.BinOp):
        return _shows(node.left) and _shows(node.right)
    if isinstance(node, ast.UnaryOp):
        return _shows(node.operand)
    if isinstance(node, ast.BoolOp):
        return all(_shows(v) for v in node.values)
    if isinstance(node, ast.Set):
        return all(_shows(e) for e in node.elts)
    if isinstance(node, ast.Dict):
        return all(_shows(v) for v in node.values) and all(k is None or _shows(k) for k in node.keys)
    if isinstance(node, ast.IfExp):
        return _shows(node.test) and _shows(node.body) and _shows(node.orelse)
    if isinstance(node, COMPREHENSIONS):
        parts = [getattr(node, p) for p in ("elt", "key", "value") if getattr(node, p, None) is not None]
        for generator in node.generators:
            parts += [generator.iter] + generator.ifs
        return all(_shows(p) for p in parts)
    if isinstance(node, ast.Starred):
        return _shows(node.value)
    if isinstance(node, ast.Call):
        arguments = node.args + [k.value for k in node.keywords]
        if isinstance(node.func, ast.Name) and node.func.id in DISPLAY_FUNCTIONS:
            return True
        if isinstance(node.func, ast.Name) and node.func.id in PURE_BUILTINS:
            return all(_shows(a) for a in arguments)
        if isinstance(node.func, ast.Attribute) and node.func.attr in READ_METHODS:
            if any(k.arg == "inplace" for k in node.keywords):
                return False
            return _shows(node.func.value) and all(_shows(a) for a in arguments)
    return False


def effects(tree, names):
    """``display`` when every statement only shows things and nothing is bound."""
    if names.defines:
        return "state"
    for stmt in tree.body:
        if isinstance(stmt, ast.Pass):
            continue
        if not (isinstance(stmt, ast.Expr) and _shows(stmt.value)):
            return "state"
    return "display"
