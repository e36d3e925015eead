"""Data versions: which files an execution read and wrote, with their hashes."""

import hashlib
import os
import textwrap

import pytest


def sha256_of(path):
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def folder_sha(folder, names):
    lines = sorted((name, sha256_of(os.path.join(folder, name))) for name in names)
    return hashlib.sha256("".join("%s\0%s\n" % line for line in lines).encode()).hexdigest()


def final_files(kernel, msg_id, timeout=60):
    """path -> merged entry of an execution, once its final capture arrived."""
    kernel.wait_for(lambda d: d["type"] == "capture" and d["msgId"] == msg_id and d["final"], timeout, "final capture")
    merged = {}
    for capture in kernel.captures(msg_id):
        for entry in capture["capture"].get("files", []):
            merged.setdefault((entry["path"], entry["access"]), {}).update(entry)
    return {path: entry for (path, _), entry in merged.items()}


def run(kernel, code):
    return kernel.run(textwrap.dedent(code))


def test_plain_open_read_and_write(recording):
    k = recording
    msg_id = run(k, """
        with open("notes.txt", "w") as f:
            f.write("hello trail\\n")
        import os
        fd = os.open("raw.bin", os.O_WRONLY | os.O_CREAT, 0o644)
        os.write(fd, b"\\x00" * 10)
        os.close(fd)
    """)
    files = final_files(k, msg_id)
    assert set(files) == {"notes.txt", "raw.bin"}
    notes = files["notes.txt"]
    assert notes["access"] == "write" and notes["kind"] == "file"
    assert notes["size"] == 12 and notes["mtime"].endswith("Z")
    assert notes["sha256"] == sha256_of(k.cwd / "notes.txt")
    assert "hashPending" not in notes
    capture = k.captures(msg_id)[0]
    assert capture["final"] is True and capture["cellId"] is None

    msg_id = run(k, "open('notes.txt').read(); open('raw.bin', 'r+b').close()")
    files = final_files(k, msg_id)
    assert files["notes.txt"]["access"] == "read"
    assert files["raw.bin"]["access"] == "readwrite"


def test_paths_outside_the_notebook_folder_are_absolute(recording, tmp_path):
    k = recording
    outside = tmp_path / "outside.txt"
    msg_id = run(k, "open(%r, 'w').write('x')" % str(outside))
    files = final_files(k, msg_id)
    assert list(files) == [str(outside)]


def test_interpreter_and_library_files_are_not_recorded(recording):
    k = recording
    msg_id = run(k, """
        import importlib, sys, os, email.mime.text, json
        import importlib.metadata as md
        md.distribution("ipykernel").read_text("METADATA")
        open(os.path.join(os.path.dirname(os.__file__), "os.py")).read()
        open("/proc/self/status").read()
        os.path.exists("/etc/hostname") and open("/etc/hostname").read()
    """)
    k.pump(0.5)
    assert k.captures(msg_id) == []


def test_pandas_csv_write_then_read_with_schema(recording):
    k = recording
    write = run(k, """
        import pandas as pd
        df = pd.DataFrame({
            "id": [1, 2, 3],
            "score": [0.5, 1.25, float("nan")],
            "name": ["a", "b", "c"],
            "ok": [True, False, True],
            "when": pd.to_datetime(["2024-01-01 08:00", "2024-01-02 10:00", "2024-02-01 00:30"]),
        })
        df.to_csv("table.csv", index=False)
    """)
    entry = final_files(k, write)["table.csv"]
    assert entry["access"] == "write"
    assert entry["sha256"] == sha256_of(k.cwd / "table.csv")
    types = {c["name"]: c["type"] for c in entry["schema"]["columns"]}
    assert types == {"id": "int64", "score": "float64", "name": "string", "ok": "bool", "when": "datetime"}
    assert entry["schema"]["format"] == "csv" and entry["schema"]["rows"] is None

    read = run(k, "df2 = pd.read_csv('table.csv')")
    again = final_files(k, read)["table.csv"]
    assert again["access"] == "read"
    assert again["sha256"] == entry["sha256"] and again["schema"] == entry["schema"]


