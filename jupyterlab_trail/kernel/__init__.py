"""The Trail kernel helper and the code that injects it (see PROTOCOL.md).

The helper is written as the modules of this package (``comm``, ``paths``,
``hashing``, ``tables``, ``environment``, ...). The browser never imports
them: it injects one source into IPython kernels, the modules listed in
``modules.txt`` joined in that order without their ``from .x import`` lines
(``scripts/build-helper.mjs`` embeds it in the extension at build time).
:func:`helper_source` builds the same text and :func:`bootstrap_code` the
same injection code, for Python programs (the tests, the benchmarks).

Python code may also import the modules themselves (``from
jupyterlab_trail.kernel.hashing import _hash_file``): importing one installs
nothing and starts nothing; only ``_trail_bootstrap`` does.
"""

import json
import os
import re

from .. import __version__

KERNEL_DIR = os.path.dirname(os.path.abspath(__file__))
"""Absolute path of the folder holding the helper's modules."""

MODULES_PATH = os.path.join(KERNEL_DIR, "modules.txt")
"""The list of the helper's modules, in the order they are joined."""

# The lines a module imports other modules of the helper with: the joined
# source is one namespace, so they are dropped. scripts/build-helper.mjs
# drops the same lines with the same pattern.
_PACKAGE_IMPORT = re.compile(r"^from \.[A-Za-z0-9_.]* import (?:\([^)]*\)|[^\n]*)\n", re.M)

# The line about.py takes the package's version with (package.json's, the one
# version source): joined, it becomes the version itself, as in
# scripts/build-helper.mjs.
_VERSION_IMPORT = re.compile(r"^from \.\. import __version__\n", re.M)

# Exactly the code block of PROTOCOL.md section 1, SOURCE and CONFIG filled in.
_INJECTION = """def __trail_load(source, config):
    import sys, types
    module = sys.modules.get("trail")
    if module is None or not getattr(module, "__trail_helper__", False):
        module = types.ModuleType("trail")
        module.__file__ = "<trail>"
        exec(compile(source, "<trail>", "exec"), module.__dict__)
    module._trail_bootstrap(module, config)
__trail_load(%s, %s)
del __trail_load"""


def helper_modules() -> list:
    """Absolute paths of the helper's modules, in the order they are joined."""
    with open(MODULES_PATH, encoding="utf-8") as f:
        names = [line.strip() for line in f]
    return [os.path.join(KERNEL_DIR, name) for name in names if name and not name.startswith("#")]


def helper_source() -> str:
    """The helper's source as it is injected (ASCII): its modules joined.

    Each module loses its ``from .x import ...`` lines and its trailing
    newlines (the version import becomes the package's version); the modules are separated by two blank lines and the text ends
    with one newline.
    """
    parts = []
    for path in helper_modules():
        with open(path, encoding="utf-8") as f:
            text = _VERSION_IMPORT.sub(lambda _: "__version__ = %s\n" % json.dumps(__version__), f.read())
            parts.append(_PACKAGE_IMPORT.sub("", text).rstrip("\n"))
    return "\n\n\n".join(parts) + "\n"


def _js_stringify(value) -> str:
    # JSON.stringify: no spaces, non-ASCII kept as is.
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def bootstrap_code(config: dict) -> str:
    """The injection code for ``config`` (PROTOCOL.md section 1).

    The same string as the browser's: ``SOURCE`` is ``JSON.stringify(source)``
    and ``CONFIG`` is ``JSON.stringify(JSON.stringify(config))``; no trailing
    newline.
    """
    source = _js_stringify(helper_source())
    config_literal = _js_stringify(_js_stringify(config))
    return _INJECTION % (source, config_literal)


__all__ = ["KERNEL_DIR", "MODULES_PATH", "helper_modules", "helper_source", "bootstrap_code"]
