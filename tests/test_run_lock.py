"""Two ``azad run`` on one workspace at once (issue 12, case 10): the second waits on the
workspace lock and says so, then finds nothing left to do; neither prints a traceback
(their temporary Prefect servers used to migrate one database together)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
from helpers import EXAMPLES

from azad.workspace import Workspace

# Slow (two `azad run` processes, each with its own Prefect API): not in `make check`.
pytestmark = pytest.mark.slow


def test_two_runs_at_once_queue_on_the_workspace_lock(ws_with_models: Workspace) -> None:
    ws = ws_with_models
    shutil.copy(EXAMPLES / "salang-tunnel.md", ws.articles_dir)
    # A real user's environment: no test Prefect API, each run its own temporary server.
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env["COLUMNS"] = "200"
    cmd = [sys.executable, "-m", "azad", "--workspace", str(ws.root), "run"]
    procs = [
        subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        for _ in range(2)
    ]
    results = [proc.communicate(timeout=900) for proc in procs]
    for proc, (out, err) in zip(procs, results, strict=True):
        assert proc.returncode == 0, err.decode()
        assert b"Traceback" not in err and b"Traceback" not in out, err.decode()
    waited = [out.decode() for out, err in results if b"waits for it" in err]
    assert len(waited) == 1, [err.decode() for _, err in results]
    # The one that waited found the article ingested and its translations done, and so
    # did not start Prefect at all.
    assert "nothing to do" in waited[0]
