"""``azad models``: the Argos packages a workspace translates with."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, DownloadColumn, Progress, TransferSpeedColumn

from azad.cli.context import State, console, err_console
from azad.errors import AzadError
from azad.mt import packages
from azad.workspace import Workspace

models_app = typer.Typer(help="Install, list and remove translation models.", no_args_is_help=True)


def _ws() -> Workspace:
    return State.workspace()


@models_app.command("list")
def list_models(
    json_out: Annotated[
        bool,
        typer.Option("--json", help="Print the packages and what serves each language as JSON."),
    ] = False,
) -> None:
    """Installed packages, and which one serves each language."""
    from azad.cli.tables import Column, print_json, print_table

    ws = _ws()
    installed = packages.installed_models(ws.models_dir)
    serving = {
        key: (lang, packages.resolve_model(ws.models_dir, lang.package_name, lang.package_version))
        for key, lang in ws.settings.languages.items()
    }
    if json_out:
        print_json(
            {
                "packages": [
                    {
                        "name": m.name,
                        "version": m.version,
                        "from": m.from_code,
                        "to": m.to_code,
                        "model": m.metadata.get("model", ""),
                        "size": m.metadata.get("size", ""),
                        "test_model": m.is_test_model,
                        "path": str(m.path),
                    }
                    for m in installed
                ],
                "languages": {
                    key: {
                        "code": lang.code,
                        "package": lang.package_name,
                        "pinned_version": lang.package_version or None,
                        "served_by": str(model.path) if model else None,
                        "label": model.label if model else None,
                    }
                    for key, (lang, model) in serving.items()
                },
            }
        )
        return
    columns = [
        Column("package", "whole"),
        Column("version"),
        Column("from", drop=3),
        Column("to", drop=2),
        Column("model", "wrap"),
        Column("test model", drop=1),
        Column("folder", "whole", drop=4),
    ]
    rows = []
    for m in installed:
        made_from = m.metadata.get("model", "")
        if size := m.metadata.get("size"):
            made_from = f"{made_from} ({size})"
        rows.append(
            [
                m.name,
                m.version,
                m.from_code,
                m.to_code,
                str(made_from),
                "yes" if m.is_test_model else "",
                m.path.name,
            ]
        )
    print_table(console, columns, rows)
    for key, (lang, model) in serving.items():
        pin = f" {lang.package_version}" if lang.package_version else ""
        served = (
            model.label if model else f"[red]nothing[/red] ({lang.package_name}{pin} not installed)"
        )
        console.print(f"{key} ({lang.code}): {served}")


def _progress() -> Progress:
    return Progress(
        "{task.description}",
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        console=err_console,
        transient=True,
    )


@models_app.command("update-index")
def update_index() -> None:
    """Download the Argos package index named in azad.toml ([mt] index_url)."""
    ws = _ws()
    path = packages.update_index(ws.models_dir, ws.settings.mt.index_url)
    names = sorted({m.name for m in packages.available_models(ws.models_dir)})
    console.print(f"index saved to {path}: {len(names)} translate packages")


@models_app.command()
def install(
    language: Annotated[
        str,
        typer.Argument(
            help="dari, pashto, a language code, or a package name such as translate-en_fa."
        ),
    ],
) -> None:
    """Install a language's package from the Argos index, with a progress bar."""
    from azad.mt.select import fix_hint

    ws = _ws()
    if language.startswith("translate-"):
        key, name = language, language
    else:
        key, lang = ws.language(language)
        name = lang.package_name
    with _progress() as progress:
        task = progress.add_task(f"downloading {name}", total=None)

        def report(done: int, total: int | None) -> None:
            progress.update(task, completed=done, total=total)

        try:
            model = packages.install_from_index(
                ws.models_dir, ws.settings.mt.index_url, name, report
            )
        except packages.NotInIndex as exc:
            raise AzadError(f"{exc}: {fix_hint(key, name)}") from None
    console.print(f"installed {model.label} in {model.path}")


