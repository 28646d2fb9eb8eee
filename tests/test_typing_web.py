"""Typing aids and word diffs of the review app, through HTTP (Starlette's test client):
the character bar, the insertable chips and the shortcuts on the editor page; the word
diff in a 409, in history rows, on the refused-approval page and beside translation-memory
near matches. The same in a browser: test_browser_typing.py."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import save_segment
from test_review_support import (
    SALANG,
    as_user,
    copy_workspace,
    csrf_of,
    queue_template,
    review_everything,
    translate,
)

from azad.queue.articles import ArticleStore
from azad.review.edits import read_segments
from azad.workspace import Workspace

XSS = '<script>alert("x")</script>'


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return queue_template(tmp_path_factory.mktemp("typing") / "ws")


@pytest.fixture
def ws(template: Path, tmp_path: Path) -> Workspace:
    return copy_workspace(template, tmp_path / "ws")


def test_editor_page_has_the_character_bar_and_the_shortcuts(ws: Workspace) -> None:
    c, _ = as_user(ws, "dara")
    page = c.get(f"/t/{SALANG}/dari").text
    assert '<script src="/static/charbar.js" defer></script>' in page
    bar = re.search(r'<div class="charbar" id="charbar" role="toolbar".*?</div>', page, re.S)
    assert bar is not None
    buttons = re.findall(r"<button [^>]*>(?:<span [^>]*>)?[^<]*(?:</span>)?</button>", bar.group())
    chars = [re.search(r'data-char="([^"]*)"', b).group(1) for b in buttons]  # type: ignore[union-attr]
    assert chars == [*"\u200c\u061c\u200f\u200e،؛؟«»", *"۰۱۲۳۴۵۶۷۸۹"]
    # Every key is named for a screen reader and shows something visible.
    for b in buttons:
        assert re.search(r'aria-label="[^"]+"', b) and re.search(r">[^<\s]+(</span>)?</button>", b)
    assert 'aria-label="ZWNJ (zero-width non-joiner)"' in bar.group()
    assert 'aria-keyshortcuts="Alt+Z"' in bar.group() and ">ZWNJ</button>" in bar.group()
    # One Tab stop: the first key only.
    assert [re.search(r'tabindex="(-?\d)"', b).group(1) for b in buttons].count("0") == 1  # type: ignore[union-attr]
    # The shortcuts are listed on the page.
    shortcuts = re.search(r'<details class="shortcuts".*?</details>', page, re.S)
    assert shortcuts is not None and "<summary>Keyboard shortcuts</summary>" in shortcuts.group()
    for keys in ("<kbd>Ctrl</kbd>+<kbd>Enter</kbd>", "<kbd>Alt</kbd>+<kbd>Z</kbd>",
                 "<kbd>Alt</kbd>+<kbd>Page Down</kbd>", "<kbd>Alt</kbd>+<kbd>T</kbd>"):  # fmt: skip
        assert keys in shortcuts.group()
    assert c.get("/static/charbar.js").status_code == 200
    assert c.get("/static/typing.css").status_code == 200


def test_the_pashto_editor_has_the_same_bar_and_pashto_glossary_forms(ws: Workspace) -> None:
    c, _ = as_user(ws, "pasha")
    page = c.get(f"/t/{SALANG}/pashto").text
    bar = re.search(r'<div class="charbar".*?</div>', page, re.S)
    assert bar is not None
    digits = re.findall(r'class="char" data-char="([^"]*)" aria-label="Digit', bar.group())
    assert digits == list("۰۱۲۳۴۵۶۷۸۹")
    assert '<span lang="ps-AF">۴</span>' in bar.group()
    chips = re.findall(r'class="chip chip-glossary" data-insert="([^"]*)"', page)
    assert chips and "هندوکش" in chips


def test_each_segment_offers_its_numbers_names_and_glossary_terms(ws: Workspace) -> None:
    c, _ = as_user(ws, "dara")
    page = c.get(f"/t/{SALANG}/dari").text
    segs = {s.ctx: s for s in read_segments(ws, SALANG, "dari")}
    with_number = next(s for s in segs.values() if re.search(r"\b[0-9][0-9,]*\b", s.english))
    block = page.split(f'id="seg-{with_number.ctx}"', 1)[1].split('<div class="seg', 1)[0]
    chips = re.findall(
        r'<button type="button" class="chip chip-(\w+)" data-insert="([^"]*)"', block
    )
    assert chips, block
    numbers = [text for kind, text in chips if kind == "number"]
    assert numbers and all(re.fullmatch(r"[۰-۹٬٫٪]+", n) for n in numbers), numbers
    assert 'aria-label="Insert number ' in block
    # The glossary hints are buttons that insert the term's Dari form; the chips do not
    # offer them a second time.
    b1s1 = page.split('id="seg-b1.s1"', 1)[1].split('<div class="seg', 1)[0]
    hints = re.search(r'<ul class="glossary">(.*?)</ul>', b1s1, re.S)
    assert hints is not None
    assert re.findall(r'<button type="button" class="chip chip-glossary" data-insert="([^"]*)"'
                      r' aria-label="Insert glossary term ([^"]*) as', hints.group(1)) == [
        ("هندوکش", "Hindu Kush"), ("کابل", "Kabul")]  # fmt: skip
    chip_row = re.search(r'<div class="chips".*?</div>', b1s1, re.S)
    assert chip_row is not None and "chip-glossary" not in chip_row.group()
    assert 'data-insert="۳٬۴۰۰"' in chip_row.group()


def test_chips_escape_what_the_english_holds(ws: Workspace) -> None:
    store = ArticleStore(ws)
    article = store.load(SALANG).article
    block = article.blocks[1]
    seg = block.segments[0]
    evil = seg.model_copy(update={"text": f"See www.x.com/?a=1&b='onmouseover=alert(1) {XSS}"})
    blocks = list(article.blocks)
    blocks[1] = block.model_copy(update={"segments": [evil, *block.segments[1:]]})
    store.save(SALANG, article.model_copy(update={"blocks": blocks}))
    translate(ws, [SALANG], ["dari"])
    c, _ = as_user(ws, "dara")
    page = c.get(f"/t/{SALANG}/dari").text
    assert XSS not in page and "'onmouseover" not in page
    assert 'data-insert="\u2068www.x.com/?a=1&amp;b=&#39;onmouseover=alert(1)\u2069"' in page


def test_a_409_carries_the_word_diff(ws: Workspace) -> None:
    c, csrf = as_user(ws, "dara")
    seg = read_segments(ws, SALANG, "dari")[0]
    save_segment(ws, SALANG, "dari", seg.ctx, "متن همکار درباره تونل", seg.rev, by="eddie")
    r = c.post(
        f"/api/t/{SALANG}/dari/segments/{seg.ctx}",
        json={"text": "متن من درباره تونل", "rev": seg.rev, "reviewed": True},
        headers={"X-CSRF-Token": csrf},
    )
    assert r.status_code == 409
    body = r.json()
    assert body["current"]["by"] == "eddie" and body["current"]["at"]
    assert body["diff"] == [
        {"op": "eq", "text": "متن"},
        {"op": "del", "text": "همکار"},
        {"op": "ins", "text": "من"},
        {"op": "eq", "text": "درباره تونل"},
    ]


def test_history_rows_show_each_change_as_a_word_diff(ws: Workspace) -> None:
    seg = read_segments(ws, SALANG, "dari")[0]
    rev = save_segment(ws, SALANG, "dari", seg.ctx, "تونل سالنگ بلند", seg.rev, by="dara").rev
    save_segment(ws, SALANG, "dari", seg.ctx, f"تونل سالنگ کوتاه {XSS}", rev, by="eddie")
    c, _ = as_user(ws, "dara")
    page = c.get(f"/t/{SALANG}/dari/history/{seg.ctx}").text
    assert "<th>Change, word by word</th>" in page
    rows = re.findall(r'<td class="change-diff">(.*?)</td>', page, re.S)
    assert len(rows) == 2
    assert (
        '<span class="wdiff" dir="rtl" lang="fa-AF"><span>تونل سالنگ</span> <del>بلند</del>'
        in rows[1]
    )
    assert "<ins>کوتاه &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;</ins>" in rows[1]
    assert XSS not in page


def test_the_refused_approval_shows_what_changed_word_by_word(ws: Workspace) -> None:
    review_everything(ws, SALANG, "dari")
    c, csrf = as_user(ws, "eddie")
    page = c.get(f"/t/{SALANG}/dari").text
    (rev,) = re.findall(r'<input type="hidden" name="rev" value="([^"]*)">', page)
    seg = read_segments(ws, SALANG, "dari")[1]
    save_segment(ws, SALANG, "dari", seg.ctx, seg.text + " تازه", seg.rev, by="dara")
    r = c.post(f"/t/{SALANG}/dari/approve", data={"csrf": csrf, "comment": "", "rev": rev})
    assert r.status_code == 409
    assert "<th>difference</th>" in r.text
    (cell,) = re.findall(r'<td class="change-diff">(.*?)</td>', r.text, re.S)
    assert cell.startswith('<span class="wdiff" dir="rtl" lang="fa-AF">')
    assert cell.endswith("<ins>تازه</ins></span>")
    assert "<del>" not in cell


def test_near_translation_memory_matches_show_a_diff_of_their_english(ws: Workspace) -> None:
    review_everything(ws, SALANG, "dari", prefix="تأییدشده ")
    from helpers import approve

    approve(ws, SALANG, "dari", "eddie")
    store = ArticleStore(ws)
    article = store.load(SALANG).article
    first_block = article.blocks[1]
    seg = first_block.segments[0]
    words = seg.text.split()
    near = " ".join([*words[:-1], "remarkably", words[-1]])  # one word more
    blocks = list(article.blocks)
    blocks[1] = first_block.model_copy(
        update={"segments": [seg.model_copy(update={"text": near}), *first_block.segments[1:]]}
    )
    store.save("salang-near", article.model_copy(update={"blocks": blocks}))
    translate(ws, ["salang-near"], ["dari"])
    c, _ = as_user(ws, "dara")
    page = c.get("/t/salang-near/dari").text
    block = page.split(f'id="seg-{seg.id}"', 1)[1].split('<div class="seg', 1)[0]
    tm = re.search(r'<ul class="tm">(.*?)</ul>', block, re.S)
    assert tm is not None, block
    first_match = tm.group(1).split("</li>", 1)[0]
    assert re.search(r'<span class="score">(\d+)%</span>', first_match).group(1) != "100"  # type: ignore[union-attr]
    assert '<span class="wdiff" dir="ltr" lang="en">' in first_match
    assert "<ins>remarkably</ins>" in first_match and "<del>" not in first_match
    target = next(s.text for s in read_segments(ws, SALANG, "dari") if s.ctx == seg.id)
    assert f'data-text="{target}" data-take="match"' in first_match
    assert ">Take this match</button>" in first_match
    # An exact match shows its English plainly, without a diff.
    other = read_segments(ws, "salang-near", "dari")[2]
    block = page.split(f'id="seg-{other.ctx}"', 1)[1].split('<div class="seg', 1)[0]
    assert f'<span class="score">100%</span> <span lang="en">{other.english}</span>' in block


def test_csrf_meta_is_there_for_the_scripts(ws: Workspace) -> None:
    c, csrf = as_user(ws, "dara")
    assert csrf == csrf_of(c.get(f"/t/{SALANG}/dari").text)
