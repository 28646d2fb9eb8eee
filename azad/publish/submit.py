"""The review app's Publish button: it submits the ``publish_editions`` Prefect flow for one
approved translation and reports the run's state.

Where the run goes:

* **A served deployment** — when Prefect has an API (``PREFECT_API_URL``) and the
  deployment ``publish_editions/azad-publish`` exists and is ready (``azad flows serve``
  polls for it), the run is created there with
  :func:`prefect.deployments.run_deployment` (``timeout=0``: the request does not wait)
  and rendered by whichever machine serves it. Its state is read back from the API
  whenever the page asks.
* **In this process** otherwise (the single-machine default, and a server without that
  deployment): the flow runs in a background thread, against the configured API or
  Prefect's ephemeral one. Runs of one process go one at a time (rendering holds the
  GIL; two at once would only slow the app for both).

Either way the app keeps the latest run of each workspace × article × language in an
in-process registry: *submitted* → *running* → *completed* (with the formats written) or
*failed* (with the reason). Nothing is persisted: after a restart the page shows the
publication recorded in the review record, not the run. The role and status checks stay
in :func:`azad.review.actions.publish_translation`, which calls :func:`submit`.
"""

from __future__ import annotations

# Prefect is imported inside the functions that submit or follow a run: the review app
# (and ``azad review`` commands) must start without paying for its import (about 1 s).
import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal, cast

from azad.errors import AzadError
from azad.prefect_env import prepare_prefect
from azad.queue.record import now
from azad.queue.status import translation_status
from azad.workspace import Workspace

FLOW_NAME = "publish_editions"
DEPLOYMENT_NAME = "azad-publish"
DEPLOYMENT = f"{FLOW_NAME}/{DEPLOYMENT_NAME}"

RunState = Literal["submitted", "running", "completed", "failed"]
ACTIVE: frozenset[RunState] = frozenset({"submitted", "running"})


@dataclass(frozen=True)
class PublishRun:
    """One submission of the publish flow for an article × language."""

    slug: str
    lang_key: str
    by: str
    via: Literal["deployment", "in-process"]
    state: RunState = "submitted"
    detail: str = ""
    """Completed: the formats written (``PDF, EPUB``); failed: why; otherwise Prefect's
    name of the state (``Scheduled``, ``Late``, ``Pending``) where known."""
    submitted_at: dt.datetime = field(default_factory=now)
    finished_at: dt.datetime | None = None
    flow_run_id: str | None = None
    flow_run_name: str | None = None

    @property
    def active(self) -> bool:
        return self.state in ACTIVE

    @property
    def label(self) -> str:
        """What the editor page says: ``Running…``, ``Completed: PDF, EPUB``, ``Failed: …``."""
        if self.state == "submitted":
            return f"Submitted ({self.detail})…" if self.detail else "Submitted…"
        if self.state == "running":
            return "Running…"
        if self.state == "completed":
            return f"Completed: {self.detail}" if self.detail else "Completed"
        return f"Failed: {self.detail}" if self.detail else "Failed"

    def to_json(self) -> dict[str, Any]:
        return {
            "state": self.state,
            "label": self.label,
            "active": self.active,
            "detail": self.detail,
            "via": self.via,
            "by": self.by,
            "submitted_at": self.submitted_at.isoformat(),
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "flow_run_id": self.flow_run_id,
            "flow_run_name": self.flow_run_name,
        }


RunKey = tuple[str, str, str]

_registry: dict[RunKey, PublishRun] = {}
_registry_lock = threading.Lock()
# One in-process publish at a time; later ones wait here, "submitted".
_one_at_a_time = threading.Lock()
_submit_lock = threading.Lock()
_prefect_ready = False
_prefect_lock = threading.Lock()


def _key(ws: Workspace, slug: str, lang_key: str) -> RunKey:
    return (str(ws.root), slug, lang_key)


def _set(key: RunKey, run: PublishRun) -> PublishRun:
    with _registry_lock:
        _registry[key] = run
    return run


PublishFlow = Callable[..., Any]
"""``flows.pipeline.publish_editions``: the flow the app runs itself when no deployment is
served. The command line (the layer above) hands it over through
:func:`azad.web.app.create_app`, so this service never imports the flows."""

_flows: dict[Path, PublishFlow] = {}


def use_flow(ws: Workspace, flow: PublishFlow) -> None:
    """Run ``flow`` in this process to publish ``ws``'s translations (when no deployment
    is served)."""
    _flows[ws.root] = flow


def _ensure_prefect(ws: Workspace) -> None:
    """Prefect's environment, set once per process before Prefect is first imported."""
    global _prefect_ready
    with _prefect_lock:
        if not _prefect_ready:
            prepare_prefect(ws)
            _prefect_ready = True


def submit(ws: Workspace, slug: str, lang_key: str, by: str) -> tuple[PublishRun, bool]:
    """Submit the publish flow for ``slug`` in ``lang_key``; returns the run and whether it
    is new (False: a run for the same translation is still under way, and is returned
    instead of starting a second one). Raises :class:`AzadError` when Prefect's API
    cannot be reached."""
    with _submit_lock:  # two presses at once start one run
        return _submit(ws, slug, lang_key, by)


