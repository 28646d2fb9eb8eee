"""Scale-out, for real: two Prefect process workers sharing a backlog through a work pool
(the commands of docs/deploy.md), and the translate flow on a Dask LocalCluster. Both must
write the same PO files as a single-process run."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import EXAMPLES
from test_prefect_server import BIN, free_port, stop, wait_for

from azad.cli import run as azad_cli
from azad.mt.packages import install_file
from azad.workspace import Workspace

# Slow (a Prefect server, two workers and a Dask cluster): not in `make check`.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
ARTICLES = 12
PER_RUN = 3


def write_articles(folder: Path, n: int = ARTICLES) -> list[Path]:
    """``n`` articles: the two examples under distinct titles."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        src = sorted(EXAMPLES.iterdir())[i % 2]
        text = src.read_text(encoding="utf-8")
        if src.suffix == ".md":
            text = text.replace('title: "', f'title: "No. {i}: ', 1)
        else:
            text = text.replace("Red Gold of Herat:", f"Red Gold of Herat no. {i}:", 1)
        path = folder / f"{src.stem}-{i:02d}{src.suffix}"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def new_workspace(root: Path, test_packages: dict[str, Path]) -> Workspace:
    assert azad_cli(["init", str(root)]) == 0
    ws = Workspace(root.resolve())
    for archive in test_packages.values():
        install_file(ws.models_dir, archive)
    return ws


def po_files(ws: Workspace) -> dict[str, bytes]:
    return {
        str(p.relative_to(ws.translations_dir)): p.read_bytes()
        for p in sorted(ws.translations_dir.glob("*/*.po"))
    }


@pytest.fixture(scope="module")
def single_process(
    tmp_path_factory: pytest.TempPathFactory, test_packages: dict[str, Path]
) -> dict[str, bytes]:
    """The reference: the same articles translated by `azad translate` in one process
    (once for both tests: they compare with its PO files and change nothing in it)."""
    ws = new_workspace(tmp_path_factory.mktemp("scale-out") / "reference", test_packages)
    paths = write_articles(ws.articles_dir)
    assert azad_cli(["-w", str(ws.root), "ingest", *map(str, paths)]) == 0
    assert azad_cli(["-w", str(ws.root), "translate"]) == 0
    files = po_files(ws)
    assert len(files) == 2 * ARTICLES
    return files


