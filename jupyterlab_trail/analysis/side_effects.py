"""Side effects on the process a later cell depends on without naming them:
the random seed a later ``train_test_split`` draws from, the working folder,
a folder created for later writes, environment variables and global
settings. Such a cell binds nothing a later cell reads, so without this
fact the slice would drop it and the pipeline would draw other numbers.

A call (or an assignment) counts when its target, resolved through the
imports of this cell and of the cells analysed before it (``import numpy as
np``, ``from numpy import random``, ``from os import chdir``), is in the
table below. A name no cell imported and no cell bound resolves by the
usual convention (``np``, ``pd``, ``plt``...): the import may have run
before the recording started. Code that runs later (function and lambda
bodies) does not count where it is defined; a top-level function whose body
has side effects gives them to the cells that call it (``def
set_seed(s): ...`` then ``set_seed(0)``).

Each fact is ``{"kind", "call", "line"}`` (kind: seed, cwd, filesystem,
environment, settings; call: the callee or target as written; line: in the
cell's plain Python), with ``path`` when a folder is a literal
(``os.makedirs("out")``, ``os.chdir("data")``).
"""

import ast
import shlex

SEED, CWD, FILESYSTEM, ENVIRONMENT, SETTINGS = "seed", "cwd", "filesystem", "environment", "settings"

# -- The table: calls that change the process's state, by qualified name.
# ``X()`` stands for an object made by calling X (``Path("out").mkdir``).
CALLS = {
    # Global random generators.
    "random.seed": SEED,
    "random.setstate": SEED,
    "numpy.random.seed": SEED,
    "numpy.random.set_state": SEED,
    "torch.manual_seed": SEED,
    "torch.random.manual_seed": SEED,
    "torch.set_rng_state": SEED,
    "torch.cuda.manual_seed": SEED,
    "torch.cuda.manual_seed_all": SEED,
    "tensorflow.random.set_seed": SEED,
    "tensorflow.set_random_seed": SEED,
    "tensorflow.compat.v1.set_random_seed": SEED,
    "tensorflow.keras.utils.set_random_seed": SEED,
    "keras.utils.set_random_seed": SEED,
    "transformers.set_seed": SEED,
    "lightning.seed_everything": SEED,
    "lightning.pytorch.seed_everything": SEED,
    "pytorch_lightning.seed_everything": SEED,
    "cupy.random.seed": SEED,
    "paddle.seed": SEED,
    "mxnet.random.seed": SEED,
    # The working folder.
    "os.chdir": CWD,
    "os.fchdir": CWD,
    # Folders later writes go into.
    "os.makedirs": FILESYSTEM,
    "os.mkdir": FILESYSTEM,
    "pathlib.Path().mkdir": FILESYSTEM,
    # Environment variables.
    "os.putenv": ENVIRONMENT,
    "os.unsetenv": ENVIRONMENT,
    "os.umask": ENVIRONMENT,
    # Global settings of the interpreter and the libraries.
    "sys.setrecursionlimit": SETTINGS,
    "warnings.filterwarnings": SETTINGS,
    "warnings.simplefilter": SETTINGS,
    "warnings.resetwarnings": SETTINGS,
    "logging.basicConfig": SETTINGS,
    "locale.setlocale": SETTINGS,
    "numpy.set_printoptions": SETTINGS,
    "numpy.seterr": SETTINGS,
    "pandas.set_option": SETTINGS,
    "pandas.reset_option": SETTINGS,
    "matplotlib.use": SETTINGS,
    "matplotlib.rc": SETTINGS,
    "matplotlib.rcdefaults": SETTINGS,
    "matplotlib.style.use": SETTINGS,
    "matplotlib.pyplot.rc": SETTINGS,
    "matplotlib.pyplot.rcdefaults": SETTINGS,
    "matplotlib.pyplot.style.use": SETTINGS,
    "matplotlib.pyplot.switch_backend": SETTINGS,
    "seaborn.set": SETTINGS,
    "seaborn.set_theme": SETTINGS,
    "seaborn.set_style": SETTINGS,
    "seaborn.set_context": SETTINGS,
    "seaborn.set_palette": SETTINGS,
    "sklearn.set_config": SETTINGS,
    "torch.use_deterministic_algorithms": SETTINGS,
    "torch.set_default_dtype": SETTINGS,
    "torch.set_default_tensor_type": SETTINGS,
    "torch.set_num_threads": SETTINGS,
    "torch.set_float32_matmul_precision": SETTINGS,
    "torch.set_printoptions": SETTINGS,
    "tensorflow.config.experimental.enable_op_determinism": SETTINGS,
    "tensorflow.config.threading.set_inter_op_parallelism_threads": SETTINGS,
    "tensorflow.config.threading.set_intra_op_parallelism_threads": SETTINGS,
    "tensorflow.keras.mixed_precision.set_global_policy": SETTINGS,
    "tensorflow.keras.backend.set_floatx": SETTINGS,
}
# Objects that are process state: assigning or deleting their items or
# attributes (``os.environ["X"] = "1"``, ``pd.options.display.precision = 3``)
# or calling their methods other than the reads below changes it.
OBJECTS = {
    "os.environ": ENVIRONMENT,
    "sys.path": SETTINGS,
    "matplotlib.rcParams": SETTINGS,
    "matplotlib.pyplot.rcParams": SETTINGS,
    "pandas.options": SETTINGS,
    "torch.backends.cudnn": SETTINGS,
}
OBJECT_READS = {"get", "keys", "values", "items", "copy", "index", "count", "find_all"}
# Shell commands (a translated ``!mkdir -p out``) that make folders.
SHELL_CALLS = {"subprocess.run", "subprocess.call", "subprocess.check_call", "os.system"}
# The names a module is usually imported as.
CONVENTIONS = {
    "np": "numpy", "numpy": "numpy", "pd": "pandas", "pandas": "pandas", "plt": "matplotlib.pyplot",
    "mpl": "matplotlib", "matplotlib": "matplotlib", "sns": "seaborn", "tf": "tensorflow",
    "tensorflow": "tensorflow", "torch": "torch", "keras": "keras", "sklearn": "sklearn", "os": "os",
    "sys": "sys", "random": "random", "warnings": "warnings", "logging": "logging",
}
_LATER = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
_MAX_CALL = 80


