"""People (issue 25): display names per script and e-mail addresses, from the command line
and the people pages, shown wherever the app names someone and printed in the editions'
credit lines; each person's activity per week, on their page and from ``azad report
people --json`` alike."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from lxml import html as lxml_html
from starlette.testclient import TestClient
from test_review_support import (
    PASSWORD,
    SALANG,
    copy_workspace,
    queue_template,
    register_cli,
    review_everything,
)
from test_review_support import as_user as support_as_user

from azad.cli import run
from azad.db import users
from azad.publish import edition_files, publish_one
from azad.queue.status import claim, translation_status
from azad.review.actions import approve
from azad.review.edits import read_segments
from azad.workspace import Workspace

MARYAM_LATIN = "Maryam Ahmadi"
MARYAM_ARABIC = "مریم احمدی"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return queue_template(tmp_path_factory.mktemp("people") / "ws")


@pytest.fixture
def ws(template: Path, tmp_path: Path) -> Workspace:
    return copy_workspace(template, tmp_path / "ws")


def as_user(ws: Workspace, name: str) -> tuple[TestClient, str]:
    return support_as_user(ws, name, follow_redirects=False)


def azad(ws: Workspace, *args: str, stdin: str = "", capsys: Any = None) -> tuple[int, str, str]:
    register_cli()
    import io
    import sys

    old = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        if capsys is not None:
            capsys.readouterr()
        code = run(["--workspace", str(ws.root), *args])
    finally:
        sys.stdin = old
    out, err = capsys.readouterr() if capsys is not None else ("", "")
    return code, out, err


def add_maryam(ws: Workspace, capsys: Any) -> None:
    code, _, err = azad(
        ws,
        "users",
        "add",
        "maryam",
        "--role",
        "translator",
        "--lang",
        "dari",
        "--password-stdin",
        "--email",
        "maryam@example.org",
        "--display-name",
        MARYAM_LATIN,
        "--display-name-arabic",
        MARYAM_ARABIC,
        stdin=PASSWORD + "\n",
        capsys=capsys,
    )
    assert code == 0, err


# --- names --------------------------------------------------------------------------------


def test_names_and_addresses_are_set_from_the_command_line(ws: Workspace, capsys: Any) -> None:
    add_maryam(ws, capsys)
    code, _, err = azad(
        ws, "users", "edit", "eddie", "--display-name", "Edward Noor", capsys=capsys
    )
    assert code == 0, err
    code, out, _ = azad(ws, "users", "list", capsys=capsys)
    assert code == 0
    line = next(x for x in out.splitlines() if "maryam" in x)
    assert MARYAM_LATIN in line and "maryam@example.org" in line
    assert users.display_name(ws, "maryam", "Arab") == MARYAM_ARABIC
    assert users.display_name(ws, "maryam", "Latn") == MARYAM_LATIN
    assert users.display_name(ws, "eddie", "Arab") == "eddie"  # none set: the login
    assert users.display_name(ws, "Someone Else", "Arab") == "Someone Else"  # no account
    # Unsetting one name keeps the other.
    code, _, _ = azad(ws, "users", "edit", "maryam", "--display-name", "", capsys=capsys)
    assert code == 0
    assert users.display_name(ws, "maryam", "Latn") == "maryam"
    assert users.display_name(ws, "maryam", "Arab") == MARYAM_ARABIC
    # Bad input: one line, exit 2, nothing changed.
    for args, says in (
        (("--display-name-arabic", "Maryam"), "no Arabic-script letter"),
        (("--display-name", MARYAM_ARABIC), "Arabic-script letters"),
        (("--email", "maryam at example"), "not an e-mail address"),
    ):
        code, _, err = azad(ws, "users", "edit", "maryam", *args, capsys=capsys)
        assert code == 2 and says in err and len(err.strip().splitlines()) == 1, err
    assert users.display_name(ws, "maryam", "Arab") == MARYAM_ARABIC
    code, _, err = azad(ws, "users", "edit", "nobody", "--display-name", "X", capsys=capsys)
    assert code == 2 and "no user nobody" in err


def test_display_names_show_wherever_the_app_names_someone(ws: Workspace, capsys: Any) -> None:
    add_maryam(ws, capsys)
    users.edit_profile(ws, "eddie", names={"Latn": "Edward Noor"})
    ctx = read_segments(ws, SALANG, "dari")[1].ctx
    tr, csrf = as_user(ws, "maryam")
    assert MARYAM_LATIN in tr.get("/").text  # the header
    r = tr.post(
        f"/api/t/{SALANG}/dari/segments/{ctx}/comments",
        json={"text": "Is this the tunnel's name?"},
        headers={"X-CSRF-Token": csrf},
    )
    assert r.status_code == 200, r.text
    (c,) = r.json()["comments"]
    assert (c["by"], c["by_name"]) == ("maryam", MARYAM_LATIN)
    claim(ws, SALANG, "dari", "maryam")
    ed, ed_csrf = as_user(ws, "eddie")
    page = ed.get(f"/t/{SALANG}/dari").text
    assert f"<strong>{MARYAM_LATIN}</strong>" in page  # the thread and the claim
    assert "<strong>maryam</strong>" not in page
    assert "Edward Noor" in page  # the header
    queue = ed.get("/").text
    assert f"<td>{MARYAM_LATIN}</td>" in queue  # held by
    seg = read_segments(ws, SALANG, "dari")[1]
    r = tr.post(
        f"/api/t/{SALANG}/dari/segments/{ctx}",
        json={"text": "تونل سالنگ", "rev": seg.rev, "reviewed": False},
        headers={"X-CSRF-Token": csrf},
    )
    assert r.status_code == 200, r.text
    # The editor saves over it from a page read before: the conflict names her.
    r = ed.post(
        f"/api/t/{SALANG}/dari/segments/{ctx}",
        json={"text": "متن دیگر", "rev": seg.rev, "reviewed": True},
        headers={"X-CSRF-Token": ed_csrf},
    )
    assert r.status_code == 409
    assert (r.json()["current"]["by"], r.json()["current"]["by_name"]) == ("maryam", MARYAM_LATIN)
    history = ed.get(f"/t/{SALANG}/dari/history/{ctx}").text
    assert f"<td>{MARYAM_LATIN}</td>" in history and "<td>maryam</td>" not in history


@pytest.mark.slow  # renders the PDF (WeasyPrint) and the EPUB (pandoc)
def test_the_credit_line_prints_the_arabic_script_name(ws: Workspace, capsys: Any) -> None:
    """The Dari edition's credit line, in all three formats: maryam by her Arabic-script
    name; dara (the PO file's last translator), who has only a Latin display name, by her
    login name (an Arabic-script edition never prints Latin display names)."""
    from helpers import load_po, save_po
    from test_render_tools import comparable, pdf_text
    from test_review_support import po

    add_maryam(ws, capsys)
    users.edit_profile(ws, "dara", names={"Latn": "Dara Karimi"})
    catalog = load_po(po(ws, SALANG, "dari"))
    catalog.metadata["Last-Translator"] = "dara <dara@example.org>"
    save_po(po(ws, SALANG, "dari"), catalog)
    claim(ws, SALANG, "dari", "maryam")
    review_everything(ws, SALANG, "dari")
    editor = users.require_user(ws, "eddie")
    approve(ws, SALANG, "dari", editor, translation_status(ws, SALANG, "dari").rev)
    outcome = publish_one(ws, SALANG, "dari")
    assert outcome.status == "published", outcome
    files = edition_files(ws, SALANG, "dari")
    assert files.html is not None and files.pdf is not None and files.epub is not None

    page = lxml_html.fromstring(files.html.read_bytes())
    (credit,) = page.xpath("//div[@class='credit']")
    html_credit = credit.text_content()
    with zipfile.ZipFile(files.epub) as book:
        epub_text = " ".join(
            lxml_html.fromstring(book.read(n)).text_content()
            for n in book.namelist()
            if n.endswith(".xhtml")
        )
    pdf = pdf_text(files.pdf)
    for fmt, text in (("html", html_credit), ("epub", epub_text), ("pdf", pdf)):
        # (pdftotext glues a Latin word to the Arabic one beside it: spaces left out.)
        flat = comparable(text).replace(" ", "")
        expected = comparable(f"بازبینی‌شده توسط dara و {MARYAM_ARABIC}").replace(" ", "")
        assert expected in flat, (fmt, text)
        assert "maryam" not in text and MARYAM_LATIN not in text, (fmt, text)
        assert "Dara Karimi" not in text, (fmt, text)


# --- the people pages ----------------------------------------------------------------------


def test_a_person_edits_their_names_and_an_editor_anyones(ws: Workspace) -> None:
    tr, csrf = as_user(ws, "dara")
    r = tr.post(
        "/people/dara/profile",
        data={"csrf": csrf, "latin": "Dara  Karimi", "arabic": "دارا کریمی", "email": "d@x.org"},
    )
    assert r.status_code == 303 and "kind=error" not in r.headers["location"]
    assert users.display_name(ws, "dara", "Latn") == "Dara Karimi"
    assert users.email_of(ws, "dara") == "d@x.org"
    assert tr.get("/people").headers["location"] == "/people/dara"
    assert tr.get("/people/eddie").status_code == 403
    r = tr.post("/people/eddie/profile", data={"csrf": csrf, "latin": "Hacked"})
    assert r.status_code == 403
    assert users.display_name(ws, "eddie", "Latn") == "eddie"
    r = tr.post("/people/dara/profile", data={"csrf": csrf, "latin": "", "arabic": "Dara"})
    assert "kind=error" in r.headers["location"]
    assert users.display_name(ws, "dara", "Arab") == "دارا کریمی"  # refused: nothing changed
    ed, ed_csrf = as_user(ws, "eddie")
    everyone = ed.get("/people").text
    assert "Dara Karimi" in everyone and "دارا کریمی" in everyone and "d@x.org" in everyone
    r = ed.post(
        "/people/dara/profile",
        data={"csrf": ed_csrf, "latin": "Dara K.", "arabic": "دارا", "email": "d@x.org"},
    )
    assert r.status_code == 303
    assert users.display_name(ws, "dara", "Latn") == "Dara K."
    assert ed.get("/people/nobody").status_code == 404


def _cells(page: str) -> dict[str, list[int]]:
    doc = lxml_html.fromstring(page)
    return {
        tr.get("data-week"): [int(td.text_content()) for td in tr.xpath("td")[1:]]
        for tr in doc.xpath("//table[contains(@class, 'activity')]//tr[@data-week]")
    }


def test_the_people_page_and_the_report_agree(ws: Workspace, capsys: Any) -> None:
    segs = read_segments(ws, SALANG, "dari")
    tr, csrf = as_user(ws, "dara")
    texts = ["یک دو سه", "چهار پنج"]  # 5 words
    for seg, text in zip(segs[:2], texts, strict=True):
        r = tr.post(
            f"/api/t/{SALANG}/dari/segments/{seg.ctx}",
            json={"text": text, "rev": seg.rev, "reviewed": True},
            headers={"X-CSRF-Token": csrf},
        )
        assert r.status_code == 200, r.text
    seg3 = read_segments(ws, SALANG, "dari")[2]
    r = tr.post(  # a draft: an article touched, no segment reviewed
        f"/api/t/{SALANG}/dari/segments/{seg3.ctx}",
        json={"text": "پیش نویس", "rev": seg3.rev, "reviewed": False},
        headers={"X-CSRF-Token": csrf},
    )
    assert r.status_code == 200
    for text in ("first?", "second?"):
        r = tr.post(
            f"/api/t/{SALANG}/dari/segments/{segs[0].ctx}/comments",
            json={"text": text},
            headers={"X-CSRF-Token": csrf},
        )
        assert r.status_code == 200
    ed, ed_csrf = as_user(ws, "eddie")
    r = ed.post(
        f"/t/{SALANG}/dari/segments/send-back",
        data={"csrf": ed_csrf, "ctx": segs[0].ctx, "comment": "check the name"},
    )
    assert r.status_code == 303 and "kind=error" not in r.headers["location"], r.headers

    code, out, err = azad(ws, "report", "people", "--json", capsys=capsys)
    assert code == 0, err
    rows = json.loads(out)
    (dara,) = [r for r in rows if r["person"] == "dara"]
    assert (dara["segments"], dara["words"], dara["articles"], dara["comments"]) == (2, 5, 1, 2)
    assert dara["send_backs"] == 0
    (eddie,) = [r for r in rows if r["person"] == "eddie"]
    assert (eddie["send_backs"], eddie["segments"], eddie["comments"]) == (1, 0, 0)

    for client, person, row in ((tr, "dara", dara), (ed, "dara", dara), (ed, "eddie", eddie)):
        cells = _cells(client.get(f"/people/{person}").text)
        assert cells == {
            row["week"]: [
                row["segments"],
                row["words"],
                row["articles"],
                row["comments"],
                row["send_backs"],
            ]
        }
    code, out, _ = azad(ws, "report", "people", "--person", "dara", "--json", capsys=capsys)
    assert json.loads(out) == [dara]
    code, _, err = azad(ws, "report", "people", "--person", "nobody", capsys=capsys)
    assert code == 2 and "no user nobody" in err
    assert re.search(r"dara.*\b2\b.*\b5\b", azad(ws, "report", "people", capsys=capsys)[1])
