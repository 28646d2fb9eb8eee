"""scripts/audit.sh (``make audit``) without the network: pip-audit over .venv against a
made-up OSV dump served on loopback by scripts/osv_offline.py, and the clear refusal
when the vulnerability service cannot be reached."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import zipfile
from importlib.metadata import version
from pathlib import Path

import pytest
from helpers import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
from osv_offline import affects

# Slow (runs pip-audit over the environment): not in `make check`.
pytestmark = pytest.mark.slow

VENV = Path(sys.executable).parent.parent
POLIB = version("polib")


def advisory(vid: str, **extra: object) -> dict[str, object]:
    return {"id": vid, "modified": "2026-01-02T00:00:00Z", "summary": f"made-up {vid}", **extra}


def polib_range(*events: dict[str, str]) -> dict[str, object]:
    return {
        "package": {"name": "polib", "ecosystem": "PyPI"},
        "ranges": [{"type": "ECOSYSTEM", "events": list(events)}],
    }


def dump(path: Path, advisories: list[dict[str, object]]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for a in advisories:
            zf.writestr(f"{a['id']}.json", json.dumps(a))
    return path


def audit(**env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(ROOT / "scripts" / "audit.sh")],
        env={**os.environ, "VENV": str(VENV), **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_an_advisory_for_an_installed_version_fails_the_audit(tmp_path: Path) -> None:
    db = dump(
        tmp_path / "all.zip",
        [
            advisory("PYSEC-0000-1", affected=[polib_range({"introduced": "0"})]),
            advisory("PYSEC-0000-2", affected=[polib_range({"introduced": "0"}, {"fixed": "0.1"})]),
            advisory(
                "PYSEC-0000-3",
                withdrawn="2026-01-01T00:00:00Z",
                affected=[{"package": {"name": "polib", "ecosystem": "PyPI"}, "versions": [POLIB]}],
            ),
        ],
    )
    result = audit(AZAD_OSV_DB=str(db))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "PYSEC-0000-1" in result.stdout and "polib" in result.stdout
    assert "PYSEC-0000-2" not in result.stdout and "PYSEC-0000-3" not in result.stdout
    assert "(offline)" in result.stdout


def test_no_matching_advisory_passes(tmp_path: Path) -> None:
    db = dump(
        tmp_path / "all.zip",
        [advisory("PYSEC-0000-2", affected=[polib_range({"introduced": "0"}, {"fixed": "0.1"})])],
    )
    result = audit(AZAD_OSV_DB=str(db))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no known vulnerabilities" in result.stdout


@pytest.mark.parametrize("how", ["refused", "silent"])
def test_an_unreachable_service_is_said_and_does_not_hang(how: str) -> None:
    """A closed port, and one that accepts and never answers (the timeout ends it)."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        port = listener.getsockname()[1]
        if how == "silent":
            listener.listen(8)
        else:
            listener.close()
        result = audit(AUDIT_OSV_URL=f"http://127.0.0.1:{port}/v1/query", AUDIT_TIMEOUT="2")
    assert result.returncode == 3
    assert "NOT CHECKED" in result.stderr and "AZAD_OSV_DB" in result.stderr


@pytest.mark.parametrize(
    ("events", "version_", "expected"),
    [
        ([{"introduced": "0"}], "1.0", True),
        ([{"introduced": "1.0"}, {"fixed": "1.2"}], "1.1", True),
        ([{"introduced": "1.0"}, {"fixed": "1.2"}], "1.2", False),
        ([{"introduced": "1.0"}, {"fixed": "1.2"}], "0.9", False),
        ([{"introduced": "0"}, {"last_affected": "2.0"}], "2.0", True),
        ([{"introduced": "0"}, {"last_affected": "2.0"}], "2.0.1", False),
        ([{"introduced": "1.0"}, {"fixed": "1.1"}, {"introduced": "2.0"}], "2.5", True),
    ],
)
def test_osv_range_evaluation(events: list[dict[str, str]], version_: str, expected: bool) -> None:
    affected = {"ranges": [{"type": "ECOSYSTEM", "events": events}]}
    assert affects(affected, version_) is expected
