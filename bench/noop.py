"""What a run with nothing to do costs, beside `azad articles`.

Usage: .venv/bin/python bench/noop.py [--repeat 5] [--articles 20]

One workspace with ``--articles`` articles, ingested and translated (tiny test model), and
nothing approved. Timed, each as a fresh process, median of ``--repeat`` runs:

* ``azad articles`` (the yardstick: read every article);
* ``azad run`` and ``azad publish`` with nothing to do (they answer without Prefect);
* the translate flow on the same workspace through Prefect's temporary local API (what a
  no-op ``azad run`` cost before it checked first: every task a cache hit);
* an empty flow through the temporary API: its fixed cost.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
TMP = Path(tempfile.mkdtemp(prefix="azad-bench-noop-"))

EMPTY_FLOW = """
from azad.prefect_env import prepare_prefect
from azad.workspace import Workspace
import sys
prepare_prefect(Workspace(__import__("pathlib").Path(sys.argv[1])))
from prefect import flow
flow(lambda: None, name="empty")()
"""

TRANSLATE_FLOW = """
from azad.prefect_env import prepare_prefect
from azad.workspace import Workspace
import sys
prepare_prefect(Workspace(__import__("pathlib").Path(sys.argv[1])))
from flows.pipeline import translate_articles
outcomes = translate_articles(workspace=sys.argv[1])
assert sum(o.sent for o in outcomes) == 0
"""


def azad(root: Path, *args: str) -> list[str]:
    return [str(BIN / "azad"), "-w", str(root), *args]


def make_workspace(n: int) -> Path:
    root = TMP / "ws"
    subprocess.run([str(BIN / "azad"), "init", str(root)], check=True, capture_output=True)
    subprocess.run(azad(root, "models", "build-test-model"), check=True, capture_output=True)
    examples = sorted((ROOT / "examples").iterdir())
    for i in range(n):
        src = examples[i % len(examples)]
        text = src.read_text(encoding="utf-8")
        if src.suffix == ".md":
            text = text.replace('title: "', f'title: "No. {i}: ', 1)
        else:
            text = text.replace("Red Gold of Herat:", f"Red Gold of Herat no. {i}:", 1)
        (root / "articles" / f"{src.stem}-{i}{src.suffix}").write_text(text, encoding="utf-8")
    subprocess.run(
        azad(root, "ingest", *map(str, sorted((root / "articles").iterdir()))),
        check=True,
        capture_output=True,
    )
    subprocess.run(azad(root, "translate"), check=True, capture_output=True)
    return root


def timed(cmd: list[str], repeat: int, env: dict[str, str], expect: str = "") -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        done = subprocess.run(cmd, env=env, capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        if done.returncode != 0 or expect not in done.stdout:
            raise SystemExit(f"{cmd}: {done.returncode}\n{done.stdout}\n{done.stderr}")
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--articles", type=int, default=20)
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env["COLUMNS"] = "200"
    root = make_workspace(args.articles)
    py = str(sys.executable)
    rows = [
        ("azad articles", timed(azad(root, "articles"), args.repeat, env)),
        ("azad run (nothing to do)", timed(azad(root, "run"), args.repeat, env, "nothing")),
        ("azad publish (nothing to do)", timed(azad(root, "publish"), args.repeat, env, "nothing")),
        (
            "translate flow, all cached (temporary API)",
            timed([py, "-c", TRANSLATE_FLOW, str(root)], args.repeat, env),
        ),
        (
            "empty flow (temporary API's fixed cost)",
            timed([py, "-c", EMPTY_FLOW, str(root)], args.repeat, env),
        ),
    ]
    base = rows[0][1]
    print(f"{args.articles} articles × 2 languages, median of {args.repeat} fresh processes")
    for name, seconds in rows:
        print(f"  {name:<45} {seconds:6.2f} s  {seconds / base:5.1f}× azad articles")


if __name__ == "__main__":
    main()
