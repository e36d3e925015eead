"""Prints the package.json of the type check in scripts/check-compat.sh: the
packages src/ imports at the versions a given JupyterLab ships (read from its
own staging/yarn.lock), with every @jupyterlab, @lumino, @codemirror and
@lezer package held there too (npm overrides). Compiling src/ against them
finds any API that this JupyterLab does not have yet.

    python types_package.py <site-packages/jupyterlab> <repository>
"""

import json
import re
import sys
from pathlib import Path

# What JupyterLab provides to extensions at runtime: these must type-check at
# its versions. Everything else Trail bundles (idb, marked, ...) keeps Trail's
# own range.
HELD_PREFIXES = ("@jupyterlab/", "@lumino/", "@codemirror/", "@lezer/", "@jupyter/")
HELD_NAMES = ("react", "react-dom", "yjs")
# Core packages src/ imports types from without a runtime dependency.
TYPE_ONLY = ("@jupyterlab/cells", "@jupyterlab/rendermime-interfaces", "@lumino/messaging")
TOOLS = ("typescript", "@types/node")


def held(name: str) -> bool:
    return name.startswith(HELD_PREFIXES) or name in HELD_NAMES


def shipped_versions(jupyterlab_dir: Path) -> dict:
    lock = (jupyterlab_dir / "staging" / "yarn.lock").read_text()
    versions = {}
    for block in lock.split("\n\n"):
        name = re.match(r'^"((?:@[^/@"]+/)?[^@"]+)@', block)
        version = re.search(r"\n  version: (\S+)", block)
        if name and version and not version.group(1).startswith("0.0.0"):
            versions.setdefault(name.group(1), version.group(1))
    return versions


def main(jupyterlab_dir: str, repository: str) -> None:
    versions = shipped_versions(Path(jupyterlab_dir))
    pkg = json.loads((Path(repository) / "package.json").read_text())
    deps = {}
    for name, wanted in pkg["dependencies"].items():
        deps[name] = versions[name] if held(name) and name in versions else wanted
    for name in TYPE_ONLY:
        deps.setdefault(name, versions[name])
    for name, wanted in pkg["devDependencies"].items():
        if name in TOOLS or name.startswith("@types/react"):
            deps[name] = wanted
    overrides = {name: v for name, v in versions.items() if held(name)}
    json.dump(
        {"name": "trail-compat-types", "private": True, "dependencies": deps, "overrides": overrides},
        sys.stdout,
        indent=1,
    )
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
