#!/usr/bin/env bash
# Tiled against pooled detection of small defects (issue 8): the same `pixal synth` flexes (960x540, scratch and
# particle defects of 5-99 pixels) trained and validated pooled (pool 4, pool 2) and tiled at full resolution
# (pool 1, tile 128, stride 112, shared and per_location; any pool<N> for more pooled rows). Each model is scored twice on the test set: with the
# detection defaults, and with the error-map smoothing (detection.map_sigma) and normalisation epsilon
# (detection.normalisation_epsilon_quantile) that gave it the best pixel AUROC on a separate tuning set (another
# synth seed), so no number is tuned on the images it reports. Every run is a real `pixal train` / `pixal validate`
# against a pixal server; prints a Markdown table (pixel AUROC, AP and AUPRO, image AUROC, train wall time, peak memory).
#   bash bench/tiling/run.sh [WORK_DIR] [CONFIGS]     CONFIGS e.g. "pool4 pool2 tiled-shared tiled-per_location"
# A config whose WORK_DIR/<config>/run_id exists is not trained again (its training run is validated), nor is a
# validation whose log is complete run again, so configs can be trained one at a time and a cut run resumed; MLFLOW_TRACKING_URI set: that server (holding those runs), else a fresh pixal server.
# EPOCHS_TILED (default 200) caps tiled training; pooled runs use the config's n_epochs with early stopping.
# DEFECT_SCALE (default 1) multiplies the test and tuning sets' defect sizes (`pixal synth --defect-scale`; 0.5 gives
# defects of 1-20 pixels) and DEFECTIVE (default 6) sets their images per defect kind; the models, trained on good
# images only, serve every set. TILE and STRIDE (default 128, 112) set the tiling; SIZE (default 960x540) and EXTRA_SETS ("section.key=value ...",
# applied last) make a quick smoke run. About 1.5 h on 2 cores.
set -euo pipefail

REPO="$(cd "$(dirname "$0")/../.." && pwd)"
WORK="${1:-/tmp/pixal-tiling-bench}"
CONFIGS="${2:-pool4 pool2 tiled-shared tiled-per_location}"
EPOCHS_TILED="${EPOCHS_TILED:-200}"
SIGMAS="${SIGMAS:-0 1 2 4}"
EPSILONS="${EPSILONS:-0 0.5}"
SIZE="${SIZE:-960x540}"
DEFECT_SCALE="${DEFECT_SCALE:-1}"
DEFECTIVE="${DEFECTIVE:-6}"
TILE="${TILE:-128}"
STRIDE="${STRIDE:-112}"
PIXAL=(node "$REPO/trainer/cli/bin.mjs")
say() { printf '\033[1m[tiling bench]\033[0m %s\n' "$*" >&2; }

mkdir -p "$WORK"
cd "$WORK"
synth() { [ -f "$1/manifest.json" ] || "${PIXAL[@]}" synth -o "$1" --seed "$2" --size "$SIZE" --types front --quiet "${@:3}"; }
synth data-train 11 --train 20 --test-good 0 --test-defective 0
DATASETS="scale$DEFECT_SCALE-defective$DEFECTIVE"
TEST="data-test-$DATASETS"
TUNE="data-tune-$DATASETS"
synth "$TEST" 4242 --train 0 --test-good 8 --test-defective "$DEFECTIVE" --defects scratch,particle --defect-scale "$DEFECT_SCALE"
synth "$TUNE" 777 --train 0 --test-good 8 --test-defective "$DEFECTIVE" --defects scratch,particle --defect-scale "$DEFECT_SCALE"

if [ -z "${MLFLOW_TRACKING_URI:-}" ]; then
  port=$(node -e "const s=require('net').createServer().listen(0,()=>{console.log(s.address().port);s.close()})")
  "${PIXAL[@]}" server --port "$port" --backend-store-uri "sqlite:///$WORK/mlruns/pixal.db" --artifacts-destination "$WORK/mlruns" --log-level warn >server.log 2>&1 &
  server=$!
  trap 'kill $server 2>/dev/null || true' EXIT
  export MLFLOW_TRACKING_URI="http://127.0.0.1:$port"
  until curl -sf "$MLFLOW_TRACKING_URI/health" >/dev/null; do sleep 0.5; done
fi

