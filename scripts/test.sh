#!/usr/bin/env bash
# Sets everything up and runs every test: schema check, lint, jest (frontend,
# server on the file store, and the server again on PostgreSQL with blobs in
# S3: a throwaway cluster and moto server that jest starts and stops), Python
# tests, the built wheel on the oldest and newest supported JupyterLab
# (scripts/check-compat.sh), and galata UI tests in real JupyterLab and
# Chromium against a real Trail server.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --tests
export PATH="$PWD/.venv/bin:$PATH"

printf '\n==> Record schema types are current\n'
jlpm check:schema

printf '\n==> Lint (prettier, ESLint)\n'
jlpm lint:check

printf '\n==> Unit and integration tests (jest; the server on the file store and on PostgreSQL + S3)\n'
jlpm test --ci

if compgen -G "tests/python/test_*.py" >/dev/null; then
  printf '\n==> Python tests (pytest)\n'
  python -m pytest -q tests/python
fi

printf '\n==> JupyterLab compatibility (the wheel on JupyterLab 4.2 and the newest 4.x)\n'
scripts/check-compat.sh

printf '\n==> UI tests (galata, Chromium)\n'
cd ui-tests
CI=${CI:-1} jlpm playwright test
