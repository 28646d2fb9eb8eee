"""The login rate limit, in the review database's ``login_failures`` table.

Three counts over ``[review] login_window_s``, each a row per failure under its key:

* ``pair:`` user name + client address: past ``login_max_failures`` that pair gets 429.
  Keyed by the pair so that nobody can lock a user out from another address, and one
  person's typos do not lock out a newsroom behind one NAT address.
* ``addr:`` client address across user names: past ``login_max_address_failures``
  (high) the address gets 429 — one address guessing many accounts' passwords.
* ``user:`` user name across addresses: never a lock, a slow-down. Past
  ``login_max_failures`` every attempt on the account waits ``login_slowdown_s``, doubled
  per further failure up to ``login_slowdown_max_s``, before its password is checked,
  right or wrong (so a quick answer does not give the right guess away). An attacker
  rotating addresses gets a few guesses a minute; the account's owner still logs in.

The client address is the one the app's proxy-headers middleware settled on: the direct
peer, or the forwarded one from a proxy listed in ``[review] trusted_proxies``.
"""

from __future__ import annotations

import time

from azad.db.connection import connect, writing
from azad.workspace import Workspace


def _keys(name: str, address: str) -> list[str]:
    return [f"pair:{name}\x00{address}", f"addr:{address}", f"user:{name}"]


def _counts(ws: Workspace, name: str, address: str) -> list[int]:
    since = time.time() - ws.settings.review.login_window_s
    with connect(ws) as conn:
        return [
            conn.execute(
                "SELECT COUNT(*) FROM login_failures WHERE key = ? AND at > ?", (key, since)
            ).fetchone()[0]
            for key in _keys(name, address)
        ]


def login_blocked(ws: Workspace, name: str, address: str) -> bool:
    """True if this user name from this address, or this address across names, failed
    too often lately. The account's failures from other addresses never block."""
    cfg = ws.settings.review
    pair, addr, _ = _counts(ws, name, address)
    return pair >= cfg.login_max_failures or addr >= cfg.login_max_address_failures


def slowdown_s(ws: Workspace, name: str, address: str = "") -> float:
    """Seconds every login attempt on account ``name`` waits now: 0 up to
    ``login_max_failures`` failures in the window, then ``login_slowdown_s`` doubling per
    further failure, at most ``login_slowdown_max_s``."""
    cfg = ws.settings.review
    failures = _counts(ws, name, address)[2]
    over = failures - cfg.login_max_failures
    if over <= 0 or cfg.login_slowdown_s == 0:
        return 0.0
    return float(min(cfg.login_slowdown_max_s, cfg.login_slowdown_s * 2 ** min(over - 1, 30)))


def record_login_failure(ws: Workspace, name: str, address: str) -> None:
    now = time.time()
    with writing(ws) as conn:
        conn.execute(
            "DELETE FROM login_failures WHERE at < ?", (now - ws.settings.review.login_window_s,)
        )
        conn.executemany(
            "INSERT INTO login_failures (key, at) VALUES (?, ?)",
            [(k, now) for k in _keys(name, address)],
        )
