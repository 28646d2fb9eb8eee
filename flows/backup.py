"""The nightly backup as a Prefect flow: it only orchestrates :mod:`azad.backup` (write
one archive into ``[backup] destination``, check it, keep the newest ``[backup] keep``).
Served on a schedule by ``azad flows serve`` (flows/serve.py) or deployed with
``prefect deploy`` (prefect.yaml); docs/backup.md."""

from __future__ import annotations

from pathlib import Path

from prefect import flow, get_run_logger, task

from azad.backup import backup, rotate, verify
from azad.workspace import Workspace


def _workspace(root: str | None) -> Workspace:
    return Workspace.find(Path(root) if root else None)


@task
def write_archive(workspace: str | None) -> str:
    return str(backup(_workspace(workspace)).path)


@task
def check_archive(path: str) -> int:
    return len(verify(Path(path))["files"])


@task
def keep_newest(workspace: str | None, path: str) -> list[str]:
    ws = _workspace(workspace)
    return [p.name for p in rotate(Path(path).parent, ws.settings.backup.keep)]


@flow(name="backup_workspace", log_prints=True)
def backup_workspace(workspace: str | None = None) -> dict[str, object]:
    """Back the workspace up into [backup] destination, verify the archive, and remove
    the archives beyond [backup] keep."""
    logger = get_run_logger()
    path = write_archive(workspace)
    files = check_archive(path)
    removed = keep_newest(workspace, path)
    logger.info("backup %s: %d files verified; removed %s", path, files, removed or "none")
    return {"archive": path, "files": files, "removed": removed}
