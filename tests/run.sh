#!/usr/bin/env bash
# `npm test`: set-up (idempotent), lint, typecheck, then every test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tests/setup/setup.sh
echo "== lint"; npx eslint .
echo "== typecheck"; npx tsc --noEmit -p tsconfig.json && npx tsc --noEmit -p web/tsconfig.json
echo "== tests"; npx vitest run "$@"