def test_tsv_and_gzipped_csv_schemas(recording):
    k = recording
    msg_id = run(k, """
        import gzip
        with open("t.tsv", "w") as f:
            f.write("a\\tb\\n1\\tx\\n2\\ty\\n")
        with gzip.open("g.csv.gz", "wt") as f:
            f.write("x;y\\n1.5;2\\n")
    """)
    files = final_files(k, msg_id)
    assert files["t.tsv"]["schema"] == {"format": "tsv", "columns": [{"name": "a", "type": "int64"}, {"name": "b", "type": "string"}], "rows": None}
    assert files["g.csv.gz"]["schema"]["columns"] == [{"name": "x", "type": "float64"}, {"name": "y", "type": "int64"}]


def test_parquet_with_pandas_and_pyarrow(recording):
    k = recording
    write = run(k, """
        import pandas as pd
        pd.DataFrame({"a": [1, 2, 3], "b": ["x", "y", "z"], "c": [0.1, 0.2, 0.3]}).to_parquet("p.parquet")
    """)
    entry = final_files(k, write)["p.parquet"]
    assert entry["access"] == "write"
    assert entry["sha256"] == sha256_of(k.cwd / "p.parquet")
    assert entry["schema"]["format"] == "parquet" and entry["schema"]["rows"] == 3
    assert [c["type"] for c in entry["schema"]["columns"][:3]] == ["int64", "string", "float64"]

    read = run(k, "pd.read_parquet('p.parquet')")
    assert final_files(k, read)["p.parquet"]["access"] == "read"

    # pyarrow directly, imported and used in the same cell
    both = run(k, """
        import pyarrow as pa
        import pyarrow.parquet as pq
        from pyarrow.parquet import write_table
        write_table(pa.table({"n": pa.array([1, 2], pa.int32()), "d": pa.array(["u", "v"]).dictionary_encode()}), "q.parquet")
        pq.read_table("p.parquet")
        pq.ParquetFile("q.parquet").metadata
    """)
    files = final_files(k, both)
    assert files["p.parquet"]["access"] == "read"
    assert files["q.parquet"]["access"] == "readwrite"
    assert files["q.parquet"]["schema"]["columns"] == [{"name": "n", "type": "int32"}, {"name": "d", "type": "string"}]


def test_parquet_dataset_folder(recording):
    k = recording
    msg_id = run(k, """
        import pyarrow as pa, pyarrow.parquet as pq
        pq.write_to_dataset(pa.table({"k": ["a", "a", "b"], "v": [1, 2, 3]}), "ds", partition_cols=["k"])
    """)
    entry = final_files(k, msg_id)["ds"]
    assert entry["kind"] == "folder" and entry["access"] == "write"
    assert entry["fileCount"] == 2 and entry["size"] > 0
    names = []
    for folder, _, files in os.walk(k.cwd / "ds"):
        names += [os.path.relpath(os.path.join(folder, f), k.cwd / "ds") for f in files]
    assert entry["sha256"] == folder_sha(k.cwd / "ds", names)


def test_numpy_readers_and_writers(recording):
    k = recording
    write = run(k, """
        import numpy as np
        a = np.arange(12, dtype="float64")
        np.save("a.npy", a)
        np.savez("a.npz", a=a)
        a.tofile("a.bin")
        np.savetxt("a.txt", a)
    """)
    files = final_files(k, write)
    assert {p: e["access"] for p, e in files.items()} == {"a.npy": "write", "a.npz": "write", "a.bin": "write", "a.txt": "write"}
    read = run(k, """
        np.load("a.npy"); np.load("a.npz")["a"]; np.fromfile("a.bin"); np.loadtxt("a.txt")
        m = np.memmap("a.bin", dtype="float64", mode="r"); float(m.sum()); del m
    """)
    files = final_files(k, read)
    assert {p: e["access"] for p, e in files.items()} == {"a.npy": "read", "a.npz": "read", "a.bin": "read", "a.txt": "read"}
    for path, entry in files.items():
        assert entry["sha256"] == sha256_of(k.cwd / path)


def test_unchanged_file_is_not_hashed_again_and_a_change_is(recording):
    k = recording
    run(k, "open('stable.txt', 'w').write('v1' * 100)")
    k.wait_idle_helper()
    first = run(k, "open('stable.txt').read()")
    sha1 = final_files(k, first)["stable.txt"]["sha256"]
    before = k.stats()
    second = run(k, "open('stable.txt').read()")
    assert final_files(k, second)["stable.txt"]["sha256"] == sha1
    after = k.stats()
    assert after["filesHashed"] == before["filesHashed"]
    assert after["hashCacheHits"] == before["hashCacheHits"] + 1

    # same size, new content: a new hash
    run(k, "open('stable.txt', 'w').write('v2' * 100)")
    third = run(k, "open('stable.txt').read()")
    sha3 = final_files(k, third)["stable.txt"]["sha256"]
    assert sha3 != sha1 and sha3 == sha256_of(k.cwd / "stable.txt")


