"""The ``trail`` console script: it runs the bundled command with node, and
tells it the Python to start ``jupyter server`` with and the local server's
default data folder (JupyterLab's own)."""

import json
import os
import subprocess
import sys
from pathlib import Path

from jupyterlab_trail.replay_cli import CLI_SCRIPT

ROOT = Path(__file__).resolve().parents[2]


def run(args, env):
    assert CLI_SCRIPT.exists(), "the command's bundle is missing: run jlpm build:cli"
    return subprocess.run(
        [sys.executable, "-m", "jupyterlab_trail.replay_cli", *args],
        env=env, capture_output=True, text=True, timeout=60,
    )


def clean_env(**extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRAIL_")}
    env.update(extra)
    return env


def test_version_and_help():
    version = json.loads((ROOT / "package.json").read_text())["version"]
    result = run(["--version"], clean_env())
    assert result.returncode == 0
    assert result.stdout.strip() == version
    result = run(["replay", "--help"], clean_env())
    assert result.returncode == 0
    for option in ("--upto", "--kernel", "--strict", "--json", "--yes", "Exit codes:"):
        assert option in result.stdout


def test_an_unreachable_server_exits_2_with_a_message():
    result = run(["replay", "not an id!"], clean_env(TRAIL_URL="http://127.0.0.1:9", TRAIL_TOKEN="x" * 20))
    assert result.returncode == 2
    assert "The Trail server at http://127.0.0.1:9 cannot be used" in result.stderr


def test_the_local_server_defaults_to_jupyterlabs_data_folder(tmp_path):
    # No TRAIL_URL and a TRAIL_SERVER_SCRIPT that cannot exist: the message
    # names the folder the shim passed, JupyterLab's <jupyter data dir>/trail.
    env = clean_env(TRAIL_SERVER_SCRIPT=str(tmp_path / "missing.cjs"), JUPYTER_DATA_DIR=str(tmp_path / "jd"))
    result = run(["replay", "0000aaaa-bbbb-cccc-dddd-eeeeffff0000"], env)
    assert result.returncode == 2
    assert str(tmp_path / "jd" / "trail") in result.stderr
