"""Integration: a real `prefect server`, the served deployments, a run triggered through the
API — the single-machine commands of docs/deploy.md."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import EXAMPLES, approve_translation

from azad.services.translate import translate_articles
from azad.workspace import Workspace

# Slow (starts a Prefect server): not in `make check`.
pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(url: str, timeout: float, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(url)


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


@pytest.fixture
def prefect_server(tmp_path: Path) -> Iterator[dict[str, str]]:
    port = free_port()
    env = {
        **os.environ,
        "PREFECT_HOME": str(tmp_path / "prefect-home"),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_UI_ENABLED": "false",
    }
    env.pop("PREFECT_API_URL", None)
    log = (tmp_path / "server.log").open("wb")
    server = subprocess.Popen(
        [str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/api/health", 120, server)
        yield {**env, "PREFECT_API_URL": f"http://127.0.0.1:{port}/api"}
    finally:
        stop(server)
        log.close()
    assert server.poll() is not None, "the server this test started is still running"


def test_publish_through_a_served_deployment(
    prefect_server: dict[str, str], ws_with_models: Workspace, cli
) -> None:
    ws = ws_with_models
    assert cli("ingest", str(EXAMPLES / "salang-tunnel.md")).code == 0
    translate_articles(ws, ["the-salang-tunnel"], ["dari"])
    approve_translation(ws, "the-salang-tunnel", "dari")

    serve_log = (ws.root / "serve.log").open("wb")
    serve = subprocess.Popen(
        [str(BIN / "azad"), "--workspace", str(ws.root), "flows", "serve"],
        env=prefect_server,
        stdout=serve_log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        run = None
        for _ in range(60):  # the deployments appear once `flows serve` has registered them
            run = subprocess.run(
                [
                    str(BIN / "prefect"),
                    "deployment",
                    "run",
                    "publish_editions/azad-publish",
                    "--watch",
                    "--watch-timeout",
                    "300",
                ],
                env=prefect_server,
                capture_output=True,
                text=True,
                timeout=360,
            )
            if "not found" not in (run.stdout + run.stderr).lower():
                break
            time.sleep(1)
        assert run is not None and run.returncode == 0, run.stdout + run.stderr if run else ""
        assert "Completed" in run.stdout + run.stderr
    finally:
        stop(serve)
        serve_log.close()
    assert (ws.output_dir / "dari" / "the-salang-tunnel.pdf").read_bytes().startswith(b"%PDF")
    assert (ws.output_dir / "dari" / "the-salang-tunnel.epub").stat().st_size > 0
    assert (ws.output_dir / "index.html").is_file()