@models_app.command("install-file")
def install_file(archive: Annotated[Path, typer.Argument(help="An .argosmodel file.")]) -> None:
    """Install a package from a local .argosmodel file."""
    ws = _ws()
    model = packages.install_file(ws.models_dir, archive)
    console.print(f"installed {model.label} in {model.path}")


@models_app.command()
def remove(
    name: Annotated[str, typer.Argument(help="Package name (translate-en_fa) or its folder.")],
) -> None:
    """Remove an installed package (every version of a name, or one folder)."""
    ws = _ws()
    chosen = [m for m in packages.installed_models(ws.models_dir) if name in (m.name, m.path.name)]
    if not chosen:
        raise AzadError(f"{name}: not installed (see 'azad models list')")
    for model in chosen:
        packages.remove(ws.models_dir, model)
        console.print(f"removed {model.label} ({model.path.name})")


@models_app.command("build-test-model")
def build_test_model(
    size: Annotated[str, typer.Option(help="tiny (tests, demo) or base (benchmarks).")] = "tiny",
    only_missing: Annotated[
        bool,
        typer.Option("--only-missing", help="Only for languages that no installed package serves."),
    ] = False,
) -> None:
    """Build, offline and in seconds, genuine Argos packages en→fa and en→ps with random
    weights, and install them. Their output is NOT a translation; a real package, where
    one is installed, is always preferred."""
    from azad.mt.testmodel import build_test_package

    ws = _ws()
    if size not in ("tiny", "base"):
        raise AzadError(f"{size}: unknown size (tiny or base)")
    for key, lang in ws.settings.languages.items():
        current = packages.resolve_model(ws.models_dir, lang.package_name)
        if only_missing and current is not None:
            console.print(f"{key}: served by {current.label}")
            continue
        with tempfile.TemporaryDirectory() as tmp:
            archive = build_test_package(Path(tmp), to_code=lang.argos_code, size=size)  # type: ignore[arg-type]
            model = packages.install_file(ws.models_dir, archive)
        serving = packages.resolve_model(ws.models_dir, lang.package_name)
        if serving is not None and not serving.is_test_model:
            console.print(f"{key}: test model installed; {serving.label} still serves {key}")
        else:
            err_console.print(
                f"[yellow]warning:[/yellow] {key} is now served by the test model "
                f"{model.name}: its output is not a translation"
            )


@models_app.command("build-nllb")
def build_nllb_cmd(
    lang: Annotated[str, typer.Option(help="dari or pashto.")],
    size: Annotated[
        str, typer.Option(help="600M or 1.3B (distilled NLLB-200 from the hub; not with --source).")
    ] = "600M",
    source: Annotated[
        str | None,
        typer.Option(
            help="A local Hugging Face checkout of the model (offline); default: download "
            "facebook/nllb-200-distilled-SIZE from the Hugging Face hub."
        ),
    ] = None,
    quantization: Annotated[str, typer.Option(help="CTranslate2 quantization.")] = "int8",
) -> None:
    """Convert Meta's NLLB-200 to an Argos package for Dari (prs_Arab) or Pashto (pbt_Arab)
    and install it.

    Needs the optional extra: pip install -e '.\\[nllb]' (transformers, torch, the CTranslate2
    converter). The model is converted with ctranslate2's TransformersConverter and int8
    quantisation; its SentencePiece model is packed beside it; the package's metadata makes
    every source sentence read `eng_Latn … </s>` and forces the target language token
    (dropped from the output). NLLB-200's licence is CC-BY-NC 4.0: non-commercial use only.
    """
    from azad.mt.nllb import build_nllb

    ws = _ws()
    key, language = ws.language(lang)
    model = build_nllb(
        ws.models_dir,
        language,
        size=size,
        source=source,
        quantization=quantization,
        log=console.print,
    )
    console.print(f"installed {model.label} for {key}")
