"""The command line at 80 columns and in a pipe (issue 24): whole slugs, paths and
revisions whatever the width; ``--json`` that parses; an approval of a revision that is not
the current one says what the current one is and claims no change it cannot show.

The commands run as a user runs them: the installed ``azad`` in a fresh process, its
output going to a pipe (as in ``azad review status | cat``), the width from ``COLUMNS``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import save_segment
from test_review_support import PASSWORD, make_queue
from test_review_support import review_everything as review_all

from azad.db.users import add_user
from azad.review.edits import read_segments
from azad.workspace import Workspace

# Runs the installed command in subprocesses (publish --draft renders a PDF and an EPUB).
pytestmark = pytest.mark.slow

AZAD = Path(sys.executable).with_name("azad")
TITLES = (
    "Saffron Farmers of Herat Count the Cost of a Dry Spring",
    "Saffron Farmers of Herat Look to New Markets Across the Gulf",
)
BODY = "Saffron is picked by hand in the autumn. The flowers open at dawn.\n"


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    root = tmp_path_factory.mktemp("tables") / "ws"
    subprocess.run([str(AZAD), "init", str(root)], check=True, capture_output=True)
    ws = Workspace(root.resolve())
    files = []
    for n, title in enumerate(TITLES):
        path = root / "articles" / f"saffron-{n}.md"
        path.write_text(f'---\ntitle: "{title}"\nauthor: A Writer\n---\n\n{BODY}', "utf-8")
        files.append(path)
    make_queue(ws, files)
    add_user(ws, "eddie", "editor", [], PASSWORD)
    return ws


def azad(
    ws: Workspace, *args: str, columns: int | None = 80, prefect: str | None = None
) -> subprocess.CompletedProcess[str]:
    """``azad -w WS args…`` with its stdout a pipe, ``COLUMNS`` as given; ``prefect``: a
    Prefect server's API address (as a newsroom's service sets it), else the command
    starts its own temporary API."""
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    if columns is not None:
        env["COLUMNS"] = str(columns)
    if prefect is not None:
        env["PREFECT_API_URL"] = prefect
    return subprocess.run(
        [str(AZAD), "-w", str(ws.root), *args], capture_output=True, text=True, env=env
    )


def slugs(ws: Workspace) -> list[str]:
    return sorted(p.parent.name for p in ws.translations_dir.glob("*/source.json"))


def assert_whole(out: str, words: list[str]) -> None:
    """Each of ``words`` is on one line of ``out``, uncut; a line wider than 80 columns
    holds one word wider than the rest of the line allows (``files: PATH``), nothing else."""
    lines = out.splitlines()
    for word in words:
        assert any(word in line for line in lines), f"{word!r} is not whole in:\n{out}"
    assert "…" not in out, out
    for line in lines:
        assert len(line) <= 80 or len(line.split()) <= 2, out


def test_articles_at_80_columns_show_whole_slugs(ws: Workspace) -> None:
    names = slugs(ws)
    assert len(names) == 2 and all(len(s) > 40 for s in names)
    for columns in (80, None):  # COLUMNS=80, and a pipe with no COLUMNS at all
        r = azad(ws, "articles", columns=columns)
        assert r.returncode == 0, r.stderr
        assert_whole(r.stdout, names)
        # The title is wrapped, not cut: every word of it is there.
        for title in TITLES:
            for word in title.split():
                assert word in r.stdout


def test_review_status_in_a_pipe_shows_whole_slugs_and_revisions(ws: Workspace) -> None:
    r = azad(ws, "review", "status", columns=None)
    assert r.returncode == 0, r.stderr
    rows = json.loads(azad(ws, "review", "status", "--json").stdout)
    assert {row["slug"] for row in rows} == set(slugs(ws))
    assert_whole(r.stdout, slugs(ws) + [row["revision"] for row in rows])
    # One article: the revision the approval needs is there, whole.
    one = azad(ws, "review", "status", slugs(ws)[0], "--lang", "dari")
    (row,) = [x for x in rows if x["slug"] == slugs(ws)[0] and x["lang"] == "dari"]
    assert_whole(one.stdout, [slugs(ws)[0], row["revision"]])


def test_json_outputs_parse(ws: Workspace) -> None:
    articles = json.loads(azad(ws, "articles", "--json").stdout)
    assert [a["slug"] for a in articles] == slugs(ws)
    assert {a["title"] for a in articles} == set(TITLES)
    assert all(a["segments"] == 2 and a["revision"] == 1 for a in articles)

    rows = json.loads(azad(ws, "review", "status", "--json").stdout)
    assert len(rows) == 4  # two articles × two languages
    for row in rows:
        assert row["status"] == "machine draft" and (row["reviewed"], row["total"]) == (0, 3)
        assert row["held_by"] is None and len(row["revision"]) >= 12

    models = json.loads(azad(ws, "models", "list", "--json").stdout)
    assert models["packages"] == []
    assert set(models["languages"]) == {"dari", "pashto"}
    assert all(lang["served_by"] is None for lang in models["languages"].values())


def test_publish_draft_shows_whole_paths(ws: Workspace, prefect_api: None) -> None:
    from prefect.settings import PREFECT_API_URL

    slug = slugs(ws)[1]
    api = PREFECT_API_URL.value()  # the session's server: no temporary one to start
    r = azad(ws, "publish", slug, "--lang", "dari", "--draft", columns=80, prefect=api)
    assert r.returncode == 0, r.stdout + r.stderr
    paths = [f"output/drafts/dari/{slug}.pdf", f"output/drafts/dari/{slug}.epub"]
    for path in paths:
        assert (ws.root / path).is_file()
    assert_whole(r.stdout, paths)


def test_approving_a_revision_never_seen_says_what_the_current_one_is(ws: Workspace) -> None:
    slug = slugs(ws)[0]
    review_all(ws, slug, "dari")
    (row,) = json.loads(azad(ws, "review", "status", slug, "--lang", "dari", "--json").stdout)
    r = azad(ws, "review", "approve", slug, "--lang", "dari", "--as", "eddie", "--rev", "deadbeef")
    assert r.returncode == 2
    err = " ".join(r.stderr.split())
    # It claims no change it cannot show.
    assert "changed since you reviewed" not in err and "it changed since" not in err, err
    assert "deadbeef is not its current revision" in err
    assert f"The current revision is {row['revision']}" in err
    assert f"azad review status {slug} --lang dari" in err
    # Nothing was approved.
    (after,) = json.loads(azad(ws, "review", "status", slug, "--lang", "dari", "--json").stdout)
    assert after["status"] == "reviewed"

    # A revision that was approved here, changed since: what changed, by whom.
    seen = after["revision"]
    ok = azad(ws, "review", "approve", slug, "--lang", "dari", "--as", "eddie", "--rev", seen)
    assert ok.returncode == 0, ok.stderr
    unit = read_segments(ws, slug, "dari")[-1]
    save_segment(ws, slug, "dari", unit.ctx, "متن دیگر", unit.rev, by="dara", reviewed=False)
    r = azad(ws, "review", "approve", slug, "--lang", "dari", "--as", "eddie", "--rev", seen)
    assert r.returncode == 2
    err = r.stderr
    assert f"it changed since revision {seen}" in " ".join(err.split())
    assert f"{unit.ctx}: reviewed → draft by dara" in err
