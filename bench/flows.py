"""What Prefect costs: the flows against the same library calls in a plain loop.

Usage: .venv/bin/python bench/flows.py [--articles 50]

Two fresh workspaces get the same ``--articles`` English articles (the examples under
different titles) and the tiny test model. One is translated with ``translate_articles``
and published with ``publish_editions`` (one task per article × language, Prefect's
temporary local API, started before timing); the other by calling ``translate_articles``
of the library per article × language and ``publish_many`` in a plain loop. Approving the
drafts (a translator's and an editor's job) happens between the two steps on both sides
and is not timed. Prints seconds per step and the ratio flows / loop.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# This script is bench/flows.py: keep its folder off sys.path so that `flows` is the package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent]
TMP = Path(tempfile.mkdtemp(prefix="azad-bench-flows-"))
for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
    os.environ[var] = str(TMP / var.lower())
os.environ["PREFECT_HOME"] = str(TMP / "prefect")
os.environ["PREFECT_LOGGING_LEVEL"] = "WARNING"
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"

from azad.demo import MARKER, approve_everything  # noqa: E402
from azad.ingest import ingest_each  # noqa: E402
from azad.publish import pending, publish_many  # noqa: E402
from azad.queue.articles import ArticleStore  # noqa: E402
from azad.translate import translate_articles  # noqa: E402
from azad.workspace import Workspace  # noqa: E402


def make_workspace(name: str, n: int) -> Workspace:
    root = TMP / name
    azad = str(Path(sys.executable).parent / "azad")
    subprocess.run([azad, "init", str(root)], check=True, capture_output=True)
    subprocess.run(
        [azad, "-w", str(root), "models", "build-test-model"], check=True, capture_output=True
    )
    (root / MARKER).touch()
    examples = sorted((ROOT / "examples").iterdir())
    for i in range(n):
        src = examples[i % len(examples)]
        text = src.read_text(encoding="utf-8")
        # A distinct title (and so slug) per copy, in each format's own title line.
        if src.suffix == ".md":
            text = re.sub(r'^title: "(.*)"$', rf'title: "\1 (no. {i})"', text, count=1, flags=re.M)
        else:
            text = text.replace("Red Gold of Herat:", f"Red Gold of Herat no. {i}:", 1)
        (root / "articles" / f"{src.stem}-{i}{src.suffix}").write_text(text, encoding="utf-8")
    return Workspace(root)


def timed(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def loop_side(ws: Workspace) -> dict[str, float]:
    def translate() -> None:
        files = sorted(ws.articles_dir.iterdir())
        ingest_each(ws, files)
        for slug in ArticleStore(ws).slugs():
            for key in ws.settings.languages:
                translate_articles(ws, [slug], [key])

    t_translate = timed(translate)
    approve_everything(ws)
    t_publish = timed(lambda: publish_many(ws, pending(ws)))
    return {"translate": t_translate, "publish": t_publish}


def flow_side(ws: Workspace) -> dict[str, float]:
    from flows.pipeline import publish_editions
    from flows.pipeline import translate_articles as translate_flow

    t_translate = timed(lambda: translate_flow(workspace=str(ws.root)))
    approve_everything(ws)
    t_publish = timed(lambda: publish_editions(workspace=str(ws.root)))
    return {"translate": t_translate, "publish": t_publish}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=50)
    args = parser.parse_args()
    print(f"preparing two workspaces with {args.articles} articles…", file=sys.stderr)
    ws_loop = make_workspace("loop", args.articles)
    ws_flow = make_workspace("flows", args.articles)

    from prefect.testing.utilities import prefect_test_harness

    start = time.perf_counter()
    with prefect_test_harness(server_startup_timeout=120):
        startup = time.perf_counter() - start
        print("plain loop…", file=sys.stderr)
        loop = loop_side(ws_loop)
        print("flows…", file=sys.stderr)
        flows = flow_side(ws_flow)

    n_po = len(list(ws_flow.translations_dir.glob("*/*.po")))
    n_editions = len(list(ws_flow.output_dir.glob("*/*.pdf")))
    print()
    print(
        f"{args.articles} articles, {n_po} PO files, {n_editions} PDF editions per side; "
        f"{os.cpu_count()} cores"
    )
    print(f"{'step':12} {'loop s':>8} {'flows s':>8} {'flows / loop':>13}")
    for step in ("translate", "publish"):
        print(f"{step:12} {loop[step]:8.1f} {flows[step]:8.1f} {flows[step] / loop[step]:13.2f}")
    total_loop, total_flows = sum(loop.values()), sum(flows.values())
    print(
        f"{'total':12} {total_loop:8.1f} {total_flows:8.1f} {total_flows / total_loop:13.2f}"
        "  (goal ≤ 1.3)"
    )
    print(f"(Prefect's temporary server took {startup:.1f} s to start, before timing)")


if __name__ == "__main__":
    main()
