"""Prefect's environment for this workspace, set before Prefect is first imported: the
command line and the review app both run flows, on a server or the temporary local API."""

from __future__ import annotations

import errno
import logging
import os
import shutil
from pathlib import Path

from azad.workspace import Workspace

TEMPORARY_API_MIN_FREE = 64 << 20
"""Room Prefect's temporary API needs in its home: its SQLite database (created and
migrated at its first start) and the flow runs' results. With less, the server process
fails to start and the flow call waits for it, then fails with dozens of tracebacks."""


def prepare_prefect(ws: Workspace) -> None:
    """Environment for Prefect, set before it is imported. Without a Prefect server
    (``PREFECT_API_URL``) flows run against a temporary API whose home is ``.prefect/``
    in the workspace: on a (nearly) full disk that is refused here, as an ``ENOSPC``
    error naming the folder (the CLI prints it as one line, the app as its 507 page)."""
    if not os.environ.get("PREFECT_API_URL"):
        os.environ.setdefault("PREFECT_HOME", str(ws.root / ".prefect"))
        check_room(Path(os.environ["PREFECT_HOME"]))
    # The ephemeral server's start-up and shutdown chatter is not for the user.
    os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "WARNING")
    # Flow and task run logs say what is happening; the temporary server's start and stop
    # messages and its background services' errors do not concern the user.
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_LOGGING_LOGGERS_PREFECT_FLOW_RUNS_LEVEL", "INFO")
    os.environ.setdefault("PREFECT_LOGGING_LOGGERS_PREFECT_TASK_RUNS_LEVEL", "INFO")
    os.environ.setdefault("PREFECT_UI_ENABLED", "false")
    # A busy machine (CI, two cores) can take longer than Prefect's default 20 s.
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    # The ephemeral server's telemetry task trips over its own SQLite lock now and then.
    logging.getLogger("docket").setLevel(logging.CRITICAL)


def check_room(home: Path) -> None:
    """Raise ENOSPC when the disk holding ``home`` (or its nearest existing parent) has
    less than :data:`TEMPORARY_API_MIN_FREE` free."""
    probe = home
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    try:
        free = shutil.disk_usage(probe).free
    except OSError:
        return  # cannot tell: let Prefect try
    if free < TEMPORARY_API_MIN_FREE:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(home))
