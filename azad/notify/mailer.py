"""Sending the outbox: e-mails queued by :mod:`azad.notify.inbox`, sent through the SMTP
server of ``[notify]`` by one background thread of the review app.

Nothing waits for it: a save only adds rows to ``outbox`` and wakes the thread. A message
that cannot be sent stays in the outbox and is retried after ``retry_first_s``, doubled
per failure up to ``retry_max_s``, until it goes: nothing is dropped, and a restarted app
sends what is left. A server that is down is logged once (and once more when it is back),
not at every retry. Each message is leased before it is sent (``next_try`` moved past the
timeout), so two processes sharing the database do not both send it.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import smtplib
import ssl
import threading
import time
from email.message import EmailMessage
from pathlib import Path

from azad.db.connection import connect, writing
from azad.settings import NotifySettings
from azad.workspace import Workspace

log = logging.getLogger("azad.mailer")

BATCH = 50
IDLE_WAKE_S = 60.0
"""Without a wake-up the thread still looks every minute (messages queued by another
process, e.g. the command line)."""

_outage: set[Path] = set()
"""Workspaces whose SMTP server was last found down (logged once per outage)."""
_state_lock = threading.Lock()


def _connect_smtp(cfg: NotifySettings) -> smtplib.SMTP:
    if cfg.security == "tls":
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(
            cfg.server, cfg.port, timeout=cfg.timeout_s, context=ssl.create_default_context()
        )
    else:
        smtp = smtplib.SMTP(cfg.server, cfg.port, timeout=cfg.timeout_s)
        if cfg.security == "starttls":
            smtp.starttls(context=ssl.create_default_context())
    if cfg.username_env:
        missing = [v for v in (cfg.username_env, cfg.password_env) if v not in os.environ]
        if missing:  # said in the outage's one log line, not a bare authentication error
            smtp.close()
            raise smtplib.SMTPException(
                f"the environment variable {missing[0]} ([notify] in azad.toml) is not set"
            )
        smtp.login(os.environ[cfg.username_env], os.environ[cfg.password_env])
    return smtp


def _message(cfg: NotifySettings, address: str, subject: str, body: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = cfg.sender
    msg["To"] = address
    msg["Subject"] = subject
    msg["Date"] = dt.datetime.now(dt.UTC).strftime("%a, %d %b %Y %H:%M:%S +0000")
    msg.set_content(body)
    return msg


def _backoff(cfg: NotifySettings, attempts: int) -> float:
    return float(min(cfg.retry_first_s * 2 ** max(attempts - 1, 0), cfg.retry_max_s))


def deliver_due(ws: Workspace) -> int:
    """Send the outbox's messages that are due; how many went. A failure to reach the
    server ends this round (every due message is pushed back by its backoff)."""
    cfg = ws.settings.notify
    if not cfg.enabled:
        return 0
    now = time.time()
    lease = now + cfg.timeout_s * 3
    with writing(ws) as conn:
        rows = conn.execute(
            "SELECT id, address, subject, body, attempts FROM outbox "
            "WHERE sent IS NULL AND next_try <= ? ORDER BY id LIMIT ?",
            (now, BATCH),
        ).fetchall()
        conn.executemany(
            "UPDATE outbox SET next_try = ? WHERE id = ?", [(lease, r[0]) for r in rows]
        )
    if not rows:
        return 0
    sent = 0
    try:
        smtp = _connect_smtp(cfg)
    except (OSError, smtplib.SMTPException) as exc:
        _failed(ws, cfg, rows, exc)
        return 0
    try:
        for i, (msg_id, address, subject, body, _attempts) in enumerate(rows):
            try:
                smtp.send_message(_message(cfg, address, subject, body))
            except smtplib.SMTPRecipientsRefused as exc:
                _failed(ws, cfg, [rows[i]], exc, outage=False)
                continue
            except (OSError, smtplib.SMTPException) as exc:
                _failed(ws, cfg, rows[i:], exc)
                return sent
            with writing(ws) as conn:
                conn.execute(
                    "UPDATE outbox SET sent = ?, attempts = attempts + 1, last_error = '' "
                    "WHERE id = ?",
                    (dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), msg_id),
                )
            sent += 1
    finally:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()
    with _state_lock:
        if ws.root in _outage:
            _outage.discard(ws.root)
            log.warning("e-mail: the SMTP server %s:%s answers again", cfg.server, cfg.port)
    return sent


def _failed(
    ws: Workspace, cfg: NotifySettings, rows: list, exc: Exception, outage: bool = True
) -> None:
    """Push ``rows`` back by their backoff; log the outage once."""
    now = time.time()
    error = f"{type(exc).__name__}: {exc}"[:500]
    with writing(ws) as conn:
        conn.executemany(
            "UPDATE outbox SET attempts = attempts + 1, next_try = ?, last_error = ? WHERE id = ?",
            [(now + _backoff(cfg, r[4] + 1), error, r[0]) for r in rows],
        )
    if not outage:
        log.warning("e-mail to %s refused: %s (retried later)", rows[0][1], error)
        return
    with _state_lock:
        if ws.root not in _outage:
            _outage.add(ws.root)
            log.warning(
                "e-mail: cannot send through %s:%s (%s); %d message(s) wait in the outbox "
                "and are retried until the server answers",
                cfg.server,
                cfg.port,
                error,
                len(rows),
            )


def pending(ws: Workspace) -> int:
    """Messages not sent yet."""
    with connect(ws) as conn:
        return int(conn.execute("SELECT count(*) FROM outbox WHERE sent IS NULL").fetchone()[0])


def _next_due(ws: Workspace) -> float | None:
    with connect(ws) as conn:
        row = conn.execute("SELECT min(next_try) FROM outbox WHERE sent IS NULL").fetchone()
    return float(row[0]) if row and row[0] is not None else None


class Sender:
    """The background thread sending one workspace's outbox."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self.wakeup = threading.Event()
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, name="azad-mailer", daemon=True)

    def _run(self) -> None:
        while not self.stopping.is_set():
            try:
                deliver_due(self.ws)
                due = _next_due(self.ws)
            except Exception:  # a full disk, a locked database: log, never let the thread die,
                # and look again after the first retry's wait (the disk may have room again)
                log.exception("e-mail: sending the outbox failed")
                due = time.time() + self.ws.settings.notify.retry_first_s
            wait = IDLE_WAKE_S if due is None else max(0.0, min(due - time.time(), IDLE_WAKE_S))
            self.wakeup.wait(wait)
            self.wakeup.clear()

    def stop(self) -> None:
        self.stopping.set()
        self.wakeup.set()
        self.thread.join(timeout=10)


_senders: dict[Path, Sender] = {}
_apps: dict[Path, int] = {}
"""Apps of this process using each workspace's sender: the last one to stop ends it."""


def start(ws: Workspace) -> Sender | None:
    """Start the workspace's sender (one per process, shared by its apps); None without
    an SMTP server."""
    if not ws.settings.notify.enabled:
        return None
    with _state_lock:
        _apps[ws.root] = _apps.get(ws.root, 0) + 1
        sender = _senders.get(ws.root)
        if sender is None or not sender.thread.is_alive():
            sender = _senders[ws.root] = Sender(ws)
            sender.thread.start()
    return sender


def stop(ws: Workspace) -> None:
    """One app is done with the sender; the last one stops it (what is not sent yet
    stays in the outbox for the next start)."""
    with _state_lock:
        _apps[ws.root] = max(_apps.get(ws.root, 0) - 1, 0)
        sender = _senders.pop(ws.root, None) if _apps[ws.root] == 0 else None
    if sender is not None:
        sender.stop()


def wake(ws: Workspace) -> None:
    sender = _senders.get(ws.root)
    if sender is not None:
        sender.wakeup.set()
