"""The in-kernel API (trail.log_param & co.), opt-outs and failure handling."""

import textwrap


def capture_of(kernel, msg_id):
    data = kernel.wait_for(lambda d: d["type"] == "capture" and d["msgId"] == msg_id, 30, "capture")
    return data["capture"]


def stderr_of(kernel, msg_id):
    return "".join(
        m["content"]["text"]
        for m in kernel.messages_for(msg_id)
        if m["msg_type"] == "stream" and m["content"]["name"] == "stderr"
    )


def run(kernel, code, cell_id=None):
    return kernel.run(textwrap.dedent(code), cell_id=cell_id)


def test_params(recording):
    k = recording
    msg_id = run(k, """
        import trail, numpy as np
        trail.log_param("lr", 0.001)
        trail.log_param("epochs", 10)
        trail.log_param("name", "resnet")
        trail.log_param("flag", True)
        trail.log_param("nothing", None)
        trail.log_param("layers", [64, 128, 256])
        trail.log_param("nan", float("nan"))
        trail.log_param("np", np.float32(0.5))
        trail.log_param("npint", np.int64(7))
        trail.log_param("huge", 2**70)
        trail.log_param("long", "x" * 6000)
        trail.log_params({"batch": 32, "lr": 0.01})
    """)
    params = capture_of(k, msg_id)["params"]
    assert params == {
        "lr": 0.01,
        "epochs": 10,
        "name": "resnet",
        "flag": True,
        "nothing": None,
        "layers": "[64, 128, 256]",
        "nan": "nan",
        "np": 0.5,
        "npint": 7,
        "huge": str(2**70),
        "long": "x" * 5000,
        "batch": 32,
    }


def test_metrics(recording):
    k = recording
    msg_id = run(k, """
        import trail, numpy as np
        for step in range(3):
            trail.log_metric("loss", 1.0 / (step + 1), step=step)
        trail.log_metric("nan", float("nan"))
        trail.log_metric("inf", float("-inf"), step=np.int64(4))
        trail.log_metric("np", np.float64(0.25))
        trail.log_metrics({"acc": 0.9, "f1": 0.8}, step=5)
    """)
    metrics = capture_of(k, msg_id)["metrics"]
    assert [(m["name"], m["value"], m.get("step")) for m in metrics] == [
        ("loss", 1.0, 0),
        ("loss", 0.5, 1),
        ("loss", 1.0 / 3, 2),
        ("nan", None, None),
        ("inf", None, 4),
        ("np", 0.25, None),
        ("acc", 0.9, 5),
        ("f1", 0.8, 5),
    ]
    assert all(m["at"].endswith("Z") for m in metrics)


def test_tags_and_datasets(recording):
    k = recording
    run(k, """
        import os
        os.makedirs("images", exist_ok=True)
        for i in range(3):
            open("images/%d.png" % i, "wb").write(bytes([i]) * 10)
        open("train.csv", "w").write("a,b\\n1,2\\n")
    """)
    msg_id = run(k, """
        import trail
        trail.tag("baseline", "gpu", "baseline")
        assert trail.dataset("train.csv", role="train") == "train.csv"
        trail.dataset("images", role="test")
        trail.dataset("missing.csv")
        trail.dataset("s3://bucket/key.parquet", role="remote")
        trail.dataset("predictions.csv", role="output")
    """)
    capture = capture_of(k, msg_id)
    assert capture["tags"] == ["baseline", "gpu"]
    final = k.wait_for(lambda d: d["type"] == "capture" and d["msgId"] == msg_id and d["final"], 30, "final")
    files = {}
    for c in k.captures(msg_id):
        for entry in c["capture"].get("files", []):
            files.setdefault(entry["path"], {}).update(entry)
    assert final
    assert files["train.csv"]["role"] == "train" and files["train.csv"]["access"] == "read"
    assert files["train.csv"]["schema"]["columns"] == [{"name": "a", "type": "int64"}, {"name": "b", "type": "int64"}]
    assert files["images"]["kind"] == "folder" and files["images"]["fileCount"] == 3 and files["images"]["role"] == "test"
    assert len(files["images"]["sha256"]) == 64
    assert files["missing.csv"]["sha256"] is None and files["missing.csv"]["hashError"]
    assert files["s3://bucket/key.parquet"]["hashError"].startswith("remote")
    assert files["predictions.csv"]["access"] == "write"


