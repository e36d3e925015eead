"""Injection (PROTOCOL.md section 1) and the comm handshake."""

import json
import re

from conftest import RECORDING, ROOT, TrailKernel

from jupyterlab_trail.kernel import bootstrap_code, helper_modules, helper_source


def test_bootstrap_code_is_the_protocol_block():
    protocol = (ROOT / "jupyterlab_trail" / "kernel" / "PROTOCOL.md").read_text()
    block = re.search(r"```python\n(def __trail_load.*?)\n```", protocol, re.S).group(1)
    config = {"recording": True, "skipCells": ["c1", "c\u00e9\"2"], "hashInlineBytes": 1024}
    expected = block.replace(
        "__trail_load(SOURCE, CONFIG)",
        "__trail_load(%s, %s)"
        % (
            json.dumps(helper_source(), ensure_ascii=False),
            json.dumps(json.dumps(config, separators=(",", ":"), ensure_ascii=False), ensure_ascii=False),
        ),
    )
    assert bootstrap_code(config) == expected
    # the config literal is JSON.stringify(JSON.stringify(config))
    assert '"{\\"recording\\":true,\\"skipCells\\":[\\"c1\\",\\"c\u00e9\\\\\\"2\\"],\\"hashInlineBytes\\":1024}"' in expected


def test_helper_source_is_plain_ascii():
    raw = helper_source().encode("utf-8")
    assert all(b == 10 or 32 <= b < 127 for b in raw), "the helper must stay printable ASCII (JSON.stringify == json.dumps)"
    for path in helper_modules():
        raw = open(path, "rb").read()
        assert all(b == 10 or 32 <= b < 127 for b in raw), "%s must stay printable ASCII" % path
    compile(helper_source(), "<trail>", "exec")


def test_injection_is_silent_and_leaves_no_trace(tmp_path):
    k = TrailKernel(tmp_path)
    try:
        before = k.value("sorted(k for k in globals() if not k.startswith('_'))")
        msg_id, reply = k.inject()
        assert reply["status"] == "ok"
        assert reply["execution_count"] == 0
        k.pump(0.5)
        kinds = {m["msg_type"] for m in k.messages_for(msg_id)}
        assert kinds == {"status"}, kinds  # no execute_input, no stream, no error
        assert k.value("'__trail_load' in globals()") is False
        assert k.value("sorted(k for k in globals() if not k.startswith('_'))") == before
        assert k.value("__import__('sys').modules['trail'].__trail_helper__") is True

        # A second injection (a page reload) only updates the config.
        k.inject({"recording": False, "skipCells": ["x"]})
        hooks = k.value(
            "[len([f for f in get_ipython().events.callbacks[e] if getattr(f, '__trail_hook__', False)])"
            " for e in ('pre_run_cell', 'post_run_cell')]"
        )
        assert hooks == [1, 1]
        stats = k.stats()
        assert stats["recording"] is False
        assert k.value("sum(1 for f in __import__('sys').meta_path if getattr(f, '__trail_finder__', False))") == 1

        hello = k.open_comm(RECORDING)
        assert hello["version"] and hello["pid"] > 0
        assert k.stats()["recording"] is True  # comm_open data is config

        # import trail works with nothing installed; user cells keep counting from 1
        msg_id, reply = k.execute("import trail\ntrail.__name__")
        assert reply["execution_count"] == 1
        outputs = [m for m in k.messages_for(msg_id) if m["msg_type"] in ("stream", "error")]
        assert outputs == []
    finally:
        k.close()


def test_environment_arrives_after_hello(kernel):
    env = kernel.wait_for(lambda d: d["type"] == "environment", what="environment")
    assert env["reason"] == "start" and env["msgId"] is None
    types = [d["type"] for _, d in kernel.trail]
    assert types.index("hello") < types.index("environment")


def test_a_recreated_helper_takes_over_the_hooks_and_wrappers(tmp_path):
    k = TrailKernel(tmp_path)
    try:
        k.inject()
        k.open_comm()
        k.run("import pandas as pd, pyarrow.parquet as pq\npd.DataFrame({'a': [1]}).to_parquet('before.parquet')")
        k.run("import sys; del sys.modules['trail']")
        k.inject()  # a new module object: its state, the old audit hook and wrappers
        k.open_comm()
        msg_id = k.run("open('plain.txt', 'w').write('p'); pq.read_table('before.parquet')")
        final = k.wait_for(lambda d: d["type"] == "capture" and d["msgId"] == msg_id and d["final"], 30, "capture")
        paths = sorted((e["path"], e["access"]) for e in final["capture"]["files"])
        assert paths == [("before.parquet", "read"), ("plain.txt", "write")]
        assert k.value("sum(1 for f in __import__('sys').meta_path if getattr(f, '__trail_finder__', False))") == 1
        hooks = k.value(
            "[len([f for f in get_ipython().events.callbacks[e] if getattr(f, '__trail_hook__', False)])"
            " for e in ('pre_run_cell', 'post_run_cell')]"
        )
        assert hooks == [1, 1]
    finally:
        k.close()
