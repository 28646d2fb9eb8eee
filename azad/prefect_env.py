"""Prefect's environment for this workspace, set before Prefect is first imported: the
command line and the review app both run flows, on a server or the temporary local API."""

from __future__ import annotations

import logging
import os

from azad.workspace import Workspace


def prepare_prefect(ws: Workspace) -> None:
    """Environment for Prefect, set before it is imported."""
    if not os.environ.get("PREFECT_API_URL"):
        os.environ.setdefault("PREFECT_HOME", str(ws.root / ".prefect"))
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
