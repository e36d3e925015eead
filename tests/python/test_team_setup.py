"""The team set-up from the Python package: the ``trail-server`` command
(users and tokens) and JupyterLab pointed at a team server through the
environment (TRAIL_URL with TRAIL_TOKEN or TRAIL_TOKEN_FILE)."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import subprocess
import sys


from jupyterlab_trail.embedded import SERVER_SCRIPT
from jupyterlab_trail.extension import TrailConfigProvider

def trail_server(*args, data):
    assert SERVER_SCRIPT.exists(), "the server bundle is missing: run jlpm build:server"
    return subprocess.run(
        [sys.executable, "-m", "jupyterlab_trail.cli", *args, "--data", str(data)],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_users_and_tokens_from_the_python_command(tmp_path):
    added = trail_server("users", "add", "ada", "--admin", data=tmp_path)
    assert added.returncode == 0, added.stderr
    assert 'added admin "ada"' in added.stdout
    issued = trail_server("tokens", "issue", "ada", "--json", data=tmp_path)
    assert issued.returncode == 0, issued.stderr
    token = json.loads(issued.stdout)["token"]
    assert token.startswith("trl_")
    stored = (tmp_path / "users.json").read_text()
    assert token not in stored
    unknown = trail_server("tokens", "issue", "nobody", data=tmp_path)
    assert unknown.returncode == 1
    assert 'no user named "nobody"' in unknown.stderr


class _App:
    log = logging.getLogger("test")


def _config(monkeypatch, **env):
    for key in ("TRAIL_URL", "TRAIL_TOKEN", "TRAIL_TOKEN_FILE"):
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return asyncio.run(TrailConfigProvider(_App()).config())


def test_jupyterlab_reads_the_team_server_from_the_environment(monkeypatch, tmp_path):
    assert _config(monkeypatch, TRAIL_URL="https://trail.example.org/", TRAIL_TOKEN="trl_abc") == {
        "url": "https://trail.example.org",
        "token": "trl_abc",
        "source": "environment",
    }
    secret = tmp_path / "token"
    secret.write_text("trl_from_file\n")
    os.chmod(secret, 0o600)
    config = _config(monkeypatch, TRAIL_URL="https://trail.example.org", TRAIL_TOKEN_FILE=str(secret))
    assert config["token"] == "trl_from_file"
    missing = _config(monkeypatch, TRAIL_URL="https://trail.example.org", TRAIL_TOKEN_FILE=str(tmp_path / "nope"))
    assert missing["token"] == ""


def test_jupyterlab_logs_which_server_it_records_to(monkeypatch, tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="test")
    _config(monkeypatch, TRAIL_URL="https://trail.example.org/", TRAIL_TOKEN="trl_secret_abc")
    messages = [r.getMessage() for r in caplog.records]
    assert any(
        "recording to the Trail server https://trail.example.org (TRAIL_URL), token from TRAIL_TOKEN" in m
        for m in messages
    ), messages
    assert not any("trl_secret_abc" in m for m in messages)

    caplog.clear()
    _config(monkeypatch, TRAIL_URL="https://trail.example.org", TRAIL_TOKEN_FILE=str(tmp_path / "nope"))
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("https://trail.example.org (TRAIL_URL) without a token" in m for m in warnings), warnings

    caplog.clear()
    monkeypatch.setenv("TRAIL_DATA_DIR", str(tmp_path / "local"))
    for key in ("TRAIL_URL", "TRAIL_TOKEN", "TRAIL_TOKEN_FILE"):
        monkeypatch.delenv(key, raising=False)
    TrailConfigProvider(_App())
    messages = [r.getMessage() for r in caplog.records]
    assert any(
        f"recording to the local Trail server (no TRAIL_URL), data in {tmp_path / 'local'}" in m for m in messages
    ), messages
