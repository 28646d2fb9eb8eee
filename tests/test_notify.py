"""Notifications (issue 25): the in-app inbox and e-mail through a real SMTP server on
127.0.0.1 (aiosmtpd), sent by the app's background sender after the change committed;
with the server down a save still succeeds, nothing is lost, the mail goes once the server
is back, and the outage is logged once."""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from starlette.testclient import TestClient
from test_disk_full import fill, small_disk  # noqa: F401 (fixture)
from test_review_support import SALANG, copy_workspace, login, queue_template

from azad.db.connection import connect
from azad.db.users import edit_profile
from azad.notify import mailer
from azad.notify import prefs as notify_prefs
from azad.notify.inbox import inbox
from azad.review.edits import read_segments
from azad.web.app import create_app
from azad.workspace import Workspace

# Slow (a real SMTP server on 127.0.0.1, the review app's background sender, Prefect).
pytestmark = pytest.mark.slow

EDDIE = "eddie@example.org"


class Inbox:
    """What the SMTP server received."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], Message]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append((list(envelope.rcpt_tos), message_from_bytes(envelope.content)))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(condition: Callable[[], bool], seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return queue_template(tmp_path_factory.mktemp("notify") / "ws")


@pytest.fixture
def port() -> int:
    return free_port()


@pytest.fixture
def ws(template: Path, tmp_path: Path, port: int) -> Iterator[Workspace]:
    root = copy_workspace(template, tmp_path / "ws").root
    with (root / "azad.toml").open("a", encoding="utf-8") as f:
        f.write(
            "\n[notify]\n"
            f'server = "127.0.0.1"\nport = {port}\nsecurity = "none"\n'
            'sender = "azad@example.org"\napp_url = "https://review.example.org"\n'
            "retry_first_s = 0.1\nretry_max_s = 0.4\ntimeout_s = 5\n"
        )
    ws = Workspace(root)
    edit_profile(ws, "eddie", email=EDDIE, names={"Latn": "Edward Noor"})
    edit_profile(ws, "dara", email="dara@example.org", names={"Latn": "Dara Karimi"})
    yield ws
    mailer.stop(ws)


@pytest.fixture
def smtp(port: int) -> Iterator[tuple[Inbox, Controller]]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, controller
    with contextlib.suppress(AssertionError):  # stopped by the test already
        controller.stop()


def comment(client: TestClient, csrf: str, ctx: str, text: str) -> Any:
    return client.post(
        f"/api/t/{SALANG}/dari/segments/{ctx}/comments",
        json={"text": text},
        headers={"X-CSRF-Token": csrf},
    )


def outbox(ws: Workspace) -> list[tuple[int, str | None]]:
    with connect(ws) as conn:
        return [(r[0], r[1]) for r in conn.execute("SELECT attempts, sent FROM outbox ORDER BY id")]


def test_a_question_reaches_the_editors_inbox_and_mail_even_through_an_outage(
    ws: Workspace, smtp: tuple[Inbox, Controller], port: int, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="azad.mailer")
    received, server = smtp
    ctx = read_segments(ws, SALANG, "dari")[1].ctx
    with (
        TestClient(create_app(ws), follow_redirects=False) as dara,
        TestClient(create_app(ws), follow_redirects=False) as eddie,
    ):
        dara_csrf = login(dara, "dara")
        eddie_csrf = login(eddie, "eddie")
        r = comment(dara, dara_csrf, ctx, "Is «Salang» spelt as the ministry spells it?")
        assert r.status_code == 200, r.text

        page = eddie.get("/inbox").text
        assert "Is «Salang» spelt as the ministry spells it?" in page
        assert "a question" in page and "Dara Karimi" in page and f"segment {ctx}" in page
        assert '<span class="inbox-count">1<' in eddie.get("/").text
        wait_for(lambda: len(received.messages) == 1)
        ((to, msg),) = received.messages
        assert to == [EDDIE] and msg["From"] == "azad@example.org"
        assert "a question" in msg["Subject"] and SALANG in msg["Subject"]
        body = msg.get_payload(decode=True).decode()
        assert "Is «Salang» spelt as the ministry spells it?" in body
        assert f"https://review.example.org/t/{SALANG}/dari#seg-{ctx}" in body
        # The asker is not told of their own question.
        assert "inbox-count" not in dara.get("/").text

        # The server goes down: the next question is saved all the same, and waits.
        server.stop()
        r = comment(dara, dara_csrf, ctx, "And the second tunnel?")
        assert r.status_code == 200, r.text
        assert "And the second tunnel?" in eddie.get("/inbox").text
        wait_for(lambda: outbox(ws)[1][0] >= 3)  # retried, with backoff, several times
        assert outbox(ws)[1][1] is None and len(received.messages) == 1

        # Back: the waiting mail goes, once.
        server = Controller(received, hostname="127.0.0.1", port=port)
        server.start()
        try:
            wait_for(lambda: len(received.messages) == 2)
            time.sleep(0.6)  # longer than the longest backoff: nothing is sent twice
            assert len(received.messages) == 2
            body = received.messages[1][1].get_payload(decode=True).decode()
            assert "And the second tunnel?" in body
            assert all(sent for _, sent in outbox(ws))
        finally:
            server.stop()

        # Read: the count goes.
        r = eddie.post("/inbox/read", data={"csrf": eddie_csrf})
        assert r.status_code == 303
        assert "inbox-count" not in eddie.get("/").text
    down = [r for r in caplog.records if "cannot send" in r.getMessage()]
    assert len(down) == 1, [r.getMessage() for r in caplog.records]
    assert [r for r in caplog.records if "answers again" in r.getMessage()]


def test_each_person_chooses_what_they_get_and_how(ws: Workspace) -> None:
    """Without a running sender: what is queued for e-mail is the outbox's rows."""
    notify_prefs.choose(
        ws,
        "eddie",
        {(e, c) for e in notify_prefs.EVENTS for c in notify_prefs.CHANNELS}
        - {("question", "email")},
    )
    ctx = read_segments(ws, SALANG, "dari")[0].ctx
    dara = TestClient(create_app(ws), follow_redirects=False)  # no lifespan: no sender
    csrf = login(dara, "dara")
    assert comment(dara, csrf, ctx, "first").status_code == 200
    eddie = TestClient(create_app(ws), follow_redirects=False)
    eddie_csrf = login(eddie, "eddie")
    assert "first" in eddie.get("/inbox").text
    assert outbox(ws) == []  # no e-mail for questions, as chosen
    # Through the page: questions neither way, replies by e-mail only.
    r = eddie.post("/people/eddie/notifications", data={"csrf": eddie_csrf, "reply:email": "on"})
    assert r.status_code == 303
    prefs = notify_prefs.preferences(ws, "eddie")
    assert [k for k, on in prefs.items() if on] == [("reply", "email")]
    assert comment(dara, csrf, ctx, "second").status_code == 200
    assert "second" not in eddie.get("/inbox").text
    # The editor answers; dara (who asked first) gets a reply, both ways by default.
    assert comment(eddie, eddie_csrf, ctx, "yes, as the ministry").status_code == 200
    assert "yes, as the ministry" in dara.get("/inbox").text
    # Dara is told of eddie's reply, never of her own comments.
    assert [(n.event, n.actor) for n in inbox(ws, "dara")] == [("reply", "eddie")]
    with connect(ws) as conn:
        rows = conn.execute("SELECT address, subject FROM outbox").fetchall()
    assert [(a, "a reply to your comment" in s) for a, s in rows] == [("dara@example.org", True)]
    # Dara comments again: now eddie commented before, so it is a reply, by e-mail only.
    assert comment(dara, csrf, ctx, "thanks").status_code == 200
    with connect(ws) as conn:
        addresses = [r[0] for r in conn.execute("SELECT address FROM outbox ORDER BY id")]
    assert addresses == ["dara@example.org", EDDIE]
    assert "thanks" not in eddie.get("/inbox").text


