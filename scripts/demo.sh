#!/usr/bin/env bash
# The main job on the project's own example articles, in the git-ignored workspace demo/.
set -euo pipefail
ws=${1:-demo}
azad() { .venv/bin/azad --workspace "$ws" "$@"; }
[ -f "$ws/azad.toml" ] || .venv/bin/azad init "$ws"
cp examples/* "$ws/articles/"

echo "== ingest"
azad ingest "$ws"/articles/*.*

echo; echo "== models"
# Real packages are used where installed; otherwise (offline) the test model, whose output
# is NOT a translation.
azad models build-test-model --only-missing
azad models list

echo; echo "== machine translation into the review queue"
azad translate --lang all
echo

