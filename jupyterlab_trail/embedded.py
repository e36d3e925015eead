"""Starts and stops the embedded local Trail server (a Node.js process).

One local server serves one data folder: the server holds a lock in the
folder and writes ``server.json`` (its URL and pid) while it runs, so a second
JupyterLab on the same folder reuses the running server instead of starting
another writer.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import shutil
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path

from jupyter_core.paths import jupyter_data_dir

SERVER_SCRIPT = Path(__file__).parent / "server" / "trail-server.cjs"


def default_data_dir() -> str:
    """The documented default: ``<jupyter data dir>/trail``."""
    return os.path.join(jupyter_data_dir(), "trail")


def server_environment() -> dict[str, str]:
    """The environment of a Trail server this package starts: the caller's,
    with ``TRAIL_PYTHON`` naming this Python unless set (the server runs the
    export's code analysis, ``python -m jupyterlab_trail.analysis``, in it)."""
    env = dict(os.environ)
    if not env.get("TRAIL_PYTHON", "").strip():
        env["TRAIL_PYTHON"] = sys.executable
    return env


def read_or_create_token(data_dir: str) -> str:
    """The local server's token, generated once and readable by the owner only."""
    path = Path(data_dir) / "token"
    if path.exists():
        token = path.read_text().strip()
        if token:
            return token
    Path(data_dir).mkdir(parents=True, exist_ok=True)
    token = secrets.token_urlsafe(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(token + "\n")
    return token


def _healthy(url: str, timeout: float = 1.0) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/api/v1/health", timeout=timeout) as r:
            return r.status == 200
    except Exception:
        return False


class EmbeddedTrailServer:
    def __init__(self, data_dir: str, log):
        self.data_dir = os.path.abspath(os.path.expanduser(data_dir))
        self._log = log
        self._proc: subprocess.Popen | None = None
        self._url: str | None = None
        self._lock = threading.Lock()
        self._error: str | None = None

    def _running_url(self) -> str | None:
        info = Path(self.data_dir) / "server.json"
        try:
            url = json.loads(info.read_text())["url"]
        except Exception:
            return None
        return url if _healthy(url) else None

    def _start_blocking(self) -> str:
        with self._lock:
            if self._url and _healthy(self._url):
                return self._url
            url = self._running_url()
            if url:
                self._url = url
                return url
            node = os.environ.get("TRAIL_NODE") or shutil.which("node")
            if not node:
                raise RuntimeError("Node.js (node) was not found on PATH; it runs the local Trail server")
            if not SERVER_SCRIPT.exists():
                raise RuntimeError(f"the Trail server bundle is missing: {SERVER_SCRIPT}")
            os.makedirs(self.data_dir, exist_ok=True)
            token_file = Path(self.data_dir) / "token"
            read_or_create_token(self.data_dir)
            port = os.environ.get("TRAIL_PORT", "0")
            cmd = [node, str(SERVER_SCRIPT), "--host", "127.0.0.1", "--port", port,
                   "--data", self.data_dir, "--token-file", str(token_file)]
            log_path = Path(self.data_dir) / "server.log"
            log_file = open(log_path, "ab")
            self._proc = subprocess.Popen(
                cmd, stdout=subprocess.PIPE, stderr=log_file, stdin=subprocess.DEVNULL,
                start_new_session=True, env=server_environment(),
            )
            # The server prints one JSON line once it listens (or finds a running one).
            assert self._proc.stdout is not None
            line = self._proc.stdout.readline().decode("utf8", "replace").strip()
            try:
                msg = json.loads(line)
            except Exception:
                self._proc.wait(timeout=5)
                raise RuntimeError(f"the local Trail server exited; see {log_path}")
            self._url = msg["url"]
            # Keep draining stdout so the child never blocks on a full pipe.
            threading.Thread(target=self._drain, args=(self._proc, log_file), daemon=True).start()
            self._log.info("Trail: local server at %s, data in %s", self._url, self.data_dir)
            return self._url

    @staticmethod
    def _drain(proc, log_file):
        for chunk in iter(lambda: proc.stdout.read(4096), b""):
            log_file.write(chunk)
            log_file.flush()

    def start_in_background(self):
        def run():
            try:
                self._start_blocking()
            except Exception as err:
                self._error = str(err)
                self._log.error("Trail: %s", err)

        threading.Thread(target=run, daemon=True).start()

    async def ensure_running(self) -> tuple[str, str]:
        url = await asyncio.get_running_loop().run_in_executor(None, self._start_blocking)
        return url, read_or_create_token(self.data_dir)

    def stop(self):
        proc = self._proc
        if proc and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