def test_approval_send_back_and_take_over_tell_the_translator(ws: Workspace) -> None:
    """Dara claims the translation and the editor takes the claim over; dara's work (a
    CAT tool's, outside the app) is sent back, then approved. Claims end on their own
    (taken over, fully reviewed, approved): whoever claimed it once is told all the same."""
    from test_review_support import review_everything

    from azad.db.users import require_user
    from azad.queue.status import claim, translation_status
    from azad.review import actions

    claim(ws, SALANG, "dari", "dara")
    client = TestClient(create_app(ws), follow_redirects=False)
    csrf = login(client, "eddie")
    r = client.post(f"/t/{SALANG}/dari/claim/take-over", data={"csrf": csrf})
    assert r.status_code == 303 and "kind=error" not in r.headers["location"]
    eddie = require_user(ws, "eddie")
    review_everything(ws, SALANG, "dari")
    actions.send_back(ws, SALANG, "dari", eddie, "the names need work")
    review_everything(ws, SALANG, "dari", prefix="دوباره ")
    actions.approve(ws, SALANG, "dari", eddie, translation_status(ws, SALANG, "dari").rev)
    events = [(n.event, n.actor, n.text) for n in inbox(ws, "dara")]
    assert events == [
        ("approved", "eddie", ""),
        ("sent_back", "eddie", "the names need work"),
        ("taken_over", "eddie", ""),
    ]
    assert inbox(ws, "eddie") == []  # the actor is never told
    assert inbox(ws, "pasha") == []  # nor a translator who never worked on it


