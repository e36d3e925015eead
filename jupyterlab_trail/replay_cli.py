"""``trail``: Trail from a terminal (``trail replay <session>``, ``trail fork <session> --map ...``).

Runs the bundled Node.js command (``jupyterlab_trail/bin/trail.cjs``) with
the arguments given. It is told which Python installed it (``TRAIL_PYTHON``:
its ``jupyter server`` runs the replay's kernel) and where the local Trail
server keeps its data by default (``TRAIL_DEFAULT_DATA_DIR``, the folder
JupyterLab's embedded server uses), so that with no configuration it records
to the same local server as JupyterLab::

    trail replay 5b2f0c1e-8d0a-4f6e-9a51-0c2b7d1e4f3a --upto 12
    trail replay 'http://localhost:8888/lab?trail-execution=<id>' --json
    trail fork 5b2f0c1e-8d0a-4f6e-9a51-0c2b7d1e4f3a --map data.csv=mine.csv
    trail --help
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

CLI_SCRIPT = Path(__file__).parent / "bin" / "trail.cjs"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    node = os.environ.get("TRAIL_NODE") or shutil.which("node")
    if not node:
        print("trail: Node.js (node) was not found on PATH; set TRAIL_NODE", file=sys.stderr)
        return 127
    if not CLI_SCRIPT.exists():
        print(f"trail: the command's bundle {CLI_SCRIPT} is missing; rebuild the package", file=sys.stderr)
        return 1
    env = dict(os.environ)
    env.setdefault("TRAIL_PYTHON", sys.executable)
    if not env.get("TRAIL_DEFAULT_DATA_DIR"):
        from .embedded import default_data_dir

        env["TRAIL_DEFAULT_DATA_DIR"] = default_data_dir()
    # Replace this process: Ctrl-C and the exit status are the command's own.
    os.execve(node, [node, str(CLI_SCRIPT), *args], env)
    return 0  # not reached


if __name__ == "__main__":
    sys.exit(main())
