"""``POST /trail/verify``: the export report's Verify button.

The browser cannot make a venv or run a pipeline; this handler runs the
bundled command ``node jupyterlab_trail/bin/trail.cjs verify <folder> --json``
(see ``src/cli/verify-command.ts``) in the server's root folder and answers
its JSON document: ``{folder, source, outcome, report | error, exitCode}``.

The body is ``{"folder": <path relative to the server's root (or absolute
inside it)>, "tolerance": {"default"?: number, "metrics"?: {name: number},
"files"?: {path: "content" | "content:X" | "exists"}}}``; a file's tolerance
becomes ``--tolerance file:PATH=...`` (PATH as recorded).
A folder outside the root is a 400, as is anything else wrong with the body.
One request for the whole verification (pip may take minutes); meanwhile
``GET /trail/verify?folder=...`` answers the phase it is in
(``{"running": true, "phase": "install", "message": ..., "seen": [phases so
far]}``), read from the
command's ``phase NAME: ...`` lines on stderr, and since when
(``startedAt``); once none runs, ``{"running": false, "last": <the last
verification's document>}`` (when there was one). A second POST for a folder being verified is a 409 whose
body holds that one's state (``{"message", "verification": {"running",
"phase", "message", "startedAt"}}``), for
the button to follow that verification instead. ``DELETE
/trail/verify?folder=...`` stops it: the command is sent SIGINT, kills the
venv's making, pip or the run with their process group, removes the venv and
exits 130 (the POST then answers its document, ``exitCode`` 130). When the
Jupyter server exits, every running verification is stopped the same way.
"""

from __future__ import annotations

import asyncio
import atexit
import datetime
import json
import math
import os
import re
import shutil
import signal
import sys
import time

import tornado.web
from jupyter_server.base.handlers import APIHandler

CLI_SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "bin", "trail.cjs")
TIMEOUT_S = 3600
PHASE_LINE = re.compile(r"^phase (venv|install|run|compare): (.*)$")
# The verifications running, by absolute folder: their phase.
_RUNNING: dict[str, dict] = {}
# Their trail verify processes, by absolute folder.
_PROCESSES: dict[str, asyncio.subprocess.Process] = {}
# The last verification's document, by absolute folder (the newest few), for
# a page that followed a verification it did not start.
_LAST: dict[str, dict] = {}
_LAST_KEPT = 20


def _stop(process, sig=signal.SIGINT) -> None:
    """Asks trail verify to stop (it kills its children and removes its venv)."""
    try:
        process.send_signal(sig)
    except ProcessLookupError:
        pass


@atexit.register
def _stop_all_at_exit() -> None:
    """The Jupyter server is exiting: stop every verification, give each a few seconds to clean up."""
    processes = list(_PROCESSES.values())
    for process in processes:
        _stop(process, signal.SIGTERM)
    deadline = time.monotonic() + 5
    for process in processes:
        while time.monotonic() < deadline:
            try:
                os.kill(process.pid, 0)
                # Reap it if it is our zombie; a live one answers (0, 0).
                if os.waitpid(process.pid, os.WNOHANG)[0] == process.pid:
                    break
            except (ProcessLookupError, ChildProcessError):
                break
            time.sleep(0.05)
        else:
            try:
                process.kill()
            except ProcessLookupError:
                pass


def _tolerance_args(tolerance) -> list[str]:
    """``--tolerance`` options of the body's tolerance; ValueError saying why not."""
    if tolerance is None:
        return []
    if not isinstance(tolerance, dict) or set(tolerance) - {"default", "metrics", "files"}:
        raise ValueError(
            'tolerance: expected {"default"?: number, "metrics"?: {name: number}, '
            '"files"?: {path: "content" | "content:X" | "exists"}}'
        )

    def number(value, where):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
            raise ValueError(f"{where}: expected a number >= 0")
        return repr(float(value))

    args: list[str] = []
    if tolerance.get("default") is not None:
        args += ["--tolerance", number(tolerance["default"], "tolerance.default")]
    metrics = tolerance.get("metrics") or {}
    if not isinstance(metrics, dict):
        raise ValueError("tolerance.metrics: expected {name: number}")
    for name, value in metrics.items():
        if not name or "=" in name:
            raise ValueError(f"tolerance.metrics: bad metric name {name!r}")
        args += ["--tolerance", f"{name}={number(value, f'tolerance.metrics.{name}')}"]
    files = tolerance.get("files") or {}
    if not isinstance(files, dict):
        raise ValueError('tolerance.files: expected {path: "content" | "content:X" | "exists"}')
    for path, value in files.items():
        if not isinstance(path, str) or not path.strip() or any(c in path for c in "\n\r\0"):
            raise ValueError(f"tolerance.files: bad file path {path!r}")
        args += ["--tolerance", f"file:{path}={_file_tolerance(value, path)}"]
    return args


def _file_tolerance(value, path) -> str:
    """A file's tolerance as ``trail verify`` takes it; ValueError saying why not."""
    if value in ("content", "exists"):
        return value
    if isinstance(value, str) and value.startswith("content:"):
        text = value[len("content:"):].strip()
        try:
            number = float(text)
        except ValueError:
            number = math.nan
        if text and math.isfinite(number) and number >= 0:
            return f"content:{text}"
    raise ValueError(
        f"tolerance.files.{path}: expected \"content\", \"content:X\" (X a number >= 0) or \"exists\", got {value!r}"
    )