def test_large_file_is_hashed_in_the_background(recording):
    k = recording
    size = 48 << 20
    msg_id = run(k, """
        block = bytes(range(256)) * 4096
        with open("big.bin", "wb") as f:
            for _ in range(%d):
                f.write(block)
    """ % (size // len(bytes(range(256)) * 4096)))
    # the capture sent before the reply says the hash is pending
    first = k.captures(msg_id)[0]
    assert first["final"] is False
    entry = first["capture"]["files"][0]
    assert entry["path"] == "big.bin" and entry["size"] == size
    assert entry["sha256"] is None and entry["hashPending"] is True
    idle = [i for i, m in enumerate(k.iopub) if m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == "status" and m["content"]["execution_state"] == "idle"][0]
    first_index = [i for i, (m, d) in enumerate(k.trail) if d is first][0]
    assert k.iopub.index(k.trail[first_index][0]) < idle
    # then the final one
    final = k.wait_for(lambda d: d["type"] == "capture" and d["msgId"] == msg_id and d["final"], 60, "final capture")
    done = final["capture"]["files"][0]
    assert done["path"] == "big.bin" and done["access"] == "write"
    assert done["sha256"] == sha256_of(k.cwd / "big.bin")
    assert "hashPending" not in done


def test_hash_inline_budget_is_configurable(recording):
    k = recording
    k.send_config(hashInlineBytes=0)
    msg_id = run(k, "open('tiny.txt', 'w').write('t')")
    first = k.captures(msg_id)[0]
    assert first["final"] is False and first["capture"]["files"][0]["hashPending"] is True
    assert final_files(k, msg_id)["tiny.txt"]["sha256"] == sha256_of(k.cwd / "tiny.txt")


def test_a_folder_read_file_by_file_is_one_entry(recording):
    k = recording
    run(k, """
        import os
        os.makedirs("shards", exist_ok=True)
        for i in range(7):
            open(os.path.join("shards", "part-%d.txt" % i), "w").write("shard %d" % i)
        open("alone.txt", "w").write("not in a folder")
    """)
    msg_id = run(k, """
        for name in sorted(os.listdir("shards")):
            open(os.path.join("shards", name)).read()
        open("alone.txt").read()
    """)
    files = final_files(k, msg_id)
    assert set(files) == {"shards", "alone.txt"}
    shards = files["shards"]
    assert shards["kind"] == "folder" and shards["access"] == "read" and shards["fileCount"] == 7
    names = ["part-%d.txt" % i for i in range(7)]
    assert shards["sha256"] == folder_sha(k.cwd / "shards", names)
    assert shards["size"] == sum(os.path.getsize(k.cwd / "shards" / n) for n in names)


def test_rename_records_the_destination(recording):
    k = recording
    msg_id = run(k, """
        import os
        open("out.tmp", "w").write("atomic")
        os.replace("out.tmp", "out.txt")
    """)
    files = final_files(k, msg_id)
    assert list(files) == ["out.txt"]
    assert files["out.txt"]["access"] == "write"


def test_deleted_temporary_files_are_dropped(recording):
    k = recording
    msg_id = run(k, """
        import tempfile
        with tempfile.NamedTemporaryFile("w") as f:
            f.write("scratch")
    """)
    k.pump(0.3)
    assert k.captures(msg_id) == []


def test_failing_cell_still_reports_what_it_wrote(recording):
    k = recording
    msg_id, reply = k.execute("open('partial.txt', 'w').write('half'); 1/0")
    assert reply["status"] == "error"
    assert final_files(k, msg_id)["partial.txt"]["access"] == "write"


@pytest.mark.parametrize("code", ["x = 1", "print('hi')"])
def test_nothing_to_say_sends_nothing(recording, code):
    msg_id = recording.run(code)
    recording.pump(0.2)
    assert recording.captures(msg_id) == []


def test_a_nested_run_cell_belongs_to_the_outer_execution(recording):
    k = recording
    msg_id = run(k, """
        get_ipython().run_cell("open('nested.txt', 'w').write('n')")
        open('outer.txt', 'w').write('o')
    """)
    files = final_files(k, msg_id)
    assert set(files) == {"nested.txt", "outer.txt"}
    assert len(k.captures(msg_id)) == 1


def test_library_folder_names_only_match_whole_path_parts(recording):
    k = recording
    msg_id = run(k, "import os; os.makedirs('site-packages-notes', exist_ok=True); open('site-packages-notes/n.txt', 'w').write('n')")
    assert set(final_files(k, msg_id)) == {"site-packages-notes/n.txt"}


def test_other_pyarrow_readers_and_writers(recording):
    k = recording
    write = run(k, """
        import pyarrow as pa, pyarrow.csv as pcsv, pyarrow.feather as feather, pyarrow.dataset as pads
        t = pa.table({"a": [1, 2], "b": ["x", "y"]})
        pcsv.write_csv(t, "pa.csv")
        feather.write_feather(t, "pa.feather")
        with pa.output_stream("pa.stream") as s:
            s.write(b"bytes")
        open("pa.jsonl", "w").write('{"a": 1}\\n')
        pads.write_dataset(t, "pa-ds", format="parquet")
    """)
    files = final_files(k, write)
    assert {p: (e["access"], e["kind"]) for p, e in files.items()} == {
        "pa.csv": ("write", "file"),
        "pa.feather": ("write", "file"),
        "pa.stream": ("write", "file"),
        "pa.jsonl": ("write", "file"),
        "pa-ds": ("write", "folder"),
    }
    assert files["pa.csv"]["schema"]["columns"] == [{"name": "a", "type": "int64"}, {"name": "b", "type": "string"}]
    read = run(k, """
        import pyarrow.json as pjson
        pcsv.read_csv("pa.csv"); feather.read_table("pa.feather"); pjson.read_json("pa.jsonl")
        pa.memory_map("pa.stream").read(); pa.input_stream("pa.stream").read()
        pads.dataset("pa-ds").to_table()
    """)
    files = final_files(k, read)
    assert {p: e["access"] for p, e in files.items()} == {
        "pa.csv": "read", "pa.feather": "read", "pa.jsonl": "read", "pa.stream": "read", "pa-ds": "read",
    }
    for path in ("pa.csv", "pa.feather", "pa.jsonl", "pa.stream"):
        assert files[path]["sha256"] == sha256_of(k.cwd / path)


def test_a_file_name_that_is_not_utf8_keeps_the_comm_working(recording):
    k = recording
    msg_id = run(k, """
        import os, trail
        with open(os.fsencode("bad") + b"\\xff.txt", "wb") as f:
            f.write(b"x")
        trail.log_param("odd\\udc80", "value\\udcff")
    """)
    capture = k.wait_for(lambda d: d["type"] == "capture" and d["msgId"] == msg_id, 30, "capture")["capture"]
    assert [e["path"] for e in capture["files"]] == ["bad\ufffd.txt"]
    assert capture["params"] == {"odd\ufffd": "value\ufffd"}
    later = run(k, "open('after.txt', 'w').write('a')")
    assert list(final_files(k, later)) == ["after.txt"]


def test_thousands_of_files_are_resolved_in_the_background(recording):
    k = recording
    msg_id = run(k, """
        import os, trail
        os.makedirs("many", exist_ok=True)
        for i in range(2500):
            with open("many/%04d.txt" % i, "w") as f:
                f.write(str(i))
        trail.log_param("n", 2500)
    """)
    first = k.captures(msg_id)[0]
    assert first["final"] is False and "files" not in first["capture"]
    assert first["capture"]["params"] == {"n": 2500}
    files = final_files(k, msg_id)
    assert files["many"]["kind"] == "folder" and files["many"]["fileCount"] == 2500
    names = ["%04d.txt" % i for i in range(2500)]
    assert files["many"]["sha256"] == folder_sha(k.cwd / "many", names)


def test_relative_paths_follow_chdir(recording):
    k = recording
    run(k, "import os; os.makedirs('sub', exist_ok=True); open('same.txt', 'w').write('top'); open('sub/same.txt', 'w').write('sub')")
    msg_id = run(k, """
        open("same.txt").read()
        os.chdir("sub")
        try:
            open("same.txt").read()
        finally:
            os.chdir("..")
    """)
    assert set(final_files(k, msg_id)) == {"same.txt", "sub/same.txt"}
