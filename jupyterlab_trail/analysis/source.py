"""Helpers over source text shared by the analysis modules: lines as the
parser counts them, and ``ast`` positions (UTF-8 byte columns) turned into
string offsets."""

import io


def split_lines(text):
    """The lines of ``text`` with their ends, split where the parser splits
    (``\\n``, ``\\r\\n``, ``\\r``; not on form feeds or other separators that
    ``str.splitlines`` honours)."""
    return io.StringIO(text, newline="").readlines()


def line_offsets(lines):
    """The string offset where each line starts (index 0 is line 1)."""
    offsets = []
    total = 0
    for line in lines:
        offsets.append(total)
        total += len(line)
    return offsets


def char_column(line, byte_column):
    """The string column of a UTF-8 byte column of ``line`` (ast's unit)."""
    return len(line.encode("utf-8")[:byte_column].decode("utf-8", "replace"))


def node_span(lines, offsets, node):
    """The string offsets ``(start, end)`` of ``node`` in the text ``lines``
    were split from."""
    start_line = lines[node.lineno - 1]
    end_line = lines[node.end_lineno - 1]
    start = offsets[node.lineno - 1] + char_column(start_line, node.col_offset)
    end = offsets[node.end_lineno - 1] + char_column(end_line, node.end_col_offset)
    return start, end


def indentation(line):
    """The leading whitespace of ``line``."""
    return line[: len(line) - len(line.lstrip(" \t"))]