def test_bad_arguments_warn_and_never_raise(recording):
    k = recording
    msg_id = run(k, """
        import trail
        trail.log_param(None, 1)
        trail.log_metric("m", "not a number")
        trail.log_metric("m2", 1.0, step="first")
        trail.log_metrics([1, 2])
        trail.log_params("lr=1")
        trail.tag(3)
        trail.dataset(42)
    """)
    err = stderr_of(k, msg_id)
    for fn in ("log_param", "log_metric(", "step must be an int", "log_metrics expects", "log_params expects", "trail.tag", "trail.dataset"):
        assert fn in err, (fn, err)
    capture = capture_of(k, msg_id)
    assert capture == {"metrics": [{"name": "m2", "value": 1.0, "at": capture["metrics"][0]["at"]}]}


def test_skipped_cells_get_no_capture(recording):
    k = recording
    k.send_config(skipCells=["cell-secret"])
    skipped = run(k, "import trail; open('skip.txt', 'w').write('s'); trail.log_param('p', 1)", cell_id="cell-secret")
    recorded = run(k, "import trail; open('skip.txt').read(); trail.log_param('p', 2)", cell_id="cell-public")
    capture = k.wait_for(lambda d: d["type"] == "capture" and d["msgId"] == recorded, 30, "capture")
    assert capture["cellId"] == "cell-public" and capture["capture"]["params"] == {"p": 2}
    assert k.captures(skipped) == []
    assert stderr_of(k, skipped) == ""


def test_logging_after_the_cell_lands_on_the_last_execution(recording):
    k = recording
    msg_id = run(k, """
        import threading, time, trail
        def later():
            time.sleep(0.3)
            trail.log_metric("background", 1.5, step=1)
        threading.Thread(target=later).start()
    """)
    late = k.wait_for(lambda d: d["type"] == "capture" and d["msgId"] == msg_id and "metrics" in d["capture"], 30, "late capture")
    assert late["capture"]["metrics"][0]["name"] == "background"
    assert late["final"] is True


def test_an_internal_failure_is_one_warning_message(recording):
    k = recording
    run(k, "import trail; trail._saved = trail._resolve_files; trail._resolve_files = lambda *args: 1 / 0")
    try:
        first, reply = k.execute("open('w1.txt', 'w').write('1')")
        assert reply["status"] == "ok" and stderr_of(k, first) == ""
        second, reply = k.execute("open('w2.txt', 'w').write('2')")
        assert reply["status"] == "ok" and stderr_of(k, second) == ""
        k.pump(0.3)
    finally:
        run(k, "trail._resolve_files = trail._saved; del trail._saved")
    warnings = [d for _, d in k.trail if d["type"] == "warning"]
    assert len(warnings) == 1 and "ZeroDivisionError" in warnings[0]["message"]


def test_recording_off(recording):
    k = recording
    k.send_config(recording=False)
    try:
        first = run(k, "import trail; open('off.txt', 'w').write('x'); trail.log_param('a', 1); trail.tag('t')")
        second = run(k, "trail.log_metric('m', 1.0)")
        k.pump(0.3)
        assert k.captures(first) == [] and k.captures(second) == []
        assert "recording is off" in stderr_of(k, first)
        assert stderr_of(k, second) == ""  # warned once per kernel
        assert k.stats()["executionsRecorded"] >= 0
    finally:
        k.send_config(recording=True)
    back = run(k, "trail.log_param('b', 2)")
    assert capture_of(k, back)["params"] == {"b": 2}


def test_a_forked_child_records_nothing_and_never_hangs(recording):
    k = recording
    msg_id = run(k, """
        import multiprocessing as mp, trail
        def child():
            open("from-child.txt", "w").write("c")
            trail.log_metric("child", 1.0)
        p = mp.get_context("fork").Process(target=child)
        p.start(); p.join(20)
        assert p.exitcode == 0, p.exitcode
        trail.log_metric("parent", 2.0)
    """)
    capture = capture_of(k, msg_id)
    assert [m["name"] for m in capture["metrics"]] == ["parent"]
    assert "files" not in capture
