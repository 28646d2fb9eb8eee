"""A workspace: the folder holding ``azad.toml``, incoming articles, the queue and editions.

Layout (paths configurable in ``azad.toml``)::

    azad.toml                       settings and site profile
    articles/                       incoming English files
    translations/<slug>/source.json the ingested Article (current revision)
    translations/<slug>/history/    earlier revisions, r0001.json, r0002.json, ...
    translations/<slug>/<lang>.po   the review queue: one PO file per language
    translations/glossary/glossary.tsv   names and terms, English → Dari → Pashto
    models/                         Argos packages (ARGOS_PACKAGES_DIR)
    output/                         editions and the readers' catalog
    .azad/                          the review database, caches (.azad/cache/)
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from pathlib import Path

from azad.errors import AzadError, InputError
from azad.settings import SETTINGS_FILE, Language, Settings, load_settings

ENV_VAR = "AZAD_WORKSPACE"
# fullmatch: "$" would also match before a final newline ("ed\n" beside "ed").
SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
MAX_SLUG_LENGTH = 80


# Folders of translations/ that are not articles.
RESERVED_SLUGS = frozenset({"glossary"})


def is_valid_slug(slug: str) -> bool:
    return (
        len(slug) <= MAX_SLUG_LENGTH
        and SLUG_RE.fullmatch(slug) is not None
        and slug not in RESERVED_SLUGS
    )


def validate_slug(slug: str) -> str:
    """Return ``slug`` if it is a plain ASCII slug; refuse anything path-like."""
    if not is_valid_slug(slug):
        raise InputError(slug, "not a valid article slug (lower-case ASCII letters, digits and -)")
    return slug


@dataclass(frozen=True)
class Workspace:
    root: Path

    @classmethod
    def find(cls, explicit: Path | None = None) -> Workspace:
        """The workspace named by ``explicit``, else ``$AZAD_WORKSPACE``, else the nearest
        folder holding ``azad.toml`` from the current directory upwards."""
        chosen = explicit or (Path(os.environ[ENV_VAR]) if os.environ.get(ENV_VAR) else None)
        if chosen is not None:
            if not (chosen / SETTINGS_FILE).is_file():
                raise InputError(chosen, f"not a workspace (no {SETTINGS_FILE}); try 'azad init'")
            return cls(chosen.resolve())
        here = Path.cwd().resolve()
        for folder in (here, *here.parents):
            if (folder / SETTINGS_FILE).is_file():
                return cls(folder)
        raise AzadError(
            f"no {SETTINGS_FILE} in {here} or above: pass --workspace, set {ENV_VAR}, "
            "or create one with 'azad init DIR'"
        )

    @cached_property
    def settings(self) -> Settings:
        return load_settings(self.root / SETTINGS_FILE)

    @property
    def articles_dir(self) -> Path:
        return self.root / self.settings.paths.articles

    @property
    def translations_dir(self) -> Path:
        return self.root / self.settings.paths.translations

    @property
    def output_dir(self) -> Path:
        return self.root / self.settings.paths.output

    @property
    def models_dir(self) -> Path:
        """Argos packages of this workspace (``ARGOS_PACKAGES_DIR``)."""
        return self.root / self.settings.mt.packages_dir

    @property
    def glossary_path(self) -> Path:
        return self.translations_dir / "glossary" / "glossary.tsv"

    @property
    def cache_dir(self) -> Path:
        """What can be rebuilt from the workspace's files (parsed PO files)."""
        return self.root / ".azad" / "cache"

    def article_dir(self, slug: str) -> Path:
        return self.translations_dir / validate_slug(slug)

    def language(self, key: str) -> tuple[str, Language]:
        """Look a language up by its key in ``azad.toml`` (``dari``) or its code (``fa-AF``)."""
        langs = self.settings.languages
        if key in langs:
            return key, langs[key]
        for name, lang in langs.items():
            if lang.code.lower() == key.lower():
                return name, lang
        known = ", ".join(langs)
        raise InputError(key, f"unknown language (configured: {known})")


def create_workspace(folder: Path) -> Workspace:
    """Make ``folder`` a workspace: ``azad.toml`` with the site profile, its folders and
    the glossary to start from; refused if it already has an ``azad.toml``."""
    target = folder / SETTINGS_FILE
    if target.exists():
        raise AzadError(f"{target}: already exists")
    folder.mkdir(parents=True, exist_ok=True)
    data = resources.files("azad") / "data"
    with resources.as_file(data / SETTINGS_FILE) as default:
        shutil.copyfile(default, target)
    ws = Workspace(folder.resolve())
    for sub in (ws.articles_dir, ws.translations_dir, ws.output_dir):
        sub.mkdir(parents=True, exist_ok=True)
    ws.glossary_path.parent.mkdir(parents=True, exist_ok=True)
    with resources.as_file(data / "glossary.tsv") as default:
        shutil.copyfile(default, ws.glossary_path)
    return ws
