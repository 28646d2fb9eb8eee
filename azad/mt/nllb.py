"""NLLB-200 → Argos package: convert with CTranslate2, pack, install.

NLLB-200 (Meta, CC-BY-NC 4.0) covers Dari (``prs_Arab``) and Southern Pashto
(``pbt_Arab``), which the Argos index lacks. Conversion needs the optional extra
``[nllb]`` (transformers, torch) and the model's weights: from the Hugging Face hub, or
offline from a local checkout given as ``source``. The packing half is
:func:`azad.mt.packaging.pack_argos_model`, which tests exercise with the test model;
``make test-nllb`` (scripts/test_nllb.py) runs the whole path on a tiny random model.

Versions: a package's version is its parameter count in millions ("615" for the distilled
600M, "1371" for the 1.3B), so with several installed the larger model serves the language
(:func:`azad.mt.packages.resolve_model` takes the highest version) unless the language's
``package_version`` in azad.toml pins one.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from azad.errors import AzadError
from azad.mt.packages import InstalledModel, install_file
from azad.mt.packaging import pack_argos_model
from azad.settings import Language

NLLB_CODES = {"fa": "prs_Arab", "ps": "pbt_Arab"}
NLLB_SOURCE = "eng_Latn"
SIZES = {"600M": "facebook/nllb-200-distilled-600M", "1.3B": "facebook/nllb-200-distilled-1.3B"}
LICENCE = "CC-BY-NC-4.0"
SP_FILE = "sentencepiece.bpe.model"
"""NLLB's SentencePiece model, as the hub's checkouts name it."""
INSTALL_HINT = ".venv/bin/pip install -e '.[nllb]'"


def size_label(parameters: int) -> str:
    """``615M``, ``1.4B``: how people name model sizes."""
    if parameters >= 1_000_000_000:
        return f"{parameters / 1e9:.1f}B"
    if parameters >= 10_000_000:
        return f"{parameters / 1e6:.0f}M"
    return f"{parameters / 1e6:.2f}M"


def package_version(parameters: int) -> str:
    """Millions of parameters as a release number: larger models compare as newer."""
    return str(max(1, round(parameters / 1e6)))


def nllb_package_metadata(language: Language, source: str, parameters: int) -> dict[str, object]:
    """What the package's metadata must say for the engine to drive NLLB correctly, and
    which model it was made from."""
    if language.argos_code not in NLLB_CODES:
        raise AzadError(f"{language.name}: NLLB packaging knows only Dari and Pashto")
    return {
        "target_prefix": NLLB_CODES[language.argos_code],
        # NLLB's tokenizer puts the source language token first and </s> last.
        "source_prefix": [NLLB_SOURCE],
        "source_suffix": ["</s>"],
        "package_version": package_version(parameters),
        "extra_metadata": {
            "licence": LICENCE,
            "model": source,
            "size": size_label(parameters),
            "parameters": parameters,
            "azad_nllb": True,
        },
    }


def find_sentencepiece(model_id: str, local: bool) -> Path:
    """NLLB's SentencePiece model: the folder's ``sentencepiece.bpe.model``, or the hub's.

    Not ``tokenizer.vocab_file``: transformers 5 tokenizers loaded from a folder written by
    ``save_pretrained`` have none, and the folder has no SentencePiece file to point at.
    """
    if local:
        path = Path(model_id) / SP_FILE
        if not path.is_file():
            raise AzadError(
                f"{model_id}: no {SP_FILE} (NLLB's SentencePiece model; a folder written by "
                "save_pretrained lacks it: copy it from the hub's checkout of the model)"
            )
        return path
    try:
        # The optional ``nllb`` extra: imported where it is used, so the rest works without.
        from huggingface_hub import hf_hub_download

        return Path(hf_hub_download(model_id, SP_FILE))
    except Exception as exc:  # the hub client raises many kinds (network, 404, auth)
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise AzadError(
            f"{model_id}: cannot get {SP_FILE} from the Hugging Face hub: {reason}"
        ) from None


def count_parameters(model_id: str) -> int:
    """The model's parameter count from its configuration alone (no weights loaded)."""
    import torch  # the optional ``nllb`` extra (see find_sentencepiece)
    from transformers import AutoConfig, AutoModelForSeq2SeqLM

    config = AutoConfig.from_pretrained(model_id)
    with torch.device("meta"):
        model = AutoModelForSeq2SeqLM.from_config(config)
    return sum(p.numel() for p in model.parameters())


def build_nllb(
    packages_dir: Path,
    language: Language,
    *,
    size: str = "600M",
    source: str | None = None,
    quantization: str = "int8",
    log: Callable[[str], None] = print,
) -> InstalledModel:
    if source is None and size not in SIZES:
        raise AzadError(f"{size}: unknown NLLB size (choose {', '.join(SIZES)})")
    if language.argos_code not in NLLB_CODES:
        raise AzadError(f"{language.name}: NLLB packaging knows only Dari and Pashto")
    if source is not None and not Path(source).is_dir():
        raise AzadError(f"{source}: no such folder (--source takes a local model checkout)")
    model_id = str(Path(source).resolve()) if source else SIZES[size]
    # Everything the package needs besides the converted weights is found first: a missing
    # file must not cost a whole conversion (nor the extra's installation).
    local_sp = find_sentencepiece(model_id, local=True) if source is not None else None
    try:
        import torch  # noqa: F401
        import transformers  # noqa: F401
        from ctranslate2.converters import TransformersConverter
    except ImportError:
        raise AzadError(f"NLLB conversion needs the optional extra: {INSTALL_HINT}") from None
    sp_model = local_sp or find_sentencepiece(model_id, local=False)
    parameters = count_parameters(model_id)
    meta = nllb_package_metadata(language, model_id, parameters)
    label = str(dict(meta["extra_metadata"])["size"])  # type: ignore[call-overload]
    with tempfile.TemporaryDirectory(prefix="azad-nllb-") as tmp:
        work = Path(tmp)
        log(f"converting {model_id} ({label} parameters) with CTranslate2 ({quantization})…")
        TransformersConverter(model_id).convert(str(work / "model"), quantization=quantization)
        archive = pack_argos_model(
            work / "model",
            sp_model,
            work / f"translate-en_{language.argos_code}-nllb.argosmodel",
            from_code="en",
            to_code=language.argos_code,
            from_name="English",
            to_name=f"{language.name} (NLLB-200 {label})",
            package_version=str(meta["package_version"]),
            target_prefix=str(meta["target_prefix"]),
            source_prefix=list(meta["source_prefix"]),  # type: ignore[call-overload]
            source_suffix=list(meta["source_suffix"]),  # type: ignore[call-overload]
            extra_metadata=dict(meta["extra_metadata"]),  # type: ignore[call-overload]
        )
        log("installing…")
        return install_file(packages_dir, archive)
