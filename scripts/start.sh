#!/usr/bin/env bash
# Sets everything up, then starts JupyterLab with Trail. The Trail server
# extension starts the embedded local Trail server (data in
# ~/.local/share/jupyter/trail, or $TRAIL_DATA_DIR) with a generated token,
# and hands both to JupyterLab: nothing to configure.
# Extra arguments go to `jupyter lab`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export PATH="$PWD/.venv/bin:$PATH"
extra=()
[ "$(id -u)" = 0 ] && extra+=(--allow-root)
exec jupyter lab "${extra[@]}" "$@"
