"""What a cell binds, reads and imports (whether it only shows things is
effects.py's rule).

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

from .vocabulary import DISPLAY_FUNCTIONS, PROVIDED, READ_METHODS

_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef,
           ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
# Pattern matching (Python 3.10+); empty tuples match nothing on 3.9.
_MATCH = getattr(ast, "Match", ())
_MATCH_NAMED = tuple(getattr(ast, n) for n in ("MatchAs", "MatchStar") if hasattr(ast, n))
_MATCH_MAPPING = getattr(ast, "MatchMapping", ())


def receiver(node):
    """The name at the base of ``a.b[c].d()``-like chains, or None.

    A chain that starts with a call of a bare name (``KMeans(...).fit(X)``)
    has no receiver: the call made a new object, and fitting it changes
    nothing the name ``KMeans`` holds."""
    while True:
        if isinstance(node, ast.Name):
            return node.id
        if isinstance(node, (ast.Attribute, ast.Subscript, ast.Starred)):
            node = node.value
        elif isinstance(node, ast.Call):
            if isinstance(node.func, ast.Name):
                return None
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
        elif isinstance(node, COMPREHENSIONS):
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
    if isinstance(node, COMPREHENSIONS):
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
            if isinstance(node, COMPREHENSIONS):
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
        if name not in self.bound and name not in PROVIDED and not (name.startswith("__") and name.endswith("__")):
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
            if isinstance(current, COMPREHENSIONS):
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
