"""The offline test model is a genuine Argos package; pack/read of .argosmodel files.

Anything that imports ``argostranslate`` runs in a subprocess: Argos reads its
settings (packages dir, data/cache dirs) once, when ``argostranslate.settings``
is first imported, so the environment must be in place before that import and
must not leak into this process.  The subprocesses also block sockets, which
proves that nothing tries to download (Argos' default sentence splitter would).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from azad.mt import packaging
from azad.mt.packaging import pack_argos_model, read_package_metadata
from azad.mt.testmodel import TEST_CORPUS, build_test_package

SENTENCES = [
    "The provincial council met on Monday to discuss the new budget for schools and clinics.",
    "Heavy snow closed the Salang Pass.",
    "Prices of flour, rice and cooking oil remained stable in the capital's markets, "
    "traders said on Sunday, although fuel became more expensive.",
    "Yes.",
    "Girls' education remains one of the most debated issues in the country.",
]

# Blocks network access in the subprocess; prepended to every script.
_NO_NETWORK = """
import socket

def _no_network(*args, **kwargs):
    raise RuntimeError("network access attempted")

socket.socket.connect = _no_network
socket.socket.connect_ex = _no_network
socket.create_connection = _no_network
socket.getaddrinfo = _no_network
"""


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("argosmodels")
    return {
        "fa": build_test_package(out, to_code="fa"),
        "ps": build_test_package(out, to_code="ps"),
    }


def run_argos(script: str, tmp_path: Path, *args: str) -> Any:
    """Run ``script`` in a fresh interpreter with Argos confined to ``tmp_path``.

    The script gets ``sys.argv[1:] == args`` and must print one JSON document
    as its last stdout line, which is returned.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("ARGOS_")}
    home = tmp_path / "home"
    env.update(
        HOME=str(home),
        XDG_DATA_HOME=str(home / "data"),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_CACHE_HOME=str(home / "cache"),
        ARGOS_PACKAGES_DIR=str(tmp_path / "packages"),
        ARGOS_DEVICE_TYPE="cpu",
    )
    proc = subprocess.run(
        [sys.executable, "-c", _NO_NETWORK + script, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------
# The test packages themselves


def test_tiny_build_is_deterministic(tmp_path: Path) -> None:
    first = build_test_package(tmp_path / "a", to_code="fa", seed=3)
    again = build_test_package(tmp_path / "b", to_code="fa", seed=3)
    other = build_test_package(tmp_path / "c", to_code="fa", seed=4)

    assert first.name == "translate-en_fa-test.argosmodel"
    digest = [hashlib.sha256(p.read_bytes()).hexdigest() for p in (first, again, other)]
    assert digest[0] == digest[1]
    assert digest[0] != digest[2]


@pytest.mark.parametrize(
    ("code", "name"), [("fa", "Dari (test model)"), ("ps", "Pashto (test model)")]
)
def test_package_layout_and_metadata(packages: dict[str, Path], code: str, name: str) -> None:
    meta = read_package_metadata(packages[code])
    assert meta["from_code"] == "en"
    assert meta["to_code"] == code
    assert meta["from_name"] == "English"
    assert meta["to_name"] == name
    assert meta["type"] == "translate"
    assert meta["azad_test_model"] is True
    assert "target_prefix" not in meta  # Argos would force any present value
    assert meta["source_prefix"] == [] and meta["source_suffix"] == []

    folder = f"translate-en_{code}-{meta['package_version']}"
    names = set(zipfile.ZipFile(packages[code]).namelist())
    assert {
        f"{folder}/metadata.json",
        f"{folder}/README.md",
        f"{folder}/sentencepiece.model",
        f"{folder}/model/model.bin",
        f"{folder}/model/config.json",
        f"{folder}/model/shared_vocabulary.json",
    } <= names
    assert all(n.startswith(f"{folder}/") for n in names)


def test_corpus_covers_the_scripts() -> None:
    pashto = "".join(TEST_CORPUS["ps"])
    dari = "".join(TEST_CORPUS["fa"])
    assert len(TEST_CORPUS["en"]) >= 100 and len(TEST_CORPUS["fa"]) >= 100
    assert len(TEST_CORPUS["ps"]) >= 100
    assert set("ټډړښږګڼځڅېۍئي") <= set(pashto)
    assert {"ی", "ک", "\u200c"} <= set(dari)
    assert not {"ي", "ك"} & set(dari)  # Arabic yeh/kaf do not belong in Dari text
    assert not any("_" in s for sentences in TEST_CORPUS.values() for s in sentences)


_INSTALL_AND_TRANSLATE = """
import json, sys
from pathlib import Path

import ctranslate2
import sentencepiece as spm
from argostranslate import package

for archive in sys.argv[2:]:
    package.install_from_path(Path(archive))
sentences = json.loads(sys.argv[1])
result = {"packages": [], "outputs": {}}
for pkg in package.get_installed_packages():
    result["packages"].append(
        {"from": pkg.from_code, "to": pkg.to_code, "to_name": pkg.to_name,
         "type": pkg.type, "dir": pkg.package_path.name}
    )
    sp = spm.SentencePieceProcessor(model_file=str(pkg.package_path / "sentencepiece.model"))
    translator = ctranslate2.Translator(str(pkg.package_path / "model"), intra_threads=1)
    sources = [sp.encode(s, out_type=str) for s in sentences]
    results = translator.translate_batch(sources, beam_size=4, length_penalty=0.2)
    result["outputs"][pkg.to_code] = [
        {"source_len": len(src), "tokens": r.hypotheses[0], "text": sp.decode(r.hypotheses[0])}
        for src, r in zip(sources, results)
    ]
print(json.dumps(result, ensure_ascii=False))
"""


def test_install_and_translate_with_ctranslate2(packages: dict[str, Path], tmp_path: Path) -> None:
    result = run_argos(
        _INSTALL_AND_TRANSLATE,
        tmp_path,
        json.dumps(SENTENCES),
        str(packages["fa"]),
        str(packages["ps"]),
    )

    listed = sorted((p["from"], p["to"], p["to_name"], p["type"]) for p in result["packages"])
    assert listed == [
        ("en", "fa", "Dari (test model)", "translate"),
        ("en", "ps", "Pashto (test model)", "translate"),
    ]
    assert sorted(p["dir"] for p in result["packages"]) == sorted(
        f"translate-en_{code}-{read_package_metadata(packages[code])['package_version']}"
        for code in ("fa", "ps")
    )

    for code in ("fa", "ps"):
        outputs = result["outputs"][code]
        lengths = [len(o["tokens"]) for o in outputs]
        assert all(n > 0 for n in lengths)
        assert len(set(lengths)) >= 3, lengths  # lengths vary...
        for o in outputs:  # ...and follow the source length
            assert o["source_len"] / 3 - 2 <= len(o["tokens"]) <= 3 * o["source_len"] + 5, o
        texts = [o["text"] for o in outputs]
        assert len(set(texts)) == len(texts)  # different inputs, different outputs
        for text in texts:
            assert text.strip()
            assert "\ufffd" not in text and "<unk>" not in text
            letters = [ch for ch in text if ch.isalpha()]
            arabic_script = [ch for ch in letters if "\u0600" <= ch <= "\u06ff"]
            assert len(arabic_script) > len(letters) / 2, text

    # Pashto output uses Pashto-only letters somewhere.
    assert set("".join(o["text"] for o in result["outputs"]["ps"])) & set("ټډړښږګڼځڅېۍ")


# --------------------------------------------------------------------------
# Argos' own translate() offline, with our sentence splitter


_ARGOS_TRANSLATE = """
import json, sys
from pathlib import Path

import ctranslate2
import sentencepiece as spm
from argostranslate import package, sbd, translate

# Argos' default splitter (MiniSBD) downloads an ONNX model on first use; make
# any use of it fail loudly instead.
def _refuse(self):
    raise RuntimeError("MiniSBD used")
sbd.MiniSBDSentencizer.lazy_detector = _refuse


class WholeTextSentencizer(sbd.ISentenceBoundaryDetectionModel):
    \"\"\"Treat each paragraph as one sentence: we segment text ourselves.\"\"\"

    def __init__(self, pkg):
        self.pkg = pkg

    def split_sentences(self, text):
        return [text]


def use_sentencizer(translation, factory):
    \"\"\"Replace the sentencizer of every PackageTranslation inside ``translation``.\"\"\"
    if isinstance(translation, translate.CachedTranslation):
        use_sentencizer(translation.underlying, factory)
    elif isinstance(translation, translate.CompositeTranslation):
        use_sentencizer(translation.t1, factory)
        use_sentencizer(translation.t2, factory)
    elif isinstance(translation, translate.PackageTranslation):
        translation.sentencizer = factory(translation.pkg)


package.install_from_path(Path(sys.argv[2]))
text = json.loads(sys.argv[1])

translation = translate.get_translation_from_codes("en", "fa")
use_sentencizer(translation, WholeTextSentencizer)
# translate() looks the pair up again; get_installed_languages() is cached and
# Argos keeps one PackageTranslation per pair, so the override is still in place.
via_translate = translate.translate(text, "en", "fa")
via_object = translation.translate(text)

# The same thing by hand, as Argos does it (beam 4, length penalty 0.2).
pkg = translation.underlying.pkg
sp = spm.SentencePieceProcessor(model_file=str(pkg.package_path / "sentencepiece.model"))
translator = ctranslate2.Translator(str(pkg.package_path / "model"))
direct = []
for paragraph in text.split("\\n"):
    res = translator.translate_batch(
        [sp.encode(paragraph, out_type=str)], beam_size=4, length_penalty=0.2,
        replace_unknowns=True,
    )
    direct.append(sp.decode(res[0].hypotheses[0]))
print(json.dumps({"translate": via_translate, "object": via_object, "direct": direct},
                 ensure_ascii=False))
"""


def test_argos_translate_offline_with_custom_sentencizer(
    packages: dict[str, Path], tmp_path: Path
) -> None:
    text = f"{SENTENCES[0]} {SENTENCES[1]}\n{SENTENCES[2]}"
    result = run_argos(_ARGOS_TRANSLATE, tmp_path, json.dumps(text), str(packages["fa"]))

    assert result["translate"] == result["object"]
    paragraphs = result["translate"].split("\n")
    assert len(paragraphs) == 2
    # Whole paragraphs went to the model as single sentences, exactly like the
    # direct CTranslate2 calls (the test vocabulary has no "_" for Argos' decode
    # to mangle).
    assert paragraphs == [p.strip() for p in result["direct"]]
    assert all(p.strip() for p in paragraphs)


# --------------------------------------------------------------------------
# pack_argos_model / read_package_metadata


def _fake_model(tmp_path: Path) -> tuple[Path, Path]:
    ct2 = tmp_path / "ct2"
    (ct2 / "sub").mkdir(parents=True)
    (ct2 / "model.bin").write_bytes(b"\x00weights" * 100)
    (ct2 / "config.json").write_text('{"unk_token": "<unk>"}\n')
    (ct2 / "shared_vocabulary.json").write_text('["<unk>", "<s>", "</s>"]\n')
    (ct2 / "sub" / "extra.txt").write_text("nested files are kept\n")
    sp_model = tmp_path / "spm.model"
    sp_model.write_bytes(b"sentencepiece")
    return ct2, sp_model


def test_pack_round_trip(tmp_path: Path) -> None:
    ct2, sp_model = _fake_model(tmp_path)
    out = tmp_path / "out" / "en_fa.argosmodel"
    returned = pack_argos_model(
        ct2,
        sp_model,
        out,
        from_code="en",
        to_code="fa",
        from_name="English",
        to_name="Dari",
        package_version="1.2",
        target_prefix="prs_Arab",
        source_prefix=["eng_Latn"],
        source_suffix=["</s>"],
        extra_metadata={"licence": "CC-BY-NC-4.0", "notes": {"a": [1, 2]}},
    )

    assert returned == out
    assert read_package_metadata(out) == {
        "package_version": "1.2",
        "argos_version": "1.9",
        "from_code": "en",
        "from_name": "English",
        "to_code": "fa",
        "to_name": "Dari",
        "type": "translate",
        "target_prefix": "prs_Arab",
        "source_prefix": ["eng_Latn"],
        "source_suffix": ["</s>"],
        "licence": "CC-BY-NC-4.0",
        "notes": {"a": [1, 2]},
    }
    with zipfile.ZipFile(out) as zf:
        folder = "translate-en_fa-1.2"
        assert sorted(zf.namelist()) == sorted(
            f"{folder}/{name}"
            for name in (
                "metadata.json",
                "README.md",
                "sentencepiece.model",
                "model/model.bin",
                "model/config.json",
                "model/shared_vocabulary.json",
                "model/sub/extra.txt",
            )
        )
        assert zf.read(f"{folder}/model/model.bin") == (ct2 / "model.bin").read_bytes()
        assert zf.read(f"{folder}/sentencepiece.model") == b"sentencepiece"
        assert "eng_Latn" in zf.read(f"{folder}/README.md").decode()
    assert [p.name for p in out.parent.iterdir()] == [out.name]  # no temp files left


def test_pack_without_prefixes_omits_target_prefix(tmp_path: Path) -> None:
    ct2, sp_model = _fake_model(tmp_path)
    out = pack_argos_model(
        ct2, sp_model, tmp_path / "p.argosmodel",
        from_code="en", to_code="ps", from_name="English", to_name="Pashto",
    )  # fmt: skip
    meta = read_package_metadata(out)
    assert "target_prefix" not in meta
    assert meta["source_prefix"] == [] and meta["source_suffix"] == []
    assert meta["package_version"] == "1.0" and meta["argos_version"] == "1.9"


def test_pack_failure_keeps_previous_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ct2, sp_model = _fake_model(tmp_path)
    out = tmp_path / "out" / "en_fa.argosmodel"
    kwargs: dict[str, Any] = dict(from_code="en", to_code="fa", from_name="E", to_name="D")
    pack_argos_model(ct2, sp_model, out, **kwargs)
    before = out.read_bytes()

    def broken(*args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(packaging, "_write_file", broken)
    with pytest.raises(OSError, match="disk full"):
        pack_argos_model(ct2, sp_model, out, package_version="2.0", **kwargs)
    assert out.read_bytes() == before
    assert [p.name for p in out.parent.iterdir()] == [out.name]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"from_code": "../en"}, "invalid from_code"),
        ({"to_code": ""}, "invalid to_code"),
        ({"package_version": "1/0"}, "invalid package_version"),
        ({"package_version": "1..0"}, "invalid package_version"),
        ({"extra_metadata": {"to_code": "de"}}, "may not override to_code"),
    ],
)
def test_pack_rejects_bad_arguments(
    tmp_path: Path, overrides: dict[str, Any], message: str
) -> None:
    ct2, sp_model = _fake_model(tmp_path)
    kwargs: dict[str, Any] = dict(from_code="en", to_code="fa", from_name="E", to_name="D")
    kwargs.update(overrides)
    with pytest.raises(ValueError, match=message):
        pack_argos_model(ct2, sp_model, tmp_path / "x.argosmodel", **kwargs)
    assert not (tmp_path / "x.argosmodel").exists()


