"""``trail-server``: the Trail server from the Python package.

Runs the bundled Node.js server (``jupyterlab_trail/server/trail-server.cjs``)
with the arguments given, so a team installs one package and gets both the
JupyterLab extension and the server with its admin commands::

    trail-server --host 0.0.0.0 --port 8765 --data /srv/trail --cors-origin https://hub.example.org
    trail-server users add alice --data /srv/trail
    trail-server tokens issue alice --data /srv/trail
"""

from __future__ import annotations

import os
import shutil
import sys

from .embedded import SERVER_SCRIPT, server_environment


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    node = os.environ.get("TRAIL_NODE") or shutil.which("node")
    if not node:
        print("trail-server: Node.js (node) was not found on PATH; set TRAIL_NODE", file=sys.stderr)
        return 127
    if not SERVER_SCRIPT.exists():
        print(f"trail-server: the server bundle {SERVER_SCRIPT} is missing; rebuild the package", file=sys.stderr)
        return 1
    # Replace this process: signals (SIGTERM from a service manager) reach the server.
    os.execve(node, [node, str(SERVER_SCRIPT), *args], server_environment())
    return 0  # not reached


if __name__ == "__main__":
    sys.exit(main())
