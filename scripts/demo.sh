#!/usr/bin/env bash
# The main job on the project's own example articles, in the git-ignored workspace demo/.
set -euo pipefail
ws=${1:-demo}
azad=.venv/bin/azad
[ -f "$ws/azad.toml" ] || $azad init "$ws"
cp examples/* "$ws/articles/"
$azad --workspace "$ws" ingest "$ws"/articles/*.*
echo
$azad --workspace "$ws" articles