def test_pack_requires_a_ctranslate2_model(tmp_path: Path) -> None:
    ct2, sp_model = _fake_model(tmp_path)
    (ct2 / "model.bin").unlink()
    with pytest.raises(FileNotFoundError, match=r"model\.bin"):
        pack_argos_model(
            ct2, sp_model, tmp_path / "x.argosmodel",
            from_code="en", to_code="fa", from_name="E", to_name="D",
        )  # fmt: skip


def _zip(path: Path, entries: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return path


_META = json.dumps({"from_code": "en", "to_code": "fa"})


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ({"pkg/metadata.json": _META, "../evil.sh": "x"}, "unsafe archive entry '../evil.sh'"),
        ({"pkg/metadata.json": _META, "pkg/../../x": "x"}, "unsafe archive entry"),
        ({"pkg/metadata.json": _META, "/etc/cron.d/x": "x"}, "unsafe archive entry"),
        ({"pkg/metadata.json": _META, "C:/x": "x"}, "unsafe archive entry"),
        ({"pkg/metadata.json": _META, "pkg\\..\\..\\x": "x"}, "unsafe archive entry"),
        ({"pkg/README.md": "hi", "pkg/model/model.bin": "x"}, "no pkg/metadata.json"),
        ({"pkg/metadata.json": _META, "other/metadata.json": _META}, "one top-level folder"),
        ({"pkg/metadata.json": "{not json"}, "not valid JSON"),
        ({"pkg/metadata.json": "[1, 2]"}, "JSON object"),
    ],
)
def test_read_metadata_rejects_bad_archives(
    tmp_path: Path, entries: dict[str, str], message: str
) -> None:
    archive = _zip(tmp_path / "bad.argosmodel", entries)
    with pytest.raises(ValueError, match=message) as excinfo:
        read_package_metadata(archive)
    assert str(archive) in str(excinfo.value)


