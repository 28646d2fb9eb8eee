"""The editor's Publish button submits the publish_editions Prefect flow (issue 6,
acceptance 3): the run is visible on the page and at ``…/publish-status`` while it goes,
and the editions appear.

The session's temporary Prefect API (fixture ``prefect_api``) has no served
``publish_editions/azad-publish`` deployment, so the app runs the flow in its own
background thread against that API, as it does on a single machine."""

from __future__ import annotations

import time
from typing import Any

import pytest
from helpers import approve
from starlette.testclient import TestClient
from test_review_support import SALANG, add_users, login, make_queue, review_everything

from azad.errors import AzadError
from azad.publish import submit as publishing
from azad.queue.status import translation_status
from azad.web.app import create_app
from azad.workspace import Workspace

# Slow (publishes through Prefect from the web app): not in `make check`.
pytestmark = pytest.mark.slow

WAIT_S = 120


@pytest.fixture
def ws(workspace: Workspace) -> Workspace:
    make_queue(workspace)
    add_users(workspace)
    review_everything(workspace, SALANG, "dari")
    approve(workspace, SALANG, "dari", "eddie")
    return workspace


def as_editor(ws: Workspace) -> tuple[TestClient, str]:
    from flows.pipeline import publish_editions

    c = TestClient(create_app(ws, publish_flow=publish_editions))
    return c, login(c, "eddie")


def wait_until_done(c: TestClient, lang: str = "dari") -> tuple[dict[str, Any], list[str]]:
    """Poll the status route as the page does; return the last answer and every state
    seen on the way."""
    seen: list[str] = []
    deadline = time.monotonic() + WAIT_S
    while True:
        r = c.get(f"/t/{SALANG}/{lang}/publish-status")
        assert r.status_code == 200 and r.headers["content-type"] == "application/json"
        data = r.json()
        state = data["run"]["state"]
        if not seen or seen[-1] != state:
            seen.append(state)
        if not data["run"]["active"]:
            return data, seen
        assert time.monotonic() < deadline, f"the publish run is still {state} after {WAIT_S} s"
        time.sleep(0.2)


def test_publish_button_runs_the_flow_and_the_editions_appear(
    prefect_api: None, ws: Workspace
) -> None:
    c, csrf = as_editor(ws)
    assert c.get(f"/t/{SALANG}/dari/publish-status").json() == {"run": None, "status": "approved"}
    # Hold the process's one publishing slot, so the run is seen waiting, and a second
    # press while it waits starts no second run.
    with publishing._one_at_a_time:
        r = c.post(f"/t/{SALANG}/dari/publish", data={"csrf": csrf})
        assert r.status_code == 200
        assert "Publish flow submitted (running in the review app)" in r.text
        assert 'id="publish-run"' in r.text and "Publish run: " in r.text
        assert '<span class="label" role="status">Submitted…</span>' in r.text
        assert '<script src="/static/publish.js" defer></script>' in r.text
        waiting = c.get(f"/t/{SALANG}/dari/publish-status").json()
        assert waiting["run"]["state"] == "submitted" and waiting["run"]["by"] == "eddie"
        again = c.post(f"/t/{SALANG}/dari/publish", data={"csrf": csrf})
        assert "still under way" in again.text
    data, seen = wait_until_done(c)
    assert data["run"]["state"] == "completed", data
    assert data["run"]["label"] == "Completed: PDF, EPUB, HTML"
    assert data["run"]["via"] == "in-process" and data["run"]["flow_run_id"]
    assert data["status"] == "published"
    assert seen[0] in ("submitted", "running") and seen[-1] == "completed"
    pdf = ws.output_dir / "dari" / f"{SALANG}.pdf"
    epub = ws.output_dir / "dari" / f"{SALANG}.epub"
    assert pdf.read_bytes().startswith(b"%PDF-") and epub.read_bytes().startswith(b"PK")
    status = translation_status(ws, SALANG, "dari")
    assert status.status == "published" and status.record.published is not None
    assert status.record.published.by == "eddie"
    # The page shows the run and links the editions, which readers get at /editions/.
    page = c.get(f"/t/{SALANG}/dari").text
    assert "Completed: PDF, EPUB, HTML" in page and 'class="publish-run run-completed"' in page
    assert f'<a href="/editions/dari/{SALANG}.pdf">PDF</a>' in page
    anon = TestClient(create_app(ws))
    assert anon.get(f"/editions/dari/{SALANG}.pdf").content == pdf.read_bytes()
    assert f"dari/{SALANG}.epub" in anon.get("/editions/").text
    # Nothing else was published.
    assert not (ws.output_dir / "pashto").exists()


