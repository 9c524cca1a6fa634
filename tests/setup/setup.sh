#!/usr/bin/env bash
# Test prerequisites on top of the product set-up: the Python virtualenv with the pinned official
# mlflow package (our server's peer), reused when its requirements have not changed.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash trainer/setup/setup.sh

say() { printf '\033[1m[test-setup]\033[0m %s\n' "$*"; }
stamp=.venv/.pixal-requirements-hash
want="$(sha256sum tests/setup/requirements.txt | cut -d' ' -f1)"
if [ -x .venv/bin/python ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  say "Python virtualenv .venv up to date"
else
  say "creating Python virtualenv .venv with $(grep -v '^#' tests/setup/requirements.txt | tr '\n' ' ')"
  [ -x .venv/bin/python ] || python3 -m venv .venv
  .venv/bin/pip install -q --disable-pip-version-check -r tests/setup/requirements.txt
  echo "$want" > "$stamp"
fi
