"""The Trail kernel helper and the code that injects it (see PROTOCOL.md).

``trail.py`` is never imported by the Jupyter server: the browser sends its
text to IPython kernels inside the injection code. This package gives Python
programs (the tests, the benchmarks) the same file and the same injection
code the browser builds.
"""

import json
import os

HELPER_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "trail.py")
"""Absolute path of the helper's source file."""

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


def helper_source() -> str:
    """The text of ``trail.py`` (ASCII)."""
    with open(HELPER_PATH, encoding="utf-8") as f:
        return f.read()


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


__all__ = ["HELPER_PATH", "helper_source", "bootstrap_code"]
