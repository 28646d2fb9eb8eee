"""Write the bad inputs that cannot live in git as text: binary files, wrong encodings,
invisible bytes (a BOM, carriage returns), archives, a PDF, and files of megabytes.

    python tests/bad_inputs/make_cases.py OUT_DIR

writes them under OUT_DIR with the relative paths ``cases.toml`` names (``generated =
true``). The tests call :func:`make_cases` once per session into a temporary folder; the
20 MB file is never committed.
"""

from __future__ import annotations

import io
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent

# A short text export in the site's layout (header, author, date, title, body).
HEADER = (
    "افغانستان آزاد – آزاد افغانستان\n\nAA-AA\n\nwww.afgazad.com\n\n"
    "Example Writer\n\n14.03.2025\n\n"
)
TITLE = "Sharing the Kabul River"
PARAGRAPH = (
    "The river feeds four million people, and its flow has fallen for a decade while the city grew."
)
EXPORT = f"{HEADER}{TITLE}\n\n{PARAGRAPH}\n\nFarmers upstream and downstream share it.\n"

SIZE_LIMIT = 20_000_000  # [ingest] max_bytes of a new workspace
LONG_LINE_CHARS = 1_000_000
LONG_PARAGRAPH_SENTENCE = "The river feeds four million people. "
REV = "0123456789abcdef"