def test_the_save_that_completes_a_translation_tells_the_editors(ws: Workspace) -> None:
    from helpers import load_po, save_po
    from test_review_support import po, review_everything

    review_everything(ws, SALANG, "dari")
    catalog = load_po(po(ws, SALANG, "dari"))
    last = catalog[-1]
    last.flags.append("fuzzy")  # one segment left to review
    save_po(po(ws, SALANG, "dari"), catalog)
    seg = next(s for s in read_segments(ws, SALANG, "dari") if not s.reviewed)
    client = TestClient(create_app(ws), follow_redirects=False)
    csrf = login(client, "dara")

    def save(reviewed: bool, text: str) -> None:
        current = next(s for s in read_segments(ws, SALANG, "dari") if s.ctx == seg.ctx)
        r = client.post(
            f"/api/t/{SALANG}/dari/segments/{seg.ctx}",
            json={"text": text, "rev": current.rev, "reviewed": reviewed},
            headers={"X-CSRF-Token": csrf},
        )
        assert r.status_code == 200, r.text

    save(False, "هنوز نه")  # still a draft: not ready
    assert inbox(ws, "eddie") == []
    save(True, "آماده")
    assert [(n.event, n.actor) for n in inbox(ws, "eddie")] == [("ready", "dara")]
    save(True, "آماده است")  # already ready: not told again
    assert len(inbox(ws, "eddie")) == 1


def test_an_import_that_completes_a_translation_tells_the_editors(
    ws: Workspace, tmp_path: Path
) -> None:
    """A translator's XLIFF from a CAT tool, imported with ``azad review import``."""
    from helpers import load_po, save_po
    from test_review import edit_xliff
    from test_review_support import po, register_cli, review_everything

    from azad.cli import run

    register_cli()
    review_everything(ws, SALANG, "dari")
    catalog = load_po(po(ws, SALANG, "dari"))
    catalog[-1].flags.append("fuzzy")  # one segment left to review
    catalog[-2].flags.append("fuzzy")  # and another
    save_po(po(ws, SALANG, "dari"), catalog)
    last, other = catalog[-1].msgctxt, catalog[-2].msgctxt
    out = tmp_path / "salang.xlf"
    azad = ["--workspace", str(ws.root), "review"]
    assert run([*azad, "export", SALANG, "--lang", "dari", "-o", str(out)]) == 0
    edit_xliff(out, {last: "بازبینی شد"})
    assert run([*azad, "import", str(out), "--as", "dara"]) == 0
    assert inbox(ws, "eddie") == []  # one still a draft: not ready
    assert run([*azad, "export", SALANG, "--lang", "dari", "-o", str(out)]) == 0
    edit_xliff(out, {other: "این هم"})
    assert run([*azad, "import", str(out), "--as", "dara"]) == 0
    assert [(n.event, n.actor) for n in inbox(ws, "eddie")] == [("ready", "dara")]


@pytest.mark.parametrize(
    ("section", "says"),
    [
        ('server = "smtp://mail.example.org"\nsender = "a@example.org"', "not a host name"),
        ('server = "mail.example.org"', "a server needs a sender address"),
        ('server = "mail.example.org"\nsender = "nobody"', "not an e-mail address"),
        ('server = "m.example.org"\nsender = "a@b.org"\nsecurity = "ssl"', "security"),
        ('server = "m.example.org"\nsender = "a@b.org"\nusername_env = "SMTP_USER"', "go together"),
        ('password_env = "SMTP PASSWORD"\nusername_env = "U"', "not an environment variable"),
        # Credentials come from the environment only: a password in the file is refused.
        ('server = "m.example.org"\nsender = "a@b.org"\npassword = "hunter2"', "password"),
    ],
)
def test_a_bad_notify_section_is_one_line_naming_the_file(
    workspace: Workspace, section: str, says: str
) -> None:
    from azad.errors import InputError
    from azad.settings import load_settings

    path = workspace.root / "azad.toml"
    path.write_text(path.read_text(encoding="utf-8") + f"\n[notify]\n{section}\n", "utf-8")
    with pytest.raises(InputError) as caught:
        load_settings(path)
    message = str(caught.value)
    assert str(path) in message and "notify" in message and says in message
    assert "\n" not in message


