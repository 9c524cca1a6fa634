#!/usr/bin/env bash
# Test prerequisites on top of the product set-up: Debian's Chromium for the browser tests
# (playwright-core drives it; `npx playwright install` cannot download browsers here), and the
# Python virtualenv with the pinned official mlflow package (our server's peer) and numpy/OpenCV for
# cross-checks. The virtualenv lives in a per-machine cache keyed by tests/setup/requirements.txt and
# is linked as .venv, so fresh clones (CI) reuse it; it is rebuilt only when the requirements change.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash trainer/setup/setup.sh

say() { printf '\033[1m[test-setup]\033[0m %s\n' "$*"; }
source trainer/setup/apt.sh
ensure_apt_packages chromium
say "browser tests use $(/usr/bin/chromium --version 2>/dev/null || echo 'chromium: NOT WORKING')"

want="$(sha256sum tests/setup/requirements.txt | cut -c1-16)"
venv="${XDG_CACHE_HOME:-$HOME/.cache}/pixal/venv-$want"
if [ ! -f "$venv/.complete" ]; then
  say "creating Python virtualenv $venv with: $(grep -v '^#' tests/setup/requirements.txt | tr '\n' ' ')"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check -r tests/setup/requirements.txt
  touch "$venv/.complete"
else
  say "Python virtualenv up to date ($venv)"
fi
if [ "$(readlink .venv 2>/dev/null)" != "$venv" ]; then
  if [ -e .venv ] && [ ! -L .venv ]; then say "replacing the local .venv folder with a link to $venv"; rm -rf .venv; fi
  ln -sfn "$venv" .venv
fi
