"""EnvironmentSnapshot messages: at start and after packages change."""

import base64
import hashlib
import importlib.metadata
import json
import platform
import subprocess
import sys
import textwrap
import zipfile

from conftest import CANARY_VALUE


def start_environment(kernel):
    return kernel.wait_for(lambda d: d["type"] == "environment" and d["reason"] == "start", 60, "environment")["environment"]


def test_start_snapshot_contents(kernel):
    env = start_environment(kernel)
    assert env["language"]["name"] == "python"
    assert env["language"]["version"] == platform.python_version()
    assert env["language"]["implementation"] == platform.python_implementation()
    assert env["language"]["executable"]
    assert env["platform"]["system"] == platform.system()
    assert env["platform"]["cwd"] == str(kernel.cwd)
    assert env["platform"]["hostname"] == platform.node()
    assert env["cpu"]["count"] >= 1
    assert isinstance(env["gpus"], list)
    names = [p["name"] for p in env["packages"]]
    assert names == sorted(set(names))
    versions = {p["name"]: p["version"] for p in env["packages"]}
    assert versions["ipykernel"] == importlib.metadata.version("ipykernel")
    assert versions["jupyter-client"] == importlib.metadata.version("jupyter_client")
    assert env["conda"] is None  # a venv


def test_git_of_the_notebook_folder(kernel):
    git = start_environment(kernel)["git"]
    head = subprocess.run(["git", "-C", str(kernel.cwd), "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    assert git["commit"] == head
    assert git["branch"] == "main"
    assert git["dirty"] is True
    assert "+x = 2  # changed" in git["diff"] and "-x = 1" in git["diff"]
    assert git["diffTruncated"] is False


def test_no_environment_variable_value_is_ever_sent(kernel):
    start_environment(kernel)
    # the canary is really in the kernel's environment
    assert kernel.value("__import__('os').environ['TRAIL_TEST_CANARY']") == CANARY_VALUE
    kernel.run("import trail; trail.log_param('x', 1); open('canary-test.txt', 'w').write('c')")
    kernel.pump(0.3)
    assert kernel.trail
    for _, data in kernel.trail:
        assert CANARY_VALUE not in json.dumps(data)


def _wheel(folder, name="trail_canary_pkg", version="0.1"):
    """A minimal pure-Python wheel, built by hand (no network, no build tools)."""
    dist = "%s-%s.dist-info" % (name, version)
    files = {
        "%s/__init__.py" % name: "VALUE = 1\n",
        "%s/METADATA" % dist: "Metadata-Version: 2.1\nName: %s\nVersion: %s\n" % (name.replace("_", "-"), version),
        "%s/WHEEL" % dist: "Wheel-Version: 1.0\nGenerator: trail-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    record = []
    for path, text in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=").decode()
        record.append("%s,sha256=%s,%d" % (path, digest, len(text.encode())))
    record.append("%s/RECORD,," % dist)
    files["%s/RECORD" % dist] = "\n".join(record) + "\n"
    wheel = folder / ("%s-%s-py3-none-any.whl" % (name, version))
    with zipfile.ZipFile(wheel, "w") as z:
        for path, text in files.items():
            z.writestr(path, text)
    return wheel


def test_pip_install_mid_session_sends_packages_changed(kernel, tmp_path):
    start_environment(kernel)
    target = tmp_path / "extra" / "site-packages"
    target.mkdir(parents=True)
    wheel = _wheel(tmp_path)
    # A site-packages folder of our own on sys.path: the test never touches the shared venv.
    kernel.run("import sys; sys.path.append(%r)" % str(target))
    quiet = kernel.run("y = 2")
    install = kernel.run(
        "%%pip install --quiet --no-index --no-deps --disable-pip-version-check --target %s %s" % (target, wheel)
    )
    changed = kernel.wait_for(lambda d: d["type"] == "environment" and d["reason"] == "packages-changed", 60, "packages-changed")
    assert changed["msgId"] == install
    versions = {p["name"]: p["version"] for p in changed["environment"]["packages"]}
    assert versions["trail-canary-pkg"] == "0.1"
    kernel.wait_idle_helper()
    changes = [d for _, d in kernel.trail if d["type"] == "environment" and d["reason"] == "packages-changed"]
    assert len(changes) == 1  # the sys.path change and the quiet cell changed no distribution
    assert quiet != install

    remove = kernel.run("import shutil, glob\nfor p in glob.glob(%r): shutil.rmtree(p)" % (str(target) + "/trail_canary_pkg*"))
    gone = kernel.wait_for(lambda d: d["type"] == "environment" and d["msgId"] == remove, 60, "uninstall")
    assert "trail-canary-pkg" not in {p["name"] for p in gone["environment"]["packages"]}


def test_a_kernel_outside_any_git_repository(tmp_path):
    from conftest import TrailKernel

    if subprocess.run(["git", "-C", str(tmp_path), "rev-parse"], capture_output=True).returncode == 0:
        return  # the temp folder sits inside a repository on this machine
    k = TrailKernel(tmp_path)
    try:
        k.inject()
        k.open_comm()
        env = start_environment(k)
        assert env["git"] is None
    finally:
        k.close()


def test_the_helper_never_needs_more_than_the_standard_library():
    code = textwrap.dedent(
        """
        import sys
        before = set(sys.modules)
        import types
        m = types.ModuleType("trail")
        exec(compile(sys.stdin.read(), "<trail>", "exec"), m.__dict__)
        third_party = {n.split(".")[0] for n in set(sys.modules) - before} - set(sys.stdlib_module_names)
        print(sorted(third_party))
        """
    )
    source = __import__("jupyterlab_trail.kernel", fromlist=["helper_source"]).helper_source()
    out = subprocess.run(
        [sys.executable, "-c", code], input=source, capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