@pytest.fixture
def server(tmp_path: Path) -> Iterator[dict[str, str]]:
    """A real `prefect server` whose scheduler is off: the deployment's 10-minute schedule
    must not add flow runs of its own."""
    port = free_port()
    env = {
        **os.environ,
        "PREFECT_HOME": str(tmp_path / "prefect-home"),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_UI_ENABLED": "false",
        "PREFECT_SERVER_SERVICES_SCHEDULER_ENABLED": "false",
        "PREFECT_LOGGING_LEVEL": "WARNING",
    }
    env.pop("PREFECT_API_URL", None)
    env.pop("AZAD_WORKSPACE", None)
    with (tmp_path / "server.log").open("wb") as log:
        proc = subprocess.Popen(
            [str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            wait_for(f"http://127.0.0.1:{port}/api/health", 180, proc)
            yield {**env, "PREFECT_API_URL": f"http://127.0.0.1:{port}/api"}
        finally:
            stop(proc)


def prefect(env: dict[str, str], *args: str, timeout: float = 300) -> str:
    done = subprocess.run(
        [str(BIN / "prefect"), "--no-prompt", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_two_workers_share_a_backlog(
    server: dict[str, str],
    single_process: dict[str, bytes],
    tmp_path: Path,
    test_packages: dict[str, Path],
) -> None:
    ws = new_workspace(tmp_path / "shared", test_packages)
    paths = write_articles(ws.articles_dir)
    env = {**server, "AZAD_REPO": str(ROOT), "AZAD_WORKSPACE": str(ws.root)}
    # docs/deploy.md, "Several machines": the pool, the limit, the deployments, two workers.
    prefect(env, "work-pool", "create", "azad-pool", "--type", "process")
    prefect(env, "gcl", "create", "azad-mt", "--limit", "2")
    prefect(env, "deploy", "--all")
    workers = []
    logs = []
    try:
        for name in ("worker-a", "worker-b"):
            log = (tmp_path / f"{name}.log").open("wb")
            logs.append(log)
            # One flow run at a time each: a flow run is one process with its own models.
            workers.append(
                subprocess.Popen(
                    [str(BIN / "prefect"), "worker", "start", "--pool", "azad-pool",
                     "--name", name, "--limit", "1"],
                    # INFO: the worker logs each flow run it submits, which the test reads.
                    env={**env, "PREFECT_WORKER_QUERY_SECONDS": "1",
                         "PREFECT_LOGGING_LEVEL": "INFO"},
                    cwd=ROOT,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )  # fmt: skip
        batches = [paths[i : i + PER_RUN] for i in range(0, len(paths), PER_RUN)]
        for batch in batches:
            prefect(
                env,
                "deployment",
                "run",
                "translate_articles/azad-translate",
                "--param",
                f"paths={json.dumps([str(p) for p in batch])}",
            )
        runs = wait_for_runs(env, len(batches), timeout=600)
    finally:
        for proc in workers:
            stop(proc)
        for log in logs:
            log.close()
    assert all(r["state"] == "COMPLETED" for r in runs), runs
    # Both workers took flow runs from the pool, and each run was taken by one worker.
    taken = {name: ran(tmp_path / f"{name}.log", runs) for name in ("worker-a", "worker-b")}
    assert taken["worker-a"] and taken["worker-b"], taken
    assert taken["worker-a"] | taken["worker-b"] == {r["id"] for r in runs}
    assert not taken["worker-a"] & taken["worker-b"]
    # The azad-mt limit held: each flow run holds 2 of its 2 slots while it translates, so
    # no two flow runs translated at the same time (their translate tasks never overlap).
    spans = sorted((r["first_task"], r["last_task"]) for r in runs)
    for (_, end), (start, _) in itertools.pairwise(spans):
        assert end <= start, spans
    assert po_files(ws) == single_process

    # `azad run` with PREFECT_API_URL set runs on that server, not a temporary API.
    extra = write_articles(tmp_path / "more", 13)[-1]
    done = subprocess.run(
        [str(BIN / "azad"), "-w", str(ws.root), "run", str(extra)],
        env={k: v for k, v in server.items() if k != "PREFECT_HOME"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert len(wait_for_runs(env, len(batches) + 1, timeout=60)) == len(batches) + 1
    assert not (ws.root / ".prefect").exists()


def test_dask_local_cluster(
    prefect_api: None, single_process: dict[str, bytes], tmp_path: Path, test_packages
) -> None:
    from prefect_dask import DaskTaskRunner

    from flows.pipeline import translate_articles

    ws = new_workspace(tmp_path / "dask", test_packages)
    write_articles(ws.articles_dir)
    runner = DaskTaskRunner(
        cluster_class="distributed.LocalCluster",
        cluster_kwargs={"n_workers": 2, "threads_per_worker": 4, "processes": True},
    )
    outcomes = translate_articles.with_options(task_runner=runner)(workspace=str(ws.root))
    assert len(outcomes) == 2 * ARTICLES and all(o.ok for o in outcomes), outcomes
    assert po_files(ws) == single_process


def ran(log: Path, runs: list[dict[str, str]]) -> set[str]:
    """The flow runs a worker submitted and kept: both workers may try to claim a run, and
    the one that loses logs its submission as aborted."""
    text = log.read_text()
    return {
        r["id"]
        for r in runs
        if f"submitting flow run '{r['id']}'" in text
        and f"Aborted submission of flow run '{r['id']}'" not in text
    }


WAIT_FOR_RUNS = """
import json, sys
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId
with get_client(sync_client=True) as client:
    out = []
    for run in client.read_flow_runs():
        of_run = FlowRunFilter(id=FlowRunFilterId(any_=[run.id]))
        tasks = client.read_task_runs(flow_run_filter=of_run)
        translate = [t for t in tasks if t.name.startswith("translate") and t.start_time]
        starts = [t.start_time.isoformat() for t in translate]
        ends = [t.end_time.isoformat() for t in translate if t.end_time]
        out.append({
            "state": run.state_type.value if run.state_type else None,
            "id": str(run.id),
            "first_task": min(starts, default=None),
            "last_task": max(ends, default=None),
        })
print(json.dumps(out))
"""


def wait_for_runs(env: dict[str, str], n: int, timeout: float) -> list[dict[str, str]]:
    deadline = time.monotonic() + timeout
    while True:
        done = subprocess.run(
            [str(BIN / "python"), "-c", WAIT_FOR_RUNS],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        runs = json.loads(done.stdout)
        final = [r for r in runs if r["state"] in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED")]
        if len(runs) == n and len(final) == n:
            return runs
        if time.monotonic() > deadline:
            raise TimeoutError(runs)
        time.sleep(2)