def _zip(members: dict[str, bytes | str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


_META = b'{"type": "translate", "from_code": "en", "to_code": "fa", "package_version": "1.0"}'


_PKG = "translate-en_fa-1_0"
_USABLE = {
    f"{_PKG}/metadata.json": _META,
    f"{_PKG}/model/model.bin": b"weights " * 64,
    f"{_PKG}/sentencepiece.model": b"pieces",
}


def _bad_crc() -> bytes:
    """A usable-looking package (stored, not deflated) with one byte of the model changed
    after its CRC was written: what a damaged download gives."""
    data = bytearray(_zip(_USABLE))
    at = bytes(data).index(b"weights weights") + 7
    data[at] ^= 0x01
    return bytes(data)


def _special_entry(mode: int) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in _USABLE.items():
            zf.writestr(name, data)
        info = zipfile.ZipInfo(f"{_PKG}/model/vocab")
        info.external_attr = mode << 16
        zf.writestr(info, b"/etc/passwd")
    return buf.getvalue()


def _zip_bomb() -> bytes:
    """64 MiB of zeros in 64 kB."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in _USABLE.items():
            zf.writestr(name, data)
        with zf.open(f"{_PKG}/model/padding.bin", "w") as out:
            for _ in range(64):
                out.write(bytes(1 << 20))
    return buf.getvalue()


def _with_meta(meta: bytes) -> bytes:
    return _zip({**_USABLE, f"{_PKG}/metadata.json": meta})


def _no_text_layer_pdf() -> bytes:
    """A PDF page with only drawing on it (a coloured box, a line): what a scan gives
    pdftotext, without shipping an image."""
    from weasyprint import HTML

    page = (
        "<html><head><style>@page{size:A4;margin:2cm}"
        "div{width:12cm;height:8cm;background:#35577a}</style></head><body><div></div>"
        '<svg width="400" height="100"><path d="M10 10 L390 90" stroke="black"/></svg>'
        "</body></html>"
    )
    return bytes(HTML(string=page).write_pdf())


def _over_20_mb() -> bytes:
    body = (PARAGRAPH + "\n\n").encode()
    head = f"{HEADER}{TITLE}\n\n".encode()
    count = (SIZE_LIMIT - len(head)) // len(body) + 2
    return head + body * count


def _long_line() -> bytes:
    sentence = LONG_PARAGRAPH_SENTENCE
    line = (sentence * (LONG_LINE_CHARS // len(sentence) + 1))[:LONG_LINE_CHARS]
    return f"{HEADER}{TITLE}\n\n{line}\n".encode()


def _long_paragraph_markdown() -> bytes:
    paragraph = (LONG_PARAGRAPH_SENTENCE * 5_000).strip()
    return f"---\ntitle: {TITLE}\n---\n\n{paragraph}\n\nA short paragraph.\n".encode()


def _bom_and_mixed_line_endings() -> bytes:
    # A BOM, then CRLF (Windows), lone CR (old Mac) and LF (Unix) line ends, mixed the
    # way a file edited on several machines mixes them; a paragraph hard-wrapped with CR.
    text = (
        "افغانستان آزاد – آزاد افغانستان\r\n\r\nAA-AA\r\rwww.afgazad.com\n\n"
        "Example Writer\r\n14.03.2025\r\n\r\n"
        f"{TITLE}\r\r"
        "The river feeds four million people,\rand its flow has fallen for a decade.\r\n\r\n"
        "Farmers upstream and downstream share it.\r\n"
    )
    return b"\xef\xbb\xbf" + text.encode("utf-8")


def _windows_1256(name: str) -> Callable[[], bytes]:
    # Dari text saved in the Windows Arabic code page: not UTF-8. (Pashto letters it
    # lacks become "?", as a Windows editor would write them.)
    return lambda: (HERE / name).read_text("utf-8").encode("cp1256", errors="replace")


def _glossary_1256() -> bytes:
    text = "english\tdari\tpashto\tkeep_latin\tnote\nKabul\tکابل\tکابل\t\tcapital\n"
    return text.encode("cp1256", errors="replace")


def _save_body(text_bytes: bytes) -> bytes:
    return b'{"text": "' + text_bytes + b'", "rev": "' + REV.encode() + b'", "reviewed": true}'


def _nested_tables_docx(depth: int = 300) -> bytes:
    """A Word document whose one cell holds a table whose one cell holds a table … 300
    deep (1 KB zipped): pandoc's AST of it is ~1,800 JSON levels deep."""
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'

    def para(text: str) -> str:
        return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"

    inner = para("A sentence nested far too deep.")
    for _ in range(depth):
        inner = f"<w:tbl><w:tr><w:tc>{inner}</w:tc></w:tr></w:tbl>{para('')}"
    title = '<w:p><w:pPr><w:pStyle w:val="Title"/></w:pPr><w:r><w:t>Nested tables</w:t></w:r></w:p>'
    body = title + inner + para("A plain paragraph follows it.")
    pkg = "http://schemas.openxmlformats.org/package/2006"
    main = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
    office = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
    return _zip(
        {
            "[Content_Types].xml": (
                f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{pkg}/content-types">'
                '<Default Extension="rels" ContentType="application/'
                'vnd.openxmlformats-package.relationships+xml"/>'
                '<Default Extension="xml" ContentType="application/xml"/>'
                f'<Override PartName="/word/document.xml" ContentType="{main}"/></Types>'
            ),
            "_rels/.rels": (
                f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{pkg}/'
                f'relationships"><Relationship Id="rId1" Type="{office}" '
                'Target="word/document.xml"/></Relationships>'
            ),
            "word/document.xml": (
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                f"<w:document {w}><w:body>{body}</w:body></w:document>"
            ),
        }
    )


CASES: dict[str, Callable[[], bytes]] = {
    # --- ingest
    "ingest/binary.txt": lambda: bytes(range(256)) * 16,
    "ingest/windows-1252.txt": lambda: (
        EXPORT.replace("افغانستان آزاد – آزاد افغانستان", "Afghanistan Azad")
        .replace("people,", "people – “café” owners included –")
        .encode("cp1252")
    ),
    "ingest/utf-16.txt": lambda: EXPORT.encode("utf-16"),
    "ingest/bom-and-mixed-line-endings.txt": _bom_and_mixed_line_endings,
    "ingest/over-20-mb.txt": _over_20_mb,
    "ingest/absurdly-long-line.txt": _long_line,
    "ingest/absurdly-long-paragraph.md": _long_paragraph_markdown,
    "ingest/renamed-zip.docx": lambda: _zip({"notes.txt": "meeting notes", "photo.jpg": b"\xff"}),
    "ingest/nested-tables.docx": _nested_tables_docx,
    "ingest/damaged-zip.docx": lambda: _zip({"word/document.xml": "<w:document/>" * 50})[:120],
    "ingest/no-text-layer.pdf": _no_text_layer_pdf,
    "ingest/nul-after-8-kb.md": lambda: (
        b"---\ntitle: Sharing the Kabul River\n---\n\n"
        + (PARAGRAPH.encode() + b"\n\n") * 100
        + b"Farmers up\x00stream share it.\n"
    ),
    "ingest/nul-in-text-export.txt": lambda: EXPORT.replace("share", "sh\x00are").encode(),
    "ingest/yaml-front-matter-too-large.md": lambda: (
        b"---\ntitle: Sharing the Kabul River\nnote: "
        + b"x" * 70_000
        + b"\n---\n\n"
        + PARAGRAPH.encode()
        + b"\n"
    ),
    "ingest/yaml-too-many-nodes.md": lambda: (
        b"---\ntitle: Sharing the Kabul River\ntags: ["
        + b"a," * 6_000
        + b"a]\n---\n\n"
        + PARAGRAPH.encode()
        + b"\n"
    ),
    # --- review import
    "exchange/huge-attribute.xlf": lambda: (
        (HERE / "exchange" / "unknown-segments.xlf")
        .read_bytes()
        .replace(b'original="the-salang', b'original="' + b"a" * 11_000_000 + b"the-salang", 1)
    ),
    # --- azad.toml, glossary
    "settings/windows-1256.toml": _windows_1256("settings/valid-minimal.toml"),
    "glossary/windows-1256.tsv": _glossary_1256,
    # --- model packages
    "models/not-a-zip.argosmodel": lambda: b"<html><body>404 Not Found</body></html>\n",
    "models/empty.argosmodel": lambda: b"",
    "models/no-metadata.argosmodel": lambda: _zip({"translate-en_fa-1_0/model/model.bin": b"x"}),
    "models/path-traversal.argosmodel": lambda: _zip(
        {"translate-en_fa-1_0/metadata.json": _META, "translate-en_fa-1_0/../../../evil.sh": "x"}
    ),
    "models/absolute-path.argosmodel": lambda: _zip(
        {"translate-en_fa-1_0/metadata.json": _META, "/etc/cron.d/evil": "x"}
    ),
    "models/two-top-level-folders.argosmodel": lambda: _zip(
        {"translate-en_fa-1_0/metadata.json": _META, "extra/readme.txt": "x"}
    ),
    "models/metadata-not-json.argosmodel": lambda: _zip(
        {"translate-en_fa-1_0/metadata.json": "from_code = en\nto_code = fa\n"}
    ),
    "models/metadata-incomplete.argosmodel": lambda: _zip(
        {"translate-en_fa-1_0/metadata.json": '{"type": "translate", "from_code": "en"}'}
    ),
    "models/code-with-a-path.argosmodel": lambda: _zip(
        {
            "translate-en_fa-1_0/metadata.json": _META.replace(b'"fa"', b'"../fa"'),
            "translate-en_fa-1_0/model/model.bin": b"x",
            "translate-en_fa-1_0/sentencepiece.model": b"x",
        }
    ),
    "models/metadata-only.argosmodel": lambda: _zip({"translate-en_fa-1_0/metadata.json": _META}),
    "models/bad-crc.argosmodel": _bad_crc,
    "models/zip-bomb.argosmodel": _zip_bomb,
    "models/too-many-entries.argosmodel": lambda: _zip(
        {**_USABLE, **{f"{_PKG}/model/shard-{n}": b"" for n in range(1_000)}}
    ),
    "models/symbolic-link.argosmodel": lambda: _special_entry(0o120777),
    "models/fifo.argosmodel": lambda: _special_entry(0o010644),
    "models/code-with-a-trailing-newline.argosmodel": lambda: _with_meta(
        _META.replace(b'"en"', b'"en\\n"')
    ),
    "models/version-with-a-trailing-newline.argosmodel": lambda: _with_meta(
        _META.replace(b'"1.0"', b'"1.0\\n"')
    ),
    "models/version-that-is-a-path.argosmodel": lambda: _with_meta(
        _META.replace(b'"1.0"', b'"../../../victim"')
    ),
    "models/metadata-not-an-object.argosmodel": lambda: _with_meta(b'["en", "fa"]'),
    "models/not-a-translate-package.argosmodel": lambda: _with_meta(
        _META.replace(b'"translate"', b'"sbd"')
    ),
    # --- web request bodies
    "web/oversized-save.json": lambda: _save_body("ت".encode() * 800_000),
    "web/over-the-save-limit.json": lambda: _save_body("ت".encode() * 50_000),
    "web/deeply-nested.json": lambda: (
        _save_body(b"x")[:-1] + b', "notes": ' + b"[" * 20_000 + b"]" * 20_000 + b"}"
    ),
    "web/invalid-utf8.json": lambda: _save_body(b"\xd8\xaa\xff\xfe"),
    "web/oversized-form.txt": lambda: b"comment=" + b"x" * 1_500_000,
    "web/oversized-login.txt": lambda: (
        b"name=eddie&password=" + b"x" * 1_500_000 + b"&csrf=0&next=%2F"
    ),
}


def make_cases(out: Path) -> list[Path]:
    """Write every generated case under ``out``; return their paths."""
    written = []
    for rel, make in CASES.items():
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(make())
        written.append(path)
    return written


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python tests/bad_inputs/make_cases.py OUT_DIR", file=sys.stderr)
        return 2
    for path in make_cases(Path(argv[0])):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
