#!/usr/bin/env bash
# Tiled against pooled detection of small defects (issue 8): the same `pixal synth` flexes (960x540, scratch and
# particle defects of 5-99 pixels) trained and validated pooled (pool 4, pool 2) and tiled at full resolution
# (pool 1, tile 128, stride 112, shared and per_location), each scored with error-map smoothing sigmas 0..2.
# Every run is a real `pixal train` / `pixal validate` against a `pixal server`; prints a Markdown table with pixel
# AUROC, AP, image AUROC, wall time and peak memory (/usr/bin/time -v).
#   bash bench/tiling/run.sh [WORK_DIR] [CONFIGS]     CONFIGS e.g. "pool4 pool2 tiled-shared tiled-per_location"
# EPOCHS_TILED (default 200) caps tiled training; pooled runs use the config's n_epochs with early stopping.
# TILE and STRIDE (default 128, 112) set the tiling; SIZE (default 960x540) and EXTRA_SETS ("section.key=value ...", applied last) make a quick smoke run.
# About 1.5 h on 2 cores; one config at a time with CONFIGS.
set -euo pipefail

REPO="$(cd "$(dirname "$0")/../.." && pwd)"
WORK="${1:-/tmp/pixal-tiling-bench}"
CONFIGS="${2:-pool4 pool2 tiled-shared tiled-per_location}"
EPOCHS_TILED="${EPOCHS_TILED:-200}"
SIGMAS="${SIGMAS:-0 0.5 1 2}"
SIZE="${SIZE:-960x540}"
TILE="${TILE:-128}"
STRIDE="${STRIDE:-112}"
PIXAL=(node "$REPO/trainer/cli/bin.mjs")
say() { printf '\033[1m[tiling bench]\033[0m %s\n' "$*" >&2; }

mkdir -p "$WORK"
cd "$WORK"
[ -f data-train/manifest.json ] || "${PIXAL[@]}" synth -o data-train --seed 11 --size "$SIZE" --types front --train 20 --test-good 0 --test-defective 0 --quiet
[ -f data-test/manifest.json ] || "${PIXAL[@]}" synth -o data-test --seed 4242 --size "$SIZE" --types front --train 0 --test-good 8 --test-defective 6 --defects scratch,particle --quiet

port=$(node -e "const s=require('net').createServer().listen(0,()=>{console.log(s.address().port);s.close()})")
"${PIXAL[@]}" server --port "$port" --backend-store-uri "sqlite:///$WORK/mlruns/pixal.db" --artifacts-destination "$WORK/mlruns" --log-level warn >server.log 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
export MLFLOW_TRACKING_URI="http://127.0.0.1:$port"
until curl -sf "$MLFLOW_TRACKING_URI/health" >/dev/null; do sleep 0.5; done

# Peak RSS (MB) and wall time of a /usr/bin/time -v log.
peak_mb() { awk -F': ' '/Maximum resident/ {printf "%.0f", $2 / 1024}' "$1"; }
wall() { awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$1"; }

rows=()
for name in $CONFIGS; do
  case "$name" in
    pool4) pool=4; sets=() ;;
    pool2) pool=2; sets=() ;;
    tiled-shared | tiled-per_location)
      pool=1
      sets=(--set tiling.enabled=true --set "tiling.tile_size=$TILE" --set "tiling.stride=$STRIDE" --set "tiling.mode=${name#tiled-}" --set "model_training.n_epochs=$EPOCHS_TILED") ;;
    *) echo "unknown config '$name' (pool4, pool2, tiled-shared, tiled-per_location)" >&2; exit 2 ;;
  esac
  sets+=(--set "preprocessing.preprocessor.pool_size=$pool")
  for extra in ${EXTRA_SETS:-}; do sets+=(--set "$extra"); done
  mkdir -p "pool$pool" "$name"
  if [ ! -f "pool$pool/out/flex/front/out.npz" ]; then
    say "preprocess at pool $pool"
    (cd "pool$pool" && "${PIXAL[@]}" preprocess -i "$WORK/data-train/train/flex" --quiet "${sets[@]}")
  fi
  say "$name: train"
  (cd "pool$pool" && /usr/bin/time -v "${PIXAL[@]}" train -i out/flex --experiment tiling-bench --quiet "${sets[@]}" >"../$name/train.log" 2>"../$name/train.time")
  run=$(grep -o 'run [0-9a-f]\{32\}' "$name/train.log" | head -1 | cut -d' ' -f2)
  for sigma in $SIGMAS; do
    say "$name: validate, map_sigma $sigma"
    (cd "$name" && /usr/bin/time -v "${PIXAL[@]}" validate -i "$WORK/data-test/test/flex" --run "$run" --quiet "${sets[@]}" --set "detection.map_sigma=$sigma" >"val-$sigma.log" 2>"val-$sigma.time")
    line=$(grep 'pixel AUROC' "$name/val-$sigma.log")
    pixel_auroc=$(sed -E 's/.*pixel AUROC ([0-9.]+).*/\1/' <<<"$line")
    pixel_ap=$(sed -E 's/.*pixel AUROC [0-9.]+ +AP ([0-9.]+).*/\1/' <<<"$line")
    image_auroc=$(sed -E 's/.*image AUROC ([0-9.]+).*/\1/' <<<"$line")
    tiling=$([ "$pool" = 1 ] && echo "$TILE / $STRIDE / ${name#tiled-}" || echo "untiled")
    rows+=("| $name | $pool | $tiling | $sigma | **$pixel_auroc** | $pixel_ap | $image_auroc | $(wall "$name/train.time") | $(peak_mb "$name/train.time") | $(wall "$name/val-$sigma.time") |")
  done
done

echo "| config | pool | tile / stride / mode | map_sigma | pixel AUROC | pixel AP | image AUROC | train wall | train peak MB | validate wall |"
echo "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|"
printf '%s\n' "${rows[@]}"
