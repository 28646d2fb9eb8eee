"""Deployments of the pipeline's flows, served from this process (``azad flows serve``).

``translate_articles`` also runs on a schedule that polls the workspace's ``articles/``;
``publish_editions`` takes its parameters from the Prefect UI's form; ``backup_workspace``
runs on ``[backup] schedule`` (nightly by default). For workers on other
machines use ``prefect deploy`` with ``prefect.yaml`` (docs/deploy.md).
"""

from __future__ import annotations

import datetime as dt
from typing import cast

from prefect import serve
from prefect.deployments.runner import RunnerDeployment

from azad.workspace import Workspace
from flows.backup import backup_workspace
from flows.pipeline import publish_editions, translate_articles

TRANSLATE_DEPLOYMENT = "azad-translate"
PUBLISH_DEPLOYMENT = "azad-publish"
BACKUP_DEPLOYMENT = "azad-backup"


def deployments(ws: Workspace) -> list[RunnerDeployment]:
    params = {"workspace": str(ws.root)}
    # to_deployment is sync/async dual; called from sync code it returns the deployment.
    found = [
        translate_articles.to_deployment(
            name=TRANSLATE_DEPLOYMENT,
            parameters=params,
            interval=dt.timedelta(minutes=ws.settings.flows.poll_minutes),
            description="Ingest new or changed articles and machine-translate them.",
        ),
        publish_editions.to_deployment(
            name=PUBLISH_DEPLOYMENT,
            parameters=params,
            description="Publish approved translations as PDF and EPUB editions.",
        ),
        backup_workspace.to_deployment(
            name=BACKUP_DEPLOYMENT,
            parameters=params,
            cron=ws.settings.backup.schedule,
            description="Back the workspace up ([backup] in azad.toml; docs/backup.md).",
        ),
    ]
    return [cast(RunnerDeployment, d) for d in found]


def serve_deployments(ws: Workspace) -> None:
    serve(*deployments(ws))
