#!/usr/bin/env bash
# Installs everything pixal needs to run, idempotently: Debian packages for the native bindings,
# then the npm dependencies from the lockfile (native addons built from source where their
# prebuilt downloads cannot be reached). Safe to run again: each step is skipped when done.
set -euo pipefail
cd "$(dirname "$0")/../.."

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

# --- Debian packages -------------------------------------------------------------------------
APT_PACKAGES=(libopencv-dev build-essential python3-venv)
missing=()
for p in "${APT_PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
else
  say "Debian packages present (${APT_PACKAGES[*]})"
fi

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
stamp=node_modules/.pixal-lock-hash
want="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  say "npm dependencies up to date"
else
  say "installing npm dependencies (npm ci; native addons build from source, a few minutes the first time)"
  npm ci --no-audit --no-fund
  echo "$want" > "$stamp"
fi

# --- check that the native pieces load -------------------------------------------------------
node -e "
const checks = { 'better-sqlite3': () => new (require('better-sqlite3'))(':memory:').close(), sharp: () => require('sharp'), '@u4/opencv4nodejs': () => require('@u4/opencv4nodejs') };
let bad = 0;
for (const [name, load] of Object.entries(checks)) {
  try { load(); } catch (e) { bad++; console.error('[setup] ERROR: ' + name + ' does not load: ' + e.message.split('\n')[0]); }
}
process.exit(bad ? 1 : 0);
"
say "ready"