def _submit(ws: Workspace, slug: str, lang_key: str, by: str) -> tuple[PublishRun, bool]:
    key = _key(ws, slug, lang_key)
    current = latest(ws, slug, lang_key)
    if current is not None and current.active:
        return current, False
    _ensure_prefect(ws)
    deployment = _served_deployment()
    parameters = {
        "slugs": [slug],
        "languages": [lang_key],
        "by": by,
        "workspace": str(ws.root),
    }
    if deployment:
        from prefect.client.schemas.objects import FlowRun
        from prefect.deployments import run_deployment

        try:
            # Called from a thread without an event loop, the sync/async dual returns the
            # FlowRun itself, not a coroutine.
            flow_run = cast(
                FlowRun,
                run_deployment(DEPLOYMENT, parameters=parameters, timeout=0, as_subflow=False),
            )
        except Exception as exc:  # the API's errors are many; the editor needs one line
            raise AzadError(f"could not submit the publish flow to Prefect: {exc}") from None
        run = PublishRun(
            slug,
            lang_key,
            by,
            "deployment",
            flow_run_id=str(flow_run.id),
            flow_run_name=flow_run.name,
            detail=flow_run.state.name or "" if flow_run.state else "",
        )
        return _set(key, run), True
    flow = _flows.get(ws.root)
    if flow is None:
        raise AzadError(
            "this app cannot run the publish flow itself: serve the deployment with "
            "'azad flows serve', or start the app with 'azad review serve'"
        )
    run = _set(key, PublishRun(slug, lang_key, by, "in-process"))
    thread = threading.Thread(
        target=_run_in_process,
        args=(key, run, flow, parameters),
        name=f"azad-publish {slug} {lang_key}",
        # A kill mid-publish leaves the previous edition intact (atomic writes), so the
        # app need not wait for a run to stop it.
        daemon=True,
    )
    thread.start()
    return run, True


def _served_deployment() -> bool:
    """Whether the configured Prefect API has the publish deployment, served (ready)."""
    from prefect.settings import PREFECT_API_URL

    if not PREFECT_API_URL.value():
        return False  # the ephemeral API has no served deployments
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.objects import DeploymentStatus
    from prefect.exceptions import ObjectNotFound

    try:
        with get_client(sync_client=True) as client:
            deployment = client.read_deployment_by_name(DEPLOYMENT)
    except ObjectNotFound:
        return False
    except Exception as exc:
        url = PREFECT_API_URL.value()
        raise AzadError(f"Prefect's API ({url}) did not answer: {exc}") from None
    # NOT_READY: nothing has polled for its runs lately; a run there would wait forever.
    return deployment.status != DeploymentStatus.NOT_READY


def _run_in_process(
    key: RunKey, run: PublishRun, flow: PublishFlow, parameters: dict[str, Any]
) -> None:
    try:
        with _one_at_a_time:
            _set(key, replace(run, state="running"))
            state = flow(**parameters, return_state=True)
            flow_run_id = state.state_details.flow_run_id
            done = replace(
                run,
                flow_run_id=str(flow_run_id) if flow_run_id else None,
                finished_at=now(),
            )
            if not state.is_completed():
                _set(key, replace(done, state="failed", detail=state.message or state.name or ""))
                return
            outcomes = state.result()
            _set(key, _from_outcomes(done, outcomes))
    except Exception as exc:  # reported on the page, not lost in a thread
        detail = str(exc) or type(exc).__name__
        _set(key, replace(run, state="failed", detail=detail, finished_at=now()))


def _from_outcomes(run: PublishRun, outcomes: Any) -> PublishRun:
    mine = [o for o in outcomes or [] if o.slug == run.slug and o.lang_key == run.lang_key]
    if not mine:
        return replace(run, state="failed", detail="the flow published nothing")
    outcome = mine[0]
    if outcome.status == "failed":
        return replace(run, state="failed", detail=outcome.error or "failed")
    formats = ", ".join(p.suffix.lstrip(".").upper() for p in outcome.files)
    if outcome.status == "unchanged":
        formats = f"{formats} (already published from this content)"
    return replace(run, state="completed", detail=formats)


def latest(ws: Workspace, slug: str, lang_key: str) -> PublishRun | None:
    """The latest run submitted from this process for the translation, its state brought
    up to date (a deployment's run is read from Prefect's API)."""
    key = _key(ws, slug, lang_key)
    with _registry_lock:
        run = _registry.get(key)
    if run is None or run.via != "deployment" or not run.active:
        return run
    return _set(key, _refresh_deployment_run(ws, run))


def _refresh_deployment_run(ws: Workspace, run: PublishRun) -> PublishRun:
    from uuid import UUID

    from prefect.client.orchestration import get_client
    from prefect.client.schemas.objects import StateType

    assert run.flow_run_id is not None
    try:
        with get_client(sync_client=True) as client:
            flow_run = client.read_flow_run(UUID(run.flow_run_id))
    except Exception:
        return run  # the API is away for a moment: keep what we knew, ask again next time
    state = flow_run.state
    if state is None:
        return run
    if state.type in (StateType.SCHEDULED, StateType.PENDING, StateType.PAUSED):
        return replace(run, state="submitted", detail=state.name or "")
    if state.type in (StateType.RUNNING, StateType.CANCELLING):
        return replace(run, state="running", detail="")
    finished = replace(run, finished_at=now())
    if state.type != StateType.COMPLETED:
        return replace(finished, state="failed", detail=state.message or state.name or "")
    # The run's return value stays on the machine that ran it; the review record says
    # whether the translation is published from its current content.
    current = translation_status(ws, run.slug, run.lang_key)
    published = current.record.published
    if current.status != "published" or published is None:
        detail = f"the run ended without publishing it (it is {current.status})"
        return replace(finished, state="failed", detail=detail)
    formats = ", ".join(Path(f).suffix.lstrip(".").upper() for f in published.files)
    if published.at < run.submitted_at:
        formats = f"{formats} (already published from this content)"
    return replace(finished, state="completed", detail=formats)
