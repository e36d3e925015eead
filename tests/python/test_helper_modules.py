"""The kernel helper as modules, and the one source they are joined into.

The modules of ``jupyterlab_trail/kernel`` import each other like any package;
injected, they are one module ``trail`` (PROTOCOL.md section 1). These tests
check that both readings hold: the joined source is the helper the protocol
describes, and each module works on its own without side effects.
"""

import ast
import builtins
import json
import os
import re
import shutil
import subprocess
import symtable
import sys
import types
from pathlib import Path

import pytest
from conftest import ROOT

from jupyterlab_trail.kernel import KERNEL_DIR, MODULES_PATH, helper_modules, helper_source

PUBLIC = ["log_param", "log_params", "log_metric", "log_metrics", "dataset", "tag"]
# A module's imports of its siblings (``from .. import __version__``, the
# package's version, is no module of the helper).
PACKAGE_IMPORT = re.compile(r"^from \.([A-Za-z0-9_][A-Za-z0-9_.]*) import ", re.M)


def module_names():
    return [Path(path).stem for path in helper_modules()]


def top_level_names(tree):
    """Names a module binds at top level, imports of the standard library aside."""
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                names.update(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
    return names


def load_joined():
    module = types.ModuleType("trail")
    module.__file__ = "<trail>"
    exec(compile(helper_source(), "<trail>", "exec"), module.__dict__)
    return module


def test_the_joined_source_is_the_helper_of_the_protocol():
    source = helper_source()
    assert source.isascii()
    assert source.endswith("\n") and not source.endswith("\n\n")
    assert not re.search(r"^\s*from \.", source, re.M), "a package import was left in the joined source"
    assert "jupyterlab_trail" not in re.findall(r"^\s*(?:from|import) (\S+)", source, re.M)
    trail = load_joined()
    assert trail.__all__ == PUBLIC
    for name in PUBLIC + ["__version__", "COMM_TARGET", "_trail_bootstrap", "_stats", "_st", "_runtime"]:
        assert hasattr(trail, name), name
    assert trail.COMM_TARGET == "jupyterlab_trail"
    assert trail.__doc__.startswith("Trail's in-kernel helper")
    # Executing it installed nothing: only _trail_bootstrap does.
    assert not trail._st.booted


def test_the_joined_source_carries_the_package_version():
    # package.json's version is the one source; the join writes it as a literal.
    version = json.loads((ROOT / "package.json").read_text())["version"]
    assert load_joined().__version__ == version
    from jupyterlab_trail.kernel.about import __version__

    assert __version__ == version
    assert not re.search(r"^__version__ = ", Path(KERNEL_DIR, "about.py").read_text(), re.M), (
        "about.py must take the package's version, not state one"
    )


def test_the_build_embeds_the_same_source():
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    out = subprocess.run(
        [node, str(ROOT / "scripts" / "build-helper.mjs"), "--stdout"],
        capture_output=True,
        check=True,
    ).stdout
    assert out.decode("ascii") == helper_source()


def test_every_module_is_listed_once_after_the_modules_it_imports():
    names = module_names()
    assert len(names) == len(set(names))
    on_disk = {p.stem for p in Path(KERNEL_DIR).glob("*.py")} - {"__init__"}
    assert set(names) == on_disk, "modules.txt must list every module of the helper (%s)" % MODULES_PATH
    assert names[0] == "about", "the first module's docstring is trail.__doc__"
    for index, name in enumerate(names):
        text = Path(KERNEL_DIR, name + ".py").read_text()
        for imported in PACKAGE_IMPORT.findall(text):
            assert imported in names[:index], "%s imports %s, which is joined after it" % (name, imported)


def test_the_modules_share_one_namespace_without_clashes():
    owners = {}
    for path in helper_modules():
        for name in top_level_names(ast.parse(Path(path).read_text())):
            assert name not in owners, "%s is defined in both %s and %s" % (name, owners[name], Path(path).name)
            owners[name] = Path(path).name


def test_every_global_a_module_uses_is_bound_or_imported_in_it():
    # Joined, a forgotten import would still work; as a package it would not.
    for path in helper_modules():
        text = Path(path).read_text()
        tree = ast.parse(text)
        bound = top_level_names(tree)
        for node in tree.body:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                bound.update((a.asname or a.name).split(".")[0] for a in node.names)
        table = symtable.symtable(text, path, "exec")
        missing = set()
        stack = [table]
        while stack:
            scope = stack.pop()
            stack.extend(scope.get_children())
            for symbol in scope.get_symbols():
                top = scope.get_type() == "module"
                if (symbol.is_global() or (top and symbol.is_referenced())) and symbol.get_name() not in bound:
                    if not hasattr(builtins, symbol.get_name()) and symbol.get_name() not in ("__file__", "__name__"):
                        missing.add(symbol.get_name())
        assert not missing, "%s uses %s without importing it" % (Path(path).name, sorted(missing))


def test_the_modules_import_without_side_effects():
    code = """
import importlib, sys, threading
meta_path, threads = list(sys.meta_path), threading.active_count()
for name in sys.argv[1:]:
    importlib.import_module("jupyterlab_trail.kernel." + name)
assert not hasattr(sys, "_trail_runtime"), "the runtime holder was created"
assert sys.meta_path == meta_path, "an import hook was installed"
assert threading.active_count() == threads, "a thread was started"
assert "trail" not in sys.modules
from jupyterlab_trail.kernel.hashing import _folder_digest
from jupyterlab_trail.kernel.tables import _tabular_format
from jupyterlab_trail.kernel.environment import _normalize_name
assert _tabular_format("a/b.CSV.gz") == "csv" and _normalize_name("Foo_Bar.baz") == "foo-bar-baz"
assert _folder_digest([("b", "2"), ("a", "1")]) == _folder_digest([("a", "1"), ("b", "2")])
print("ok")
"""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    out = subprocess.run(
        [sys.executable, "-c", code, *module_names()], capture_output=True, text=True, env=env, cwd=str(ROOT)
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def test_each_module_stays_small():
    for path in helper_modules():
        lines = Path(path).read_text().count("\n")
        assert lines <= 400, "%s has %d lines: split it along a seam" % (Path(path).name, lines)
