"""What a cell binds, reads, imports, and whether it only shows things.

The cell is read in statement order at its top level (the notebook's global
namespace): a name is a *use* when it is read before the cell has surely bound
it (a binding inside ``if``/``for``/``while``/``try`` is not sure), and a
*define* when the cell binds it anywhere or may change the object it names
(the receiver of a method call, the base of an attribute or subscript
assignment). Code that runs later (function and lambda bodies) reads at call
time: its free names are uses unless the cell binds them. Comprehensions run
at once, in a scope of their own.
"""

import ast
import builtins

# Names every IPython namespace has; never a use of an earlier cell.
_PROVIDED = set(dir(builtins)) | {"display", "get_ipython", "In", "Out", "exit", "quit", "_", "__", "___"}

# Calls that only show their arguments.
DISPLAY_FUNCTIONS = {"print", "display", "repr", "pprint"}
# Methods that show or read an object without changing it (a call with
# ``inplace=True`` changes it whatever the method).
SHOW_METHODS = {
    "head", "tail", "describe", "info", "show", "sample", "value_counts", "nunique", "unique",
    "isna", "isnull", "notna", "notnull", "sum", "mean", "median", "min", "max", "std", "var",
    "count", "corr", "memory_usage", "to_string", "summary",
}
READ_METHODS = SHOW_METHODS | {
    "copy", "get", "keys", "values", "items", "format", "join", "split", "strip", "lower",
    "upper", "startswith", "endswith", "exists", "isfile", "isdir", "to_numpy", "astype",
    "predict", "predict_proba", "decision_function", "score", "get_params", "read_csv",
    "read_parquet", "read_json", "read_excel", "read_table", "read_pickle", "array", "asarray",
    "zeros", "ones", "arange", "linspace", "concatenate", "concat", "merge", "DataFrame", "Series",
    # Methods and module functions of pandas, numpy and the standard library
    # that answer a new object (with inplace=True pandas changes the receiver,
    # see _changes_receiver); the random generators are not here: drawing
    # changes their state.
    "round", "sort_values", "sort_index", "reset_index", "set_index", "dropna", "fillna", "drop",
    "drop_duplicates", "rename", "query", "groupby", "agg", "aggregate", "pivot_table", "melt",
    "to_dict", "tolist", "to_list", "item", "reshape", "flatten", "ravel", "dot", "all", "any",
    "argmax", "argmin", "argsort", "cumsum", "cumprod", "diff", "pct_change", "rolling", "resample",
    "shift", "abs", "clip", "isin", "between", "nlargest", "nsmallest", "idxmax", "idxmin", "quantile",
    "select_dtypes", "get_dummies", "to_datetime", "to_numeric", "transpose", "prod", "replace",
    "where", "map", "apply", "corrwith", "cov", "unstack", "stack", "pivot", "crosstab", "cut", "qcut",
    "get_feature_names_out", "exp", "log", "sqrt", "sin", "cos", "tan", "floor", "ceil", "square",
    "stack", "vstack", "hstack", "column_stack", "unique", "where", "isclose", "allclose",
    "array_equal", "lstsq", "inv", "norm", "det", "eig", "svd", "now", "today", "perf_counter",
    "monotonic", "strftime", "isoformat", "dumps", "loads", "basename", "dirname", "splitext",
    "abspath", "relpath", "glob", "listdir", "getcwd", "getenv", "search", "match", "findall", "sub",
    "compile",
    # Trail's own logging API records, it does not change `trail`.
    "log_param", "log_params", "log_metric", "log_metrics", "dataset",
}
# Builtins that answer a value and change nothing.
PURE_BUILTINS = {
    "len", "sorted", "sum", "min", "max", "round", "abs", "list", "dict", "set", "tuple", "frozenset",
    "type", "isinstance", "issubclass", "hex", "oct", "bin", "id", "str", "int", "float", "bool",
    "repr", "format", "enumerate", "zip", "range", "reversed", "any", "all", "divmod", "pow", "hash",
    "chr", "ord", "ascii", "vars", "dir", "callable", "getattr", "hasattr",
}
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef,
           ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
# Pattern matching (Python 3.10+); empty tuples match nothing on 3.9.
_MATCH = getattr(ast, "Match", ())
_MATCH_NAMED = tuple(getattr(ast, n) for n in ("MatchAs", "MatchStar") if hasattr(ast, n))
_MATCH_MAPPING = getattr(ast, "MatchMapping", ())


