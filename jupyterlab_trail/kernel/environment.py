"""The environment snapshot: interpreter, platform, packages, hardware and git.

Taken in the background at start and again when an install or uninstall
changed the site-packages folders (PROTOCOL.md section 2).
"""

import os
import platform
import subprocess
import sys
import threading

from .limits import (
    MAX_CONDA_NAME_LENGTH,
    MAX_CONDA_PREFIX_LENGTH,
    MAX_CPU_MODEL_LENGTH,
    MAX_CWD_LENGTH,
    MAX_EXECUTABLE_LENGTH,
    MAX_GIT_BRANCH_LENGTH,
    MAX_GIT_COMMIT_LENGTH,
    MAX_GPUS,
    MAX_GPU_DRIVER_LENGTH,
    MAX_GPU_NAME_LENGTH,
    MAX_HOSTNAME_LENGTH,
    MAX_MACHINE_LENGTH,
    MAX_PACKAGE_NAME_LENGTH,
    MAX_PACKAGE_VERSION_LENGTH,
    MAX_PLATFORM_LENGTH,
    MAX_RELEASE_LENGTH,
)
from .state import _perf_ns, _st
from .text import _clip, _now_iso, _report
from .comm import _send
from .workers import _env_worker

_DIFF_MAX = 256 * 1024
_SUBPROCESS_TIMEOUT = 10


