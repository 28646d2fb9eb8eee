#!/usr/bin/env bash
# Makes tests/data/upgrade/workspace/: a workspace written by an early Azad Press, commit
# c906ed1 ("Review app, RTL editions and catalog, Prefect flows end to end, demo
# pipeline"), the first with `azad review`. tests/test_upgrade.py opens a copy of it with
# today's code. Run from the repository's root:
#
#   bash tests/data/upgrade/make_workspace.sh            # needs network-free pip (cache)
#
# It checks that commit out (git archive) into a temporary folder with its own venv, then
# uses only that code: users, machine drafts from the test model, saves through the app's
# save path, a send-back with its comment, an approval with a comment, and a publication.
set -euo pipefail
COMMIT=c906ed1
repo=$(git rev-parse --show-toplevel)
out="$repo/tests/data/upgrade/workspace"
old=${AZAD_OLD:-/tmp/azad-upgrade-$COMMIT}
if [ ! -x "$old/.venv/bin/azad" ]; then
  rm -rf "$old" && mkdir -p "$old"
  git -C "$repo" archive "$COMMIT" | tar -x -C "$old"
  python3.11 -m venv "$old/.venv"
  # Today's lock file pins what pip finds offline; the old code accepts those versions.
  "$old/.venv/bin/pip" install -q -c "$repo/requirements.lock" -e "$old"
fi
rm -rf "$out"
tmp=$(mktemp -d)
ws="$tmp/ws"
cd "$tmp"  # not the repository: python would import today's azad/ from the current folder
azad() { "$old/.venv/bin/azad" --workspace "$ws" "$@"; }
"$old/.venv/bin/azad" init "$ws"
cp "$repo/examples/salang-tunnel.md" "$ws/articles/"
azad models build-test-model
azad ingest "$ws/articles/salang-tunnel.md"
azad translate
printf 'correct horse battery\n' | azad users add eddie --role editor --password-stdin
printf 'correct horse battery\n' | azad users add dara --role translator --lang dari --password-stdin
printf 'correct horse battery\n' | azad users add pasha --role translator --lang pashto --password-stdin
# Saves through the old app's save path (the change log), every Dari segment reviewed,
# one Pashto segment saved as a draft; the editor sends Dari back with a comment, the
# translator saves again, the editor approves it (with a comment) and publishes it.
"$old/.venv/bin/python" - "$ws" <<'PY'
import sys
from pathlib import Path
from azad.review.segments import read_segments, save_segment
from azad.workspace import Workspace

ws = Workspace(Path(sys.argv[1]).resolve())
slug = "the-salang-tunnel"
for n, seg in enumerate(read_segments(ws, slug, "dari"), start=1):
    save_segment(ws, slug, "dari", seg.ctx, f"متن بازبینی‌شده شماره {n}", seg.rev, by="dara")
seg = read_segments(ws, slug, "pashto")[1]
save_segment(ws, slug, "pashto", seg.ctx, "د ژباړونکي مسوده", seg.rev, by="pasha", reviewed=False)
PY
azad review send-back the-salang-tunnel --lang dari --as eddie --comment "Check the tunnel's name"
"$old/.venv/bin/python" - "$ws" <<'PY'
import sys
from pathlib import Path
from azad.review.segments import read_segments, save_segment
from azad.workspace import Workspace

ws = Workspace(Path(sys.argv[1]).resolve())
seg = read_segments(ws, "the-salang-tunnel", "dari")[1]
save_segment(ws, "the-salang-tunnel", "dari", seg.ctx, "تونل سالنگ", seg.rev, by="dara")
PY
azad review approve the-salang-tunnel --lang dari --as eddie --comment "Approved for print"
azad publish --lang dari
azad review status
# Only what a newsroom's workspace holds: no model weights (the test is given the test
# model), no Prefect scratch space, no caches, no locks.
rm -rf "$ws/models" "$ws/.models-downloads" "$ws/.prefect" "$ws/.azad/cache"
find "$ws" -name '*.lock' -delete
sqlite3 "$ws/.azad/review.sqlite3" 'PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode=DELETE;' >/dev/null
rm -f "$ws/.azad/review.sqlite3-wal" "$ws/.azad/review.sqlite3-shm"
# Sessions and failed logins are not what an upgrade must keep.
sqlite3 "$ws/.azad/review.sqlite3" 'DELETE FROM sessions; DELETE FROM login_failures; VACUUM;'
mv "$ws" "$out"
rm -rf "$tmp"
echo "written: $out ($(du -sh "$out" | cut -f1))"
