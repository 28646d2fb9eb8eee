"""Which installed package translates into a language, and the engine that runs it."""

from __future__ import annotations

from dataclasses import dataclass

from azad.errors import AzadError
from azad.mt.batching import BatchingBackend, batching
from azad.mt.engine import get_engine
from azad.mt.packages import InstalledModel, resolve_model
from azad.workspace import Workspace


class NoModelError(AzadError):
    """No installed package serves a language; the message names the command that fixes it."""


@dataclass(frozen=True)
class Selection:
    lang_key: str
    model: InstalledModel

    @property
    def warning(self) -> str | None:
        if self.model.is_test_model:
            return (
                f"{self.lang_key}: using the TEST MODEL {self.model.name}: its output is not a "
                "translation (install a real package: 'azad models install' or "
                "'azad models build-nllb')"
            )
        return None


def fix_hint(lang_key: str, package_name: str) -> str:
    if package_name.endswith("_ps"):
        return (
            f"run 'azad models build-nllb --lang {lang_key}' (the Argos index has no Pashto "
            "package), or 'azad models build-test-model' for a test model"
        )
    return (
        f"run 'azad models install {lang_key}', or 'azad models install-file FILE.argosmodel'"
        ", or 'azad models build-test-model' for a test model"
    )


def select_model(ws: Workspace, lang_key: str) -> Selection:
    key, lang = ws.language(lang_key)
    model = resolve_model(ws.models_dir, lang.package_name, lang.package_version)
    if model is None and lang.package_version:
        raise NoModelError(
            f"{lang.package_name} version {lang.package_version} is not installed (azad.toml "
            f"pins it for {lang.name}: see 'azad models list')"
        )
    if model is None:
        raise NoModelError(
            f"no model translates into {lang.name} ({lang.package_name} is not installed): "
            + fix_hint(key, lang.package_name)
        )
    return Selection(key, model)


def engine_for(ws: Workspace, selection: Selection) -> BatchingBackend:
    """The model's engine behind the process's batching queue: concurrent tasks translating
    into the same language share model calls."""
    return batching(get_engine(selection.model, ws.settings.mt))
