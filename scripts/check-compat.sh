#!/usr/bin/env bash
# Checks that the wheel `pip wheel .` builds works on the JupyterLab versions
# Trail supports: the oldest (the newest 4.2 patch on PyPI) and the newest
# JupyterLab 4. For each, in a throwaway virtualenv with that JupyterLab and
# the wheel installed as an administrator would:
#
#   1. `pip check` passes (the wheel's `jupyterlab>=4.2,<5` is met), and
#      src/ type-checks against the @jupyterlab/@lumino/CodeMirror packages
#      of that JupyterLab (tests/compat/types_package.py);
#   2. `jupyter labextension list` shows jupyterlab-trail enabled and OK, with
#      no "not compatible" message;
#   3. JupyterLab, started with the wheel's server extension (which starts
#      the embedded Trail server), shows in Chromium the Trail status item
#      and panel, records one cell execution and displays it, with no
#      share-scope version warning (tests/compat/browser-check.mjs).
#
# Expects the extension and server built (scripts/setup.sh does it). The
# virtualenvs are kept in $TRAIL_COMPAT_DIR (default ~/.cache/trail-compat,
# outside the repository) so that a second run only re-checks PyPI for a
# newer JupyterLab and reinstalls the wheel.
#
#   scripts/check-compat.sh                  both versions
#   scripts/check-compat.sh 'jupyterlab==4.4.*'   one pip requirement
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export PATH="$ROOT/.venv/bin:$PATH"

