"""A real ipykernel driven through jupyter_client, with the Trail helper injected
the way the browser does it (PROTOCOL.md): a silent execute of
``bootstrap_code(config)``, then a ``comm_open`` to ``jupyterlab_trail``.

Every Trail comm message a test receives is checked against the record
schemas on the way in (``TrailKernel.trail``).
"""

import json
import os
import queue
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from jsonschema import Draft7Validator
from referencing import Registry, Resource

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from jupyterlab_trail.kernel import bootstrap_code  # noqa: E402

CANARY_VALUE = "trail-canary-7f3e9c2a5d"
RECORDING = {"recording": True, "skipCells": []}


def _envelope_schemas():
    records = ROOT / "schema" / "records"
    resources = []
    for name in ("capture.schema.json", "environment.schema.json"):
        doc = json.loads((records / name).read_text())
        resources.append((doc["$id"], Resource.from_contents(doc)))
    registry = Registry().with_resources(resources)
    base = "https://trail.dev/schema/records/"
    nullable_str = {"type": ["string", "null"]}
    common = {"trail": {"const": 1}}
    envelopes = {
        "hello": {
            "required": ["trail", "type", "version", "pid"],
            "properties": {**common, "type": {"const": "hello"}, "version": {"type": "string"}, "pid": {"type": "integer"}},
        },
        "capture": {
            "required": ["trail", "type", "msgId", "cellId", "capture", "final"],
            "properties": {
                **common,
                "type": {"const": "capture"},
                "msgId": {"type": "string", "minLength": 1},
                "cellId": nullable_str,
                "capture": {"$ref": base + "capture.schema.json"},
                "final": {"type": "boolean"},
            },
        },
        "environment": {
            "required": ["trail", "type", "reason", "msgId", "environment"],
            "properties": {
                **common,
                "type": {"const": "environment"},
                "reason": {"enum": ["start", "packages-changed"]},
                "msgId": nullable_str,
                "environment": {"$ref": base + "environment.schema.json"},
            },
        },
        "warning": {
            "required": ["trail", "type", "message"],
            "properties": {**common, "type": {"const": "warning"}, "message": {"type": "string"}},
        },
    }
    validators = {}
    for kind, schema in envelopes.items():
        schema = {"$schema": "http://json-schema.org/draft-07/schema#", "type": "object", "additionalProperties": False, **schema}
        validators[kind] = Draft7Validator(schema, registry=registry, format_checker=Draft7Validator.FORMAT_CHECKER)
    return validators


VALIDATORS = _envelope_schemas()


def validate_trail_message(data):
    """Raise if a Trail comm message does not match PROTOCOL.md and the schemas."""
    assert isinstance(data, dict) and data.get("type") in VALIDATORS, data
    errors = sorted(VALIDATORS[data["type"]].iter_errors(data), key=lambda e: list(e.path))
    assert not errors, "\n".join("%s: %s" % (list(e.path), e.message) for e in errors[:5])


