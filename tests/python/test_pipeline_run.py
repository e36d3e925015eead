"""jupyterlab_trail.pipeline_run: a run of an exported pipeline captured in its own process.

Each test runs a real script in a real Python child process through the seam
pipeline.py uses (``pipeline_run.start(source, params)``, then ``log_*`` and
``finish``). The one stand-in is the recorder command at the process
boundary: ``TRAIL_NODE``/``TRAIL_CLI`` run a small script that keeps the
capture file ``trail record-run`` would be given (the real command is tested
end to end in tests/cli/record-run.test.ts).
"""

import hashlib
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from conftest import ROOT, validate_trail_message

SESSION = "5b2f0c1e-8d0a-4f6e-9a51-0c2b7d1e4f3a"

# pipeline.py's prologue, reduced to what the seam needs (script.ts writes
# _HERE, _NOTEBOOK_DIR and _SOURCE before it calls start).
PIPELINE = textwrap.dedent(
    """
    import json as _json
    import os as _os
    import sys as _sys

    _HERE = _os.path.dirname(_os.path.abspath(__file__))
    _NOTEBOOK_DIR = ".."
    _SOURCE = {"session": %(session)r, "notebook": "work/train.ipynb", "step": 3}
    PARAMS = {"lr": 0.1, "epochs": 2}

    from jupyterlab_trail import pipeline_run

    run = pipeline_run.start(_SOURCE, dict(PARAMS))
    _os.chdir(_os.path.normpath(_os.path.join(_HERE, _NOTEBOOK_DIR)))

    with open("data.csv") as f:
        rows = f.read().splitlines()[1:]
    total = sum(int(line.split(",")[1]) for line in rows)
    print("rows", len(rows))
    print("warming up", file=_sys.stderr)
    if run is not None:
        run.log_metric("total", total)
        run.log_param("seed", 7)
        run.tag("nightly")
    if _os.environ.get("FAIL"):
        raise ValueError("bad data: %%d rows" %% len(rows))
    with open("model.txt", "w") as f:
        f.write("weight=%%s\\n" %% (total * PARAMS["lr"]))
    metrics = {"total": total}
    with open(_os.path.join(_HERE, "metrics.json"), "w") as f:
        _json.dump(metrics, f)
    if run is not None:
        run.finish(metrics)
    print("done")
    """
) % {"session": SESSION}

# Stands in for `node trail.cjs record-run <file> --json`.
FAKE_TRAIL = textwrap.dedent(
    """
    import os, shutil, sys
    assert sys.argv[1:3] == ["record-run", sys.argv[2]] and sys.argv[3] == "--json", sys.argv
    shutil.copy(sys.argv[2], os.environ["FAKE_CAPTURE"])
    print('{"sessionId": "run-session-0001", "executionId": "run-execution-01"}')
    """
)

CSV = "x,y\n1,10\n2,20\n3,30\n"


def _folder(tmp_path):
    notebook = tmp_path / "work"
    pipeline = notebook / "pipelines" / "train-2026-12-06"
    pipeline.mkdir(parents=True)
    (notebook / "data.csv").write_text(CSV)
    script = pipeline / "pipeline.py"
    script.write_text(PIPELINE.replace('_NOTEBOOK_DIR = ".."', '_NOTEBOOK_DIR = "../.."'))
    fake = tmp_path / "fake_trail.py"
    fake.write_text(FAKE_TRAIL)
    return notebook, pipeline, script, fake


def _run(tmp_path, script, fake, **env):
    capture = tmp_path / "capture.json"
    full = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("TRAIL_")
    }
    full.update(
        PYTHONPATH=str(ROOT),
        TRAIL_URL="http://127.0.0.1:9",
        TRAIL_TOKEN="test-token",
        TRAIL_NODE=sys.executable,
        TRAIL_CLI=str(fake),
        FAKE_CAPTURE=str(capture),
        TRAIL_RUN_RESULT=str(tmp_path / "result.json"),
    )
    full.update(env)
    for key in [key for key, value in full.items() if value is None]:
        del full[key]
    done = subprocess.run(
        [sys.executable, str(script)],
        cwd=str(tmp_path),
        env=full,
        capture_output=True,
        text=True,
        timeout=120,
    )
    document = json.loads(capture.read_text()) if capture.exists() else None
    return done, document


def _validate(document):
    validate_trail_message(
        {"trail": 1, "type": "capture", "msgId": "m", "cellId": None, "capture": document["capture"], "final": True}
    )
    validate_trail_message(
        {"trail": 1, "type": "environment", "reason": "start", "msgId": None, "environment": document["environment"]}
    )


