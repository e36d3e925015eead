"""The server extension names the JupyterLab versions Trail runs on when the
host is outside them (scripts/check-compat.sh checks the supported ones in
real environments)."""

import logging

import pytest

import jupyterlab_trail
from jupyterlab_trail import compat, extension


@pytest.mark.parametrize("version", ["4.1.8", "4.0.13", "3.6.8"])
def test_older_jupyterlab_is_named_with_the_supported_range(version):
    message = compat.unsupported_jupyterlab(version)
    assert message is not None
    assert f"JupyterLab {version}" in message
    assert "JupyterLab 4.2 or a later 4.x" in message
    assert "pip install 'jupyterlab>=4.2,<5'" in message


@pytest.mark.parametrize("version", ["4.2.0", "4.2.7", "4.4.10", "4.6.6", "4.7.0rc1", "4.12.3"])
def test_supported_jupyterlab_has_no_message(version):
    assert compat.unsupported_jupyterlab(version) is None


def test_next_major_is_flagged_as_unchecked():
    message = compat.unsupported_jupyterlab("5.0.0")
    assert message is not None and "JupyterLab 5.0.0" in message


def test_no_jupyterlab_no_message():
    # A plain Jupyter server: no panel to load, the Trail server still starts.
    assert compat.unsupported_jupyterlab(None) is None


def test_this_environment_is_supported():
    assert compat.installed_jupyterlab()
    assert compat.unsupported_jupyterlab(compat.installed_jupyterlab()) is None


def test_loading_the_server_extension_logs_the_warning(monkeypatch, caplog):
    class App:
        log = logging.getLogger("test-trail-compat")

    loaded = []
    monkeypatch.setattr(compat, "installed_jupyterlab", lambda: "4.1.8")
    monkeypatch.setattr(extension, "load", lambda app: loaded.append(app))
    app = App()
    with caplog.at_level(logging.WARNING, logger="test-trail-compat"):
        jupyterlab_trail._load_jupyter_server_extension(app)
    # Still loaded: the Trail server is useful to other clients even if the
    # panel cannot show.
    assert loaded == [app]
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("this server runs JupyterLab 4.1.8" in w for w in warnings), warnings