def resolve_folder(root_dir: str, folder) -> str:
    """The folder's absolute path; ValueError unless it lies inside root_dir."""
    if not isinstance(folder, str) or not folder.strip():
        raise ValueError("folder: expected the pipeline folder's path")
    root = os.path.realpath(os.path.expanduser(root_dir))
    path = os.path.realpath(os.path.join(root, folder))
    if os.path.commonpath([root, path]) != root or path == root:
        raise ValueError(f"folder: {folder} is not a folder inside the server's root {root}")
    if not os.path.isdir(path):
        raise ValueError(f"folder: {folder} is not a folder")
    return path


class TrailVerifyHandler(APIHandler):
    def initialize(self, root_dir, provider=None):
        self._root_dir = root_dir
        self._provider = provider

    @tornado.web.authenticated
    async def get(self):
        try:
            folder = resolve_folder(self._root_dir, self.get_query_argument("folder", ""))
        except ValueError as err:
            raise tornado.web.HTTPError(400, reason=str(err).splitlines()[0][:200])
        if folder in _RUNNING:
            self.finish(json.dumps(_RUNNING[folder]))
        else:
            self.finish(json.dumps({"running": False, **({"last": _LAST[folder]} if folder in _LAST else {})}))

    @tornado.web.authenticated
    async def delete(self):
        try:
            folder = resolve_folder(self._root_dir, self.get_query_argument("folder", ""))
        except ValueError as err:
            raise tornado.web.HTTPError(400, reason=str(err).splitlines()[0][:200])
        process = _PROCESSES.get(folder)
        if process is None:
            raise tornado.web.HTTPError(404, reason="no verification of this folder is running")
        _stop(process)
        self.finish(json.dumps({"running": True, "stopping": True}))

    @tornado.web.authenticated
    async def post(self):
        try:
            body = json.loads(self.request.body or b"{}")
            if not isinstance(body, dict):
                raise ValueError("expected a JSON object")
            folder = resolve_folder(self._root_dir, body.get("folder"))
            tolerance = _tolerance_args(body.get("tolerance"))
        except ValueError as err:
            raise tornado.web.HTTPError(400, reason=str(err).splitlines()[0][:200], log_message=str(err))
        node = os.environ.get("TRAIL_NODE") or shutil.which("node")
        cli = os.environ.get("TRAIL_CLI") or CLI_SCRIPT
        if not node or not os.path.exists(cli):
            raise tornado.web.HTTPError(
                503, reason="Node.js (node) or the bundled trail command is missing; cannot verify"
            )
        env = dict(os.environ, TRAIL_PYTHON=os.environ.get("TRAIL_PYTHON") or sys.executable)
        if self._provider is not None:
            config = await self._provider.config()
            # The verification run is recorded where this user's notebooks are.
            if config.get("url"):
                env["TRAIL_URL"] = config["url"]
                env["TRAIL_TOKEN"] = config.get("token", "")
        if folder in _RUNNING:
            # The caller follows that one (GET) rather than failing.
            self.set_status(409)
            self.finish(json.dumps({"message": "this folder is already being verified", "verification": _RUNNING[folder]}))
            return
        started = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds")
        state: dict = {"running": True, "phase": None, "message": "", "startedAt": started.replace("+00:00", "Z"), "seen": []}
        _RUNNING[folder] = state
        errors: list[str] = []

        async def read_stderr(stream):
            async for raw in stream:
                line = raw.decode("utf-8", "replace").rstrip("\n")
                match = PHASE_LINE.match(line)
                if match:
                    state["phase"], state["message"] = match.group(1), match.group(2)
                    # Every phase it went through (install only when there is something to install).
                    state["seen"].append(match.group(1))
                errors.append(line)
                del errors[:-200]

        try:
            process = await asyncio.create_subprocess_exec(
                node, cli, "verify", folder, "--json", *tolerance,
                cwd=os.path.realpath(self._root_dir), env=env,
                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
            )
            _PROCESSES[folder] = process
            try:
                stdout, _, _ = await asyncio.wait_for(
                    asyncio.gather(process.stdout.read(), read_stderr(process.stderr), process.wait()),
                    TIMEOUT_S,
                )
            except asyncio.TimeoutError:
                _stop(process)
                await process.wait()
                raise tornado.web.HTTPError(504, reason="the verification took longer than an hour")
        finally:
            _RUNNING.pop(folder, None)
            _PROCESSES.pop(folder, None)
        stderr = "\n".join(errors).encode()
        try:
            document = json.loads(stdout)
        except ValueError:
            tail = stderr.decode("utf-8", "replace")[-2000:]
            raise tornado.web.HTTPError(500, reason="trail verify failed", log_message=tail)
        _LAST.pop(folder, None)
        _LAST[folder] = document
        while len(_LAST) > _LAST_KEPT:
            del _LAST[next(iter(_LAST))]
        self.finish(json.dumps(document))
