"""The Jupyter server side of Trail: configuration for the browser and the
embedded local Trail server.

Configuration comes, in order, from:

1. ``TRAIL_URL`` and ``TRAIL_TOKEN`` (or ``TRAIL_TOKEN_FILE``, a file holding
   it) in the environment (a team server; set them in the JupyterHub
   spawner's environment, for example);
2. otherwise the embedded local server, started here on loopback with its
   data in ``TRAIL_DATA_DIR`` (default ``<jupyter data dir>/trail``) and a
   token generated once into that folder.

The browser's own Trail settings (server URL and token), when not empty,
take precedence over both.
"""

from __future__ import annotations

import json
import os

import tornado.web
from jupyter_server.base.handlers import APIHandler
from jupyter_server.utils import url_path_join

from .embedded import EmbeddedTrailServer, default_data_dir
from .verify_handler import TrailVerifyHandler


class TrailConfigHandler(APIHandler):
    """``GET /trail/config``: where this user's recorder sends its events."""

    def initialize(self, provider):
        self._provider = provider

    @tornado.web.authenticated
    async def get(self):
        self.finish(json.dumps(await self._provider.config()))


def _token_from_environment(log) -> tuple[str, str]:
    """``TRAIL_TOKEN``, else the content of the file ``TRAIL_TOKEN_FILE``
    names (a mounted secret, for example); with where it came from."""
    token = os.environ.get("TRAIL_TOKEN", "").strip()
    if token:
        return token, "TRAIL_TOKEN"
    path = os.environ.get("TRAIL_TOKEN_FILE", "").strip()
    if path:
        try:
            with open(os.path.expanduser(path), encoding="utf-8") as f:
                return f.read().strip(), f"TRAIL_TOKEN_FILE {path}"
        except OSError as err:
            log.error("Trail: cannot read TRAIL_TOKEN_FILE %s: %s", path, err)
    return "", ""


class TrailConfigProvider:
    def __init__(self, server_app):
        self._log = server_app.log
        self._embedded: EmbeddedTrailServer | None = None
        url = os.environ.get("TRAIL_URL", "").strip()
        if url:
            token, token_source = _token_from_environment(self._log)
            self._static = {
                "url": url.rstrip("/"),
                "token": token,
                "source": "environment",
            }
            # Say where executions go: nothing else in the log shows it.
            if token:
                self._log.info(
                    "Trail: recording to the Trail server %s (TRAIL_URL), token from %s",
                    self._static["url"],
                    token_source,
                )
            else:
                self._log.warning(
                    "Trail: recording to the Trail server %s (TRAIL_URL) without a token: "
                    "set TRAIL_TOKEN or TRAIL_TOKEN_FILE; the server will refuse the events",
                    self._static["url"],
                )
        else:
            self._static = None
            data_dir = os.environ.get("TRAIL_DATA_DIR") or default_data_dir()
            self._embedded = EmbeddedTrailServer(data_dir, log=self._log)
            self._log.info(
                "Trail: recording to the local Trail server (no TRAIL_URL), data in %s",
                self._embedded.data_dir,
            )

    async def config(self):
        if self._static is not None:
            return self._static
        assert self._embedded is not None
        try:
            url, token = await self._embedded.ensure_running()
        except Exception as err:  # reported to the browser, never raised
            self._log.error("Trail: the local Trail server did not start: %s", err)
            return {"url": "", "token": "", "source": "embedded", "error": str(err)}
        return {
            "url": url,
            "token": token,
            "source": "embedded",
            "dataDir": self._embedded.data_dir,
        }

    def start(self):
        if self._embedded is not None:
            self._embedded.start_in_background()

    def stop(self):
        if self._embedded is not None:
            self._embedded.stop()


def load(server_app):
    provider = TrailConfigProvider(server_app)
    web_app = server_app.web_app
    base_url = web_app.settings["base_url"]
    web_app.add_handlers(
        ".*$",
        [
            (url_path_join(base_url, "trail", "config"), TrailConfigHandler, {"provider": provider}),
            (
                url_path_join(base_url, "trail", "verify"),
                TrailVerifyHandler,
                {"root_dir": server_app.root_dir, "provider": provider},
            ),
        ],
    )
    provider.start()
    # Stop the child server with Jupyter.
    import atexit

    atexit.register(provider.stop)
    server_app.log.info("Trail server extension loaded")
