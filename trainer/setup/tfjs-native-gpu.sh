#!/usr/bin/env bash
# Sets up @tensorflow/tfjs-node-gpu (`pixal ... --device gpu`) on a machine with an NVIDIA GPU, the way
# tfjs-native.sh sets up the CPU package: TensorFlow's C library from the GPU build of the `tensorflow` wheel,
# the addon compiled from source, and CUDA from the nvidia-*-cu12 wheels that `tensorflow[and-cuda]` depends on.
# Idempotent: each step is skipped when done.
#
# Where CUDA goes: each wheel's nvidia/<name>/lib/ is extracted to <package>/deps/nvidia/<name>/lib/, the
# layout of a pip install (tensorflow/ next to nvidia/). The wheel's libtensorflow_framework.so.2 looks for
# CUDA, which TensorFlow dlopens, on its RUNPATH $ORIGIN/../nvidia/<name>/lib: from deps/lib that is this
# folder, so no LD_LIBRARY_PATH is needed. For the libraries outside that RUNPATH (curand, nvrtc, nvJitLink)
# the script writes <package>/deps/cuda.env (`export LD_LIBRARY_PATH=...` over every CUDA lib folder);
# it says at the end whether the GPU is used without it, and `pixal doctor` checks both ways.
set -euo pipefail
cd "$(dirname "$0")/../.."
say() { printf '\033[1m[tfjs-native-gpu]\033[0m %s\n' "$*"; }

TFJS_VERSION=4.22.0
TF_WHEEL_VERSION=2.21.0
NPM_PACKAGE=@tensorflow/tfjs-node-gpu
PKG="node_modules/$NPM_PACKAGE"

if ! command -v nvidia-smi >/dev/null 2>&1 || ! nvidia-smi -L >/dev/null 2>&1; then
  say "ERROR: nvidia-smi is missing or finds no GPU: this needs a machine with an NVIDIA GPU and its driver."
  say "Without one, train on the CPU (native TensorFlow: npm run setup) or with --device wasm (dense models)."
  exit 1
fi
say "GPU: $(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader | paste -sd ';')"

installed=$(node -p "try { require('$NPM_PACKAGE/package.json').version } catch { '' }")
if [ "$installed" != "$TFJS_VERSION" ]; then
  # --ignore-scripts: its installer downloads libtensorflow from a host these machines cannot reach.
  say "installing $NPM_PACKAGE@$TFJS_VERSION (not saved to package.json)"
  npm install --no-save --ignore-scripts --no-audit --no-fund "$NPM_PACKAGE@$TFJS_VERSION"
fi

# TensorFlow's C library from the GPU wheel, and the addon (shared with the CPU package's script).
bash trainer/setup/tfjs-native.sh "$NPM_PACKAGE" tensorflow gpu

cuda_dir="$PKG/deps/nvidia"
if [ ! -f "$cuda_dir/.complete" ]; then
  cache="${XDG_CACHE_HOME:-$HOME/.cache}/pixal/wheels"
  mkdir -p "$cache"
  # pip resolves tensorflow[and-cuda] from the packages' metadata alone (no download), which pins the CUDA
  # wheels to the versions pip itself would install next to this TensorFlow.
  say "resolving the CUDA wheels of tensorflow[and-cuda]==$TF_WHEEL_VERSION"
  report=$(mktemp)
  trap 'rm -f "$report"' EXIT
  python3 -m pip install -q --dry-run --ignore-installed --only-binary=:all: --report "$report" "tensorflow[and-cuda]==$TF_WHEEL_VERSION"
  mapfile -t specs < <(python3 - "$report" <<'PY'
import json, sys
for item in json.load(open(sys.argv[1]))['install']:
    meta = item['metadata']
    if meta['name'].startswith('nvidia-'):
        print(f"{meta['name']}=={meta['version']}")
PY
)
  [ ${#specs[@]} -gt 0 ] || { say "ERROR: pip resolved no nvidia-* wheels for tensorflow[and-cuda]==$TF_WHEEL_VERSION"; exit 1; }
  say "downloading ${#specs[@]} CUDA wheels to $cache (about 3 GB, once): ${specs[*]}"
  python3 -m pip download -q --no-deps --only-binary=:all: -d "$cache" "${specs[@]}"

  say "extracting their libraries to $cuda_dir"
  rm -rf "$cuda_dir" && mkdir -p "$cuda_dir"
  python3 - "$cache" "$cuda_dir" "${specs[@]}" <<'PY'
import glob, os, sys, zipfile
cache, out, specs = sys.argv[1], sys.argv[2], sys.argv[3:]
for spec in specs:
    name, version = spec.split('==')
    wheel = glob.glob(os.path.join(cache, f"{name.replace('-', '_')}-{version}-*.whl"))[0]
    with zipfile.ZipFile(wheel) as z:
        for member in z.infolist():
            parts = member.filename.split('/')
            # nvidia/<name>/lib/<file>: the shared libraries only (no headers, no nvcc binaries)
            if len(parts) == 4 and parts[0] == 'nvidia' and parts[2] == 'lib' and parts[3]:
                path = z.extract(member, os.path.dirname(out))
                os.chmod(path, 0o755)
PY
  lib_dirs=$(find "$PWD/$cuda_dir" -mindepth 2 -maxdepth 2 -type d -name lib | sort | paste -sd ':')
  # shellcheck disable=SC2016 # ${LD_LIBRARY_PATH...} is expanded when the file is sourced, not now
  printf 'export LD_LIBRARY_PATH="%s${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"\n' "$lib_dirs" > "$PKG/deps/cuda.env"
  touch "$cuda_dir/.complete"
fi

uses_gpu="const tf = require('$NPM_PACKAGE'); process.exit(tf.backend().isUsingGpuDevice ? 0 : 1)"
# shellcheck source=/dev/null # cuda.env is written above
if TF_CPP_MIN_LOG_LEVEL=2 node -e "$uses_gpu"; then
  say "$NPM_PACKAGE uses the GPU: train with --device gpu"
elif (source "$PKG/deps/cuda.env" && TF_CPP_MIN_LOG_LEVEL=2 node -e "$uses_gpu"); then
  say "$NPM_PACKAGE uses the GPU with the CUDA library path set: run \`source $PKG/deps/cuda.env\` before pixal"
else
  say "ERROR: $NPM_PACKAGE loads but TensorFlow finds no GPU it can use; its log says why:"
  (source "$PKG/deps/cuda.env" && node -e "require('$NPM_PACKAGE')") || true
  exit 1
fi
