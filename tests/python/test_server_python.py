"""The Trail server started by this package runs the export's code analysis
in this package's Python: ``trail-server`` (cli.py) and JupyterLab's embedded
server pass ``TRAIL_PYTHON`` (``sys.executable``) unless it is set, so
``POST /sessions/{id}/export`` works with no python3 on PATH that has
jupyterlab-trail."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
import uuid

import pytest

from jupyterlab_trail.embedded import SERVER_SCRIPT, server_environment


def test_the_server_environment_names_this_python_unless_set(monkeypatch):
    monkeypatch.delenv("TRAIL_PYTHON", raising=False)
    monkeypatch.setenv("TRAIL_SOMETHING", "kept")
    env = server_environment()
    assert env["TRAIL_PYTHON"] == sys.executable
    assert env["TRAIL_SOMETHING"] == "kept"
    monkeypatch.setenv("TRAIL_PYTHON", "/opt/team/python")
    assert server_environment()["TRAIL_PYTHON"] == "/opt/team/python"
    monkeypatch.setenv("TRAIL_PYTHON", "  ")
    assert server_environment()["TRAIL_PYTHON"] == sys.executable


def _call(url, token, method, path, body=None):
    request = urllib.request.Request(
        f"{url}/api/v1{path}",
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as res:
            return res.status, json.loads(res.read() or b"null")
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read() or b"null")


def test_trail_server_exports_with_this_python_and_no_python_on_path(tmp_path):
    assert SERVER_SCRIPT.exists(), "the server bundle is missing: run jlpm build:server"
    node = shutil.which("node")
    if not node:
        pytest.skip("node is not installed")
    # PATH holds node's folder only: a python3 found there (if any) is not
    # this venv's, which alone has jupyterlab-trail.
    env = {k: v for k, v in os.environ.items() if k != "TRAIL_PYTHON"}
    env["PATH"] = os.path.dirname(node)
    token = "python-owner-token-0123456789"
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab_trail.cli", "--port", "0",
         "--data", str(tmp_path), "--token", token],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
    )
    try:
        url = json.loads(server.stdout.readline())["url"]
        sid = f"ses-{uuid.uuid4()}"
        session = {
            "id": f"evt-{uuid.uuid4()}", "kind": "session.started",
            "session": {
                "id": sid, "notebookPath": "work/fit.ipynb", "startedAt": "2026-03-01T10:00:00.000Z",
                "kernel": {"id": str(uuid.uuid4()), "name": "python3", "language": "python"},
            },
        }
        step = {
            "id": f"evt-{uuid.uuid4()}", "kind": "execution.completed",
            "execution": {
                "id": f"exe-{uuid.uuid4()}", "sessionId": sid, "seq": 1, "msgId": str(uuid.uuid4()),
                "notebookPath": "work/fit.ipynb", "cellId": "c1",
                "code": "open('out.txt', 'w').write('1')", "status": "ok", "executionCount": 1,
                "startedAt": "2026-03-01T10:00:01.000Z", "endedAt": "2026-03-01T10:00:01.100Z",
                "durationMs": 100, "timing": "kernel",
                "outputs": [],
                "capture": {"files": [{"path": "out.txt", "access": "write", "kind": "file",
                                       "sha256": "e" * 64, "size": 1}]},
            },
        }
        status, body = _call(url, token, "POST", "/events", {"events": [session, step]})
        assert status == 200, body
        status, body = _call(url, token, "POST", f"/sessions/{sid}/export", {"folder": "out"})
        assert status == 200, body
        assert body["kept"][0]["step"] == 1
        assert body["expected"]["files"] == [{"path": "out.txt", "sha256": "e" * 64}]
        script = next(f["content"] for f in body["files"] if f["path"] == "pipeline.py")
        assert "open('out.txt', 'w').write('1')" in script
    finally:
        server.terminate()
        server.wait(timeout=20)
        server.stdout.close()
        server.stderr.close()
