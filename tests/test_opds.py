"""The OPDS 1.2 catalog (issue 26, item 4): a navigation feed (by language, newest, per
author) over paged acquisition feeds, OpenSearch, entries with the first paragraph in the
edition's language and the cover; every feed valid against the specifications' RELAX NG
schemas (``tests/schemas/``, copied verbatim, converted with Debian's ``trang``), a broken
feed failing; and an OPDS client's path through the review app's public ``/editions/``:
navigation → language → newest → acquisition → search."""

from __future__ import annotations

import re
import shutil
import subprocess
import urllib.request
from pathlib import Path
from urllib.parse import quote, urljoin

import pytest
from helpers import EXAMPLES, ROOT, approve, mark_reviewed, po_path, serving
from lxml import etree
from test_publish import make_workspace

from azad.publish import publish_many
from azad.services.ingest import ingest_files
from azad.services.translate import translate_articles
from azad.web.app import create_app
from azad.workspace import Workspace

SCHEMAS = ROOT / "tests" / "schemas"
A = "{http://www.w3.org/2005/Atom}"
OS = "{http://a9.com/-/spec/opensearch/1.1/}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
NAVIGATION = "application/atom+xml;profile=opds-catalog;kind=navigation"
ACQUISITION = "application/atom+xml;profile=opds-catalog;kind=acquisition"
DC = "{http://purl.org/dc/terms/}"
SORT_NEW = "http://opds-spec.org/sort/new"
OPEN_ACCESS = "http://opds-spec.org/acquisition/open-access"
IMAGE = "http://opds-spec.org/image"
KEYS = ("dari", "pashto")

pytestmark = pytest.mark.slow  # publishes with Prefect, runs trang and jing, serves the app


# OPDS 1.2's atomUri leaves out two backslashes: '\nrt' excludes every IRI with a letter r
# or t (opds-community/specs issue 3, open). The copy stays verbatim; the test applies the
# fix that issue gives, and only that.
URI_TYPO = ("\\nrt].*'}", "\\n\\r\\t].*'}")


