#!/usr/bin/env bash
# The main job on the project's own example articles, in the git-ignored workspace demo/:
# ingest → machine translation → (demo-only approval) → PDF and EPUB editions + catalog.
set -euo pipefail
ws=${1:-demo}
azad() { .venv/bin/azad --workspace "$ws" "$@"; }
if [ ! -f "$ws/azad.toml" ]; then
  .venv/bin/azad init "$ws"
  touch "$ws/.azad-demo"   # marks the workspace whose drafts the demo may approve
fi
cp examples/* "$ws/articles/"

echo "== models"
# Real packages are used where installed; otherwise (offline) the test model, whose output
# is NOT a translation (the editions say so on their first page).
azad models build-test-model --only-missing
azad models list

echo; echo "== translate_articles (Prefect flow): ingest and machine-translate articles/"
azad run

echo; echo "== review"
echo "In a newsroom, translators post-edit these drafts and an editor approves them."
.venv/bin/python -m azad.demo "$ws"

echo; echo "== publish_editions (Prefect flow)"
azad publish

echo; echo "== editions"
find "$ws/output" -mindepth 2 -maxdepth 2 \( -name '*.pdf' -o -name '*.epub' -o -name '*.html' \) -not -path '*/drafts/*' | sort
echo "catalog: $ws/output/index.html"
echo "serve it to readers (and the review queue to translators): azad -w $ws review serve"