# Peak RSS (MB) and wall time of a /usr/bin/time -v log, or — when the run was trained elsewhere.
peak_mb() { [ -f "$1" ] && awk -F': ' '/Maximum resident/ {printf "%.0f", $2 / 1024}' "$1" || echo —; }
wall() { [ -f "$1" ] && awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$1" || echo —; }
# One validation's headline numbers from its log: "pixel_auroc pixel_ap pixel_aupro image_auroc" (— where missing).
scores() {
  local line ap aupro
  line=$(grep 'pixel AUROC' "$1")
  ap=$(sed -E 's/.*pixel AUROC [0-9.]+ +AP ([0-9.]+).*/\1/' <<<"$line")
  aupro=$(grep -o 'AUPRO [0-9.]*' <<<"$line" | cut -d' ' -f2 || true)
  echo "$(grep -o 'pixel AUROC [0-9.]*' <<<"$line" | cut -d' ' -f3) $ap ${aupro:-—} $(grep -o 'image AUROC [0-9.]*' <<<"$line" | cut -d' ' -f3)"
}

rows=()
for name in $CONFIGS; do
  case "$name" in
    pool[0-9]*) pool=${name#pool}; sets=() ;;
    tiled-shared | tiled-per_location)
      pool=1
      sets=(--set tiling.enabled=true --set "tiling.tile_size=$TILE" --set "tiling.stride=$STRIDE" --set "tiling.mode=${name#tiled-}" --set "model_training.n_epochs=$EPOCHS_TILED") ;;
    *) echo "unknown config '$name' (pool<N>, tiled-shared, tiled-per_location)" >&2; exit 2 ;;
  esac
  sets+=(--set "preprocessing.preprocessor.pool_size=$pool")
  for extra in ${EXTRA_SETS:-}; do sets+=(--set "$extra"); done
  mkdir -p "pool$pool" "$name"
  if [ ! -f "$name/run_id" ]; then
    if [ ! -f "pool$pool/out/flex/front/out.npz" ]; then
      say "preprocess at pool $pool"
      (cd "pool$pool" && "${PIXAL[@]}" preprocess -i "$WORK/data-train/train/flex" --quiet "${sets[@]}")
    fi
    say "$name: train"
    (cd "pool$pool" && /usr/bin/time -v "${PIXAL[@]}" train -i out/flex --experiment tiling-bench --quiet "${sets[@]}" >"../$name/train.log" 2>"../$name/train.time")
    grep -o 'run [0-9a-f]\{32\}' "$name/train.log" | head -1 | cut -d' ' -f2 >"$name/run_id"
  fi
  run=$(cat "$name/run_id")
  logs="$name/$DATASETS"
  mkdir -p "$logs"
  validate() { # data-dir sigma epsilon log; a validation whose log holds its scores is not run again
    grep -qs 'pixel AUROC' "$4" && return
    (cd "$name" && "${PIXAL[@]}" validate -i "$WORK/$1/test/flex" --run "$run" --quiet "${sets[@]}" --set "detection.map_sigma=$2" --set "detection.normalisation_epsilon_quantile=$3" >"$4")
  }
  best="0 0"; best_auroc=-1
  for sigma in $SIGMAS; do
    for eps in $EPSILONS; do
      say "$name: tune, map_sigma $sigma, epsilon quantile $eps"
      validate "$TUNE" "$sigma" "$eps" "$WORK/$logs/tune-$sigma-$eps.log"
      read -r auroc _ _ _ <<<"$(scores "$logs/tune-$sigma-$eps.log")"
      if awk -v a="$auroc" -v b="$best_auroc" 'BEGIN { exit !(a > b) }'; then best="$sigma $eps"; best_auroc=$auroc; fi
    done
  done
  read -r sigma eps <<<"$best"
  say "$name: test, defaults and map_sigma $sigma, epsilon quantile $eps"
  validate "$TEST" 0 0 "$WORK/$logs/test-default.log"
  validate "$TEST" "$sigma" "$eps" "$WORK/$logs/test-tuned.log"
  read -r d_auroc d_ap d_aupro d_image <<<"$(scores "$logs/test-default.log")"
  read -r t_auroc t_ap t_aupro t_image <<<"$(scores "$logs/test-tuned.log")"
  epochs=$(grep -o '[0-9]* epochs ([a-z ]*)' "$name/train.log" 2>/dev/null | head -1 || echo —)
  tiling=$([ "$pool" = 1 ] && echo "$TILE / $STRIDE / ${name#tiled-}" || echo "untiled")
  rows+=("| $name | $pool | $tiling | $epochs | $(wall "$name/train.time") | $(peak_mb "$name/train.time") | $d_auroc | $d_ap | $d_aupro | $d_image | $sigma / $eps | **$t_auroc** | $t_ap | $t_aupro | $t_image |")
done

echo "| config | pool | tile / stride / mode | epochs | train wall | train peak MB | pixel AUROC (defaults) | pixel AP | pixel AUPRO | image AUROC | tuned map_sigma / epsilon quantile | pixel AUROC (tuned) | pixel AP | pixel AUPRO | image AUROC |"
echo "|---|---:|---|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|"
printf '%s\n' "${rows[@]}"
