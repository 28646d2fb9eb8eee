"""bench/load.py, briefly: the review app served by ``azad review serve`` in its own
process, translators saving (with conflicts) and editors loading pages; no errors, no
lost updates, and the change log agreeing with what the clients were told."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_short_load_run_has_no_errors_and_no_lost_updates(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "load.py"),
            *("--seconds", "3", "--savers", "4", "--loaders", "2", "--articles", "4"),
            *("--workspace", str(ws), "--json"),
        ],
        capture_output=True,
        text=True,
        timeout=180,  # a bound on a hung run, not a performance target
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    result = json.loads(proc.stdout)
    assert result["errors"] == 0 and result["request_errors"] == 0, result["error_samples"]
    assert result["lost_updates"] == 0, result["notes"]
    assert result["stale_saves_accepted"] == 0
    assert result["change_log"]["mismatches"] == 0, result["notes"]
    # Every kind of request was made, and saves were acknowledged and logged one by one.
    assert all(kind["count"] > 0 for kind in result["kinds"].values()), result["kinds"]
    assert result["acknowledged_saves"] > 0
    assert result["change_log"]["save_rows"] == result["acknowledged_saves"]
    assert result["change_log"]["conflict_rows"] == result["conflicts"]
    assert result["po_files_checked"] == 8 and result["po_files_damaged"] == 0
    assert not ws.exists()  # the workspace is removed unless --keep
