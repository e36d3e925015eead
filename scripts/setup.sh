#!/usr/bin/env bash
# Sets up everything Trail needs on a fresh machine (Python 3.11, Node 20):
# a virtualenv with JupyterLab, the JavaScript dependencies, the built
# extension and server, and the Python package installed in development
# mode.
#
# Run again, it only redoes the steps whose inputs changed since they last
# succeeded, so a machine already set up is ready in a second or two:
#   - the Python toolchain when requirements-dev.txt changed;
#   - `jlpm install` when package.json, yarn.lock or .yarnrc.yml changed;
#   - `jlpm build` when a source (src, schema, server, style, the kernel
#     helper, scripts/*.mjs, package.json, yarn.lock, tsconfig) is newer
#     than the last successful build, or an output is missing;
#   - the development install when pyproject.toml or package.json (the
#     version's source) changed.
# The record of what succeeded is in .venv/.trail-setup/.
#
#   scripts/setup.sh            the extension and server
#   scripts/setup.sh --tests    also the UI-test tools and Debian's Chromium, DVC and the bench libraries
#   scripts/setup.sh --bench    also what the replay benchmark's notebooks import
#   scripts/setup.sh --force    redo every step
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
with_tests=0
with_bench=0
force=0
for arg in "$@"; do
  case $arg in
    --tests) with_tests=1 ;;
    --force) force=1 ;;
    --bench) with_bench=1 ;;
    *) echo "setup.sh: unknown option $arg (expected --tests, --bench or --force)" >&2; exit 2 ;;
  esac
done

step() { printf '\n==> %s\n' "$*"; }
skip() { printf '==> %s: up to date\n' "$*"; }

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  step "Creating the virtualenv .venv"
  "$PY" -m venv .venv
fi
export PATH="$ROOT/.venv/bin:$PATH"
# Without --retries 0 pip waits on retries before the local index answers.
PIP="python -m pip install --retries 0 --disable-pip-version-check -q"

