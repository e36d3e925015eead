"""JupyterLab server configuration for Trail's galata tests.

The Trail server the tests use is started by the tests themselves (see
tests/fixtures.ts) on a fixed loopback port, so that a test can stop and
restart it; JupyterLab is pointed at it through the environment, the same
mechanism a team deployment uses.
"""
import os
import tempfile

from jupyterlab.galata import configure_jupyter_server

configure_jupyter_server(c)  # noqa: F821

c.ServerApp.allow_root = True  # noqa: F821
c.LabApp.extension_manager = "readonly"  # noqa: F821 - the default one queries the internet
# A fresh notebook folder for every run.
c.ServerApp.root_dir = tempfile.mkdtemp(prefix="trail-galata-")  # noqa: F821

os.environ.setdefault("TRAIL_URL", "http://127.0.0.1:8765")
os.environ.setdefault("TRAIL_TOKEN", "trail-ui-test-token")
# The tests install a bash kernel too: Python stays the default.
c.MultiKernelManager.default_kernel_name = "python3"  # noqa: F821
