from __future__ import annotations

from pathlib import Path

import pytest
from helpers import ROOT, snapshot

from azad.cli import run
from azad.errors import InputError
from azad.settings import load_settings


def test_repository_and_init_template_share_one_profile() -> None:
    # The repo is a workspace; `azad init` copies the packaged template. They must not drift.
    assert (ROOT / "azad.toml").read_text() == (ROOT / "azad" / "data" / "azad.toml").read_text()


def test_profile_holds_the_site_header() -> None:
    site = load_settings(ROOT / "azad.toml").site
    assert site.name == "افغانستان آزاد – آزاد افغانستان"
    assert site.verse[0] == ("چو کشور نباشد تن من مباد", "بدین بوم و بر زنده یک تن مباد")
    assert site.web == "www.afgazad.com" and site.email == "afgazad@gmail.com"


BAD_SETTINGS = {
    "not toml": ("[site\nname = 1", "not valid TOML"),
    "missing site": ("[paths]\narticles = 'a'\n", "site: Field required"),
    "wrong type": (None, "ingest.max_bytes"),
    "unknown language": (None, "unknown language code 'de-DE'"),
    # [publish] destinations (issue 26): each mistake one line naming azad.toml.
    "unknown transport": (
        "transport = 'ftp'",
        "publish.destinations.0.transport: Input should be 'rsync' or 'sftp'",
    ),
    "port out of range": ("port = 70000", "publish.destinations.0.port"),
    "no key file": ("key_file = ''", "publish.destinations.0.key_file"),
    "misspelt option": ("bwlimit = 5", "publish.destinations.0.bwlimit: Extra inputs"),
    "a host with a space": ("host = 'a b'", "publish.destinations.0.host"),
    "same name twice": (
        "twice",
        "publish.destinations: Value error, destination names must differ",
    ),
}
DESTINATION = {
    "name": "'site'",
    "transport": "'rsync'",
    "host": "'www.example.org'",
    "user": "'azad'",
    "path": "'/var/www/editions'",
    "key_file": "'keys/site'",
}


def _with_destination(good: str, change: str) -> str:
    """``good`` with a [publish] destination, one of whose lines is ``change`` (or the
    destination given twice)."""
    lines = dict(DESTINATION)
    if change != "twice":
        key, value = change.split(" = ", 1)
        lines[key] = value
    table = "\n[[publish.destinations]]\n" + "".join(f"{k} = {v}\n" for k, v in lines.items())
    return good + "\n[publish]\n" + table * (2 if change == "twice" else 1)


@pytest.mark.parametrize("case", BAD_SETTINGS.values(), ids=BAD_SETTINGS.keys())
def test_bad_settings_file(case: tuple[str | None, str], tmp_path: Path, capsys) -> None:
    content, reason = case
    good = (ROOT / "azad.toml").read_text()
    if content is None:
        content = (
            good.replace("max_bytes = 20_000_000", 'max_bytes = "big"')
            if "max_bytes" in reason
            else good.replace('code = "ps-AF"', 'code = "de-DE"')
        )
    elif reason.startswith("publish."):
        content = _with_destination(good, content)
    path = tmp_path / "azad.toml"
    path.write_text(content)
    with pytest.raises(InputError, match=reason) as info:
        load_settings(path)
    assert str(info.value).startswith(str(path))
    before = snapshot(tmp_path)
    capsys.readouterr()
    assert run(["--workspace", str(tmp_path), "articles"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and reason in err
    assert snapshot(tmp_path) == before


def test_a_destination_as_the_readme_sets_it(tmp_path: Path) -> None:
    path = tmp_path / "azad.toml"
    path.write_text(_with_destination((ROOT / "azad.toml").read_text(), "port = 2222"))
    (dest,) = load_settings(path).publish.destinations
    assert (dest.transport, dest.port, dest.key_file) == ("rsync", 2222, "keys/site")


def test_init_refuses_an_existing_workspace(tmp_path: Path, capsys) -> None:
    assert run(["init", str(tmp_path / "w")]) == 0
    assert run(["init", str(tmp_path / "w")]) == 2
    assert "already exists" in capsys.readouterr().err
