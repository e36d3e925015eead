"""``POST /trail/verify`` on a real ``jupyter server`` with the extension:
a folder outside the server's root (or a bad body) is a 400 and nothing
runs; a pipeline folder written by the real writer (buildPipeline) is
verified through the bundled ``trail verify --json`` in a real fresh venv,
and the report comes back (reproduced; a metric outside its tolerance)."""

import hashlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from jupyterlab_trail.verify_handler import _tolerance_args

ROOT = Path(__file__).resolve().parents[2]
CLI = ROOT / "jupyterlab_trail" / "bin" / "trail.cjs"


@pytest.fixture
def bundled_cli():
    """The handler runs the bundled trail command: fail (never skip) without it."""
    if not CLI.exists() or not shutil.which("node"):
        pytest.fail("the bundled trail command or node is missing: run jlpm build:cli (scripts/setup.sh does)")


TOKEN = "verify-handler-token-0123456789"
CSV = "x,y\n1,2\n2,4\n"
SCORE = 0.1 * (2 + 4)


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("root")
    port = _free_port()
    env = dict(os.environ, TRAIL_URL="http://127.0.0.1:9", TRAIL_TOKEN="t")
    process = subprocess.Popen(
        [sys.executable, "-m", "jupyter_server", "--no-browser", "--allow-root", f"--port={port}",
         f"--ServerApp.root_dir={root}", f"--IdentityProvider.token={TOKEN}",
         "--ServerApp.jpserver_extensions={'jupyterlab_trail': True}"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            urllib.request.urlopen(f"{url}/api/status?token={TOKEN}", timeout=1)
            break
        except Exception:
            time.sleep(0.2)
    else:
        process.kill()
        pytest.fail("jupyter server did not start: " + process.stderr.read().decode()[-2000:])
    yield url, root
    process.terminate()
    process.wait(10)


def _post(url, body):
    request = urllib.request.Request(
        f"{url}/trail/verify", data=json.dumps(body).encode(), method="POST",
        headers={"Authorization": f"token {TOKEN}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=300) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()


def _get(url, folder):
    request = urllib.request.Request(
        f"{url}/trail/verify?folder={urllib.parse.quote(folder)}", headers={"Authorization": f"token {TOKEN}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()


def _write_spec(folder: Path, spec: dict):
    """Writes the pipeline of ``spec`` into ``folder`` with the real writer."""
    bundle = folder.parent / "write_pipeline.cjs"
    subprocess.run(
        [str(ROOT / "node_modules" / ".bin" / "esbuild"), str(ROOT / "tests" / "python" / "write_pipeline.ts"),
         "--bundle", "--platform=node", f"--outfile={bundle}", "--log-level=error"],
        check=True, cwd=ROOT,
    )
    subprocess.run(["node", str(bundle), str(folder)], input=json.dumps(spec).encode(), check=True)


def _write_pipeline(folder: Path):
    sha = lambda text: hashlib.sha256(text.encode()).hexdigest()  # noqa: E731
    spec = {
        "source": {"sessionId": "sess-1", "notebookPath": "train.ipynb", "step": 1, "target": {"kind": "session"}},
        "steps": [{
            "step": 1, "executionId": "exec-1", "reason": "writes score.txt",
            "python": "\n".join([
                "import csv, trail",
                'with open("data/train.csv", newline="") as f:',
                "    rows = list(csv.DictReader(f))",
                'score = PARAMS["lr"] * sum(float(r["y"]) for r in rows)',
                'trail.log_metric("score", score)',
                'with open("score.txt", "w") as f:',
                '    f.write("%r\\n" % score)',
            ]),
            "imports": ["csv", "trail"],
        }],
        "params": {"lr": 0.1}, "wiredParams": ["lr"], "metrics": ["score"],
        "inputs": [{"path": "data/train.csv", "step": 1, "kind": "file", "sha256": sha(CSV)}],
        "outputs": ["score.txt"], "pipRequirements": [], "dropped": [], "untranslated": [],
        "expected": {
            "files": [{"path": "score.txt", "sha256": sha(f"{SCORE!r}\n")}],
            "metrics": [{"name": "score", "value": SCORE}],
            "params": [{"name": "lr", "value": 0.1}],
        },
    }
    _write_spec(folder, spec)
    (folder / "data").mkdir()
    (folder / "data" / "train.csv").write_text(CSV)


def test_a_folder_outside_the_root_or_a_bad_body_is_400(server, tmp_path):
    url, root = server
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "pipeline.py").write_text("open('ran', 'w')\n")
    for body in ({"folder": str(outside)}, {"folder": "../" + outside.name}, {"folder": ""},
                 {"folder": "."}, {"folder": "nope"}, {"folder": "p", "tolerance": {"default": -1}},
                 {"folder": "p", "tolerance": {"files": {"score.txt": "close enough"}}}):
        status, _ = _post(url, body)
        assert status == 400, body
    assert _get(url, str(outside))[0] == 400
    assert not (outside / "ran").exists()


@pytest.mark.usefixtures("bundled_cli")
def test_verifies_a_pipeline_folder_through_the_bundled_command(server):
    url, root = server
    folder = root / "pipelines" / "train"
    folder.mkdir(parents=True)
    _write_pipeline(folder)
    assert _get(url, "pipelines/train") == (200, {"running": False})
    # While it runs, GET says its phase (the command's "phase NAME:" lines).
    answer = {}
    thread = threading.Thread(target=lambda: answer.update(r=_post(url, {"folder": "pipelines/train"})))
    thread.start()
    phases = set()
    while thread.is_alive():
        status, state = _get(url, "pipelines/train")
        if state.get("running") and state.get("phase"):
            phases.add(state["phase"])
        time.sleep(0.05)
    thread.join()
    assert phases and phases <= {"venv", "install", "run", "compare"}, phases
    status, document = answer["r"]
    assert status == 200, document
    assert document["outcome"] == "reproduced", document
    assert document["exitCode"] == 0
    assert document["folder"] == str(folder.resolve())
    assert [f["same"] for f in document["report"]["files"]] == [True]
    assert document["report"]["metrics"][0]["reproduced"] == SCORE

    data = json.loads((folder / "trail-expected.json").read_text())
    data["expected"]["metrics"][0]["value"] = SCORE + 0.001
    (folder / "trail-expected.json").write_text(json.dumps(data))
    status, document = _post(url, {"folder": "pipelines/train", "tolerance": {"metrics": {"score": 0.0001}}})
    assert status == 200
    assert document["outcome"] == "not-reproduced"
    assert document["exitCode"] == 1
    assert document["report"]["metrics"][0]["within"] is False
    assert document["report"]["metrics"][0]["tolerance"] == 0.0001

    # A file's tolerance reaches the command as --tolerance file:PATH=...
    status, document = _post(url, {"folder": "pipelines/train",
                                   "tolerance": {"metrics": {"score": 0.01}, "files": {"score.txt": "exists"}}})
    assert status == 200
    assert document["outcome"] == "reproduced", document
    assert document["report"]["files"][0]["tolerance"] == {"mode": "exists"}
    status, document = _post(url, {"folder": "pipelines/train", "tolerance": {"files": {"other.txt": "content"}}})
    assert status == 200
    assert document["exitCode"] == 2
    assert "other.txt is not a file the recorded run wrote" in document["error"]["message"]


def test_file_tolerances_become_tolerance_file_arguments():
    args = _tolerance_args({"default": 0.5, "files": {
        "model.pkl": "exists", "out/table.csv": "content:1e-06", "a=b.json": "content"}})
    assert args == ["--tolerance", "0.5", "--tolerance", "file:model.pkl=exists",
                    "--tolerance", "file:out/table.csv=content:1e-06", "--tolerance", "file:a=b.json=content"]
    assert _tolerance_args({"files": {}}) == []
    for files, reason in [
        ({"m.pkl": "close"}, 'tolerance.files.m.pkl: expected "content", "content:X"'),
        ({"m.pkl": "content:-1"}, "X a number >= 0"),
        ({"m.pkl": "content:nan"}, "X a number >= 0"),
        ({"m.pkl": "content:"}, "X a number >= 0"),
        ({"m.pkl": 1}, "got 1"),
        ({"": "exists"}, "tolerance.files: bad file path"),
        ({"a\nb": "exists"}, "tolerance.files: bad file path"),
        (["m.pkl"], "tolerance.files: expected {path:"),
    ]:
        with pytest.raises(ValueError, match=re.escape(reason)):
            _tolerance_args({"files": files})


def _write_sleeping_pipeline(folder: Path, marks: Path):
    """A pipeline whose run writes its pid, a child's and its venv (sys.prefix), then sleeps."""
    _write_spec(folder, {
        "source": {"sessionId": "sess-1", "notebookPath": "train.ipynb", "step": 1, "target": {"kind": "session"}},
        "steps": [{
            "step": 1, "executionId": "exec-1", "reason": "writes out.txt",
            "python": "\n".join([
                "import json, os, subprocess, sys, time",
                'child = subprocess.Popen(["sleep", "300"])',
                f"open({str(marks)!r} + '.part', 'w').write(json.dumps([os.getpid(), child.pid, sys.prefix]))",
                f"os.rename({str(marks)!r} + '.part', {str(marks)!r})",
                "time.sleep(300)",
            ]),
            "imports": ["json", "os", "subprocess", "sys", "time"],
        }],
        "params": {}, "wiredParams": [], "metrics": [], "inputs": [], "outputs": ["out.txt"],
        "pipRequirements": [], "dropped": [], "untranslated": [],
        "expected": {"files": [{"path": "out.txt", "sha256": "0" * 64}], "metrics": [], "params": []},
    })


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie of this process counts as gone.
    try:
        return os.waitpid(pid, os.WNOHANG)[0] != pid
    except ChildProcessError:
        return True


def _wait_for(check, seconds=60.0):
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.05)


def _delete(url, folder):
    request = urllib.request.Request(
        f"{url}/trail/verify?folder={urllib.parse.quote(folder)}", method="DELETE",
        headers={"Authorization": f"token {TOKEN}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()


@pytest.mark.usefixtures("bundled_cli")
def test_a_second_post_is_a_409_saying_since_when_and_delete_stops_the_run(server, tmp_path):
    url, root = server
    folder = root / "pipelines" / "sleepy"
    folder.mkdir(parents=True)
    marks = tmp_path / "marks.json"
    _write_sleeping_pipeline(folder, marks)
    answer = {}
    thread = threading.Thread(target=lambda: answer.update(r=_post(url, {"folder": "pipelines/sleepy"})))
    thread.start()
    _wait_for(marks.exists)
    python, sleeper, venv = json.loads(marks.read_text())
    assert _alive(python) and _alive(sleeper) and os.path.isdir(venv)

    status, body = _post(url, {"folder": "pipelines/sleepy"})
    assert status == 409
    body = json.loads(body)
    assert body["message"] == "this folder is already being verified"
    running = body["verification"]
    assert running["running"] is True and running["phase"] == "run"
    # Nothing to install: the phases it went through say so.
    assert running["seen"] == ["venv", "run"]
    assert running["startedAt"] == _get(url, "pipelines/sleepy")[1]["startedAt"]
    assert running["startedAt"].endswith("Z")

    assert _delete(url, "pipelines/sleepy") == (200, {"running": True, "stopping": True})
    thread.join(30)
    assert not thread.is_alive()
    status, document = answer["r"]
    assert status == 200, document
    assert document["exitCode"] == 130
    assert document["error"]["message"] == "verification interrupted"
    _wait_for(lambda: not _alive(python) and not _alive(sleeper), 10)
    assert not os.path.exists(venv)
    # The page that followed it (a 409) finds its document.
    status, state = _get(url, "pipelines/sleepy")
    assert state["running"] is False and state["last"] == document
    assert _delete(url, "pipelines/sleepy")[0] == 404


@pytest.mark.usefixtures("bundled_cli")
def test_the_jupyter_server_exiting_stops_a_running_verification(tmp_path):
    root = tmp_path / "root"
    folder = root / "pipelines" / "sleepy"
    folder.mkdir(parents=True)
    marks = tmp_path / "marks.json"
    _write_sleeping_pipeline(folder, marks)
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "jupyter_server", "--no-browser", "--allow-root", f"--port={port}",
         f"--ServerApp.root_dir={root}", f"--IdentityProvider.token={TOKEN}",
         "--ServerApp.jpserver_extensions={'jupyterlab_trail': True}"],
        env=dict(os.environ, TRAIL_URL="http://127.0.0.1:9", TRAIL_TOKEN="t"),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for(lambda: _status_ok(url), 30)
        thread = threading.Thread(target=lambda: _post(url, {"folder": "pipelines/sleepy"}), daemon=True)
        thread.start()
        _wait_for(marks.exists)
        python, sleeper, venv = json.loads(marks.read_text())
        assert _alive(python) and _alive(sleeper)
        process.terminate()
        assert process.wait(30) is not None
        _wait_for(lambda: not _alive(python) and not _alive(sleeper), 10)
        assert not os.path.exists(venv)
    finally:
        if process.poll() is None:
            process.kill()


def _status_ok(url) -> bool:
    try:
        urllib.request.urlopen(f"{url}/api/status?token={TOKEN}", timeout=1)
        return True
    except Exception:
        return False