STAMPS=.venv/.trail-setup
mkdir -p "$STAMPS"
[ "$force" = 1 ] && rm -f "$STAMPS"/*

sha256() {
  if command -v sha256sum >/dev/null 2>&1; then sha256sum; else shasum -a 256; fi
}

# The digest of the named files (a missing file counts as empty).
digest_of() {
  for f in "$@"; do
    printf '%s\n' "$f"
    cat "$f" 2>/dev/null || true
  done | sha256 | cut -d' ' -f1
}

# True when the files' digest differs from the one recorded for step $1.
changed() {
  local name=$1
  shift
  [ "$(digest_of "$@")" != "$(cat "$STAMPS/$name" 2>/dev/null)" ]
}

# Records the files' digest for step $1 (after the step succeeded).
record() {
  local name=$1
  shift
  digest_of "$@" >"$STAMPS/$name"
}

did_something=0

if changed requirements requirements-dev.txt; then
  step "Installing the Python toolchain (requirements-dev.txt)"
  $PIP -r requirements-dev.txt
  record requirements requirements-dev.txt
  did_something=1
else
  skip "Python toolchain"
fi

export YARN_ENABLE_IMMUTABLE_INSTALLS=0
JS_DEPS=(package.json yarn.lock .yarnrc.yml)
if [ ! -d node_modules ] || changed js-deps "${JS_DEPS[@]}"; then
  step "Installing JavaScript dependencies"
  jlpm install >/tmp/trail-jlpm-install.log 2>&1 || { cat /tmp/trail-jlpm-install.log; exit 1; }
  record js-deps "${JS_DEPS[@]}"
  did_something=1
else
  skip "JavaScript dependencies"
fi

# What `jlpm build` reads (less what it writes there itself: the generated
# schema types and limits), and what it must leave behind.
BUILD_INPUTS=(src schema server style jupyterlab_trail/kernel scripts/*.mjs package.json
  yarn.lock tsconfig.json)
BUILD_OUTPUTS=(lib/index.js jupyterlab_trail/labextension/package.json
  jupyterlab_trail/server/trail-server.cjs jupyterlab_trail/bin/trail.cjs
  src/_generated/response-validators.ts src/_generated/version.ts
  src/_generated/filter-parser.ts)

# Prints why the build is needed (nothing when it is not).
build_reason() {
  local out newer
  for out in "${BUILD_OUTPUTS[@]}"; do
    [ -e "$out" ] || { echo "$out is missing"; return; }
  done
  [ -e "$STAMPS/build" ] || { echo "no build recorded yet"; return; }
  newer=$(find "${BUILD_INPUTS[@]}" -type f -newer "$STAMPS/build" \
    -not -path 'server/dist/*' -not -path 'src/_generated/*' -not -path 'src/records/schema.d.ts' \
    -not -path 'src/records/limits.ts' -not -path 'src/client/api-schema.d.ts' \
    -not -path 'jupyterlab_trail/kernel/limits.py' -not -path '*/__pycache__/*' -print -quit \
    2>/dev/null || true)
  [ -z "$newer" ] || echo "$newer changed"
}

reason=$(build_reason)
if [ -n "$reason" ]; then
  step "Building the extension and the server ($reason)"
  # Stamped with the time the build started: a file saved during the build
  # is newer than the stamp and rebuilds next time.
  touch "$STAMPS/build.started"
  jlpm build
  mv "$STAMPS/build.started" "$STAMPS/build"
  did_something=1
else
  skip "Extension and server build"
fi

# The package's version is package.json's (pyproject.toml's [tool.hatch.version]).
PACKAGE_INPUTS=(pyproject.toml package.json)
LINK=.venv/share/jupyter/labextensions/jupyterlab-trail
if changed package "${PACKAGE_INPUTS[@]}" || [ ! -e "$LINK" ]; then
  step "Installing the Python package (development mode)"
  # The wheel maps the root install.json into the labextension folder. The
  # install writes it through the development symlink (jupyter-builder
  # develop) into jupyterlab_trail/labextension itself, where the next
  # install finds a second file for that path and hatchling refuses to build.
  rm -f jupyterlab_trail/labextension/install.json
  $PIP --no-build-isolation -e .
  jupyter-builder develop . --overwrite >/dev/null
  record package "${PACKAGE_INPUTS[@]}"
  did_something=1
else
  skip "Python package (development mode)"
fi

# The export end-to-end test (tests/cli/export-e2e.test.ts) records a
# scikit-learn + matplotlib notebook: --tests needs the bench's libraries too.
if [ "$with_bench" = 1 ] || [ "$with_tests" = 1 ]; then
  if changed bench requirements-bench.txt; then
    step "Installing the replay benchmark's libraries (requirements-bench.txt)"
    $PIP -r requirements-bench.txt
    record bench requirements-bench.txt
  else
    skip "Replay benchmark libraries"
  fi
fi

if [ "$with_tests" = 1 ]; then
  # A kernel of another language: the recorder must record it without the
  # Python helper (tests/frontend/recorder-other-kernel.test.ts).
  if [ ! -d .venv/share/jupyter/kernels/bash ]; then
    step "Installing the bash kernel spec (tests)"
    python -m bash_kernel.install --sys-prefix >/dev/null
  fi
  if ! command -v chromium >/dev/null 2>&1; then
    step "Installing Debian's Chromium for the UI tests"
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
  fi
  # Real PostgreSQL: the store contract and the API suite also run on the
  # PostgreSQL backend, against clusters scripts/postgres-temp.mjs makes with
  # Debian's initdb and pg_ctl (postgresql-contrib brings pg_trgm).
  if ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then
    step "Installing Debian's PostgreSQL for the database-backend tests"
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql postgresql-contrib >/dev/null
  else
    skip "PostgreSQL (database-backend tests)"
  fi
  # An S3 API server for the object-store tests: moto's server mode
  # (scripts/s3-temp.mjs starts it on a free port).
  MOTO_PIN=5.2.6
  if [ ! -x .venv/bin/moto_server ] ||
    [ "$(.venv/bin/python -c 'import moto; print(moto.__version__)' 2>/dev/null)" != "$MOTO_PIN" ]; then
    step "Installing moto[server]==$MOTO_PIN (object-store tests)"
    $PIP "moto[server]==$MOTO_PIN"
  else
    skip "moto (object-store tests)"
  fi
  # Real DVC: exported pipelines run under `dvc repro` in
  # tests/records/export-pipeline-run.test.ts (the pin of pyproject.toml's
  # test extra, which this script does not install as a whole).
  DVC_PIN=dvc==3.67.1
  if [ "$(.venv/bin/dvc --version 2>/dev/null)" != "${DVC_PIN#dvc==}" ]; then
    step "Installing $DVC_PIN (pipeline export tests)"
    $PIP "$DVC_PIN"
  else
    skip "DVC (pipeline export tests)"
  fi
  # MLflow and papermill: exported pipelines run under `mlflow run . --env-manager
  # local` and `papermill` in tests/cli/export-mlflow.test.ts. mlflow-skinny is
  # the lightest package with `mlflow run` (~20 small dependencies, ~10 s to
  # install; the full mlflow brings a server and its UI).
  MLFLOW_PINS=(mlflow-skinny==3.18.0 papermill==2.7.0)
  if [ "$(.venv/bin/mlflow --version 2>/dev/null)" != "mlflow, version 3.18.0" ] ||
    [ "$(.venv/bin/papermill --version 2>/dev/null | cut -d' ' -f1)" != "2.7.0" ]; then
    step "Installing ${MLFLOW_PINS[*]} (pipeline export tests)"
    $PIP "${MLFLOW_PINS[@]}"
  else
    skip "MLflow and papermill (pipeline export tests)"
  fi
  UI_DEPS=(ui-tests/package.json ui-tests/yarn.lock)
  if [ ! -d ui-tests/node_modules ] || changed ui-deps "${UI_DEPS[@]}"; then
    step "Installing the UI-test tools (galata, Playwright; no browser download)"
    (cd ui-tests && jlpm install >/tmp/trail-ui-install.log 2>&1) || { cat /tmp/trail-ui-install.log; exit 1; }
    record ui-deps "${UI_DEPS[@]}"
  else
    skip "UI-test tools"
  fi
fi

if [ "$did_something" = 1 ]; then
  step "Setup complete"
  jupyter labextension list 2>&1 | grep -i trail || true
else
  step "Setup: everything up to date (scripts/setup.sh --force redoes it all)"
fi