class TrailKernel:
    """A started kernel, its client, and every iopub message seen so far."""

    def __init__(self, cwd, env=None):
        from jupyter_client import KernelManager

        self.cwd = Path(cwd)
        self.km = KernelManager(kernel_name="python3")
        kernel_env = dict(os.environ)
        kernel_env.update(env or {})
        self.km.start_kernel(cwd=str(cwd), env=kernel_env)
        self.kc = self.km.client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=60)
        self.iopub = []  # every iopub message, in order
        self.trail = []  # (iopub message, data) of Trail comm messages
        self.comm_id = None

    def close(self):
        try:
            self.kc.stop_channels()
        finally:
            self.km.shutdown_kernel(now=True)

    # -- messages

    def _take(self, timeout):
        try:
            msg = self.kc.get_iopub_msg(timeout=timeout)
        except queue.Empty:
            return None
        self.iopub.append(msg)
        if msg["msg_type"] == "comm_msg" and msg["content"].get("comm_id") == self.comm_id:
            data = msg["content"]["data"]
            validate_trail_message(data)
            self.trail.append((msg, data))
        return msg

    def pump(self, seconds=0.2):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self._take(0.05)

    def wait_for(self, predicate, timeout=30, what="message"):
        """The first Trail message data (seen before or after now) matching predicate."""
        end = time.monotonic() + timeout
        seen = 0
        while True:
            for _, data in self.trail[seen:]:
                if predicate(data):
                    return data
            seen = len(self.trail)
            if time.monotonic() > end:
                raise AssertionError("timed out waiting for %s; got %s" % (what, [d.get("type") for _, d in self.trail]))
            self._take(0.1)

    def messages_for(self, msg_id):
        return [m for m in self.iopub if m["parent_header"].get("msg_id") == msg_id]

    def captures(self, msg_id):
        return [d for _, d in self.trail if d["type"] == "capture" and d["msgId"] == msg_id]

    # -- requests

    def execute(self, code, silent=False, store_history=None, cell_id=None, timeout=120):
        """Run code; return (msg_id, execute_reply content) once the kernel is idle."""
        if store_history is None:
            store_history = not silent
        content = {
            "code": code,
            "silent": silent,
            "store_history": store_history,
            "user_expressions": {},
            "allow_stdin": False,
            "stop_on_error": False,
        }
        msg = self.kc.session.msg("execute_request", content)
        if cell_id is not None:
            msg["metadata"]["cellId"] = cell_id
        self.kc.shell_channel.send(msg)
        msg_id = msg["header"]["msg_id"]
        reply = None
        deadline = time.monotonic() + timeout
        while reply is None:
            try:
                shell = self.kc.get_shell_msg(timeout=1)
            except queue.Empty:
                shell = None
            if shell is not None and shell["parent_header"].get("msg_id") == msg_id:
                reply = shell["content"]
            if time.monotonic() > deadline:
                raise AssertionError("no execute_reply for %r" % code)
        # iopub: wait for this request's idle status
        while True:
            if any(
                m["msg_type"] == "status" and m["content"]["execution_state"] == "idle"
                for m in self.messages_for(msg_id)
            ):
                break
            if time.monotonic() > deadline:
                raise AssertionError("no idle status for %r" % code)
            self._take(0.5)
        return msg_id, reply

    def run(self, code, cell_id=None):
        """Run a cell that must succeed; return its msg_id."""
        msg_id, reply = self.execute(code, cell_id=cell_id)
        assert reply["status"] == "ok", (reply.get("ename"), reply.get("evalue"), reply.get("traceback"))
        return msg_id

    def value(self, expression):
        """The value of a JSON-able expression, via user_expressions (no execution count).

        Passed as JSON: IPython's repr shortens long lists with "...".
        """
        wrapped = "__import__('json').dumps(%s)" % expression
        msg = self.kc.session.msg(
            "execute_request",
            {"code": "", "silent": True, "store_history": False, "user_expressions": {"v": wrapped}},
        )
        self.kc.shell_channel.send(msg)
        while True:
            shell = self.kc.get_shell_msg(timeout=30)
            if shell["parent_header"].get("msg_id") == msg["header"]["msg_id"]:
                break
        result = shell["content"]["user_expressions"]["v"]
        assert result["status"] == "ok", result
        return json.loads(eval(result["data"]["text/plain"]))  # noqa: S307 - the repr of a str

    def inject(self, config=RECORDING):
        msg_id, reply = self.execute(bootstrap_code(config), silent=True)
        assert reply["status"] == "ok", reply
        return msg_id, reply

    def open_comm(self, config=RECORDING):
        self.comm_id = uuid.uuid4().hex
        msg = self.kc.session.msg(
            "comm_open", {"comm_id": self.comm_id, "target_name": "jupyterlab_trail", "data": config}
        )
        self.kc.shell_channel.send(msg)
        return self.wait_for(lambda d: d["type"] == "hello", what="hello")

    def send_config(self, **config):
        msg = self.kc.session.msg(
            "comm_msg", {"comm_id": self.comm_id, "data": dict(config, type="config")}
        )
        self.kc.shell_channel.send(msg)
        # comm messages are handled in order on the shell channel: a no-op
        # execution after it guarantees the config is applied.
        self.execute("", silent=True)

    def stats(self):
        return self.value("__import__('trail')._stats()")

    def wait_idle_helper(self, timeout=60):
        """Wait until the helper's background threads have nothing queued."""
        end = time.monotonic() + timeout
        while self.stats()["busy"]:
            assert time.monotonic() < end, "helper still busy"
            time.sleep(0.05)
        self.pump(0.3)


def make_repo(folder):
    """A git repository with one commit and one tracked, modified file."""
    git = ["git", "-c", "user.name=Trail Test", "-c", "user.email=trail@example.invalid", "-C", str(folder)]
    subprocess.run(git + ["init", "-q", "-b", "main"], check=True)
    (folder / "analysis.py").write_text("x = 1\n")
    subprocess.run(git + ["add", "analysis.py"], check=True)
    subprocess.run(git + ["commit", "-q", "-m", "first"], check=True)
    (folder / "analysis.py").write_text("x = 2  # changed\n")


@pytest.fixture(scope="module")
def kernel(tmp_path_factory):
    """A kernel in a fresh folder (a dirty git repository) with Trail injected,
    a comm open and recording on."""
    folder = tmp_path_factory.mktemp("notebook")
    make_repo(folder)
    k = TrailKernel(folder, env={"TRAIL_TEST_CANARY": CANARY_VALUE})
    try:
        k.inject()
        k.open_comm()
        yield k
    finally:
        k.close()


@pytest.fixture
def recording(kernel):
    """The shared kernel with recording on and no skipped cells."""
    kernel.send_config(recording=True, skipCells=[], hashInlineBytes=1 << 20)
    return kernel