def test_read_metadata_rejects_non_zip(tmp_path: Path) -> None:
    not_zip = tmp_path / "model.argosmodel"
    not_zip.write_text("this is not a zip archive")
    with pytest.raises(ValueError, match="not a zip archive") as excinfo:
        read_package_metadata(not_zip)
    assert str(not_zip) in str(excinfo.value)


def test_read_metadata_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        read_package_metadata(tmp_path / "absent.argosmodel")


# --------------------------------------------------------------------------
# Transformer-base sized variant


@pytest.mark.slow
def test_base_package_has_a_16k_vocabulary(tmp_path: Path) -> None:
    import ctranslate2
    import sentencepiece as spm

    archive = build_test_package(tmp_path, to_code="ps", size="base")
    meta = read_package_metadata(archive)
    assert meta["azad_test_model_size"] == "base"
    extracted = tmp_path / "x"
    zipfile.ZipFile(archive).extractall(extracted)
    (pkg,) = extracted.iterdir()
    sp = spm.SentencePieceProcessor(model_file=str(pkg / "sentencepiece.model"))
    assert sp.get_piece_size() == 16000
    vocab = json.loads((pkg / "model" / "shared_vocabulary.json").read_text("utf-8"))
    assert len(vocab) == 16000
    # int8 weights of a 6+6-layer d=512 model: tens of MB.
    assert (pkg / "model" / "model.bin").stat().st_size > 40_000_000

    translator = ctranslate2.Translator(str(pkg / "model"), intra_threads=1)
    sources = [sp.encode(s, out_type=str) for s in SENTENCES]
    results = translator.translate_batch(sources, beam_size=4, length_penalty=0.2)
    lengths = [len(r.hypotheses[0]) for r in results]
    assert all(n > 0 for n in lengths) and len(set(lengths)) >= 3