def test_a_run_is_captured_with_its_files_params_metrics_and_environment(tmp_path):
    notebook, pipeline, script, fake = _folder(tmp_path)
    done, document = _run(tmp_path, script, fake)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "rows 3\ndone\n"
    assert "trail: run recorded as session run-session-0001" in done.stderr
    assert json.loads((tmp_path / "result.json").read_text())["sessionId"] == "run-session-0001"

    assert document["version"] == 1
    assert document["status"] == "ok"
    assert document["source"] == {"session": SESSION, "notebook": "work/train.ipynb", "step": 3}
    assert document["notebookPath"] == "work/pipelines/train-2026-12-06/pipeline.py"
    assert document["code"] == script.read_text()
    assert document["stdout"] == "rows 3\n"
    assert document["stderr"] == "warming up\n"
    assert "error" not in document
    assert document["startedAt"] <= document["endedAt"]
    _validate(document)

    files = {entry["path"]: entry for entry in document["capture"]["files"]}
    # Paths relative to the exported notebook's folder, as its session recorded them.
    assert files["data.csv"]["access"] == "read"
    assert files["data.csv"]["sha256"] == hashlib.sha256(CSV.encode()).hexdigest()
    assert [c["name"] for c in files["data.csv"]["schema"]["columns"]] == ["x", "y"]
    model = (notebook / "model.txt").read_bytes()
    assert files["model.txt"]["access"] == "write"
    assert files["model.txt"]["sha256"] == hashlib.sha256(model).hexdigest()
    metrics_file = "pipelines/train-2026-12-06/metrics.json"
    assert files[metrics_file]["access"] == "write"
    assert files[metrics_file]["sha256"] == hashlib.sha256((pipeline / "metrics.json").read_bytes()).hexdigest()
    # The script itself, the interpreter and the libraries are not data.
    assert set(files) == {"data.csv", "model.txt", metrics_file}

    assert document["capture"]["params"] == {"lr": 0.1, "epochs": 2, "seed": 7}
    assert [(m["name"], m["value"]) for m in document["capture"]["metrics"]] == [("total", 60)]
    assert document["capture"]["tags"] == ["nightly"]

    environment = document["environment"]
    assert environment["language"]["executable"] == sys.executable
    assert environment["platform"]["cwd"] == str(notebook)
    assert any(p["name"] == "pytest" for p in environment["packages"])


def test_a_failed_run_is_recorded_as_an_error_with_its_traceback(tmp_path):
    notebook, pipeline, script, fake = _folder(tmp_path)
    done, document = _run(tmp_path, script, fake, FAIL="1")
    assert done.returncode == 1
    # The user still sees the traceback, before the run is recorded.
    assert "ValueError: bad data: 3 rows" in done.stderr
    assert done.stderr.index("ValueError") < done.stderr.index("trail: run recorded")
    assert document["status"] == "error"
    assert document["error"]["ename"] == "ValueError"
    assert document["error"]["evalue"] == "bad data: 3 rows"
    assert document["error"]["traceback"][-1] == "ValueError: bad data: 3 rows"
    # What it did before it failed is captured; the traceback is not in stderr twice.
    assert [f["path"] for f in document["capture"]["files"]] == ["data.csv"]
    assert [m["name"] for m in document["capture"]["metrics"]] == ["total"]
    assert document["stderr"] == "warming up\n"
    _validate(document)


def test_a_run_that_exits_early_is_recorded_as_not_finished(tmp_path):
    notebook, pipeline, script, fake = _folder(tmp_path)
    script.write_text(script.read_text().replace('if _os.environ.get("FAIL"):', "if True:\n    _sys.exit(3)\nif False:"))
    done, document = _run(tmp_path, script, fake)
    assert done.returncode == 3
    assert document["status"] == "error"
    assert document["error"]["ename"] == "SystemExit"


def test_without_a_trail_server_the_run_works_and_says_so_once(tmp_path):
    notebook, pipeline, script, fake = _folder(tmp_path)
    done, document = _run(
        tmp_path, script, fake, TRAIL_URL=None, TRAIL_TOKEN=None, TRAIL_DATA_DIR=str(tmp_path / "no-server")
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "rows 3\ndone\n"
    assert document is None
    assert done.stderr.count("trail:") == 1
    assert "trail: this run is not recorded (no Trail server is configured" in done.stderr
    assert (notebook / "model.txt").exists()


def test_without_node_the_run_works_and_says_so_once(tmp_path):
    notebook, pipeline, script, fake = _folder(tmp_path)
    done, document = _run(tmp_path, script, fake, TRAIL_NODE=None, TRAIL_CLI=None, PATH=str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert document is None
    assert done.stderr.count("trail:") == 1
    assert "Node.js (node) was not found" in done.stderr


def test_trail_disabled_is_silent(tmp_path):
    notebook, pipeline, script, fake = _folder(tmp_path)
    done, document = _run(tmp_path, script, fake, TRAIL_DISABLED="1")
    assert done.returncode == 0, done.stderr
    assert document is None
    assert "trail" not in done.stderr
    assert done.stderr == "warming up\n"


def test_a_recorder_that_fails_does_not_fail_the_run(tmp_path):
    notebook, pipeline, script, fake = _folder(tmp_path)
    fake.write_text("import sys\nprint('trail record-run: the server said no', file=sys.stderr)\nsys.exit(4)\n")
    done, document = _run(tmp_path, script, fake)
    assert done.returncode == 0
    assert "trail: this run was not recorded (trail record-run: the server said no)" in done.stderr


def test_a_forked_child_records_nothing_of_its_own(tmp_path):
    notebook, pipeline, script, fake = _folder(tmp_path)
    forking = (
        'child = _os.fork()\n'
        'if child == 0:\n'
        '    open("child.txt", "w").write("child")\n'
        '    _sys.exit(0)\n'
        '_os.waitpid(child, 0)\n'
        'if _os.environ.get("FAIL"):'
    )
    script.write_text(script.read_text().replace('if _os.environ.get("FAIL"):', forking))
    done, document = _run(tmp_path, script, fake)
    assert done.returncode == 0, done.stderr
    assert (notebook / "child.txt").read_text() == "child"
    # One run recorded, the parent's, finished; the child's write is not its.
    assert done.stderr.count("trail: run recorded") == 1
    assert document["status"] == "ok"
    assert "child.txt" not in [f["path"] for f in document["capture"]["files"]]
