#!/usr/bin/env bash
# Sets up everything Trail needs on a fresh machine (Python 3.11, Node 20):
# a virtualenv with JupyterLab, the JavaScript dependencies, the built
# extension and server, and the Python package installed in development
# mode. Safe to run again: each step is quick when already done.
#
#   scripts/setup.sh            the extension and server
#   scripts/setup.sh --tests    also the UI-test tools and Debian's Chromium
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
with_tests=0
[ "${1:-}" = "--tests" ] && with_tests=1

step() { printf '\n==> %s\n' "$*"; }

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  step "Creating the virtualenv .venv"
  "$PY" -m venv .venv
fi
export PATH="$ROOT/.venv/bin:$PATH"
# Without --retries 0 pip waits on retries before the local index answers.
PIP="python -m pip install --retries 0 --disable-pip-version-check -q"

stamp=.venv/.trail-requirements
if ! cmp -s requirements-dev.txt "$stamp" 2>/dev/null; then
  step "Installing the Python toolchain (requirements-dev.txt)"
  $PIP -r requirements-dev.txt
  cp requirements-dev.txt "$stamp"
fi

export YARN_ENABLE_IMMUTABLE_INSTALLS=0
step "Installing JavaScript dependencies"
jlpm install >/tmp/trail-jlpm-install.log 2>&1 || { cat /tmp/trail-jlpm-install.log; exit 1; }

step "Building the extension and the server"
jlpm build

step "Installing the Python package (development mode)"
$PIP --no-build-isolation -e .
jupyter-builder develop . --overwrite >/dev/null

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
  step "Installing the UI-test tools (galata, Playwright; no browser download)"
  (cd ui-tests && jlpm install >/tmp/trail-ui-install.log 2>&1) || { cat /tmp/trail-ui-install.log; exit 1; }
fi

step "Setup complete"
jupyter labextension list 2>&1 | grep -i trail || true
