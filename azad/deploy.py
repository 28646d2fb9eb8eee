"""The service files of an install: ``deploy/``'s systemd units and Caddyfile, with their
``@NAME@`` placeholders filled in for one server's paths, user and names
(``azad deploy render``; docs/deploy.md).

The templates stay plain unit files and a plain Caddyfile (readable, diffable against a
rendered copy): ``@NAME@`` clashes with neither systemd's ``$VAR``/``%i`` nor Caddy's
``{placeholders}``. A placeholder left unfilled is an error, never a unit that starts
with ``@WORKSPACE@`` in its command line.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from azad.errors import AzadError
from azad.fsutil import atomic_write_bytes

TEMPLATES = Path(__file__).resolve().parent.parent / "deploy"
"""``deploy/`` of the checkout this package runs from (installs are checkouts: docs/deploy.md)."""
UNITS = (
    "azad-review.service",
    "azad-prefect-server.service",
    "azad-prefect-worker.service",
    "azad-flows.service",
)
CADDYFILE = "Caddyfile"
_PLACEHOLDER = re.compile(r"@([A-Z_]+)@")


@dataclass(frozen=True)
class Install:
    """One server's values for the templates."""

    workspace: Path
    user: str
    venv: Path
    repo: Path
    home: Path
    prefect_home: Path
    domain: str
    prefect_domain: str
    prefect_ui_user: str
    prefect_ui_hash: str
    backup_dir: Path = Path("/var/backups/azad")
    """Where the backup deployment writes archives ([backup] destination)."""
    review_port: int = 8750
    prefect_port: int = 4200
    http_port: int = 80
    https_port: int = 443
    nofile: int = 8192
    admin: str = "localhost:2019"
    tls_internal: bool = False
    """Caddy's own CA instead of Let's Encrypt (an intranet, or the tests)."""
    bind: str = ""
    """Caddy's listening address (default: every address)."""

    def values(self) -> dict[str, str]:
        global_extra = []
        if self.tls_internal:
            # The CA stays Caddy's own: not installed into the system's trust store.
            global_extra.append("\tskip_install_trust")
        if self.bind:
            global_extra.append(f"\tdefault_bind {self.bind}")
        return {
            "WORKSPACE": str(self.workspace),
            "USER": self.user,
            "VENV": str(self.venv),
            "REPO": str(self.repo),
            "HOME": str(self.home),
            "PREFECT_HOME": str(self.prefect_home),
            "BACKUP_DIR": str(self.backup_dir),
            "DOMAIN": self.domain,
            "PREFECT_DOMAIN": self.prefect_domain,
            "PUBLIC_PORT": "" if self.https_port == 443 else f":{self.https_port}",
            "PREFECT_UI_USER": self.prefect_ui_user,
            "PREFECT_UI_HASH": self.prefect_ui_hash,
            "REVIEW_PORT": str(self.review_port),
            "PREFECT_PORT": str(self.prefect_port),
            "HTTP_PORT": str(self.http_port),
            "HTTPS_PORT": str(self.https_port),
            "NOFILE": str(self.nofile),
            "ADMIN": self.admin,
            "GLOBAL_EXTRA": "\n".join(global_extra),
            "SITE_EXTRA": "\ttls internal" if self.tls_internal else "",
        }


def fill(template: str, values: dict[str, str], name: str) -> str:
    """``template`` with every ``@NAME@`` replaced; an unknown one is an error."""
    missing = sorted({m for m in _PLACEHOLDER.findall(template) if m not in values})
    if missing:
        raise AzadError(f"{name}: no value for {', '.join('@' + m + '@' for m in missing)}")
    # A line holding only an optional placeholder left empty is dropped, not left blank.
    lines = [
        line
        for line in template.splitlines(keepends=True)
        if not ((m := _PLACEHOLDER.fullmatch(line.strip())) and not values[m.group(1)])
    ]
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], "".join(lines))


def hash_password(password: str) -> str:
    """Caddy's bcrypt hash of ``password`` (``caddy hash-password``)."""
    caddy = shutil.which("caddy")
    if caddy is None:
        raise AzadError(
            "caddy is not installed: give --prefect-ui-hash (from 'caddy hash-password')"
        )
    done = subprocess.run(
        [caddy, "hash-password", "--plaintext", password],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise AzadError(f"caddy hash-password failed: {done.stderr.strip()}")
    return done.stdout.strip()


def render(install: Install, out: Path, templates: Path = TEMPLATES) -> list[Path]:
    """Write the four units and the Caddyfile into ``out``; return their paths."""
    values = install.values()
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name in (*UNITS, CADDYFILE):
        source = templates / (f"systemd/{name}" if name in UNITS else name)
        try:
            template = source.read_text("utf-8")
        except FileNotFoundError:
            raise AzadError(f"{source}: no such template (run from a checkout)") from None
        target = out / name
        atomic_write_bytes(target, fill(template, values, str(source)).encode("utf-8"))
        written.append(target)
    return written
