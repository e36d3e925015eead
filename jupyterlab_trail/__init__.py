"""Trail: every notebook execution recorded, shared and replayable.

The Python package ships the prebuilt JupyterLab extension and a small
Jupyter server extension. The server extension tells the browser which Trail
server to record to (``GET /trail/config``) and, when no team server is
configured, starts the embedded local Trail server so that nothing has to be
set up by hand.
"""

try:
    from ._version import __version__
except ImportError:  # pragma: no cover - editable install before a build
    __version__ = "0.1.0"


def _jupyter_labextension_paths():
    return [{"src": "labextension", "dest": "jupyterlab-trail"}]


def _jupyter_server_extension_points():
    return [{"module": "jupyterlab_trail"}]


def _load_jupyter_server_extension(server_app):
    from .compat import warn_if_unsupported
    from .extension import load

    warn_if_unsupported(server_app.log)
    load(server_app)
