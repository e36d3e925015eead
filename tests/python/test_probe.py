"""The replay's probe: a kernel's environment and the files a replay needs.

Called directly (the installed package's ``probe``) and as the injected
helper's ``_trail_probe`` in a real kernel, where what it says of a file
must be exactly what the recording captured of it (sha256, size, schema),
or the preflight would call every file changed.
"""

import hashlib
import os
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


# -- detail (a fork's contract check, #14 contract 2)


@pytest.fixture
def tables(tmp_path, monkeypatch):
    (tmp_path / "rows.csv").write_text('price,city\n1,"Lyon\nnord"\n2,Lille\n\n3,Paris\n')
    (tmp_path / "rows.tsv").write_text("price\tcity\n1\tLyon\n")
    (tmp_path / "header.csv").write_text("price,city\n")
    (tmp_path / "empty.csv").write_bytes(b"")
    (tmp_path / "empty.bin").write_bytes(b"")
    (tmp_path / "shards").mkdir()
    for name in ("a.txt", "b.txt", ".hidden"):
        (tmp_path / "shards" / name).write_text(name)
    (tmp_path / "shards" / "nested").mkdir()
    (tmp_path / "shards" / "nested" / "c.txt").write_text("c")
    monkeypatch.setattr(_st, "nbdir", str(tmp_path))
    return tmp_path


def test_detail_counts_table_rows_header_excluded(tables):
    rows, tsv, header = probe(["rows.csv", "rows.tsv", "header.csv"], detail=True)["files"]
    # A quoted newline stays inside its row; the blank line is no row.
    assert rows["table"]["rows"] == 3
    assert rows["kind"] == "file" and "readable" not in rows and "error" not in rows
    assert [c["name"] for c in rows["table"]["columns"]] == ["price", "city"]
    assert tsv["table"] == {
        "format": "tsv",
        "columns": [{"name": "price", "type": "int64"}, {"name": "city", "type": "string"}],
        "rows": 1,
    }
    assert header["table"]["rows"] == 0
    assert [c["name"] for c in header["table"]["columns"]] == ["price", "city"]
    # Without detail the answer is the replay's: rows unknown, no kind.
    plain = probe(["rows.csv"])["files"][0]
    assert plain["table"]["rows"] is None and "kind" not in plain


def test_detail_reports_an_empty_file_as_an_empty_table(tables):
    empty_csv, empty_bin = probe(["empty.csv", "empty.bin"], detail=True)["files"]
    assert empty_csv == {
        "path": "empty.csv",
        "exists": True,
        "kind": "file",
        "sha256": hashlib.sha256(b"").hexdigest(),
        "size": 0,
        "table": {"format": "csv", "columns": [], "rows": 0},
    }
    assert empty_bin["size"] == 0 and "table" not in empty_bin


def test_detail_reports_a_folder_with_its_file_count(tables):
    shards, missing = probe(["shards", "nothing/here.csv"], detail=True)["files"]
    assert shards["kind"] == "folder"
    assert shards["fileCount"] == 3  # a.txt, b.txt, nested/c.txt; dot-files skipped
    assert shards["size"] == len("a.txt") + len("b.txt") + 1
    assert missing == {"path": "nothing/here.csv", "exists": False}
    target_file_validator().validate({"upto": 1, "files": [shards, missing]})


def test_detail_reports_a_parquet_table_with_its_rows(tables):
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    pd.DataFrame({"id": [1, 2, 3], "name": ["a", "b", "c"]}).to_parquet(tables / "t.parquet")
    (entry,) = probe(["t.parquet"], detail=True)["files"]
    assert entry["kind"] == "file"
    assert entry["table"]["format"] == "parquet" and entry["table"]["rows"] == 3
    assert [c["name"] for c in entry["table"]["columns"]] == ["id", "name"]


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads any file")
def test_detail_reports_a_file_without_read_permission(tables):
    secret = tables / "secret.csv"
    secret.write_text("a\n1\n")
    secret.chmod(0)
    locked = tables / "locked"
    locked.mkdir()
    locked.chmod(0)
    try:
        file_entry, folder_entry = probe(["secret.csv", "locked"], detail=True)["files"]
    finally:
        secret.chmod(0o600)
        locked.chmod(0o700)
    assert file_entry["exists"] is True and file_entry["readable"] is False
    assert "ermission" in file_entry["error"] and "sha256" not in file_entry
    assert folder_entry["kind"] == "folder" and folder_entry["readable"] is False
    assert "ermission" in folder_entry["error"]
    target_file_validator().validate({"upto": 1, "files": [file_entry, folder_entry]})


@pytest.mark.skipif(not os.path.exists("/proc/self/mem"), reason="Linux only")
def test_detail_reports_a_file_that_exists_but_cannot_be_read(tables):
    # /proc/self/mem exists for everyone, root included, and reading it at
    # offset 0 fails: the probe says why instead of calling it missing.
    (entry,) = probe(["/proc/self/mem"], detail=True)["files"]
    assert entry["exists"] is True and entry["kind"] == "file"
    assert entry["readable"] is False
    assert entry["error"] and len(entry["error"]) <= 1000
    assert "sha256" not in entry
    target_file_validator().validate({"upto": 1, "files": [entry]})