def receiver(node):
    """The name at the base of ``a.b[c].d()``-like chains, or None."""
    while True:
        if isinstance(node, ast.Name):
            return node.id
        if isinstance(node, (ast.Attribute, ast.Subscript, ast.Starred)):
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        else:
            return None


def _changes_receiver(call):
    """Whether a method call may change its receiver."""
    if not isinstance(call.func, ast.Attribute):
        return False
    for keyword in call.keywords:
        if keyword.arg == "inplace" and not (isinstance(keyword.value, ast.Constant) and not keyword.value.value):
            return True
    return call.func.attr not in READ_METHODS and receiver(call.func.value) != "trail"


class _Scope:
    """The names of one scope, read without order."""

    def __init__(self):
        self.stores = set()
        self.loads = set()
        self.globals = set()
        self.nonlocals = set()
        self.nested = []  # scope nodes inside
        self.walrus = set()  # walrus targets inside comprehensions (bind outside)

    def collect(self, node):
        """Collects the names of ``node`` (an expression or statement of this scope)."""
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            self.stores.add(node.name)
            for child in node.decorator_list + _defaults(node.args) + _annotations(node):
                self.collect(child)
            self.nested.append(node)
        elif isinstance(node, ast.Lambda):
            for child in _defaults(node.args):
                self.collect(child)
            self.nested.append(node)
        elif isinstance(node, ast.ClassDef):
            self.stores.add(node.name)
            for child in node.decorator_list + node.bases + [k.value for k in node.keywords]:
                self.collect(child)
            self.nested.append(node)
        elif isinstance(node, _COMPREHENSIONS):
            self.collect(node.generators[0].iter)
            self.nested.append(node)
        elif isinstance(node, ast.Name):
            (self.stores if isinstance(node.ctx, (ast.Store, ast.Del)) else self.loads).add(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            self.stores.update(bound_by_import(node))
        elif isinstance(node, ast.Global):
            self.globals.update(node.names)
        elif isinstance(node, ast.Nonlocal):
            self.nonlocals.update(node.names)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            self.stores.add(node.name)
            for child in ast.iter_child_nodes(node):
                self.collect(child)
        elif isinstance(node, _MATCH_NAMED) and node.name:
            self.stores.add(node.name)
            for child in ast.iter_child_nodes(node):
                self.collect(child)
        elif isinstance(node, _MATCH_MAPPING) and node.rest:
            self.stores.add(node.rest)
            for child in ast.iter_child_nodes(node):
                self.collect(child)
        else:
            for child in ast.iter_child_nodes(node):
                self.collect(child)


def _walrus_before_load(node, scope):
    """Names an expression binds with a walrus before it first reads them
    (``(y := f()) + y``): not uses."""
    ends = {}
    loads = {}
    for child in ast.walk(node):
        if isinstance(child, ast.NamedExpr) and isinstance(child.target, ast.Name):
            end = (child.end_lineno, child.end_col_offset)
            ends[child.target.id] = min(end, ends.get(child.target.id, end))
        elif isinstance(child, ast.Name) and isinstance(child.ctx, ast.Load):
            start = (child.lineno, child.col_offset)
            loads[child.id] = min(start, loads.get(child.id, start))
    return {name for name, end in ends.items() if name in loads and loads[name] >= end}


def _defaults(args):
    return [d for d in args.defaults + args.kw_defaults if d is not None]


def _annotations(node):
    args = node.args
    every = args.posonlyargs + args.args + args.kwonlyargs + [a for a in (args.vararg, args.kwarg) if a]
    found = [a.annotation for a in every if a.annotation is not None]
    return found + ([node.returns] if node.returns is not None else [])


def _parameters(args):
    every = args.posonlyargs + args.args + args.kwonlyargs + [a for a in (args.vararg, args.kwarg) if a]
    return {a.arg for a in every}


def scope_free(node):
    """``(free, global_stores, walrus)`` of a nested scope: the names it reads
    from outside, the names it assigns after ``global``, and (for a
    comprehension) the walrus targets that bind in the enclosing scope."""
    scope = _Scope()
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
        scope.stores |= _parameters(node.args)
        for child in node.body if isinstance(node.body, list) else [node.body]:
            scope.collect(child)
    elif isinstance(node, ast.ClassDef):
        for child in node.body:
            scope.collect(child)
    else:  # a comprehension
        for i, generator in enumerate(node.generators):
            scope.collect(generator.target)
            if i:
                scope.collect(generator.iter)
            for condition in generator.ifs:
                scope.collect(condition)
        for part in ("elt", "key", "value"):
            if getattr(node, part, None) is not None:
                scope.collect(getattr(node, part))
    walrus = set()
    if isinstance(node, _COMPREHENSIONS):
        targets = set()
        for generator in node.generators:
            targets |= {n.id for n in ast.walk(generator.target) if isinstance(n, ast.Name)}
        walrus = scope.stores - targets
        scope.stores &= targets
    local = scope.stores - scope.globals - scope.nonlocals
    free = (scope.loads - local) | (scope.globals & scope.loads)
    global_stores = scope.stores & scope.globals
    for child in scope.nested:
        child_free, child_globals, child_walrus = scope_free(child)
        global_stores |= child_globals
        if isinstance(node, ast.ClassDef):
            free |= child_free  # methods do not see the class body's names
        else:
            free |= child_free - local
            local_walrus = child_walrus - scope.globals
            if isinstance(node, _COMPREHENSIONS):
                walrus |= local_walrus
            free |= child_walrus & scope.globals
    return free, global_stores, walrus


def bound_by_import(node):
    names = set()
    for alias in node.names:
        if alias.name == "*":
            continue
        names.add(alias.asname or alias.name.split(".")[0])
    return names


def imported_modules(tree):
    """Top-level modules imported anywhere in the cell, in order."""
    found = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                found.setdefault(alias.name.split(".")[0], None)
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            found.setdefault(node.module.split(".")[0], None)
    return list(found)


class CellNames:
    """Defines, uses and effects of a cell's top level."""

    def __init__(self):
        self.bound = set()  # surely bound by now
        self.bindings = {}  # every name the cell binds (ordered)
        self.changed = {}  # names whose objects the cell may change (ordered)
        self.uses = {}
        self.deferred = {}  # free names of code that runs later

    def analyse(self, tree):
        for stmt in tree.body:
            self.statement(stmt)
        for name in self.deferred:
            if name not in self.bindings:
                self.use(name)
        return self

    @property
    def defines(self):
        merged = dict(self.bindings)
        merged.update(self.changed)
        return list(merged)

    def use(self, name):
        if name not in self.bound and name not in _PROVIDED and not (name.startswith("__") and name.endswith("__")):
            self.uses.setdefault(name, None)

    def bind(self, name, sure=True):
        self.bindings.setdefault(name, None)
        if sure:
            self.bound.add(name)

    def expression(self, node):
        """Reads an expression evaluated now."""
        if node is None:
            return
        scope = _Scope()
        scope.collect(node)
        early = _walrus_before_load(node, scope) if scope.stores else set()
        for name in scope.loads - early:
            self.use(name)
        for nested in scope.nested:
            free, global_stores, walrus = scope_free(nested)
            for name in global_stores:
                self.bind(name, sure=False)
            if isinstance(nested, ast.Lambda):
                for name in free:
                    self.deferred.setdefault(name, None)
            else:
                for name in free:
                    self.use(name)
            for name in walrus:
                self.bind(name)
        for name in scope.stores:  # walrus at the top level
            self.bind(name)
        self.calls(node)

    def calls(self, node):
        """Receivers of method calls that may change them; display calls'
        arguments are only shown."""
        stack = [(node, frozenset())]
        while stack:
            current, local = stack.pop()
            if isinstance(current, _SCOPES[:4]):
                continue
            if isinstance(current, _COMPREHENSIONS):
                # Its loop variables are its own, not the cell's.
                local = local | {
                    n.id for g in current.generators for n in ast.walk(g.target) if isinstance(n, ast.Name)
                }
            if isinstance(current, ast.Call):
                if isinstance(current.func, ast.Name) and current.func.id in DISPLAY_FUNCTIONS:
                    continue
                if _changes_receiver(current):
                    name = receiver(current.func.value)
                    if name is not None and name not in local:
                        self.changed.setdefault(name, None)
            stack.extend((child, local) for child in ast.iter_child_nodes(current))

    def target(self, node, sure=True):
        """An assignment target: names bound, bases of attributes/subscripts changed."""
        if isinstance(node, ast.Name):
            self.bind(node.id, sure)
        elif isinstance(node, (ast.Tuple, ast.List)):
            for element in node.elts:
                self.target(element, sure)
        elif isinstance(node, ast.Starred):
            self.target(node.value, sure)
        elif isinstance(node, (ast.Attribute, ast.Subscript)):
            self.expression(node.value)
            if isinstance(node, ast.Subscript):
                self.expression(node.slice)
            name = receiver(node.value)
            if name is not None:
                self.changed.setdefault(name, None)

    def block(self, statements, sure):
        if sure:
            for stmt in statements:
                self.statement(stmt)
            return
        saved = set(self.bound)
        for stmt in statements:
            self.statement(stmt)
        self.bound = saved

    def statement(self, node):
        if isinstance(node, ast.Assign):
            self.expression(node.value)
            for target in node.targets:
                self.target(target)
        elif isinstance(node, ast.AugAssign):
            if isinstance(node.target, ast.Name):
                self.use(node.target.id)
            self.expression(node.value)
            self.target(node.target)
        elif isinstance(node, ast.AnnAssign):
            self.expression(node.annotation)
            self.expression(node.value)
            if node.value is not None or not isinstance(node.target, ast.Name):
                self.target(node.target)
        elif isinstance(node, (ast.For, ast.AsyncFor)):
            self.expression(node.iter)
            saved = set(self.bound)
            self.target(node.target)
            self.block(node.body, sure=True)
            self.bound = saved
            self.block(node.orelse, sure=False)
        elif isinstance(node, (ast.While, ast.If)):
            self.expression(node.test)
            self.block(node.body, sure=False)
            self.block(node.orelse, sure=False)
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                self.expression(item.context_expr)
                if item.optional_vars is not None:
                    self.target(item.optional_vars)
            self.block(node.body, sure=True)
        elif isinstance(node, (ast.Try, getattr(ast, "TryStar", ast.Try))):
            self.block(node.body, sure=False)
            for handler in node.handlers:
                self.expression(handler.type)
                saved = set(self.bound)
                if handler.name:
                    self.bind(handler.name)
                self.block(handler.body, sure=True)
                self.bound = saved
            self.block(node.orelse, sure=False)
            self.block(node.finalbody, sure=True)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            self.definition(node)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for name in bound_by_import(node):
                self.bind(name)
        elif isinstance(node, ast.Delete):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    self.use(target.id)
                    self.bindings.setdefault(target.id, None)
                    self.bound.discard(target.id)
                else:
                    self.target(target)
        elif isinstance(node, _MATCH):
            self.expression(node.subject)
            for case in node.cases:
                saved = set(self.bound)
                scope = _Scope()
                scope.collect(case.pattern)
                for name in scope.loads:
                    self.use(name)
                for name in scope.stores:
                    self.bind(name)
                self.expression(case.guard)
                self.block(case.body, sure=True)
                self.bound = saved
        elif isinstance(node, (ast.Global, ast.Nonlocal, ast.Pass, ast.Break, ast.Continue)):
            pass
        else:  # Expr, Return, Raise, Assert, ...
            for child in ast.iter_child_nodes(node):
                self.expression(child)

    def definition(self, node):
        """A def or class: what is evaluated now, the name, and what runs later."""
        for child in node.decorator_list:
            self.expression(child)
        if isinstance(node, ast.ClassDef):
            for child in node.bases + [k.value for k in node.keywords]:
                self.expression(child)
        else:
            for child in _defaults(node.args) + _annotations(node):
                self.expression(child)
        free, global_stores, _ = scope_free(node)
        for name in global_stores:
            self.bind(name, sure=False)
        if isinstance(node, ast.ClassDef):
            # The class body runs now; its methods later.
            body = _Scope()
            for child in node.body:
                body.collect(child)
            for name in body.loads - body.stores:
                self.use(name)
            for name in free - (body.loads - body.stores):
                self.deferred.setdefault(name, None)
        else:
            for name in free:
                self.deferred.setdefault(name, None)
        self.bind(node.name)


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
    if isinstance(node, _COMPREHENSIONS):
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
