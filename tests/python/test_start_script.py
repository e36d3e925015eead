"""``scripts/start.sh`` and ``scripts/setup.sh`` on a stand-in repository.

The real scripts run in a temporary folder holding the files they read; the
tools they call (python, jlpm, jupyter-builder, jupyter) are stubs in the
stand-in ``.venv/bin`` that log each call. A first start runs every step, a
second one none, and a changed input reruns only the step that reads it.
JupyterLab is started in the notebooks folder and the folder is printed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

STUB = """#!/usr/bin/env bash
# Logs the call; makes what the real tool would leave behind.
echo "{name} $*" >>"$TRAIL_STUB_LOG"
case "{name} $*" in
  "jlpm build") mkdir -p lib jupyterlab_trail/labextension jupyterlab_trail/server \\
      jupyterlab_trail/bin src/_generated
    touch lib/index.js jupyterlab_trail/labextension/package.json \\
      jupyterlab_trail/server/trail-server.cjs jupyterlab_trail/bin/trail.cjs \\
      src/_generated/kernel-helper.ts \\
      src/_generated/response-validators.ts src/_generated/version.ts \\
      src/_generated/filter-parser.ts ;;
  "python -m pip install"*"-e .") [ ! -e jupyterlab_trail/labextension/install.json ] ||
    echo "install.json in the labextension folder" >>"$TRAIL_STUB_LOG" ;;
  "jlpm install") mkdir -p node_modules ;;
  "jupyter-builder develop"*) mkdir -p .venv/share/jupyter/labextensions
    ln -sfn "$PWD/jupyterlab_trail/labextension" .venv/share/jupyter/labextensions/jupyterlab-trail ;;
esac
"""

INPUTS = {
    "package.json": "{}",
    "yarn.lock": "# lock v1",
    ".yarnrc.yml": "nodeLinker: node-modules",
    "requirements-dev.txt": "jupyterlab==4.6.4",
    "pyproject.toml": "[project]",
    "tsconfig.json": "{}",
    "src/index.ts": "export {};",
    "schema/records/event.schema.json": "{}",
    "server/index.ts": "",
    "style/base.css": "",
    "jupyterlab_trail/kernel/state.py": "",
    "scripts/build-helper.mjs": "",
    "scripts/build-schema-types.mjs": "",
    "scripts/bundle-server.mjs": "",
}


@pytest.fixture()
def repo(tmp_path):
    root = tmp_path / "repo"
    for rel, text in INPUTS.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    for script in ("setup.sh", "start.sh"):
        shutil.copy2(ROOT / "scripts" / script, root / "scripts" / script)
    bin_dir = root / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    for name in ("python", "jlpm", "jupyter-builder", "jupyter"):
        (bin_dir / name).write_text(STUB.replace("{name}", name))
        (bin_dir / name).chmod(0o755)
    (tmp_path / "home").mkdir()
    return root


def start(repo: Path, *args: str, **env: str):
    log = repo.parent / "calls.log"
    log.write_text("")
    result = subprocess.run(
        ["bash", str(repo / "scripts" / "start.sh"), *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={
            "PATH": os.environ["PATH"],
            "HOME": str(repo.parent / "home"),
            "TRAIL_STUB_LOG": str(log),
            **env,
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    calls = [line.replace(" --allow-root", "") for line in log.read_text().splitlines()]
    return calls, result.stdout


def setup_calls(calls):
    """The calls setup.sh made (everything but the listing and the start)."""
    return [c for c in calls if not c.startswith("jupyter lab") and c != "jupyter labextension list"]


def later(path: Path):
    """Makes a file look edited now, after the last build."""
    time.sleep(0.02)
    path.touch()


def test_a_second_start_skips_every_setup_step(repo):
    calls, out = start(repo)
    assert setup_calls(calls) == [
        "python -m pip install --retries 0 --disable-pip-version-check -q -r requirements-dev.txt",
        "jlpm install",
        "jlpm build",
        "python -m pip install --retries 0 --disable-pip-version-check -q --no-build-isolation -e .",
        "jupyter-builder develop . --overwrite",
    ]
    started = time.monotonic()
    calls, out = start(repo)
    assert setup_calls(calls) == []
    assert "everything up to date" in out
    assert time.monotonic() - started < 5


def test_a_changed_input_reruns_only_its_step(repo):
    start(repo)
    later(repo / "src" / "index.ts")
    assert setup_calls(start(repo)[0]) == ["jlpm build"]
    assert setup_calls(start(repo)[0]) == []

    (repo / "yarn.lock").write_text("# lock v2")
    later(repo / "yarn.lock")
    assert setup_calls(start(repo)[0]) == ["jlpm install", "jlpm build"]

    (repo / "requirements-dev.txt").write_text("jupyterlab==4.6.5")
    assert setup_calls(start(repo)[0]) == [
        "python -m pip install --retries 0 --disable-pip-version-check -q -r requirements-dev.txt"
    ]

    (repo / "jupyterlab_trail" / "server" / "trail-server.cjs").unlink()
    assert setup_calls(start(repo)[0]) == ["jlpm build"]

    # What the build writes among its sources (the generated schema types
    # and limits) is no source either: a build must not ask for another.
    for generated in ("src/records/limits.ts", "src/client/api-schema.d.ts", "jupyterlab_trail/kernel/limits.py"):
        (repo / generated).parent.mkdir(parents=True, exist_ok=True)
        (repo / generated).write_text("// generated")
        later(repo / generated)
    assert setup_calls(start(repo)[0]) == []

    # A Python cache beside the kernel helper is no source.
    cache = repo / "jupyterlab_trail" / "kernel" / "__pycache__" / "state.cpython-311.pyc"
    cache.parent.mkdir()
    cache.write_text("")
    later(cache)
    assert setup_calls(start(repo)[0]) == []


def test_a_version_change_reinstalls_the_package_without_a_stale_install_json(repo):
    start(repo)
    (repo / "jupyterlab_trail" / "labextension" / "install.json").write_text("{}")
    # package.json holds the version: the build and the package (whose
    # version it is) follow it.
    (repo / "package.json").write_text('{"version": "0.2.0"}')
    later(repo / "package.json")
    assert setup_calls(start(repo)[0]) == [
        "jlpm install",
        "jlpm build",
        "python -m pip install --retries 0 --disable-pip-version-check -q --no-build-isolation -e .",
        "jupyter-builder develop . --overwrite",
    ]
    assert not (repo / "jupyterlab_trail" / "labextension" / "install.json").exists()
    assert setup_calls(start(repo)[0]) == []

    (repo / "src" / "_generated" / "version.ts").unlink()
    assert setup_calls(start(repo)[0]) == ["jlpm build"]


def test_jupyterlab_starts_in_the_notebooks_folder_and_says_where(repo):
    home = repo.parent / "home"
    calls, out = start(repo)
    folder = home / "trail-notebooks"
    assert folder.is_dir()
    assert calls[-1] == f"jupyter lab --notebook-dir {folder}"
    assert f"Notebooks: {folder}" in out
    assert "TRAIL_NOTEBOOK_DIR" in out

    chosen = repo.parent / "work"
    calls, out = start(repo, TRAIL_NOTEBOOK_DIR=str(chosen))
    assert calls[-1] == f"jupyter lab --notebook-dir {chosen}"
    assert f"Notebooks: {chosen}" in out

    passed = repo.parent / "passed"
    calls, out = start(repo, "--notebook-dir", str(passed), "--port", "8899")
    assert calls[-1] == f"jupyter lab --notebook-dir {passed} --port 8899"
    assert f"Notebooks: {passed}" in out
    assert passed.is_dir()
