"""Background work: one daemon thread per kind of job (hashes, environment)."""

import queue
import threading

from .state import _get_ident, _st
from .text import _report
from .comm import _flush_warnings


class _Worker:
    """One daemon thread running queued jobs; its opens are never recorded."""

    def __init__(self, name):
        self.name = name
        self.queue = queue.SimpleQueue()
        self.thread = None
        self.lock = threading.Lock()
        self.busy = 0

    def submit(self, fn, *args):
        with self.lock:
            self.busy += 1
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self._run, name=self.name, daemon=True)
                self.thread.start()
        self.queue.put((fn, args))

    def _run(self):
        _st.own_threads.add(_get_ident())
        while True:
            fn, args = self.queue.get()
            try:
                fn(*args)
            except BaseException as error:
                _report(self.name, error)
            finally:
                with self.lock:
                    self.busy -= 1
            try:
                _flush_warnings()
            except BaseException:
                pass


def _hasher():
    if _st.hasher is None:
        _st.hasher = _Worker("trail-hash")
    return _st.hasher


def _env_worker():
    if _st.envworker is None:
        _st.envworker = _Worker("trail-environment")
    return _st.envworker
