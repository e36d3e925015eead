"""Light table schemas of CSV, TSV and Parquet files.

A CSV/TSV schema is inferred from a bounded sample; a Parquet one is read from
the footer, only with the pyarrow the user's code already imported.
"""

import sys

from .limits import MAX_COLUMN_NAME_LENGTH, MAX_COLUMN_TYPE_LENGTH, MAX_TABLE_COLUMNS
from .text import _clip

_SAMPLE_BYTES = 65536  # CSV/TSV bytes read to infer a schema
_SAMPLE_ROWS = 1000
_TABULAR = (
    (".csv", "csv"),
    (".csv.gz", "csv"),
    (".tsv", "tsv"),
    (".tsv.gz", "tsv"),
    (".tab", "tsv"),
    (".parquet", "parquet"),
    (".pq", "parquet"),
)


def _tabular_format(path):
    lower = path.lower()
    for suffix, fmt in _TABULAR:
        if lower.endswith(suffix):
            return fmt
    return None


def _table_schema(path, fmt):
    try:
        if fmt == "parquet":
            return _parquet_schema(path)
        return _csv_schema(path, "\t" if fmt == "tsv" else None, fmt)
    except Exception:
        return None


def _parquet_schema(path):
    pq = sys.modules.get("pyarrow.parquet")
    if pq is None:
        return None  # only with the pyarrow the user already imported
    read_metadata = getattr(pq.read_metadata, "__wrapped__", pq.read_metadata)
    meta = read_metadata(path)
    schema = meta.schema.to_arrow_schema()
    columns = [{"name": _clip(f.name, MAX_COLUMN_NAME_LENGTH), "type": _arrow_type(f.type)} for f in schema]
    return {"format": "parquet", "columns": columns[:MAX_TABLE_COLUMNS], "rows": int(meta.num_rows)}


def _arrow_type(t):
    import pyarrow.types as pt

    if pt.is_dictionary(t):
        return _arrow_type(t.value_type)
    if pt.is_boolean(t):
        return "bool"
    if pt.is_integer(t):
        return str(t)
    if pt.is_floating(t):
        return {16: "float16", 32: "float32"}.get(t.bit_width, "float64")
    checks = (
        ("is_string", "string"),
        ("is_large_string", "string"),
        ("is_string_view", "string"),
        ("is_binary", "binary"),
        ("is_large_binary", "binary"),
        ("is_fixed_size_binary", "binary"),
        ("is_binary_view", "binary"),
        ("is_timestamp", "datetime"),
        ("is_date", "date"),
        ("is_time", "time"),
        ("is_duration", "duration"),
        ("is_decimal", "decimal"),
        ("is_list", "list"),
        ("is_large_list", "list"),
        ("is_fixed_size_list", "list"),
        ("is_list_view", "list"),
        ("is_struct", "struct"),
        ("is_map", "map"),
        ("is_null", "null"),
    )
    for name, result in checks:
        check = getattr(pt, name, None)
        if check is not None and check(t):
            return result
    return _clip(str(t), MAX_COLUMN_TYPE_LENGTH)


def _read_sample(path):
    if path.lower().endswith(".gz"):
        import gzip

        with gzip.open(path, "rb") as f:
            data = f.read(_SAMPLE_BYTES + 1)
    else:
        with open(path, "rb") as f:
            data = f.read(_SAMPLE_BYTES + 1)
    if len(data) > _SAMPLE_BYTES:
        data = data[:_SAMPLE_BYTES]
        cut = data.rfind(b"\n")
        if cut > 0:
            data = data[:cut]
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    return data.decode("utf-8", "replace")


def _csv_schema(path, delimiter, fmt):
    import csv

    text = _read_sample(path)
    if not text.strip():
        return None
    if delimiter is None:
        first = text.split("\n", 1)[0]
        delimiter = ","
        if first.count(",") == 0:
            best = max((";", "\t", "|"), key=first.count)
            if first.count(best):
                delimiter = best
    reader = csv.reader(text.splitlines(), delimiter=delimiter)
    header = next(reader, None)
    if not header:
        return None
    values = [[] for _ in header]
    for n, row in enumerate(reader):
        if n >= _SAMPLE_ROWS:
            break
        for i in range(min(len(row), len(header))):
            if row[i] != "":
                values[i].append(row[i])
    columns = [
        {"name": _clip(name, MAX_COLUMN_NAME_LENGTH), "type": _infer_type(vals)} for name, vals in zip(header, values)
    ]
    return {"format": fmt, "columns": columns[:MAX_TABLE_COLUMNS], "rows": None}


def _infer_type(values):
    if not values:
        return "null"
    for name, check in _CSV_TYPES:
        try:
            if all(check(v) for v in values):
                return name
        except Exception:
            continue
    return "string"


def _is_int(v):
    v = v.strip()
    if v[:1] in "+-":
        v = v[1:]
    return v.isdigit() and v.isascii()


def _is_float(v):
    float(v)
    return True


def _is_bool(v):
    return v.strip().lower() in ("true", "false")


def _is_datetime(v):
    from datetime import datetime

    v = v.strip()
    if len(v) < 8 or not v[:4].isdigit():
        return False
    datetime.fromisoformat(v[:-1] + "+00:00" if v.endswith("Z") else v)
    return True


_CSV_TYPES = (("int64", _is_int), ("float64", _is_float), ("bool", _is_bool), ("datetime", _is_datetime))