class Context:
    """What the cells analysed so far left in the namespace: module aliases
    (``np`` -> ``numpy``), functions whose bodies have side effects, and
    names bound to something else."""

    def __init__(self):
        self.aliases = {}
        self.functions = {}
        self.bound = set()

    def copy(self):
        other = Context()
        other.aliases = dict(self.aliases)
        other.functions = dict(self.functions)
        other.bound = set(self.bound)
        return other

    def imported(self, node):
        for alias in node.names:
            if isinstance(node, ast.Import):
                name = alias.asname or alias.name.split(".")[0]
                target = alias.name if alias.asname else alias.name.split(".")[0]
            elif node.level or not node.module or alias.name == "*":
                continue
            else:
                name = alias.asname or alias.name
                target = "%s.%s" % (node.module, alias.name)
            self.aliases[name] = target
            self.functions.pop(name, None)
            self.bound.discard(name)

    def rebound(self, name):
        self.aliases.pop(name, None)
        self.functions.pop(name, None)
        self.bound.add(name)

    def qualified(self, node):
        """The qualified name of an expression (``np.random.seed`` ->
        ``numpy.random.seed``, ``Path("a").mkdir`` -> ``pathlib.Path().mkdir``),
        or None."""
        if isinstance(node, ast.Name):
            if node.id in self.aliases:
                return self.aliases[node.id]
            if node.id not in self.bound and node.id not in self.functions:
                return CONVENTIONS.get(node.id)
            return None
        if isinstance(node, ast.Attribute):
            base = self.qualified(node.value)
            return None if base is None else "%s.%s" % (base, node.attr)
        if isinstance(node, ast.Call):
            base = self.qualified(node.func)
            return None if base is None else base + "()"
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            base = self.qualified(node.left)
            return base if base is not None and base.endswith("()") else None
        return None


def _text(node):
    text = ast.unparse(node)
    return text if len(text) <= _MAX_CALL else text[: _MAX_CALL - 1] + "…"


