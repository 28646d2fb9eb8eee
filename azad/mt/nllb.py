"""NLLB-200 → Argos package: convert with CTranslate2, pack, install.

NLLB-200 (Meta, CC-BY-NC 4.0) covers Dari (``prs_Arab``) and Southern Pashto
(``pbt_Arab``), which the Argos index lacks. Conversion needs the optional extra
``[nllb]`` (transformers, torch) and the model's weights: from the Hugging Face hub, or
offline from a local checkout given as ``source``. The packing half is
:func:`azad.mt.packaging.pack_argos_model`, which tests exercise with the test model.
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


def nllb_package_metadata(language: Language, size: str) -> dict[str, object]:
    """What the package's metadata must say for the engine to drive NLLB correctly."""
    if language.argos_code not in NLLB_CODES:
        raise AzadError(f"{language.name}: NLLB packaging knows only Dari and Pashto")
    return {
        "target_prefix": NLLB_CODES[language.argos_code],
        # NLLB's tokenizer puts the source language token first and </s> last.
        "source_prefix": [NLLB_SOURCE],
        "source_suffix": ["</s>"],
        "package_version": f"nllb-{size.lower()}",
        "extra_metadata": {"licence": LICENCE, "model": SIZES[size], "azad_nllb": True},
    }


def build_nllb(
    packages_dir: Path,
    language: Language,
    *,
    size: str = "600M",
    source: str | None = None,
    quantization: str = "int8",
    log: Callable[[str], None] = print,
) -> InstalledModel:
    if size not in SIZES:
        raise AzadError(f"{size}: unknown NLLB size (choose {', '.join(SIZES)})")
    meta = nllb_package_metadata(language, size)
    try:
        from ctranslate2.converters import TransformersConverter
        from transformers import AutoTokenizer
    except ImportError:
        raise AzadError(
            "NLLB conversion needs the optional extra: .venv/bin/pip install -e '.[nllb]'"
        ) from None
    model_id = source or SIZES[size]
    with tempfile.TemporaryDirectory(prefix="azad-nllb-") as tmp:
        work = Path(tmp)
        log(f"converting {model_id} with CTranslate2 ({quantization})…")
        TransformersConverter(model_id).convert(str(work / "model"), quantization=quantization)
        tokenizer = AutoTokenizer.from_pretrained(model_id)
        sp_model = Path(tokenizer.vocab_file)
        archive = pack_argos_model(
            work / "model",
            sp_model,
            work / f"translate-en_{language.argos_code}-nllb.argosmodel",
            from_code="en",
            to_code=language.argos_code,
            from_name="English",
            to_name=f"{language.name} (NLLB-200 {size})",
            package_version=str(meta["package_version"]),
            target_prefix=str(meta["target_prefix"]),
            source_prefix=list(meta["source_prefix"]),  # type: ignore[call-overload]
            source_suffix=list(meta["source_suffix"]),  # type: ignore[call-overload]
            extra_metadata=dict(meta["extra_metadata"]),  # type: ignore[call-overload]
        )
        log("installing…")
        return install_file(packages_dir, archive)
