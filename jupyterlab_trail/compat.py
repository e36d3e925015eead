"""Which JupyterLab versions Trail's prebuilt extension runs on.

The extension declares JupyterLab 4.2 and every later 4.x as its hosts (the
``@jupyterlab/*`` ranges in ``package.json``, ``jupyterlab>=4.2,<5`` in
``pyproject.toml``). pip keeps to that range, but an environment put together
another way (``--no-deps``, conda, an image built in layers) may not: then the
server extension says so in the server log, naming both versions, instead of
leaving an administrator to wonder why the Trail panel is missing.
"""

from __future__ import annotations

import re
from importlib import metadata

OLDEST = (4, 2)
NEXT_MAJOR = 5
SUPPORTED = "JupyterLab 4.2 or a later 4.x"
INSTALL_HINT = "pip install 'jupyterlab>=4.2,<5'"


def _major_minor(version: str) -> tuple[int, int] | None:
    match = re.match(r"\s*v?(\d+)\.(\d+)", version)
    if not match:
        return None
    return int(match.group(1)), int(match.group(2))


def unsupported_jupyterlab(version: str | None) -> str | None:
    """The message for a JupyterLab Trail does not run on, or None when
    ``version`` is supported (or there is no JupyterLab: a plain Jupyter
    server has no panel to show, and the Trail server still starts)."""
    if not version:
        return None
    parsed = _major_minor(version)
    if parsed is None:
        return None
    if parsed < OLDEST:
        return (
            f"Trail needs {SUPPORTED}, but this server runs JupyterLab {version}: "
            "the Trail panel and recorder will not load (JupyterLab lists the "
            f'extension as "not compatible"). Upgrade JupyterLab: {INSTALL_HINT}'
        )
    if parsed[0] >= NEXT_MAJOR:
        return (
            f"Trail is built for {SUPPORTED}, but this server runs JupyterLab "
            f"{version}, a major version it was not checked with: the Trail panel "
            f"may not load. Use {INSTALL_HINT} or a Trail release for JupyterLab "
            f"{parsed[0]}."
        )
    return None


def installed_jupyterlab() -> str | None:
    try:
        return metadata.version("jupyterlab")
    except metadata.PackageNotFoundError:
        return None


def warn_if_unsupported(log, version: str | None = None) -> str | None:
    """Log (as a warning) and return the message when the JupyterLab in this
    environment is outside the supported range."""
    message = unsupported_jupyterlab(version if version is not None else installed_jupyterlab())
    if message:
        log.warning(message)
    return message
