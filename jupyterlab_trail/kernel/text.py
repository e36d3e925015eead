"""Small helpers: timestamps, text that fits a record, and queued warnings."""

import time

from .state import _st


def _iso_ns(ns):
    """ISO-8601 UTC with milliseconds and Z, from nanoseconds since the epoch."""
    sec, frac = divmod(int(ns), 1000000000)
    t = time.gmtime(sec)
    return "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ" % (
        t.tm_year,
        t.tm_mon,
        t.tm_mday,
        t.tm_hour,
        t.tm_min,
        t.tm_sec,
        frac // 1000000,
    )


def _now_iso():
    return _iso_ns(time.time_ns())


def _clip(text, limit):
    """text as a str of at most limit characters that UTF-8 can encode.

    Lone surrogates (a non-UTF-8 file name, say) would make the whole comm
    message unserializable; they become U+FFFD.
    """
    text = str(text)
    if len(text) > limit:
        text = text[:limit]
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = "".join("\ufffd" if "\ud800" <= c <= "\udfff" else c for c in text)
    return text


def _report(where, error):
    """Queue one warning per kind of failure; sent from a safe point.

    Never sends directly: this may run inside the audit hook, on any thread.
    """
    try:
        if where in _st.warned:
            return
        _st.warned.add(where)
        if isinstance(error, BaseException):
            detail = "%s: %s" % (type(error).__name__, error)
        else:
            detail = str(error)
        _st.stats["warnings"] += 1
        if len(_st.pending_warnings) < 20:
            _st.pending_warnings.append(_clip("Trail kernel helper (%s): %s" % (where, detail), 2000))
    except BaseException:
        pass
