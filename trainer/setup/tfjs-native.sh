#!/usr/bin/env bash
# Builds @tensorflow/tfjs-node (native TensorFlow for training) without its installer's download,
# which targets a host these machines cannot reach: TensorFlow's C library is taken from the
# tensorflow-cpu wheel on PyPI, placed where the addon's build expects libtensorflow, and the
# addon is compiled from source. Idempotent: does nothing when the addon already loads.
# Usage: tfjs-native.sh [PACKAGE WHEEL LIBTYPE]; the defaults build the CPU package,
# tfjs-native-gpu.sh passes `@tensorflow/tfjs-node-gpu tensorflow gpu` (the GPU build of the wheel).
set -euo pipefail
cd "$(dirname "$0")/../.."
say() { printf '\033[1m[tfjs-native]\033[0m %s\n' "$*"; }

TF_WHEEL_VERSION=2.21.0
NPM_PACKAGE="${1:-@tensorflow/tfjs-node}"
WHEEL="${2:-tensorflow-cpu}"
LIBTYPE="${3:-cpu}"
PKG="node_modules/$NPM_PACKAGE"
[ -d "$PKG" ] || { say "ERROR: $PKG is missing: run npm ci first"; exit 1; }

if node -e "require('$NPM_PACKAGE')" >/dev/null 2>&1; then
  say "native TensorFlow addon loads ($NPM_PACKAGE)"
  exit 0
fi

cache="${XDG_CACHE_HOME:-$HOME/.cache}/pixal/wheels"
# Wheel file names spell the project name with underscores (tensorflow_cpu-2.21.0-...).
cached_wheel() { compgen -G "$cache/${WHEEL//-/_}-$TF_WHEEL_VERSION-*.whl" | head -1 || true; }
wheel=$(cached_wheel)
if [ -z "$wheel" ]; then
  say "downloading $WHEEL==$TF_WHEEL_VERSION from PyPI (250 MB for the CPU build, 570 MB for the GPU one; once)"
  mkdir -p "$cache"
  python3 -m pip download -q --no-deps --only-binary=:all: "$WHEEL==$TF_WHEEL_VERSION" -d "$cache"
  wheel=$(cached_wheel)
fi

say "extracting TensorFlow's C library and headers from $(basename "$wheel")"
deps="$PKG/deps"
rm -rf "$deps" && mkdir -p "$deps/lib" "$deps/include"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 - "$wheel" "$tmp" <<'PY'
import sys, zipfile
wheel, out = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(wheel) as z:
    for name in z.namelist():
        if name.startswith('tensorflow/include/') or name in ('tensorflow/libtensorflow_cc.so.2', 'tensorflow/libtensorflow_framework.so.2'):
            z.extract(name, out)
PY
cp "$tmp/tensorflow/libtensorflow_cc.so.2" "$tmp/tensorflow/libtensorflow_framework.so.2" "$deps/lib/"
cp -r "$tmp/tensorflow/include/." "$deps/include/"
( cd "$deps/lib"
  ln -sf libtensorflow_cc.so.2 libtensorflow.so
  ln -sf libtensorflow_cc.so.2 libtensorflow.so.2
  ln -sf libtensorflow_cc.so.2 libtensorflow.so.2.9.1
  ln -sf libtensorflow_framework.so.2 libtensorflow_framework.so
  ln -sf libtensorflow_framework.so.2 libtensorflow_framework.so.2.9.1 )

say "compiling the $NPM_PACKAGE addon from source (about a minute)"
NODE_PREFIX="$(dirname "$(dirname "$(command -v node)")")"
[ -f "$NODE_PREFIX/include/node/node_api.h" ] || NODE_PREFIX=/usr
export npm_config_nodedir="$NODE_PREFIX" JOBS=max
export PATH="$PWD/node_modules/.bin:$PATH"
( cd "$PKG" && node scripts/install.js "$LIBTYPE" )
node -e "const tf = require('$NPM_PACKAGE'); console.log('[tfjs-native] $NPM_PACKAGE: backend', tf.getBackend(), 'TensorFlow', tf.backend().binding.TF_Version)"
