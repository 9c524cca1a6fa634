#!/usr/bin/env bash
# Installs what the validation benchmarks need beyond `npm run setup`, idempotently: Debian's
# dataset-fashion-mnist (Fashion-MNIST's IDX files under /usr/share/datasets/fashion-mnist) for
# bench/validation/fashion-mnist.ts. Keras runs from ~/.cache/pixal/bench-venv, as for bench/training/.
# Not part of CI's set-up: no test depends on the dataset.
set -euo pipefail

say() { printf '\033[1m[bench setup]\033[0m %s\n' "$*"; }

source "$(dirname "$0")/../../trainer/setup/apt.sh"
ensure_apt_packages dataset-fashion-mnist

venv="${XDG_CACHE_HOME:-$HOME/.cache}/pixal/bench-venv"
if ! "$venv/bin/python" -c 'import keras' >/dev/null 2>&1; then
  say "NOTE: no Keras in $venv: the Keras side needs it (python3 -m venv $venv && $venv/bin/pip install --find-links ~/.cache/pixal/wheels tensorflow-cpu==2.21.0)"
fi
say "ready: Fashion-MNIST in /usr/share/datasets/fashion-mnist"