if [ $# -gt 0 ]; then
  TARGETS=()
  for spec in "$@"; do TARGETS+=("custom-$(echo "$spec" | tr -c 'A-Za-z0-9.\n' '_'):$spec"); done
else
  TARGETS=("oldest:jupyterlab==4.2.*" "newest:jupyterlab<5")
fi

CACHE=${TRAIL_COMPAT_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/trail-compat}
mkdir -p "$CACHE"
# One check at a time per cache (two checkouts may share it).
exec 9>"$CACHE/.lock"
flock 9

WORK=$(mktemp -d "${TMPDIR:-/tmp}/trail-compat.XXXXXX")
LAB_PID=""
cleanup() {
  if [ -n "$LAB_PID" ]; then
    kill "$LAB_PID" 2>/dev/null || true
    wait "$LAB_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

PIP=(-m pip install --retries 0 --disable-pip-version-check -q)
fail() {
  printf 'check-compat: %s\n' "$*" >&2
  exit 1
}

printf -- '--> Building the wheel\n'
for f in jupyterlab_trail/labextension/package.json jupyterlab_trail/server/trail-server.cjs; do
  [ -f "$f" ] || fail "$f is missing: build first (jlpm build, or scripts/setup.sh)"
done
python -m pip wheel . --no-deps --no-build-isolation --retries 0 --disable-pip-version-check \
  -q -w "$WORK/wheel" >"$WORK/wheel.log" 2>&1 || { cat "$WORK/wheel.log"; fail "pip wheel failed"; }
WHEEL=$(ls "$WORK"/wheel/jupyterlab_trail-*.whl)
python - "$WHEEL" <<'EOF' || fail "the wheel lacks the prebuilt extension or the server"
import sys, zipfile
names = zipfile.ZipFile(sys.argv[1]).namelist()
need = ["share/jupyter/labextensions/jupyterlab-trail/package.json",
        "share/jupyter/labextensions/jupyterlab-trail/install.json",
        "jupyterlab_trail/server/trail-server.cjs"]
missing = [n for n in need if not any(x.endswith(n) for x in names)]
if missing or not any("/static/remoteEntry." in x for x in names):
    sys.exit(f"missing from {sys.argv[1]}: {missing or 'remoteEntry'}")
EOF

free_port() {
  python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

check_one() {
  local name=$1 spec=$2
  local venv="$CACHE/venv-$name" dir="$WORK/$name"
  mkdir -p "$dir/notebooks" "$dir/jupyter-config" "$dir/jupyter-data" "$dir/jupyter-runtime"

  printf -- '--> %s: a virtualenv with %s and the wheel\n' "$name" "$spec"
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
  # The newest release matching the requirement (an index query, quick when
  # nothing changed), then the wheel itself, as built now.
  "$venv/bin/python" "${PIP[@]}" --upgrade --upgrade-strategy only-if-needed "$spec" \
    >"$dir/pip.log" 2>&1 || { cat "$dir/pip.log"; fail "$name: installing $spec failed"; }
  "$venv/bin/python" "${PIP[@]}" --force-reinstall --no-deps "$WHEEL" \
    >>"$dir/pip.log" 2>&1 || { cat "$dir/pip.log"; fail "$name: installing the wheel failed"; }
  "$venv/bin/python" -m pip check --disable-pip-version-check ||
    fail "$name: pip check failed"
  local version
  version=$("$venv/bin/python" -c 'import jupyterlab; print(jupyterlab.__version__)')
  "$venv/bin/python" - "$spec" "$version" <<'EOF' || fail "$name: JupyterLab $version does not match $spec"
import sys
from packaging.requirements import Requirement
sys.exit(0 if Requirement(sys.argv[1]).specifier.contains(sys.argv[2], prereleases=True) else 1)
EOF

  printf -- '--> %s: src/ type-checks against the packages of JupyterLab %s\n' "$name" "$version"
  local types="$CACHE/types-$version" jldir
  jldir=$("$venv/bin/python" -c 'import jupyterlab, os; print(os.path.dirname(jupyterlab.__file__))')
  mkdir -p "$types"
  python tests/compat/types_package.py "$jldir" "$ROOT" >"$types/package.json.wanted"
  if ! cmp -s "$types/package.json.wanted" "$types/package.json.installed"; then
    cp "$types/package.json.wanted" "$types/package.json"
    (cd "$types" && npm install --no-audit --no-fund --ignore-scripts --loglevel=error) \
      >"$types/npm.log" 2>&1 || { cat "$types/npm.log"; fail "$name: installing JupyterLab $version's packages failed"; }
    cp "$types/package.json.wanted" "$types/package.json.installed"
  fi
  # Imports resolve to this JupyterLab's packages first (paths), then, for
  # what it does not hold (dev-only types), to the repository's.
  cat >"$types/tsconfig.json" <<EOF
{
  "extends": "$ROOT/tsconfig.json",
  "compilerOptions": {
    "noEmit": true,
    "composite": false,
    "incremental": false,
    "declaration": false,
    "baseUrl": ".",
    "paths": { "*": ["./node_modules/*", "./node_modules/@types/*"] },
    "typeRoots": ["./node_modules/@types"]
  },
  "include": ["$ROOT/src/**/*"]
}
EOF
  "$types/node_modules/.bin/tsc" -p "$types/tsconfig.json" ||
    fail "$name: src/ uses an API that JupyterLab $version does not have (guard it, or use one both have)"

  # Only this environment's Jupyter paths: nothing from the developer's
  # user-level config or extensions, and the embedded Trail server's data in
  # a fresh folder.
  local -a jenv=(
    env -u TRAIL_URL -u TRAIL_TOKEN -u TRAIL_TOKEN_FILE
    "PATH=$venv/bin:$PATH"
    "JUPYTER_CONFIG_DIR=$dir/jupyter-config"
    "JUPYTER_DATA_DIR=$dir/jupyter-data"
    "JUPYTER_RUNTIME_DIR=$dir/jupyter-runtime"
    "JUPYTER_PREFER_ENV_PATH=1"
    "TRAIL_DATA_DIR=$dir/trail-data"
  )

  printf -- '--> %s: jupyter labextension list (JupyterLab %s)\n' "$name" "$version"
  local list line
  list=$("${jenv[@]}" "$venv/bin/jupyter" labextension list 2>&1 | sed 's/\x1b\[[0-9;]*m//g')
  line=$(printf '%s\n' "$list" | grep -E '^[[:space:]]*jupyterlab-trail v' || true)
  printf '    %s\n' "${line:-(no jupyterlab-trail line)}"
  if ! printf '%s\n' "$line" | grep -Eq 'jupyterlab-trail v[^ ]+ enabled +OK'; then
    printf '%s\n' "$list"
    fail "$name: JupyterLab $version does not list jupyterlab-trail as enabled and OK"
  fi
  if printf '%s\n' "$list" | grep -qi 'not compatible\|incompatible'; then
    printf '%s\n' "$list"
    fail "$name: JupyterLab $version reports a compatibility problem"
  fi

  printf -- '--> %s: JupyterLab %s in Chromium\n' "$name" "$version"
  local port token
  port=$(free_port)
  token=$(python -c 'import secrets; print(secrets.token_hex(16))')
  "${jenv[@]}" "$venv/bin/jupyter" lab --no-browser --ip=127.0.0.1 --port="$port" \
    --ServerApp.port_retries=0 --IdentityProvider.token="$token" --ServerApp.allow_root=True \
    --ServerApp.root_dir="$dir/notebooks" --LabApp.extension_manager=readonly \
    --LabApp.check_for_updates_class=jupyterlab.handlers.announcements.NeverCheckForUpdate \
    >"$dir/lab.log" 2>&1 &
  LAB_PID=$!
  local up=0
  for _ in $(seq 1 120); do
    if curl -fsS -o /dev/null "http://127.0.0.1:$port/api/status?token=$token" 2>/dev/null; then
      up=1
      break
    fi
    kill -0 "$LAB_PID" 2>/dev/null || break
    sleep 0.5
  done
  [ "$up" = 1 ] || { cat "$dir/lab.log"; fail "$name: JupyterLab $version did not start"; }

  local ok=1
  node tests/compat/browser-check.mjs --url "http://127.0.0.1:$port" --token "$token" \
    --label "JupyterLab $version" --screenshot "$CACHE/$name.png" || ok=0
  if grep -q 'Trail needs JupyterLab\|Trail is built for JupyterLab' "$dir/lab.log"; then
    ok=0
    grep 'Trail needs JupyterLab\|Trail is built for JupyterLab' "$dir/lab.log" >&2
  fi
  kill "$LAB_PID" 2>/dev/null || true
  wait "$LAB_PID" 2>/dev/null || true
  LAB_PID=""
  if [ "$ok" != 1 ]; then
    printf -- '--- JupyterLab log (%s)\n' "$dir/lab.log" >&2
    tail -n 40 "$dir/lab.log" >&2
    fail "$name: JupyterLab $version: the browser check failed (screenshot: $CACHE/$name.png)"
  fi
}

for target in "${TARGETS[@]}"; do
  check_one "${target%%:*}" "${target#*:}"
done
printf -- '--> Compatible: the wheel works on every checked JupyterLab\n'
