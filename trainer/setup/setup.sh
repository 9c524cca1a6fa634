#!/usr/bin/env bash
# Installs everything pixal needs to run, idempotently: Debian packages for the native bindings,
# then the npm dependencies from the lockfile (native addons built from source where their
# prebuilt downloads cannot be reached). Safe to run again: each step is skipped when done.
set -euo pipefail
cd "$(dirname "$0")/../.."

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

# --- Debian packages -------------------------------------------------------------------------
source trainer/setup/apt.sh
ensure_apt_packages libopencv-dev build-essential python3-venv

# --- native addon build environment ----------------------------------------------------------
# node-gyp must find Node's headers locally (it cannot download them here): point it at Node's prefix.
NODE_PREFIX="$(dirname "$(dirname "$(command -v node)")")"
if [ -f "$NODE_PREFIX/include/node/node_api.h" ]; then
  export npm_config_nodedir="$NODE_PREFIX"
elif [ -f /usr/include/node/node_api.h ]; then
  export npm_config_nodedir=/usr
else
  say "ERROR: Node's headers (include/node/node_api.h) were not found under $NODE_PREFIX or /usr; install the nodejs headers (Debian: libnode-dev) and run again."
  exit 1
fi
# @u4/opencv4nodejs would otherwise try to clone and build OpenCV itself; use Debian's.
export OPENCV4NODEJS_DISABLE_AUTOBUILD=1 JOBS=max
export OPENCV_INCLUDE_DIR=/usr/include/opencv4 OPENCV_LIB_DIR=/usr/lib/x86_64-linux-gnu OPENCV_BIN_DIR=/usr/bin
export npm_config_onnxruntime_node_install_cuda=skip ONNXRUNTIME_NODE_INSTALL=skip

# --- npm dependencies ------------------------------------------------------------------------
# Install scripts are skipped (several download from hosts we cannot reach); the native addons are
# then built here, explicitly, and kept in a per-machine cache keyed by the lockfile and Node's ABI,
# so a fresh clone (CI) restores them in seconds instead of compiling for minutes.
NATIVE_DIRS=(
  node_modules/better-sqlite3/build
  node_modules/@u4/opencv4nodejs/build
  node_modules/@tensorflow/tfjs-node/lib
  node_modules/@tensorflow/tfjs-node/deps
)
# The OpenCV binding also needs the build description its installer writes (opencv-<version>-<hash>/
# auto-build.json, linked as `latest`) to find Debian's OpenCV libraries at load time.
OPENCV_BUILD_DIR=node_modules/@u4/opencv-build/script
stamp=node_modules/.pixal-lock-hash
want="$(sha256sum package-lock.json | cut -c1-16)"
# The native cache depends only on what the addons are built from: their versions, Node's ABI, the patch.
native_key="$(node -e "
const lock = require('./package-lock.json').packages;
const v = (n) => (lock['node_modules/' + n] || {}).version;
console.log([process.versions.modules, v('better-sqlite3'), v('@u4/opencv4nodejs'), v('@tensorflow/tfjs-node')].join(' '));
" | cat - trainer/setup/patches/*.patch trainer/setup/tfjs-native.sh | sha256sum | cut -c1-16)"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/pixal/native-$native_key"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  say "npm dependencies up to date"
else
  say "installing npm dependencies (npm ci --ignore-scripts)"
  npm ci --ignore-scripts --no-audit --no-fund
  npm rebuild esbuild >/dev/null
  if [ -f "$cache/complete" ]; then
    say "restoring native addons from $cache"
    for d in "${NATIVE_DIRS[@]}"; do rm -rf "$d"; mkdir -p "$(dirname "$d")"; cp -a "$cache/$d" "$d"; done
    for d in "$cache/$OPENCV_BUILD_DIR"/opencv-*; do cp -a "$d" "$OPENCV_BUILD_DIR/"; ln -sfn "$PWD/$OPENCV_BUILD_DIR/$(basename "$d")" "$OPENCV_BUILD_DIR/latest"; done
  else
    say "building better-sqlite3 and the OpenCV binding from source (several minutes the first time)"
    # Debian's OpenCV 4.6 has SIFT in features2d (no contrib xfeatures2d); the binding only looks
    # in xfeatures2d, so it is patched to take SIFT from features2d before it is compiled.
    patch -s -p1 -d node_modules/@u4/opencv4nodejs < trainer/setup/patches/opencv4nodejs-sift.patch
    npm rebuild better-sqlite3 @u4/opencv4nodejs
    bash trainer/setup/tfjs-native.sh
    rm -rf "$cache" && mkdir -p "$cache"
    for d in "${NATIVE_DIRS[@]}" "$OPENCV_BUILD_DIR"/opencv-*; do mkdir -p "$cache/$(dirname "$d")"; cp -a "$d" "$cache/$d"; done
    touch "$cache/complete"
  fi
  echo "$want" > "$stamp"
fi

# --- check that the native pieces load -------------------------------------------------------
# Checked without the build-time variables, as pixal itself runs.
env -u OPENCV4NODEJS_DISABLE_AUTOBUILD -u OPENCV_INCLUDE_DIR -u OPENCV_LIB_DIR -u OPENCV_BIN_DIR TF_CPP_MIN_LOG_LEVEL=2 node -e "
require('@u4/opencv-build').Log.silence = true;
const checks = {
  'better-sqlite3': () => new (require('better-sqlite3'))(':memory:').close(),
  sharp: () => require('sharp'),
  '@u4/opencv4nodejs (with SIFT)': () => { if (typeof require('@u4/opencv4nodejs').SIFTDetector !== 'function') throw new Error('built without SIFT'); },
  '@tensorflow/tfjs-node': () => require('@tensorflow/tfjs-node'),
};
let bad = 0;
for (const [name, load] of Object.entries(checks)) {
  try { load(); } catch (e) { bad++; console.error('[setup] ERROR: ' + name + ' does not load: ' + e.message.split('\n')[0]); }
}
process.exit(bad ? 1 : 0);
"
# --- the dashboard ---------------------------------------------------------------------------
# `pixal server` serves the built web app (web/dist); rebuilt when any file under web/ is newer.
if [ ! -f web/dist/index.html ] || [ -n "$(find web -path web/dist -prune -o -type f -newer web/dist/index.html -print -quit)" ]; then
  say "building the dashboard (npm run build:web → web/dist)"
  npm run --silent build:web
else
  say "dashboard build up to date (web/dist)"
fi

say "ready"
