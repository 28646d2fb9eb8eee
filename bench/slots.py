"""When the translate flow takes its MT slots: before the ingest task (as it does) or after
it (as it did), side by side on one Prefect server.

Usage: .venv/bin/python bench/slots.py [--runs 8]

Right after a task ends, the server writes the task's states to its SQLite database; a
slot request then ("increment-with-lease") may meet "database is locked", which the
server answers 503 and the client retries 2 s later.  Each side runs the flow ``--runs``
times, alternating, over one article already translated (so the runs do nothing else),
and prints the median and mean run time and the 503 answers seen.
"""

from __future__ import annotations

import argparse
import logging
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


class Count503(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.n = 0

    def emit(self, record: logging.LogRecord) -> None:
        if "increment-with-lease" in record.getMessage() and " 503 " in record.getMessage():
            self.n += 1


def workspace(tmp: Path) -> Any:
    from azad.mt.packages import install_file
    from azad.mt.testmodel import build_test_package
    from azad.workspace import Workspace

    cmd = [sys.executable, "-m", "azad", "init", str(tmp / "ws")]
    subprocess.run(cmd, check=True, capture_output=True)
    ws = Workspace(tmp / "ws")
    for code in ("fa", "ps"):
        install_file(ws.models_dir, build_test_package(tmp, to_code=code))
    shutil.copy(ROOT / "examples" / "salang-tunnel.md", ws.articles_dir)
    return ws


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=8)
    args = parser.parse_args()
    ws = workspace(Path(tempfile.mkdtemp(prefix="azad-bench-slots-")))

    from prefect import flow
    from prefect.concurrency.sync import concurrency
    from prefect.testing.utilities import prefect_test_harness

    from flows.pipeline import (
        MT_CONCURRENCY_LIMIT,
        MT_WORKERS,
        ensure_concurrency_limit,
        ingest,
        translate_articles,
    )

    @flow(name="translate_articles_slots_after_ingest")
    def slots_after_ingest(workspace: str) -> None:
        """The flow's order before: ingest, then the slots, then the (cached) tasks."""
        limit = ensure_concurrency_limit(MT_CONCURRENCY_LIMIT, 2)
        ingest(workspace, None)
        with concurrency(MT_CONCURRENCY_LIMIT, occupy=min(MT_WORKERS, limit), strict=False):
            pass

    counter = Count503()
    logging.getLogger("httpx").addHandler(counter)
    logging.getLogger("httpx").setLevel(logging.INFO)
    sides = {"slots first (now)": translate_articles, "slots after ingest": slots_after_ingest}
    times: dict[str, list[float]] = {name: [] for name in sides}
    errors = dict.fromkeys(sides, 0)
    with prefect_test_harness(server_startup_timeout=180):
        translate_articles(workspace=str(ws.root))  # the translation itself, once
        for _ in range(args.runs):
            for name, fn in sides.items():
                before = counter.n
                start = time.perf_counter()
                fn(workspace=str(ws.root))
                times[name].append(time.perf_counter() - start)
                errors[name] += counter.n - before
    print(f"{'side':<22} {'runs':>5} {'median s':>9} {'mean s':>8} {'503s':>5}")
    for name, t in times.items():
        print(
            f"{name:<22} {len(t):>5} {statistics.median(t):>9.2f} "
            f"{statistics.fmean(t):>8.2f} {errors[name]:>5}"
        )
    now, before = (statistics.fmean(t) for t in times.values())
    print(f"ratio mean now / before: {now / before:.2f}")


if __name__ == "__main__":
    main()
