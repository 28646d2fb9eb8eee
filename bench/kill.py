"""Kill-at-random fault injection over ingest, translate, save and publish.

Usage: .venv/bin/python bench/kill.py [--kills 400] [--seed S] [--ops ingest,save]
                                      [--dir DIR] [--sequential] [--json FILE] [--keep]

Runs the harness of tests/killharness.py (the test tests/test_kill.py runs it with 50
kills per operation) with ``--kills`` kills spread evenly over the operations, and prints
per operation: the measured duration of one run, kills, runs that completed before their
kill, where the kills landed (as a fraction of the measured run, and what they
interrupted), unparsable files, lost saves, broken invariants, recoveries that completed,
acknowledged saves checked, and where the time went.

The workspaces go to ``--dir`` (default: a new folder in /dev/shm if there is one, so
that fsync costs nothing: SIGKILL tests process death, not power loss; give a folder on
disk to kill with real fsync latencies) and are removed afterwards unless ``--keep``.
Exit status 1 if anything was unparsable, lost, broken or not recovered.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from killharness import SCENARIOS, as_dict, histogram, run_all, summary  # noqa: E402

from azad.mt.testmodel import build_test_package  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=400, help="kills in all (default 400)")
    parser.add_argument("--seed", type=int, default=None, help="RNG seed (default: random)")
    parser.add_argument("--ops", default=",".join(SCENARIOS), help="operations, comma-separated")
    parser.add_argument("--dir", type=Path, default=None, help="folder for the workspaces")
    parser.add_argument("--sequential", action="store_true", help="one operation at a time")
    parser.add_argument("--json", type=Path, default=None, help="write the statistics here")
    parser.add_argument("--keep", action="store_true", help="keep the workspaces")
    args = parser.parse_args()

    ops = [op.strip() for op in args.ops.split(",") if op.strip()]
    unknown = [op for op in ops if op not in SCENARIOS]
    if unknown or not ops:
        parser.error(f"unknown operations {unknown}; choose from {', '.join(SCENARIOS)}")
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2**32)
    kills = {op: args.kills // len(ops) + (n < args.kills % len(ops)) for n, op in enumerate(ops)}
    shm = Path("/dev/shm")
    base = args.dir or (shm if shm.is_dir() else None)
    if base is not None:
        base.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="azad-kill-", dir=base))
    print(f"seed {seed}; kills {kills}; workspaces in {workdir}", flush=True)

    started = time.monotonic()
    try:
        packages = {c: build_test_package(workdir / "packages", to_code=c) for c in ("fa", "ps")}
        stats = run_all(
            workdir,
            packages,
            kills,
            seed,
            progress=lambda line: print(f"  {line}", flush=True),
            parallel=not args.sequential,
        )
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    wall = time.monotonic() - started

    print()
    print(summary(stats, seed))
    print()
    print("kill delays as fractions of the measured run:")
    for s in stats:
        print(f"  {s.op:<10} {histogram(s)}")
    print("where the time went (seconds):")
    for s in stats:
        parts = ", ".join(f"{k} {v:.1f}" for k, v in s.seconds.items())
        print(f"  {s.op:<10} {parts}")
    print(f"wall time {wall:.1f} s")
    if args.json is not None:
        data = {"seed": seed, "wall": wall, "ops": [as_dict(s) for s in stats]}
        args.json.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    return 0 if all(s.ok and s.recoveries_ok == len(s.kills) for s in stats) else 1


if __name__ == "__main__":
    sys.exit(main())
