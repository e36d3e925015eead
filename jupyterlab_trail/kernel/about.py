"""Trail's in-kernel helper: data versions, params, metrics and environment.

The browser injects this helper into IPython kernels (see PROTOCOL.md next to
it) and talks to it over the comm target ``jupyterlab_trail``. It only
observes: every hook body is wrapped, nothing is printed, and a failure becomes
at most one ``warning`` message per kind, never an exception in user code.

What it records for each recorded execution (the execute_request between
IPython's ``pre_run_cell`` and ``post_run_cell``):

* files opened (an audit hook on ``open``, plus wrappers for pyarrow readers and
  writers that bypass Python's ``open``), with size, mtime, sha256 and, for
  CSV/TSV/Parquet, a light table schema;
* what the user logs through this module: ``trail.log_param``,
  ``trail.log_metric``, ``trail.dataset``, ``trail.tag``.

Standard library only at import; pyarrow is used for Parquet schemas only when
the user's code has already imported it.

The helper is written as the modules of ``jupyterlab_trail/kernel`` and
injected as one source: ``modules.txt`` lists them in the order they are
joined, without their ``from .x import`` lines, into the single namespace of
the module ``trail``. The source must stay ASCII: the browser embeds it as a
JSON string and both sides must build the same injection code.
"""

# First in modules.txt, so this docstring is ``trail.__doc__``.

# The helper's version is the package's (package.json's "version"). Imported as
# a module it is jupyterlab_trail's; the injected source has no package, so the
# join (scripts/build-helper.mjs, helper_source()) replaces this line with
# ``__version__ = "<the version>"``.
from .. import __version__
