"""Trail: every notebook execution recorded, shared and replayable.

The Python package ships the prebuilt JupyterLab extension and a small
Jupyter server extension. The server extension tells the browser which Trail
server to record to (``GET /trail/config``) and, when no team server is
configured, starts the embedded local Trail server so that nothing has to be
set up by hand.
"""

import json
import os


def _find_version() -> str:
    """The version, package.json's: Trail's one version source.

    In a source checkout (an editable install too) package.json is read
    directly, so a version change needs no reinstall; an installed wheel has
    the ``_version.py`` its build wrote from package.json, or its metadata.
    """
    here = os.path.dirname(os.path.abspath(__file__))
    try:
        with open(os.path.join(here, os.pardir, "package.json"), encoding="utf-8") as f:
            package = json.load(f)
        if package.get("name") == "jupyterlab-trail" and isinstance(package.get("version"), str):
            return package["version"]
    except (OSError, ValueError, AttributeError):
        pass
    try:
        from ._version import __version__ as built

        return built
    except ImportError:
        pass
    try:
        from importlib.metadata import version

        return version("jupyterlab-trail")
    except Exception:  # pragma: no cover - neither a checkout nor installed
        return "0+unknown"


__version__ = _find_version()


def _jupyter_labextension_paths():
    return [{"src": "labextension", "dest": "jupyterlab-trail"}]


def _jupyter_server_extension_points():
    return [{"module": "jupyterlab_trail"}]


def _load_jupyter_server_extension(server_app):
    from .compat import warn_if_unsupported
    from .extension import load

    warn_if_unsupported(server_app.log)
    load(server_app)