def test_a_publication_tells_the_translators(ws: Workspace, prefect_api: None) -> None:
    """``azad publish`` runs the publish_editions flow (on the session's Prefect API); the
    flow tells the translation's translators once the publication is recorded."""
    from test_review_support import review_everything

    from azad.cli import run
    from azad.db.users import require_user
    from azad.queue.status import claim, translation_status
    from azad.review import actions

    claim(ws, SALANG, "dari", "dara")
    review_everything(ws, SALANG, "dari")
    eddie = require_user(ws, "eddie")
    actions.approve(ws, SALANG, "dari", eddie, translation_status(ws, SALANG, "dari").rev)
    assert run(["--workspace", str(ws.root), "publish", SALANG, "--lang", "dari"]) == 0
    assert translation_status(ws, SALANG, "dari").status == "published"
    assert [n.event for n in inbox(ws, "dara")] == ["published", "approved"]
    with connect(ws) as conn:  # and by e-mail, queued for the app's sender
        subjects = [r[0] for r in conn.execute("SELECT subject FROM outbox ORDER BY id")]
    assert [s.rsplit(": ", 1)[1] for s in subjects] == ["approved", "published"]


FULL = "SELECT RAISE(ABORT, 'database or disk is full')"


def test_a_notification_that_cannot_be_recorded_never_fails_the_save(
    ws: Workspace, caplog: pytest.LogCaptureFixture
) -> None:
    """The database refuses the inbox's and outbox's rows (as a full disk would): the
    comment is saved all the same and the failure is logged; once the database takes rows
    again, the next comment is told as usual."""
    with connect(ws) as conn, conn:
        for table in ("notifications", "outbox"):
            conn.execute(f"CREATE TRIGGER full_{table} BEFORE INSERT ON {table} BEGIN {FULL}; END")
    ctx = read_segments(ws, SALANG, "dari")[0].ctx
    dara = TestClient(create_app(ws), follow_redirects=False)  # no lifespan: no sender
    csrf = login(dara, "dara")
    r = comment(dara, csrf, ctx, "saved regardless?")
    assert r.status_code == 200, r.text
    assert [c["text"] for c in r.json()["comments"]] == ["saved regardless?"]
    with connect(ws) as conn:
        texts = [r[0] for r in conn.execute("SELECT text FROM segment_comments")]
    assert texts == ["saved regardless?"]
    assert inbox(ws, "eddie") == [] and outbox(ws) == []
    assert any("could not record the question" in r.getMessage() for r in caplog.records)
    with connect(ws) as conn, conn:
        conn.execute("DROP TRIGGER full_notifications")
        conn.execute("DROP TRIGGER full_outbox")
    assert comment(dara, csrf, ctx, "and now?").status_code == 200
    assert [n.text for n in inbox(ws, "eddie")] == ["and now?"]
    assert len(outbox(ws)) == 1


