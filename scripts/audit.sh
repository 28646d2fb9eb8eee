#!/usr/bin/env bash
# Known vulnerabilities in the project's resolved dependencies: pip-audit over every
# package installed in .venv (what `pip install -e '.[dev]'` resolved, dev tools
# included; the project itself, an editable install that is not on PyPI, is skipped).
#
#   bash scripts/audit.sh          (or: make audit)
#
# Where the advisories come from:
#   AZAD_OSV_DB=/path/PyPI-all.zip  offline: OSV's dump of PyPI advisories, copied from a
#                                   machine with the network (scripts/osv_offline.py
#                                   answers pip-audit on 127.0.0.1); only as current as
#                                   the copy
#   AUDIT_SERVICE=osv (default)     online: OSV's API (PYSEC and GHSA advisories)
#   AUDIT_SERVICE=pypi              online: PyPI's JSON API
#   AUDIT_OSV_URL=...               another OSV-compatible query URL
# pip-audit has no offline mode of its own: its PyPI service has a fixed host and an HTTP
# cache only, its OSV service takes a URL (hence the local stand-in).
#
# Exit status: 0 nothing known, 1 vulnerabilities found (listed), 3 the vulnerability
# service cannot be reached (nothing was checked; says so). Never hangs: the service is
# probed with a timeout first, and pip-audit's own requests time out.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN="${VENV:-.venv}/bin"
TIMEOUT="${AUDIT_TIMEOUT:-10}"
PY="$BIN/python"
[ -x "$BIN/pip-audit" ] || { echo "audit: $BIN/pip-audit not found (make setup)" >&2; exit 2; }

server_pid=""
cleanup() { if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi; }
trap cleanup EXIT

packages=$("$BIN/pip-audit" --dry-run --skip-editable --progress-spinner off 2>&1 |
  sed -n 's/.*would have audited \([0-9]*\) packages.*/\1/p')
echo "audit: ${packages:-?} packages installed in ${VENV:-.venv} (the project's resolved dependencies)"

if [ -n "${AZAD_OSV_DB:-}" ]; then
  [ -f "$AZAD_OSV_DB" ] || { echo "audit: AZAD_OSV_DB=$AZAD_OSV_DB: no such file" >&2; exit 2; }
  portfile=$(mktemp)
  "$PY" scripts/osv_offline.py "$AZAD_OSV_DB" >"$portfile" &
  server_pid=$!
  for _ in $(seq 1 300); do
    [ -s "$portfile" ] && break
    kill -0 "$server_pid" 2>/dev/null || { echo "audit: cannot read $AZAD_OSV_DB" >&2; exit 2; }
    sleep 0.1
  done
  port=$(cat "$portfile"); rm -f "$portfile"
  [ -n "$port" ] || { echo "audit: the offline OSV server did not start" >&2; exit 2; }
  service=(--vulnerability-service osv --osv-url "http://127.0.0.1:$port/v1/query")
  echo "audit: advisories from $AZAD_OSV_DB (offline)"
else
  case "${AUDIT_SERVICE:-osv}" in
    osv)
      url="${AUDIT_OSV_URL:-https://api.osv.dev/v1/query}"
      service=(--vulnerability-service osv --osv-url "$url") ;;
    pypi)
      url="https://pypi.org/pypi/pip/json"
      service=(--vulnerability-service pypi) ;;
    *) echo "audit: AUDIT_SERVICE must be osv or pypi" >&2; exit 2 ;;
  esac
  # Any HTTP answer (even 405 to a GET) means the service is there; no answer within the
  # timeout means it is not, and pip-audit would fail on every package.
  if ! "$PY" - "$url" "$TIMEOUT" <<'EOF'
import sys, urllib.error, urllib.request
try:
    urllib.request.urlopen(sys.argv[1], timeout=float(sys.argv[2]))
except urllib.error.HTTPError:
    pass
except (urllib.error.URLError, OSError) as exc:
    print(f"audit: {sys.argv[1]} cannot be reached ({getattr(exc, 'reason', exc)})", file=sys.stderr)
    sys.exit(1)
EOF
  then
    echo "audit: NOT CHECKED: the vulnerability service is unreachable from this machine." >&2
    echo "audit: offline: copy OSV's PyPI dump (https://osv-vulnerabilities.storage.googleapis.com/PyPI/all.zip) here and run AZAD_OSV_DB=<file> make audit" >&2
    exit 3
  fi
  echo "audit: advisories from $url (online)"
fi

status=0
timeout "${AUDIT_TOTAL_TIMEOUT:-900}" "$BIN/pip-audit" "${service[@]}" --timeout "$TIMEOUT" \
  --skip-editable --progress-spinner off --desc on --aliases on || status=$?
case $status in
  0) echo "audit: no known vulnerabilities in ${packages:-the} packages" ;;
  1) echo "audit: vulnerabilities found (above)" >&2 ;;
  124) echo "audit: pip-audit timed out; nothing conclusive" >&2; exit 3 ;;
  *) echo "audit: pip-audit failed (exit $status); nothing conclusive" >&2; exit 3 ;;
esac
exit "$status"