def test_a_failing_publish_shows_why(
    prefect_api: None, ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise AzadError("the renderer ran out of ink")

    # publish_many renders a single edition in this process: the failure reaches the flow.
    monkeypatch.setattr("azad.publish.run.render_edition", broken)
    c, csrf = as_editor(ws)
    assert c.post(f"/t/{SALANG}/dari/publish", data={"csrf": csrf}).status_code == 200
    data, _ = wait_until_done(c)
    assert data["run"]["state"] == "failed"
    assert data["run"]["label"] == "Failed: the renderer ran out of ink"
    assert data["status"] == "approved"
    assert not (ws.output_dir / "dari" / f"{SALANG}.pdf").exists()
    assert "Failed: the renderer ran out of ink" in c.get(f"/t/{SALANG}/dari").text


def test_publish_refusals_come_before_any_run(ws: Workspace) -> None:
    c, csrf = as_editor(ws)
    r = c.post(f"/t/{SALANG}/pashto/publish", data={"csrf": csrf})
    assert r.status_code == 200 and r.url.path == f"/t/{SALANG}/pashto"
    assert "flash-error" in r.text and "approve it before publishing" in r.text
    translator = TestClient(create_app(ws))
    t_csrf = login(translator, "dara")
    assert translator.post(f"/t/{SALANG}/dari/publish", data={"csrf": t_csrf}).status_code == 403
    assert c.get(f"/t/{SALANG}/pashto/publish-status").json()["run"] is None
    assert c.get(f"/t/{SALANG}/dari/publish-status").json()["run"] is None
    anon = TestClient(create_app(ws))
    r = anon.get(f"/t/{SALANG}/dari/publish-status", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")


def test_the_page_polls_with_a_script_of_its_own() -> None:
    from azad.web.app import STATIC

    script = (STATIC / "publish.js").read_text()
    assert "publish-run" in script and "textContent" in script and "innerHTML" not in script


def test_with_a_served_deployment_the_run_goes_to_prefect(prefect_api: None, ws: Workspace) -> None:
    """With ``publish_editions/azad-publish`` deployed and polled for (as ``azad flows
    serve`` does), Publish creates a flow run of the deployment through Prefect's API, and
    the page reads its state from there. The test plays the serving runner: it polls once,
    then executes the flow run it finds."""
    from uuid import UUID

    from prefect.client.orchestration import get_client
    from prefect.client.schemas.objects import DeploymentStatus
    from prefect.flow_engine import run_flow

    from flows.pipeline import publish_editions
    from flows.serve import PUBLISH_DEPLOYMENT, deployments

    (deployment,) = [d for d in deployments(ws) if d.name == PUBLISH_DEPLOYMENT]
    deployment_id = deployment.apply()
    try:
        with get_client(sync_client=True) as client:
            # What a runner does while it serves: ask for its runs. Prefect's server marks
            # the deployment ready after answering (a background task), so the runner
            # asks until it reads as ready, as a serving runner would have long before.
            deadline = time.monotonic() + 60
            while True:
                client.get_scheduled_flow_runs_for_deployments([deployment_id])
                if client.read_deployment(deployment_id).status == DeploymentStatus.READY:
                    break
                assert time.monotonic() < deadline, "the polled deployment never became ready"
                time.sleep(0.2)
            c, csrf = as_editor(ws)
            r = c.post(f"/t/{SALANG}/dari/publish", data={"csrf": csrf})
            assert r.status_code == 200
            assert "to Prefect (deployment publish_editions/azad-publish, flow run " in r.text
            run = c.get(f"/t/{SALANG}/dari/publish-status").json()["run"]
            assert run["via"] == "deployment" and run["state"] == "submitted"
            assert run["label"] == "Submitted (Scheduled)…"
            flow_run = client.read_flow_run(UUID(run["flow_run_id"]))
            assert flow_run.deployment_id == deployment_id
            assert flow_run.parameters == {
                "slugs": [SALANG],
                "languages": ["dari"],
                "by": "eddie",
                "workspace": str(ws.root),
            }
        state = run_flow(
            publish_editions, flow_run=flow_run, parameters=flow_run.parameters, return_type="state"
        )
        assert state.is_completed(), state
        data = c.get(f"/t/{SALANG}/dari/publish-status").json()
        assert data["run"]["label"] == "Completed: PDF, EPUB, HTML"
        assert data["status"] == "published"
        assert (ws.output_dir / "dari" / f"{SALANG}.epub").is_file()
    finally:
        with get_client(sync_client=True) as client:
            # Other tests share this API and expect no served deployment.
            client.delete_deployment(deployment_id)


def test_an_app_without_the_flow_or_a_deployment_says_how_to_publish(ws: Workspace) -> None:
    """The service never imports the flows (layers): the command line hands the flow over."""
    c = TestClient(create_app(ws))
    csrf = login(c, "eddie")
    r = c.post(f"/t/{SALANG}/dari/publish", data={"csrf": csrf})
    assert r.status_code == 200 and r.url.path == f"/t/{SALANG}/dari"
    assert "flash-error" in r.text and "azad review serve" in r.text