def test_the_sender_survives_a_database_that_refuses_writes(
    ws: Workspace, smtp: tuple[Inbox, Controller], caplog: pytest.LogCaptureFixture
) -> None:
    """The sender cannot lease a message (the database refuses writes, as on a full disk):
    it logs, keeps running, pages still answer, and the mail goes once, when it can."""
    received, _ = smtp
    with connect(ws) as conn, conn:
        conn.execute(f"CREATE TRIGGER full_outbox BEFORE UPDATE ON outbox BEGIN {FULL}; END")
    ctx = read_segments(ws, SALANG, "dari")[0].ctx
    with TestClient(create_app(ws), follow_redirects=False) as dara:
        csrf = login(dara, "dara")
        assert comment(dara, csrf, ctx, "through a full disk").status_code == 200
        wait_for(lambda: any("sending the outbox failed" in r.getMessage() for r in caplog.records))
        assert received.messages == [] and outbox(ws) == [(0, None)]
        assert dara.get("/inbox").status_code == 200
        with connect(ws) as conn, conn:
            conn.execute("DROP TRIGGER full_outbox")
        wait_for(lambda: len(received.messages) == 1)  # by itself, after retry_first_s
        time.sleep(0.6)
        assert len(received.messages) == 1 and outbox(ws)[0][1] is not None


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_the_smtp_login_comes_from_the_environment(
    ws: Workspace, port: int, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """``username_env``/``password_env`` name the variables; the server checks them."""
    from aiosmtpd.smtp import AuthResult, LoginPassword

    logins: list[tuple[bytes, bytes]] = []

    def check(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
        assert isinstance(data, LoginPassword)
        logins.append((data.login, data.password))
        return AuthResult(success=data == LoginPassword(b"azad-mail", b"s3cret pass"))

    path = ws.root / "azad.toml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            'sender = "azad@example.org"',
            'sender = "azad@example.org"\nusername_env = "AZAD_SMTP_USER"\n'
            'password_env = "AZAD_SMTP_PASSWORD"',
        ),
        "utf-8",
    )
    received = Inbox()
    server = Controller(
        received,
        hostname="127.0.0.1",
        port=port,
        authenticator=check,
        auth_required=True,
        auth_require_tls=False,
    )
    server.start()
    monkeypatch.delenv("AZAD_SMTP_USER", raising=False)
    monkeypatch.setenv("AZAD_SMTP_PASSWORD", "s3cret pass")
    ws = Workspace(ws.root)
    try:
        with connect(ws) as conn, conn:  # a message waiting while the variable is unset
            conn.execute(
                "INSERT INTO outbox (recipient, address, subject, body, created, next_try)"
                " VALUES ('eddie', ?, 'waiting', 'body', '', 0)",
                (EDDIE,),
            )
        caplog.set_level(logging.WARNING, logger="azad.mailer")
        assert mailer.deliver_due(ws) == 0
        assert "AZAD_SMTP_USER ([notify] in azad.toml) is not set" in caplog.text
        assert outbox(ws) == [(1, None)] and logins == [] and received.messages == []
        with connect(ws) as conn, conn:
            conn.execute("DELETE FROM outbox")
        monkeypatch.setenv("AZAD_SMTP_USER", "azad-mail")
        ctx = read_segments(ws, SALANG, "dari")[0].ctx
        with TestClient(create_app(ws), follow_redirects=False) as dara:
            csrf = login(dara, "dara")
            assert comment(dara, csrf, ctx, "signed in?").status_code == 200
            wait_for(lambda: len(received.messages) == 1)
        assert logins == [(b"azad-mail", b"s3cret pass")]
        assert b"s3cret" not in (ws.root / "azad.toml").read_bytes()
    finally:
        server.stop()


def test_the_sender_waits_out_a_full_disk(
    template: Path,
    small_disk: Path,  # noqa: F811 (fixture)
    port: int,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """For real: the workspace on a small tmpfs, a mail waiting for the SMTP server, then
    the disk filled to the last byte. The server comes back but the sender cannot even
    lease the message: it sends nothing, logs, keeps running, and the app's pages answer
    (never a server error). Once there is room, the mail goes, once."""
    root = copy_workspace(template, small_disk / "ws").root
    with (root / "azad.toml").open("a", encoding="utf-8") as f:
        f.write(
            f'\n[notify]\nserver = "127.0.0.1"\nport = {port}\nsecurity = "none"\n'
            'sender = "azad@example.org"\nretry_first_s = 0.1\nretry_max_s = 0.4\n'
        )
    ws = Workspace(root)
    edit_profile(ws, "eddie", email=EDDIE)
    ctx = read_segments(ws, SALANG, "dari")[0].ctx
    received = Inbox()
    server = Controller(received, hostname="127.0.0.1", port=port)
    try:
        with TestClient(create_app(ws), follow_redirects=False) as dara:
            csrf = login(dara, "dara")
            assert comment(dara, csrf, ctx, "before the disk filled").status_code == 200
            wait_for(lambda: outbox(ws)[0][0] >= 2)  # the server is down: retried
            filler = fill(small_disk)
            server.start()
            wait_for(lambda: "sending the outbox failed" in caplog.text)
            time.sleep(0.5)  # several retries' worth: still nothing sent
            assert received.messages == []
            # The app answers, never with a server error: the page, or the page saying
            # the disk is full (the app's open connections may still read the database).
            page = dara.get("/inbox")
            assert page.status_code in (200, 507), page.text
            assert page.status_code == 200 or "disk is full" in page.text, page.text
            assert any(t.name == "azad-mailer" and t.is_alive() for t in threading.enumerate())
            filler.unlink()
            wait_for(lambda: len(received.messages) == 1)
            time.sleep(0.6)
            assert len(received.messages) == 1 and outbox(ws)[0][1] is not None
    finally:
        server.stop()
        mailer.stop(ws)
