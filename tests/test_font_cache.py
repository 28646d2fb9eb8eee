"""Font subsets kept between processes (:mod:`azad.render.fonts`): every ``azad publish``
is a new process, and making the catalog's WOFF2 fonts and the editions' subsets again
cost it about 1.7 s.  The disk copy is keyed by the font's bytes, the characters, the
flavour and the fontTools version; a cache that cannot be written costs the work again,
never the edition."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from azad.render import fonts
from azad.render.fonts import characters, subset_font

STYLES_FONTS = Path(__file__).resolve().parents[1] / "styles" / "fonts"
CHARS = characters("سلام دنیا", "Kabul 2026")


@pytest.fixture
def font(tmp_path: Path) -> Path:
    path = tmp_path / "fonts" / "Vazirmatn-Regular.ttf"
    path.parent.mkdir()
    shutil.copy(STYLES_FONTS / "Vazirmatn-Regular.ttf", path)
    return path


@pytest.fixture
def cache_dir(tmp_path: Path) -> Path:
    """A workspace's ``.azad/cache`` (the workspace folder exists)."""
    return tmp_path / "ws" / ".azad" / "cache"


def new_process() -> None:
    """What a new process has in memory: nothing."""
    fonts._subset.cache_clear()


def no_subsetting(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: object) -> bytes:
        raise AssertionError("made the subset again")

    monkeypatch.setattr(fonts, "_make_subset", refuse)


def covered(data: bytes, tmp_path: Path) -> set[int]:
    """The characters a font maps."""
    path = tmp_path / "probe.font"
    path.write_bytes(data)
    with TTFont(path) as f:
        return set(f.getBestCmap())


def test_a_new_process_takes_the_subset_from_the_workspace_cache(
    font: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (cache_dir.parent.parent).mkdir(parents=True)
    for flavor in ("ttf", "woff2"):
        new_process()
        made = subset_font(font, CHARS, flavor, cache_dir=cache_dir)
        assert len(list((cache_dir / "fonts").glob(f"*.{flavor}"))) == 1
        with monkeypatch.context() as m:
            no_subsetting(m)
            new_process()
            assert subset_font(font, CHARS, flavor, cache_dir=cache_dir) == made
    # Without a cache folder nothing is kept, and the bytes are the same.
    new_process()
    assert subset_font(font, CHARS, "woff2") == made


def test_other_characters_or_an_edited_font_are_subset_again(
    font: Path, cache_dir: Path, tmp_path: Path
) -> None:
    cache_dir.parent.parent.mkdir(parents=True)
    first = subset_font(font, CHARS, cache_dir=cache_dir)
    more = subset_font(font, characters("سلام دنیا پښتو", "Kabul"), cache_dir=cache_dir)
    assert covered(first, tmp_path) < covered(more, tmp_path)
    # The bold font copied over the regular one, same name: its own glyphs, not a copy.
    shutil.copy(STYLES_FONTS / "Vazirmatn-Bold.ttf", font)
    new_process()
    bold = subset_font(font, CHARS, cache_dir=cache_dir)
    assert bold != first
    assert len(list((cache_dir / "fonts").glob("*.ttf"))) == 3


def test_a_cache_that_cannot_be_written_costs_the_work_not_the_edition(
    font: Path, cache_dir: Path
) -> None:
    cache_dir.parent.mkdir(parents=True)
    cache_dir.write_bytes(b"")  # a file where the folder should be (or a full disk)
    new_process()
    data = subset_font(font, CHARS, "woff2", cache_dir=cache_dir)
    assert data.startswith(b"wOF2")
    new_process()
    assert subset_font(font, CHARS, "woff2", cache_dir=cache_dir) == data


def test_old_subsets_are_pruned(
    font: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache_dir.parent.parent.mkdir(parents=True)
    monkeypatch.setattr(fonts, "DISK_FILES", 2)
    for extra in ("الف", "ب", "پ"):
        subset_font(font, characters(extra), cache_dir=cache_dir)
    assert len(list((cache_dir / "fonts").glob("*.ttf"))) == 2
