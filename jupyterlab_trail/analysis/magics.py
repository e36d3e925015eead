"""IPython to plain Python.

IPython's own input transformer (``TransformerManager``, what the kernel runs
before compiling a cell) turns magics and ``!cmd`` into calls such as
``get_ipython().run_line_magic('time', 'x = f()')`` or
``get_ipython().system('ls')``. Those calls are then found in the syntax tree
and each is replaced, statement by statement, with plain Python (or a
comment), keeping every other line of the cell as it ran. Each magic gives one
``translations`` entry with the line where it stands in the recorded cell.
"""

import ast
import re
import shlex

from .commands import command_expression, pip_command, pip_install
from .source import indentation, line_offsets, node_span, split_lines

# Line magics that only configure the session or show things: dropped.
DROPPED_LINE = {
    "matplotlib", "autoreload", "aimport", "config", "pinfo", "pinfo2", "psearch", "pdoc",
    "pdef", "psource", "pfile", "who", "whos", "lsmagic", "history", "magic", "quickref",
    "xmode", "pdb", "colors", "page", "precision", "pprint", "notebook", "load_ext",
    "reload_ext", "unload_ext", "doctest_mode", "automagic", "autocall", "tb",
}
# Extensions a script does without (everything else loaded with %load_ext is
# reported: it may change how the cells run).
DROPPED_EXTENSIONS = {"autoreload", "memory_profiler", "line_profiler", "watermark", "tensorboard"}
# Cell magics that only show their body: dropped.
DROPPED_CELL = {"html", "HTML", "javascript", "js", "markdown", "latex", "svg"}
SHELLS = {"bash": "bash", "sh": "sh"}

_TIMEIT_OPTION = re.compile(r"^\s*-(?:[ntpr]\s*\d+|[qoc])\b\s*")

_manager = None


def ipython_transform(code):
    """The cell as IPython would compile it (magics as ``get_ipython()`` calls)."""
    global _manager
    if _manager is None:
        from IPython.core.inputtransformer2 import TransformerManager

        _manager = TransformerManager()
    return _manager.transform_cell(code)


def line_map(original, transformed):
    """For each line of ``transformed``, the 0-based line of ``original`` it came
    from. IPython rewrites a magic line in place (a continued one, ending with
    a backslash, becomes one line) and drops leading blank lines."""
    orig = split_lines(original)
    trans = split_lines(transformed)
    i = 0
    while i < len(orig) - 1 and not orig[i].strip():
        i += 1
    mapping = []
    for line in trans:
        mapping.append(min(i, max(len(orig) - 1, 0)))
        if i < len(orig) and orig[i].strip() == line.strip():
            i += 1
            continue
        while i < len(orig) and orig[i].rstrip().endswith("\\"):
            i += 1
        i += 1
    return mapping


class Translated:
    """The plain Python of a cell and how its magics were handled."""

    def __init__(self, python, tree=None, error=None):
        self.python = python
        self.tree = tree
        self.error = error
        self.translations = []
        self.requirements = []
        self.injected = set()


def translate(code, first_line=1):
    """Translates ``code`` (a cell, or a cell magic's body starting at line
    ``first_line`` of the cell) to plain Python."""
    mapping = None
    text = code
    try:
        tree = ast.parse(code)
    except SyntaxError:
        try:
            text = ipython_transform(code)
        except ImportError:
            return Translated(code, error="IPython is not installed: magics cannot be read")
        except Exception as exc:  # the transformer gives up on broken code
            return Translated(code, error="SyntaxError: %s" % exc)
        mapping = line_map(code, text)
        try:
            tree = ast.parse(text)
        except SyntaxError as exc:
            line = exc.lineno or 1
            if mapping and 0 < line <= len(mapping):
                line = mapping[line - 1] + 1
            return Translated(code, error="SyntaxError: %s (line %d)" % (exc.msg, line + first_line - 1))
    result = Translated(text, tree)
    if "get_ipython" not in text:
        return result
    _Rewriter(code, text, mapping, first_line, result).run(tree)
    if result.python != text:
        try:
            result.tree = ast.parse(result.python)
        except SyntaxError as exc:  # a translation bug must not lose the cell
            return Translated(code, error="trail: translated code does not parse: %s" % exc)
    return result


