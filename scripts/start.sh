#!/usr/bin/env bash
# Sets everything up (on a machine already set up: only what changed, in
# seconds), then starts JupyterLab with Trail. The Trail server extension
# starts the embedded local Trail server (data in ~/.local/share/jupyter/trail,
# or $TRAIL_DATA_DIR) with a generated token, and hands both to JupyterLab:
# nothing to configure.
#
# JupyterLab serves the notebooks in $TRAIL_NOTEBOOK_DIR, by default
# ~/trail-notebooks (created if missing), or the folder given with
# --notebook-dir <dir>. Extra arguments go to `jupyter lab`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export PATH="$PWD/.venv/bin:$PATH"

notebook_dir=${TRAIL_NOTEBOOK_DIR:-$HOME/trail-notebooks}
chosen=0
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  case ${args[i]} in
    --notebook-dir=* | --ServerApp.root_dir=*)
      notebook_dir=${args[i]#*=}
      chosen=1
      ;;
    --notebook-dir | --ServerApp.root_dir)
      notebook_dir=${args[i + 1]:-}
      chosen=1
      ;;
  esac
done
notebook_dir=${notebook_dir/#\~/$HOME}
mkdir -p "$notebook_dir"
notebook_dir=$(cd "$notebook_dir" && pwd)

extra=()
[ "$chosen" = 1 ] || extra+=(--notebook-dir "$notebook_dir")
[ "$(id -u)" = 0 ] && extra+=(--allow-root)

printf '\n==> Starting JupyterLab with Trail\n'
printf '    Notebooks: %s\n' "$notebook_dir"
printf '    (choose another folder with TRAIL_NOTEBOOK_DIR=<dir> or scripts/start.sh --notebook-dir <dir>)\n\n'
exec jupyter lab "${extra[@]}" "$@"
