"""The replay's probe: a kernel's environment and the files a replay needs.

Called directly (the installed package's ``probe``) and as the injected
helper's ``_trail_probe`` in a real kernel, where what it says of a file
must be exactly what the recording captured of it (sha256, size, schema),
or the preflight would call every file changed.
"""

import hashlib
import json
import platform
import textwrap

import jsonschema
import pytest
from conftest import ROOT

from jupyterlab_trail.kernel import probe as probe_module
from jupyterlab_trail.kernel.probe import probe
from jupyterlab_trail.kernel.state import _st


def sha256_of(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def target_file_validator():
    """TargetFile (schema/api/preflight-request.schema.json), with its $refs resolved."""
    from referencing import Registry, Resource

    registry = Registry()
    for folder in ("records", "api"):
        for path in (ROOT / "schema" / folder).glob("*.schema.json"):
            schema = json.loads(path.read_text())
            registry = registry.with_resource(schema["$id"], Resource.from_contents(schema))
    request = json.loads((ROOT / "schema" / "api" / "preflight-request.schema.json").read_text())
    return jsonschema.Draft7Validator(request, registry=registry)


@pytest.fixture
def folder(tmp_path, monkeypatch):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "houses.csv").write_text("price,city,rooms\n231000,Lyon,3\n180500,Lille,2\n")
    (tmp_path / "shards").mkdir()
    (tmp_path / "shards" / "a.txt").write_text("a")
    (tmp_path / "shards" / "b.txt").write_text("bb")
    monkeypatch.setattr(_st, "nbdir", str(tmp_path))
    return tmp_path


def test_probe_reports_files_as_the_capture_hashes_them(folder):
    answer = probe(["data/houses.csv", "missing.csv", "shards", str(folder / "data" / "houses.csv")])
    houses, missing, shards, absolute = answer["files"]
    assert houses == {
        "path": "data/houses.csv",
        "exists": True,
        "sha256": sha256_of(folder / "data" / "houses.csv"),
        "size": (folder / "data" / "houses.csv").stat().st_size,
        "table": {
            "format": "csv",
            "columns": [
                {"name": "price", "type": "int64"},
                {"name": "city", "type": "string"},
                {"name": "rooms", "type": "int64"},
            ],
            "rows": None,
        },
    }
    assert missing == {"path": "missing.csv", "exists": False}
    # A folder: the sha256 of its sorted "relpath NUL sha256 LF" lines.
    lines = sorted((n, sha256_of(folder / "shards" / n)) for n in ("a.txt", "b.txt"))
    expected = hashlib.sha256("".join("%s\0%s\n" % line for line in lines).encode()).hexdigest()
    assert shards == {"path": "shards", "exists": True, "sha256": expected, "size": 3}
    assert absolute["sha256"] == houses["sha256"]

    env = answer["environment"]
    assert env["language"]["version"] == platform.python_version()
    assert any(p["name"] == "pytest" for p in env["packages"])
    # The answer is the body the server's preflight takes.
    target_file_validator().validate({"upto": 1, "environment": env, "files": answer["files"]})
    assert json.loads(json.dumps(answer)) == answer


def test_probe_is_the_helper_function():
    assert probe is probe_module._trail_probe


def test_injected_helper_probe_agrees_with_the_recorded_capture(recording):
    k = recording
    msg_id = k.run(
        textwrap.dedent(
            """
            import pandas as pd
            pd.DataFrame({"id": [1, 2], "score": [0.5, 0.75]}).to_parquet("scores.parquet")
            open("notes.txt", "w").write("replay me")
            """
        )
    )
    k.wait_for(lambda d: d["type"] == "capture" and d["msgId"] == msg_id and d["final"], 60, "final capture")
    read_id = k.run("pd.read_parquet('scores.parquet'); open('notes.txt').read()")
    k.wait_for(lambda d: d["type"] == "capture" and d["msgId"] == read_id and d["final"], 60, "final capture")
    captured = {}
    for capture in k.captures(read_id):
        for entry in capture["capture"].get("files", []):
            captured.setdefault(entry["path"], {}).update(entry)

    answer = k.value("__import__('trail')._trail_probe(['scores.parquet', 'notes.txt', 'gone.csv'])")
    scores, notes, gone = answer["files"]
    assert scores["sha256"] == captured["scores.parquet"]["sha256"]
    assert scores["size"] == captured["scores.parquet"]["size"]
    assert scores["table"] == captured["scores.parquet"]["schema"]
    assert notes == {"path": "notes.txt", "exists": True, "sha256": captured["notes.txt"]["sha256"], "size": 9}
    assert gone == {"path": "gone.csv", "exists": False}
    assert answer["environment"]["platform"]["cwd"] == str(k.cwd)