def _literal_path(node):
    """A folder written as a literal: ``"out"``, ``Path("out") / "x"``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Call) and len(node.args) == 1 and not node.keywords:
        return _literal_path(node.args[0])
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
        left, right = _literal_path(node.left), _literal_path(node.right)
        if left is not None and right is not None:
            return left.rstrip("/") + "/" + right
    return None


def _path_of(call, name):
    """The literal folder a makedirs/mkdir/chdir call names, or None."""
    if name == "pathlib.Path().mkdir":
        return _literal_path(call.func.value)
    argument = call.args[0] if call.args else next(
        (k.value for k in call.keywords if k.arg in ("name", "path")), None
    )
    return None if argument is None else _literal_path(argument)


def _shell_mkdir(call):
    """The folder of a shell ``mkdir`` with one literal folder, "" for other mkdirs, None otherwise."""
    if not call.args:
        return None
    command = call.args[0]
    if isinstance(command, ast.List) and command.elts:
        command = command.elts[-1] if len(command.elts) == 1 else None
    if not (isinstance(command, ast.Constant) and isinstance(command.value, str)):
        return None
    try:
        words = shlex.split(command.value)
    except ValueError:
        return None
    if not words or words[0] != "mkdir" or any(w in ("&&", ";", "|", "||") for w in words):
        return None
    folders = [w for w in words[1:] if not w.startswith("-")]
    return folders[0] if len(folders) == 1 else ""


class _Finder:
    """The side effects of one cell, in order, with the context updated as it goes."""

    def __init__(self, context):
        self.context = context
        self.found = []

    def add(self, kind, call, node, path=None):
        fact = {"kind": kind, "call": call, "line": node.lineno}
        if path is not None:
            fact["path"] = path
        self.found.append(fact)

    def call(self, node):
        name = self.context.qualified(node.func)
        if name in CALLS:
            kind = CALLS[name]
            path = _path_of(node, name) if kind in (FILESYSTEM, CWD) else None
            self.add(kind, _text(node.func), node, path)
        elif name in SHELL_CALLS:
            folder = _shell_mkdir(node)
            if folder is not None:
                self.add(FILESYSTEM, "mkdir (shell)", node, folder or None)
        elif name is not None and "." in name:
            owner, method = name.rsplit(".", 1)
            kind = _object_kind(owner)
            if kind is not None and method not in OBJECT_READS:
                self.add(kind, _text(node.func), node)
        elif isinstance(node.func, ast.Name) and node.func.id in self.context.functions:
            for inner in self.context.functions[node.func.id]:
                self.add(inner["kind"], "%s → %s" % (node.func.id, inner["call"]), node, inner.get("path"))

    def expression(self, node):
        """Calls evaluated now (not in lambdas or nested definitions)."""
        if node is None:
            return
        stack = [node]
        calls = []
        while stack:
            current = stack.pop()
            if isinstance(current, _LATER):
                continue
            if isinstance(current, ast.Call):
                calls.append(current)
            stack.extend(ast.iter_child_nodes(current))
        for call in sorted(calls, key=lambda c: (c.lineno, c.col_offset)):
            self.call(call)

    def target(self, node, statement):
        """An assigned or deleted target: a process-state object's item or attribute counts."""
        if isinstance(node, (ast.Tuple, ast.List)):
            for element in node.elts:
                self.target(element, statement)
            return
        if isinstance(node, ast.Starred):
            self.target(node.value, statement)
            return
        if isinstance(node, ast.Name):
            self.context.rebound(node.id)
            return
        if isinstance(node, (ast.Attribute, ast.Subscript)):
            base = node.value if isinstance(node, ast.Subscript) else node
            name = self.context.qualified(base)
            kind = _object_kind(name) if name else None
            if kind is not None:
                self.add(kind, _text(node), statement)

    def definition(self, node):
        """A def: what it does when called; decorators and defaults run now."""
        for child in node.decorator_list:
            self.expression(child)
        if isinstance(node, ast.ClassDef):
            for child in node.bases + [k.value for k in node.keywords]:
                self.expression(child)
            self.context.rebound(node.name)
            return
        for child in [d for d in node.args.defaults + node.args.kw_defaults if d is not None]:
            self.expression(child)
        inner = _Finder(self.context.copy())
        for stmt in node.body:
            inner.statement(stmt)
        self.context.rebound(node.name)
        if inner.found:
            self.context.functions[node.name] = [
                {k: v for k, v in fact.items() if k != "line"} for fact in inner.found
            ]

    def statement(self, node):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            self.context.imported(node)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            self.definition(node)
        elif isinstance(node, ast.Assign):
            self.expression(node.value)
            for target in node.targets:
                self.expression_of_target(target)
                self.target(target, node)
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            self.expression(node.value)
            if node.value is not None or not isinstance(node.target, ast.Name):
                self.expression_of_target(node.target)
                self.target(node.target, node)
        elif isinstance(node, ast.Delete):
            for target in node.targets:
                self.expression_of_target(target)
                self.target(target, node)
        elif isinstance(node, (ast.For, ast.AsyncFor)):
            self.expression(node.iter)
            self.target(node.target, node)
            self.block(node.body + node.orelse)
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                self.expression(item.context_expr)
                if item.optional_vars is not None:
                    self.target(item.optional_vars, node)
            self.block(node.body)
        elif isinstance(node, (ast.While, ast.If)):
            self.expression(node.test)
            self.block(node.body + node.orelse)
        elif isinstance(node, (ast.Try, getattr(ast, "TryStar", ast.Try))):
            self.block(node.body)
            for handler in node.handlers:
                self.expression(handler.type)
                self.block(handler.body)
            self.block(node.orelse + node.finalbody)
        elif hasattr(ast, "Match") and isinstance(node, ast.Match):
            self.expression(node.subject)
            for case in node.cases:
                self.expression(case.guard)
                self.block(case.body)
        else:  # Expr, Return, Raise, Assert, ...
            for child in ast.iter_child_nodes(node):
                self.expression(child)

    def expression_of_target(self, node):
        """What a target evaluates: the base of ``a.b[c]`` and its index."""
        if isinstance(node, (ast.Attribute, ast.Starred)):
            self.expression(node.value)
        elif isinstance(node, ast.Subscript):
            self.expression(node.value)
            self.expression(node.slice)
        elif isinstance(node, (ast.Tuple, ast.List)):
            for element in node.elts:
                self.expression_of_target(element)

    def block(self, statements):
        for stmt in statements:
            self.statement(stmt)


def _object_kind(name):
    """The kind of a process-state object ``name`` is or lies inside (``pandas.options.display``)."""
    for owner, kind in OBJECTS.items():
        if name == owner or name.startswith(owner + "."):
            return kind
    return None


def side_effects(tree, context):
    """The side effects of a cell's top level, in order; ``context`` (the
    cells before it) is updated with what this cell imports, binds and defines."""
    finder = _Finder(context)
    finder.block(tree.body)
    return finder.found
