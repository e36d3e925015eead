"""The names the analysis knows: what every IPython namespace provides, the
calls that only show things, and the methods and functions that answer a new
object without changing their receiver. A heuristic by design: a method not
listed here is taken to change its receiver (``model.fit(X)``), which keeps
more steps in a pipeline, never fewer."""

import builtins

# Names every IPython namespace has; never a use of an earlier cell.
PROVIDED = set(dir(builtins)) | {"display", "get_ipython", "In", "Out", "exit", "quit", "_", "__", "___"}

# Calls that only show their arguments.
DISPLAY_FUNCTIONS = {"print", "display", "repr", "pprint"}
# Methods that show or read an object without changing it (a call with
# ``inplace=True`` changes it whatever the method).
SHOW_METHODS = {
    "head", "tail", "describe", "info", "show", "sample", "value_counts", "nunique", "unique",
    "isna", "isnull", "notna", "notnull", "sum", "mean", "median", "min", "max", "std", "var",
    "count", "corr", "memory_usage", "to_string", "summary",
}
READ_METHODS = SHOW_METHODS | {
    "copy", "get", "keys", "values", "items", "format", "join", "split", "strip", "lower",
    "upper", "startswith", "endswith", "exists", "isfile", "isdir", "to_numpy", "astype",
    "predict", "predict_proba", "decision_function", "score", "get_params", "read_csv",
    "read_parquet", "read_json", "read_excel", "read_table", "read_pickle", "array", "asarray",
    "zeros", "ones", "arange", "linspace", "concatenate", "concat", "merge", "DataFrame", "Series",
    # Methods and module functions of pandas, numpy and the standard library
    # that answer a new object (with inplace=True pandas changes the receiver,
    # see _changes_receiver); the random generators are not here: drawing
    # changes their state.
    "round", "sort_values", "sort_index", "reset_index", "set_index", "dropna", "fillna", "drop",
    "drop_duplicates", "rename", "query", "groupby", "agg", "aggregate", "pivot_table", "melt",
    "to_dict", "tolist", "to_list", "item", "reshape", "flatten", "ravel", "dot", "all", "any",
    "argmax", "argmin", "argsort", "cumsum", "cumprod", "diff", "pct_change", "rolling", "resample",
    "shift", "abs", "clip", "isin", "between", "nlargest", "nsmallest", "idxmax", "idxmin", "quantile",
    "select_dtypes", "get_dummies", "to_datetime", "to_numeric", "transpose", "prod", "replace",
    "where", "map", "apply", "corrwith", "cov", "unstack", "stack", "pivot", "crosstab", "cut", "qcut",
    "get_feature_names_out", "exp", "log", "sqrt", "sin", "cos", "tan", "floor", "ceil", "square",
    "stack", "vstack", "hstack", "column_stack", "unique", "where", "isclose", "allclose",
    "array_equal", "lstsq", "inv", "norm", "det", "eig", "svd", "now", "today", "perf_counter",
    "monotonic", "strftime", "isoformat", "dumps", "loads", "basename", "dirname", "splitext",
    "abspath", "relpath", "glob", "listdir", "getcwd", "getenv", "search", "match", "findall", "sub",
    "compile",
    # Trail's own logging API records, it does not change `trail`.
    "log_param", "log_params", "log_metric", "log_metrics", "dataset",
}
# Builtins that answer a value and change nothing.
PURE_BUILTINS = {
    "len", "sorted", "sum", "min", "max", "round", "abs", "list", "dict", "set", "tuple", "frozenset",
    "type", "isinstance", "issubclass", "hex", "oct", "bin", "id", "str", "int", "float", "bool",
    "repr", "format", "enumerate", "zip", "range", "reversed", "any", "all", "divmod", "pow", "hash",
    "chr", "ord", "ascii", "vars", "dir", "callable", "getattr", "hasattr",
}
