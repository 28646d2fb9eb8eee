from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

# pytest-xdist's workers start with COLUMNS=80, and a Rich console fixes its width from
# COLUMNS when it is created (at import); without it the console follows the environment
# at each print, as _clean_env sets it for every test.
os.environ.pop("COLUMNS", None)

from azad.cli import run
from azad.db.users import CHEAP_HASHES_ENV
from azad.workspace import Workspace

# Passwords hashed at the lowest Argon2 cost in the suite and in the processes it starts
# (the app's hasher reads this once, on first use); test_users checks the production cost.
os.environ[CHEAP_HASHES_ENV] = "1"


def pytest_configure(config: pytest.Config) -> None:
    """Playwright's assertions wait for the page up to 30 s, not 5: each ends as soon as
    the page shows what it asserts, and a loaded 2-core CI machine (two workers, Chromium,
    Prefect, pandoc) can take longer than 5 s to load a page. Tests assert what the page
    shows, never how soon (bench/ keeps the figures)."""
    try:
        from playwright.sync_api import expect
    except ImportError:  # the browser tests skip
        return
    expect.set_options(timeout=30_000)


@dataclass
class CliResult:
    code: int
    out: str
    err: str


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AZAD_WORKSPACE", raising=False)
    monkeypatch.setenv("COLUMNS", "200")


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    """A fresh workspace made by ``azad init``."""
    root = tmp_path / "ws"
    assert run(["init", str(root)]) == 0
    return Workspace(root.resolve())


@pytest.fixture
def cli(workspace: Workspace, capsys: pytest.CaptureFixture[str]) -> Callable[..., CliResult]:
    """Run ``azad --workspace <workspace> ARGS`` in-process and capture its output."""

    def invoke(*args: str) -> CliResult:
        capsys.readouterr()
        code = run(["--workspace", str(workspace.root), *args])
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return invoke


@pytest.fixture(scope="session")
def test_packages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Tiny genuine Argos packages en→fa and en→ps, built once per test session."""
    from azad.mt.testmodel import build_test_package

    out = tmp_path_factory.mktemp("packages")
    return {code: build_test_package(out, to_code=code) for code in ("fa", "ps")}


@pytest.fixture
def ws_with_models(workspace: Workspace, test_packages: dict[str, Path]) -> Workspace:
    """A workspace whose Dari and Pashto are served by the tiny test packages."""
    from azad.mt.packages import install_file

    for archive in test_packages.values():
        install_file(workspace.models_dir, archive)
    return workspace


@pytest.fixture(autouse=True)
def _prefect_logs_to_current_stderr() -> None:
    """Prefect's console handler keeps the stderr of the test that first configured
    logging; pytest closes that stream afterwards. Point it at this test's stderr."""
    import logging
    import sys

    handlers_mod = sys.modules.get("prefect.logging.handlers")
    if handlers_mod is None:
        return
    for logger in [logging.getLogger(), *logging.Logger.manager.loggerDict.values()]:
        for handler in getattr(logger, "handlers", []):
            if isinstance(handler, handlers_mod.PrefectConsoleHandler):
                handler.stream = sys.stderr  # setStream would flush the closed one
                handler.console.file = sys.stderr


@pytest.fixture(scope="session")
def prefect_api() -> Iterator[None]:
    """One temporary Prefect API for the tests that run flows (starting one per flow run,
    as the CLI does outside tests, costs seconds each time)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=180):
        yield