def _magic_call(node):
    """``(method, [str args])`` when ``node`` is ``get_ipython().<method>('..', ..)``."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
        return None
    inner = node.func.value
    if not (
        isinstance(inner, ast.Call)
        and isinstance(inner.func, ast.Name)
        and inner.func.id == "get_ipython"
        and not inner.args
    ):
        return None
    args = []
    for arg in node.args:
        if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
            return None
        args.append(arg.value)
    return node.func.attr, args


def _nodes(values):
    """The syntax nodes among field values (lists flattened)."""
    for value in values:
        if isinstance(value, ast.AST):
            yield value
        elif isinstance(value, list):
            yield from _nodes(value)


def _mentions_ipython(node):
    return any(
        isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "get_ipython"
        for n in ast.walk(node)
    )


class _Rewriter:
    def __init__(self, original, text, mapping, first_line, result):
        self.original_lines = split_lines(original)
        self.lines = split_lines(text)
        self.offsets = line_offsets(self.lines)
        self.text = text
        self.mapping = mapping
        self.first_line = first_line
        self.result = result
        self.edits = []  # (start, end, replacement)

    def run(self, tree):
        self.imported = set()
        self.body(tree.body, top=True)
        text = self.text
        for start, end, replacement in sorted(self.edits, reverse=True):
            text = text[:start] + replacement + text[end:]
        self.result.python = text

    def body(self, statements, top=False):
        for stmt in statements:
            self.top = top
            self.statement(stmt, sole=len(statements) == 1)

    def subprocess(self):
        """The import line for a ``subprocess.run`` (none after one already
        made at the cell's top level)."""
        return self.module("subprocess")

    def module(self, name):
        """The import line of a module the translation uses (none after one
        already made at the cell's top level)."""
        self.result.injected.add(name)
        if name in self.imported:
            return []
        if self.top:
            self.imported.add(name)
        return ["import %s" % name]

    def statement(self, stmt, sole):
        children = [getattr(stmt, f, None) for f in ("body", "orelse", "finalbody")]
        children = [c for c in children if isinstance(c, list) and c and isinstance(c[0], ast.stmt)]
        for handler in getattr(stmt, "handlers", ()):
            children.append(handler.body)
        for case in getattr(stmt, "cases", ()):
            children.append(case.body)
        if children:
            header = [
                getattr(stmt, field)
                for field in stmt._fields
                if field not in ("body", "orelse", "finalbody", "handlers", "cases")
            ]
            if any(_mentions_ipython(part) for part in _nodes(header)):
                # A block's header cannot become a comment without its block:
                # kept as it is, and said.
                line = self.original_line(stmt.lineno)
                self.result.translations.append({
                    "line": line, "magic": self.magic_text(line), "action": "untranslated",
                    "reason": "get_ipython() in a block's header, kept as it is",
                })
            for child in children:
                self.body(child)
            return
        if not _mentions_ipython(stmt):
            return
        value = stmt.value if isinstance(stmt, (ast.Expr, ast.Assign)) else None
        call = _magic_call(value) if value is not None else None
        line = self.original_line(stmt.lineno)
        if call is None:
            self.untranslated(stmt, line, sole, "get_ipython() in an expression")
            return
        method, args = call
        assign = None
        if isinstance(stmt, ast.Assign):
            start, _ = node_span(self.lines, self.offsets, stmt)
            value_start, _ = node_span(self.lines, self.offsets, value)
            assign = self.text[start:value_start]
        if method == "run_line_magic" and len(args) == 2:
            self.line_magic(stmt, line, sole, assign, *args)
        elif method == "run_cell_magic" and len(args) == 3:
            self.cell_magic(stmt, line, sole, assign, *args)
        elif method == "system" and len(args) == 1:
            self.system(stmt, line, sole, assign, args[0], capture=False)
        elif method == "getoutput" and len(args) == 1:
            self.system(stmt, line, sole, assign, args[0], capture=True)
        else:
            self.untranslated(stmt, line, sole, "get_ipython().%s" % method)

    # -- what each magic becomes

    def line_magic(self, stmt, line, sole, assign, name, rest):
        if assign is not None and name not in ("time", "timeit"):
            self.untranslated(stmt, line, sole, "the value of %%%s" % name)
        elif name == "pip" or name == "conda":
            words = _split(rest)
            if name == "pip" and words and words[0] == "install":
                self.requirements(stmt, line, sole, words[1:])
            elif name == "pip" and words and words[0] in ("list", "freeze", "show", "--version"):
                self.replace(stmt, line, sole, "dropped", None)
            else:
                self.untranslated(stmt, line, sole, "%%%s %s" % (name, words[0] if words else ""))
        elif name in ("load_ext", "reload_ext", "unload_ext") and rest.strip() not in DROPPED_EXTENSIONS:
            self.untranslated(stmt, line, sole, "IPython extension %s" % rest.strip())
        elif name in DROPPED_LINE:
            self.replace(stmt, line, sole, "dropped", None)
        elif name in ("cd", "env"):
            self.process_magic(stmt, line, sole, name, rest)
        elif name in ("time", "timeit"):
            statement = rest
            if name == "timeit":
                while _TIMEIT_OPTION.match(statement):
                    statement = _TIMEIT_OPTION.sub("", statement, count=1)
            if assign is not None:
                statement = assign + statement
            self.unwrap(stmt, line, sole, statement, "runs once" if name == "timeit" else None)
        else:
            self.untranslated(stmt, line, sole, "IPython magic %%%s" % name)

    def process_magic(self, stmt, line, sole, name, rest):
        """``%cd folder`` as ``os.chdir``, ``%env NAME=value`` as
        ``os.environ``: side effects later cells depend on
        (side_effects.py finds them in the plain Python). ``%env`` that only
        shows is dropped; ``%cd`` with options, a bookmark or no folder is not
        translated."""
        text = rest.strip()
        if name == "cd":
            words = _split(text)
            if len(words) != 1 or words[0].startswith("-"):
                self.untranslated(stmt, line, sole, "%%cd %s" % (text or "(home folder)"))
                return
            code = self.module("os") + ["os.chdir(os.path.expanduser(%s))" % command_expression(words[0])]
            self.replace(stmt, line, sole, "unwrapped", code, reason="as os.chdir()")
            return
        # IPython's %env: NAME=value, or NAME value; a NAME alone shows it.
        separator = "=" if "=" in text else " "
        if separator not in text:
            self.replace(stmt, line, sole, "dropped", None)
            return
        key, value = (part.strip() for part in text.split(separator, 1))
        if not key.isidentifier():
            self.untranslated(stmt, line, sole, "%%env %s" % text)
            return
        code = self.module("os") + ["os.environ[%r] = %s" % (key, command_expression(value))]
        self.replace(stmt, line, sole, "unwrapped", code, reason="as os.environ")

    def cell_magic(self, stmt, line, sole, assign, name, rest, body):
        if assign is not None:
            self.untranslated(stmt, line, sole, "the value of %%%%%s" % name, whole=True)
        elif name in ("time", "timeit") or (name == "capture" and not rest.strip()):
            setup = rest
            if name == "timeit":
                while _TIMEIT_OPTION.match(setup):
                    setup = _TIMEIT_OPTION.sub("", setup, count=1)
            elif name == "time":
                setup = ""
            inner = translate(body, first_line=line + 1)
            if inner.error:
                self.untranslated(stmt, line, sole, "the body of %%%%%s does not parse" % name, whole=True)
                return
            self.result.translations.append(
                {"line": line, "magic": self.magic_text(line), "action": "unwrapped"}
            )
            self.result.translations.extend(inner.translations)
            self.result.requirements.extend(inner.requirements)
            self.result.injected |= inner.injected
            code = (setup.strip() + "\n" if setup.strip() else "") + inner.python
            self.edit(stmt, code.rstrip("\n").split("\n") or ["pass"], sole)
        elif name in DROPPED_CELL:
            self.replace(stmt, line, sole, "dropped", None)
        elif name in SHELLS or (name == "script" and rest.strip() in SHELLS):
            shell = SHELLS[name] if name in SHELLS else SHELLS[rest.strip()]
            if name in SHELLS and rest.strip():
                self.untranslated(stmt, line, sole, "%%%%%s options %s" % (name, rest.strip()), whole=True)
                return
            code = self.subprocess() + ["subprocess.run([%r], input=%r, text=True, check=True)" % (shell, body)]
            self.replace(stmt, line, sole, "subprocess", code)
        elif name == "writefile":
            words = _split(rest)
            append = "-a" in words or "--append" in words
            paths = [w for w in words if not w.startswith("-")]
            if len(paths) != 1:
                self.untranslated(stmt, line, sole, "%%writefile needs one file name", whole=True)
                return
            path = command_expression(paths[0])
            code = [
                "with open(%s, %r, encoding='utf-8') as _trail_file:" % (path, "a" if append else "w"),
                "    _trail_file.write(%r)" % body,
            ]
            self.replace(stmt, line, sole, "unwrapped", code, reason="written with open()")
        else:
            self.untranslated(stmt, line, sole, "cell magic %%%%%s" % name, whole=True)

    def system(self, stmt, line, sole, assign, command, capture):
        words = pip_command(command)
        if words is not None and assign is None:
            self.requirements(stmt, line, sole, words)
            return
        expression = command_expression(command)
        if capture:
            run = (
                "subprocess.run(%s, shell=True, check=True, capture_output=True, text=True)"
                ".stdout.splitlines()" % expression
            )
        else:
            run = "subprocess.run(%s, shell=True, check=True)" % expression
        code = self.subprocess() + [(assign or "") + run]
        self.replace(stmt, line, sole, "subprocess", code)

    def requirements(self, stmt, line, sole, words):
        requirements, problems = pip_install(words)
        if problems:
            self.untranslated(stmt, line, sole, "pip install with " + ", ".join(problems))
            return
        self.result.requirements.extend(requirements)
        self.replace(stmt, line, sole, "requirement", None)

    def unwrap(self, stmt, line, sole, statement, reason):
        try:
            ast.parse(statement)
        except SyntaxError:
            self.untranslated(stmt, line, sole, "the timed code does not parse")
            return
        self.replace(stmt, line, sole, "unwrapped", statement.strip("\n").split("\n"), reason=reason)

    def untranslated(self, stmt, line, sole, reason, whole=False):
        entry = {"line": line, "magic": self.magic_text(line), "action": "untranslated", "reason": reason}
        self.result.translations.append(entry)
        first, last = self.original_span(stmt)
        if whole:  # a cell magic: the whole (part of the) cell
            first, last = 0, len(self.original_lines)
        shown = [text.rstrip("\r\n") for text in self.original_lines[first:last]] or [""]
        comment = ["# trail: not translated (%s): %s" % (reason, shown[0].strip())]
        comment += ["# " + text for text in shown[1:]]
        self.edit(stmt, comment, sole)

    def replace(self, stmt, line, sole, action, code, reason=None):
        entry = {"line": line, "magic": self.magic_text(line), "action": action}
        if reason:
            entry["reason"] = reason
        self.result.translations.append(entry)
        if code is None:
            label = "requirement" if action == "requirement" else "dropped"
            shown = entry["magic"].split("\n")
            code = ["# trail: %s: %s" % (label, shown[0])] + ["# " + more for more in shown[1:]]
        self.edit(stmt, code, sole)

    def edit(self, stmt, code, sole):
        """Replaces ``stmt`` with the lines ``code`` at its indentation (a block
        left with only comments gets a ``pass``)."""
        if all(not c.strip() or c.lstrip().startswith("#") for c in code) and sole and not self.top:
            code = ["pass  " + code[0].lstrip()] + code[1:] if code and code[0].strip() else ["pass"]
        start, end = node_span(self.lines, self.offsets, stmt)
        line = self.lines[stmt.lineno - 1]
        newline = "\r\n" if "\r\n" in self.lines[0] else "\n"  # the cell's own line ends
        replacement = (newline + indentation(line)).join(code)
        if newline == "\r\n" and self.text[end : end + 1] == "\n":
            end, replacement = end + 1, replacement + newline  # IPython ends its lines with \n
        self.edits.append((start, end, replacement))

    # -- where it stands in the recorded cell

    def original_line(self, lineno):
        index = lineno - 1
        if self.mapping is not None and 0 <= index < len(self.mapping):
            index = self.mapping[index]
        return index + self.first_line

    def original_span(self, stmt):
        first = self.original_line(stmt.lineno) - self.first_line
        last = self.original_line(stmt.end_lineno) - self.first_line + 1
        while last < len(self.original_lines) and self.original_lines[last - 1].rstrip().endswith("\\"):
            last += 1
        return first, max(last, first + 1)

    def magic_text(self, line):
        index = line - self.first_line
        if not 0 <= index < len(self.original_lines):
            return ""
        text = [self.original_lines[index].strip()]
        while text[-1].endswith("\\") and index + 1 < len(self.original_lines):
            index += 1
            text.append(self.original_lines[index].strip())
        return "\n".join(text)


def _split(text):
    try:
        return shlex.split(text)
    except ValueError:
        return text.split()