def _run(args, cwd=None, limit=None):
    """stdout of a command (bytes, at most limit + 1), or None on failure."""
    try:
        proc = subprocess.Popen(
            args,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
    except Exception:
        return None
    timer = threading.Timer(_SUBPROCESS_TIMEOUT, proc.kill)
    timer.daemon = True
    timer.start()
    try:
        if limit is None:
            out = proc.stdout.read()
        else:
            out = proc.stdout.read(limit + 1)
            if len(out) > limit:
                proc.kill()
        proc.stdout.close()
        code = proc.wait()
    finally:
        timer.cancel()
    if limit is not None and len(out) > limit:
        return out
    return out if code == 0 else None


def _git_info(folder):
    import shutil

    git = shutil.which("git")
    if git is None:
        return None
    base = [git, "--no-optional-locks", "-C", folder]
    inside = _run(base + ["rev-parse", "--is-inside-work-tree"])
    if inside is None or inside.strip() != b"true":
        return None
    commit = _run(base + ["rev-parse", "--verify", "-q", "HEAD"])
    branch = _run(base + ["symbolic-ref", "--quiet", "--short", "HEAD"])
    status = _run(base + ["status", "--porcelain", "--untracked-files=no"])
    info = {
        "commit": _clip(commit.decode("ascii", "replace").strip(), MAX_GIT_COMMIT_LENGTH) if commit else None,
        "branch": _clip(branch.decode("utf-8", "replace").strip(), MAX_GIT_BRANCH_LENGTH) if branch else None,
        "dirty": bool(status and status.strip()),
    }
    if commit:
        diff = _run(base + ["diff", "HEAD", "--no-color", "--no-ext-diff"], limit=_DIFF_MAX)
        if diff is not None:
            truncated = len(diff) > _DIFF_MAX
            info["diff"] = diff[:_DIFF_MAX].decode("utf-8", "replace")
            info["diffTruncated"] = truncated
    return info


def _gpus():
    import shutil

    smi = shutil.which("nvidia-smi")
    if smi is None:
        return []
    out = _run([smi, "--query-gpu=name,memory.total,driver_version", "--format=csv,noheader,nounits"])
    gpus = []
    for line in (out or b"").decode("utf-8", "replace").splitlines():
        parts = [p.strip() for p in line.split(",")]
        if not parts or not parts[0]:
            continue
        memory = None
        if len(parts) > 1:
            try:
                memory = int(float(parts[1]))
            except ValueError:
                memory = None
        gpus.append(
            {
                "name": _clip(parts[0], MAX_GPU_NAME_LENGTH),
                "memoryMiB": memory,
                "driver": _clip(parts[2], MAX_GPU_DRIVER_LENGTH) if len(parts) > 2 and parts[2] else None,
            }
        )
    return gpus[:MAX_GPUS]


def _cpu():
    model = None
    try:
        with open("/proc/cpuinfo", "rb") as f:
            for line in f.read(1 << 20).decode("utf-8", "replace").splitlines():
                if line.startswith("model name") and ":" in line:
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    if not model:
        model = platform.processor() or None
    cpu = {"count": os.cpu_count() or 0}
    if model:
        cpu["model"] = _clip(model, MAX_CPU_MODEL_LENGTH)
    return cpu


def _normalize_name(name):
    out = []
    dash = False
    for ch in name.lower():
        if ch in "-_.":
            if not dash:
                out.append("-")
            dash = True
        else:
            out.append(ch)
            dash = False
    return "".join(out)


def _dist_name_version(dist):
    """Name and Version from the metadata header only (fast)."""
    text = None
    for filename in ("METADATA", "PKG-INFO"):
        try:
            text = dist.read_text(filename)
        except Exception:
            text = None
        if text:
            break
    name = version = None
    if text:
        for line in text.splitlines():
            if not line.strip():
                break
            if name is None and line.startswith("Name:"):
                name = line[5:].strip()
            elif version is None and line.startswith("Version:"):
                version = line[8:].strip()
            if name and version:
                break
    if not name or not version:
        try:
            name = name or dist.metadata["Name"]
            version = version or dist.version
        except Exception:
            pass
    return name, version


def _packages():
    import importlib
    import importlib.metadata

    importlib.invalidate_caches()
    seen = {}
    for dist in importlib.metadata.distributions():
        name, version = _dist_name_version(dist)
        if not name or not version:
            continue
        key = _normalize_name(name)
        if key not in seen:  # the first on sys.path is the one imported
            seen[key] = version
    return [
        {"name": _clip(n, MAX_PACKAGE_NAME_LENGTH), "version": _clip(v, MAX_PACKAGE_VERSION_LENGTH)}
        for n, v in sorted(seen.items())
    ]


def _conda():
    prefix = sys.prefix
    if not os.path.isdir(os.path.join(prefix, "conda-meta")):
        return None
    # Only these two variables are read, and only their names are used.
    active_prefix = os.environ.get("CONDA_PREFIX")
    name = None
    if active_prefix and os.path.realpath(active_prefix) == os.path.realpath(prefix):
        name = os.environ.get("CONDA_DEFAULT_ENV")
    name = _clip(name or os.path.basename(prefix.rstrip(os.sep)) or "base", MAX_CONDA_NAME_LENGTH)
    return {"name": name, "prefix": _clip(prefix, MAX_CONDA_PREFIX_LENGTH)}


def _environment():
    """An EnvironmentSnapshot (schema/records/environment.schema.json)."""
    impl = sys.implementation.name
    env = {
        "capturedAt": _now_iso(),
        "language": {
            "name": "python",
            "version": platform.python_version(),
            "implementation": platform.python_implementation() or impl,
            "executable": _clip(sys.executable or "", MAX_EXECUTABLE_LENGTH),
        },
        "platform": {
            "system": platform.system() or sys.platform,
            "release": _clip(platform.release(), MAX_RELEASE_LENGTH),
            "machine": _clip(platform.machine(), MAX_MACHINE_LENGTH),
            "platform": _clip(platform.platform(), MAX_PLATFORM_LENGTH),
            "hostname": _clip(platform.node(), MAX_HOSTNAME_LENGTH),
            "cwd": _clip(_st.nbdir, MAX_CWD_LENGTH),
        },
        "packages": [],
    }
    parts = (
        ("cpu", _cpu),
        ("gpus", _gpus),
        ("packages", _packages),
        ("conda", _conda),
        ("git", lambda: _git_info(_st.nbdir)),
    )
    for key, fn in parts:
        try:
            env[key] = fn()
        except Exception as error:
            _report("environment " + key, error)
    _st.stats["environmentSnapshots"] += 1
    return env


def _snapshot_environment(reason, msg_id):
    t0 = _perf_ns()
    env = _environment()
    _st.env_ms.append((_perf_ns() - t0) / 1e6)
    packages = env.get("packages")
    with _st.lock:
        changed = packages != _st.env_packages
        first = _st.env is None
        _st.env = env
        _st.env_packages = packages
        if first:
            for entry in _st.comms.values():
                entry[1] = True
            comms = [entry[0] for entry in _st.comms.values()]
    if first:
        _send({"type": "environment", "reason": "start", "msgId": None, "environment": env}, comms)
        _st.stats["environmentsSent"] += 1
    elif reason == "packages-changed" and changed:
        with _st.lock:
            for entry in _st.comms.values():
                entry[1] = True
        _send({"type": "environment", "reason": reason, "msgId": msg_id, "environment": env})
        _st.stats["environmentsSent"] += 1


def _package_dirs(path):
    dirs = []
    try:
        import site

        sites = set(site.getsitepackages())
    except Exception:
        sites = set()
    for entry in path:
        if not isinstance(entry, str) or not entry:
            continue
        if "site-packages" in entry or "dist-packages" in entry or entry in sites:
            if os.path.isdir(entry):
                dirs.append(entry)
    return tuple(dirs)


def _package_signature():
    """mtimes of the site-packages folders on sys.path: an install or an
    uninstall adds or removes a *.dist-info folder there."""
    path = tuple(sys.path)
    if path != _st.pkg_path:
        _st.pkg_path = path
        _st.pkg_dirs = _package_dirs(path)
    mtimes = []
    for folder in _st.pkg_dirs:
        try:
            mtimes.append(os.stat(folder).st_mtime_ns)
        except OSError:
            mtimes.append(None)
    return (_st.pkg_dirs, tuple(mtimes))


def _check_packages(msg_id):
    sig = _package_signature()
    if sig == _st.pkg_sig:
        return
    _st.pkg_sig = sig
    if msg_id is None and _st.kernel is not None:
        header = _st.kernel.get_parent().get("header") or {}
        msg_id = header.get("msg_id") or None
    _env_worker().submit(_snapshot_environment, "packages-changed", msg_id)