@pytest.fixture(scope="module")
def rng(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The RNC schemas as RELAX NG XML (Debian's trang), in a folder of their own."""
    out = tmp_path_factory.mktemp("rng")
    shutil.copy(SCHEMAS / "atom.rnc", out / "atom.rnc")
    opds = (SCHEMAS / "opds.rnc").read_text(encoding="utf-8")
    assert opds.count(URI_TYPO[0]) == 1
    (out / "opds.rnc").write_text(opds.replace(*URI_TYPO), encoding="utf-8")
    subprocess.run(["trang", "-I", "rnc", "-O", "rng", "opds.rnc", "opds.rng"], cwd=out, check=True)
    return out


@pytest.fixture(scope="module")
def schemas(rng: Path) -> dict[str, etree.RelaxNG]:
    """The RELAX NG schemas for lxml (libxml2)."""
    return {
        "opds": etree.RelaxNG(etree.parse(str(rng / "opds.rng"))),
        "atom": etree.RelaxNG(etree.parse(str(rng / "atom.rng"))),
    }


def jing(schema: Path, *docs: Path) -> subprocess.CompletedProcess[str]:
    """The reference RELAX NG validator (Debian's jing), a second opinion beside libxml2."""
    return subprocess.run(
        ["jing", str(schema), *map(str, docs)], capture_output=True, text=True, check=False
    )


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory, test_packages: dict[str, Path]) -> Workspace:
    ws = make_workspace(tmp_path_factory.mktemp("opds") / "ws", test_packages)
    articles = [EXAMPLES / "herat-saffron.txt", ROOT / "tests" / "data" / "kabul-river-water.txt"]
    paths = [Path(shutil.copy(p, ws.articles_dir / p.name)) for p in articles]
    slugs = [o.slug for o in ingest_files(ws, paths)]
    translate_articles(ws, slugs, KEYS)
    pairs = [(s, k) for s in slugs for k in KEYS]
    for slug, key in pairs:
        mark_reviewed(po_path(ws.article_dir(slug), key))
        approve(ws, slug, key, "editor")
    publish_many(ws, pairs)
    return ws


def _feeds(ws: Workspace) -> list[Path]:
    return sorted(ws.output_dir.glob("opds*.xml"))


def test_every_feed_is_valid_opds_and_atom(ws: Workspace, schemas: dict) -> None:  # type: ignore[type-arg]
    feeds = _feeds(ws)
    names = {p.name for p in feeds}
    assert {"opds-catalog.xml", "opds.xml", "opds-dari.xml", "opds-pashto.xml"} <= names
    assert "opds-authors.xml" in names and any(n.startswith("opds-author-") for n in names)
    for path in feeds:
        doc = etree.parse(str(path))
        assert schemas["opds"].validate(doc), (path.name, schemas["opds"].error_log)
        assert schemas["atom"].validate(doc), (path.name, schemas["atom"].error_log)
    atom = etree.parse(str(ws.output_dir / "feed.xml"))
    assert schemas["atom"].validate(atom), schemas["atom"].error_log


def test_jing_finds_every_feed_valid(ws: Workspace, rng: Path) -> None:
    feeds = _feeds(ws)
    opds = jing(rng / "opds.rng", *feeds)
    assert opds.returncode == 0, opds.stdout + opds.stderr
    atom = jing(rng / "atom.rng", *feeds, ws.output_dir / "feed.xml")
    assert atom.returncode == 0, atom.stdout + atom.stderr


def test_a_broken_feed_fails(
    ws: Workspace,
    schemas: dict,  # type: ignore[type-arg]
    rng: Path,
    tmp_path: Path,
) -> None:
    """The schemas do catch what they should, in both validators: a feed without its id, an
    entry without a title, a buy link without a price, a link whose href has a space."""
    source = (ws.output_dir / "opds-dari.xml").read_bytes()
    breakages = [
        re.sub(rb"<id>[^<]*</id>", b"", source, count=1),
        re.sub(rb"(<entry>\s*<id>[^<]*</id>\s*)<title>[^<]*</title>", rb"\1", source, count=1),
        source.replace(
            b"http://opds-spec.org/acquisition/open-access",
            b"http://opds-spec.org/acquisition/buy",
            1,
        ),
        source.replace(b'href="dari/', b'href="dari /', 1),
    ]
    for n, broken in enumerate(breakages):
        assert broken != source
        assert not schemas["opds"].validate(etree.fromstring(broken)), n
        path = tmp_path / f"broken-{n}.xml"
        path.write_bytes(broken)
        assert jing(rng / "opds.rng", path).returncode != 0, n


def test_entries_summarise_in_the_editions_language_with_the_cover(ws: Workspace) -> None:
    feed = etree.parse(str(ws.output_dir / "opds-dari.xml")).getroot()
    entries = feed.findall(f"{A}entry")
    assert len(entries) == 2
    for entry in entries:
        summary = entry.find(f"{A}summary")
        assert summary is not None and summary.get(XML_LANG) == "fa-AF"
        assert re.search("[\u0600-\u06ff]", summary.text or "")
        rels = {link.get("rel"): link.get("href") for link in entry.findall(f"{A}link")}
        cover = rels["http://opds-spec.org/image"]
        assert cover and cover.endswith(".png") and (ws.output_dir / cover).is_file()


def _links(feed: etree._Element) -> dict[str, etree._Element]:
    return {link.get("rel", ""): link for link in feed.findall(f"{A}link")}


class Client:
    """What an e-reader app does: GET a URL over HTTP, resolve the hrefs a document gives
    against that document's own URL."""

    def __init__(self) -> None:
        self.types: dict[str, str] = {}

    def get(self, url: str) -> tuple[bytes, str]:
        with urllib.request.urlopen(url, timeout=10) as response:
            assert response.status == 200, url
            self.types[url] = response.headers["Content-Type"]
            return response.read(), url

    def feed(self, url: str) -> tuple[etree._Element, str]:
        body, url = self.get(url)
        return etree.fromstring(body), url

    def follow(self, here: str, link: etree._Element | None) -> tuple[etree._Element, str]:
        assert link is not None
        return self.feed(urljoin(here, link.get("href", "")))


def _entry_link(entry: etree._Element) -> etree._Element:
    link = entry.find(f"{A}link")
    assert link is not None
    return link


def test_an_opds_clients_path(ws: Workspace) -> None:
    """navigation → language → newest → acquisition (download) → search, over HTTP from the
    review app served by uvicorn, following only the links the feeds give."""
    client = Client()
    with serving(create_app(ws)) as base:
        root, root_url = client.feed(f"{base}/editions/opds-catalog.xml")
        assert client.types[root_url] == NAVIGATION
        entries = root.findall(f"{A}entry")
        # 1. By language: the Dari editions, and only them.
        dari = next(e for e in entries if e.find(f"{A}content").get(XML_LANG) == "fa-AF")  # type: ignore[union-attr]
        assert _entry_link(dari).get("type") == ACQUISITION
        language, language_url = client.follow(root_url, _entry_link(dari))
        assert client.types[language_url] == ACQUISITION
        langs = {e.findtext(f"{DC}language") for e in language.findall(f"{A}entry")}
        assert langs == {"fa-AF"}
        # 2. Back up to the root, then the newest editions, newest first.
        again, again_url = client.follow(language_url, _links(language)["up"])
        assert again_url == root_url
        new = next(e for e in again.findall(f"{A}entry") if _entry_link(e).get("rel") == SORT_NEW)
        newest, newest_url = client.follow(again_url, _entry_link(new))
        items = newest.findall(f"{A}entry")
        assert len(items) == 4
        updated = [e.findtext(f"{A}updated") or "" for e in items]
        assert updated == sorted(updated, reverse=True)
        # 3. Acquisition: the first entry's EPUB and its cover download.
        first = items[0]
        rels = {(x.get("rel"), x.get("type")): x.get("href", "") for x in first.findall(f"{A}link")}
        epub, epub_url = client.get(
            urljoin(newest_url, rels[(OPEN_ACCESS, "application/epub+zip")])
        )
        assert epub[:2] == b"PK" and client.types[epub_url] == "application/epub+zip"
        cover, _ = client.get(urljoin(newest_url, rels[(IMAGE, "image/png")]))
        assert cover[:8] == b"\x89PNG\r\n\x1a\n"
        # 4. Search, through the OpenSearch description the feed names.
        description, description_url = client.follow(newest_url, _links(newest)["search"])
        assert client.types[description_url] == "application/opensearchdescription+xml"
        url = description.find(f"{OS}Url")
        assert url is not None and url.get("type") == ACQUISITION
        template = urljoin(description_url, url.get("template", ""))
        title = first.findtext(f"{A}title") or ""
        word = max(title.split(), key=len)
        found, found_url = client.feed(template.replace("{searchTerms}", quote(word)))
        assert client.types[found_url] == ACQUISITION
        assert title in [e.findtext(f"{A}title") for e in found.findall(f"{A}entry")]
        nothing, _ = client.feed(template.replace("{searchTerms}", "qqqzzz"))
        assert nothing.findall(f"{A}entry") == []
        # 5. Per author: the authors' navigation feed leads to each one's editions.
        authors_entry = next(e for e in entries if _entry_link(e).get("type") == NAVIGATION)
        authors, authors_url = client.follow(root_url, _entry_link(authors_entry))
        assert client.types[authors_url] == NAVIGATION
        for one in authors.findall(f"{A}entry"):
            theirs, _ = client.follow(authors_url, _entry_link(one))
            names = {a.findtext(f"{A}name") for a in theirs.findall(f"{A}entry/{A}author")}
            assert names == {one.findtext(f"{A}title")}
