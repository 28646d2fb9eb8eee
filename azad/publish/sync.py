"""Sending the published editions to the readers' site (``[publish] destinations``).

After every publish (and on ``azad publish --sync-only``) each destination receives the
public files of ``output/`` that changed since they were last sent: first the editions
(``output/<lang>/``: PDF, EPUB, HTML with its fonts, thumbnails), then the feeds (OPDS,
Atom, OpenSearch), then the catalog page, so a reader who follows a new link in a feed or
the catalog finds its file already there.  Each file goes to a temporary name and is
renamed into place (rsync does so itself; over SFTP ``put`` to ``NAME.azad-part`` then
``rename``), so nobody ever downloads half a file, and a connection lost mid-upload leaves
the site's previous complete files.

What was sent, and so what is still to send, is recorded per destination in
``.azad/sync/<name>.json`` (the SHA-256 of each file as it was sent), written after each
phase that succeeded: the next publish or ``azad publish --sync-only`` sends the rest.

The transports are OpenSSH's own programs (``rsync -e ssh``, ``sftp``), run with no user
configuration, in batch mode, with the workspace's ``known_hosts`` as the only list of
known hosts and ``StrictHostKeyChecking=yes``: a host whose key is not pinned there, or
has changed, is refused.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import shlex
import subprocess
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from azad.fsutil import atomic_write_text
from azad.settings import Destination
from azad.workspace import Workspace

PHASES = ("editions", "feeds", "catalog")
SYNC_TIMEOUT_S = 600
TEMP_SUFFIX = ".azad-part"
# Not for readers: drafts, the catalog's per-edition manifests, hidden files.
_PRIVATE_DIRS = frozenset({"drafts"})

Status = Literal["sent", "up to date", "failed", "refused"]


@dataclass(frozen=True)
class SyncOutcome:
    """What one destination received in one run."""

    destination: str
    status: Status
    sent: int = 0
    """Files sent in this run."""
    pending: int = 0
    """Files still to send (after a failure)."""
    message: str = ""

    def line(self) -> str:
        text = f"{self.destination}: {self.status}"
        if self.sent:
            text += f", {self.sent} file(s) sent"
        if self.pending:
            text += f", {self.pending} still to send"
        return f"{text} ({self.message})" if self.message else text


@dataclass
class SyncState:
    """A destination's record: path (relative to output/) → SHA-256 as last sent."""

    sent: dict[str, str] = field(default_factory=dict)
    pending: list[str] = field(default_factory=list)
    last: str = ""


def state_path(ws: Workspace, name: str) -> Path:
    return ws.root / ".azad" / "sync" / f"{name}.json"


def load_state(ws: Workspace, name: str) -> SyncState:
    path = state_path(ws, name)
    try:
        raw = json.loads(path.read_bytes())
    except FileNotFoundError:
        return SyncState()
    except (OSError, ValueError):
        return SyncState()  # a damaged record: everything is sent again, nothing is lost
    return SyncState(
        sent=dict(raw.get("sent", {})),
        pending=list(raw.get("pending", [])),
        last=raw.get("last", ""),
    )


def save_state(ws: Workspace, name: str, state: SyncState) -> None:
    path = state_path(ws, name)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"sent": dict(sorted(state.sent.items())), "pending": state.pending, "last": state.last}
    atomic_write_text(path, json.dumps(data, ensure_ascii=False, indent=1) + "\n")


def public_files(ws: Workspace) -> dict[str, dict[str, str]]:
    """The files readers get, by phase: relative path (POSIX) → SHA-256."""
    out: dict[str, dict[str, str]] = {phase: {} for phase in PHASES}
    root = ws.output_dir
    if not root.is_dir():
        return out
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if not path.is_file() or any(p.startswith(".") for p in rel.parts):
            continue
        if rel.parts[0] in _PRIVATE_DIRS or path.name.endswith(TEMP_SUFFIX):
            continue
        if len(rel.parts) > 1:
            if path.suffix == ".json":
                continue  # the catalog's own record of an edition
            phase = "editions"
        elif path.suffix == ".xml":
            phase = "feeds"
        else:
            phase = "catalog"
        out[phase][rel.as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def to_send(ws: Workspace, state: SyncState) -> dict[str, dict[str, str]]:
    """The public files that differ from what the destination was last sent, by phase."""
    return {
        phase: {rel: sha for rel, sha in files.items() if state.sent.get(rel) != sha}
        for phase, files in public_files(ws).items()
    }


def pending_count(ws: Workspace) -> dict[str, int]:
    """Destination name → files still to send (what ``--sync-only`` would send)."""
    return {
        d.name: sum(len(f) for f in to_send(ws, load_state(ws, d.name)).values())
        for d in ws.settings.publish.destinations
    }


def ssh_command(ws: Workspace, dest: Destination, control: Path | None = None) -> list[str]:
    """OpenSSH's options for ``dest``: no user configuration, batch mode, the
    workspace's known_hosts only, a host whose key is not pinned refused; ``control``: the
    socket of a shared connection (:func:`shared_connection`), used when it is there."""
    known = ws.root / ws.settings.publish.known_hosts
    key = ws.root / dest.key_file
    shared = ["-o", "ControlMaster=no", "-o", f"ControlPath={control}"] if control else []
    return [
        *shared,
        "-F",
        "/dev/null",
        "-o",
        "BatchMode=yes",
        "-o",
        "StrictHostKeyChecking=yes",
        "-o",
        f"UserKnownHostsFile={known}",
        "-o",
        "GlobalKnownHostsFile=/dev/null",
        "-o",
        "UpdateHostKeys=no",
        "-o",
        "IdentitiesOnly=yes",
        "-o",
        f"IdentityFile={key}",
        "-o",
        "ConnectTimeout=15",
        "-o",
        "ServerAliveInterval=5",
        "-o",
        "ServerAliveCountMax=2",
        "-o",
        "LogLevel=ERROR",
    ]


class TransferError(Exception):
    """A transport failed; ``refused``: the host's key was not the pinned one."""

    def __init__(self, message: str, *, refused: bool = False) -> None:
        super().__init__(message)
        self.refused = refused


def _run(args: Sequence[str], stdin: str) -> None:
    try:
        proc = subprocess.run(
            list(args),
            input=stdin.encode("utf-8"),
            capture_output=True,
            timeout=SYNC_TIMEOUT_S,
            check=False,
        )
    except FileNotFoundError as exc:
        raise TransferError(f"{exc.filename} not found: install rsync and openssh-client") from None
    except subprocess.TimeoutExpired:
        raise TransferError(f"no answer within {SYNC_TIMEOUT_S} s") from None
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace")
        refused = "Host key verification failed" in err or "REMOTE HOST IDENTIFICATION" in err
        lines = [line.strip() for line in err.splitlines() if line.strip()]
        reason = "host key not in the workspace's known_hosts" if refused else ""
        raise TransferError(
            reason or (lines[0] if lines else f"exit {proc.returncode}"), refused=refused
        )


@contextlib.contextmanager
def shared_connection(ws: Workspace, dest: Destination) -> Iterator[Path | None]:
    """One SSH connection for the three phases (OpenSSH's connection sharing): each phase
    would otherwise pay for its own key exchange and login. The master runs in the
    background (``-f``) until the phases are done; where it cannot start (the host down,
    its key refused) each phase connects by itself, and reports why."""
    with tempfile.TemporaryDirectory(prefix="azad-ssh-") as tmp:
        control = Path(tmp) / "master"
        # Its output goes to a file, not a pipe: the backgrounded master keeps it open.
        with (Path(tmp) / "master.log").open("wb") as log:
            try:
                started = subprocess.run(
                    ["ssh", *ssh_command(ws, dest), "-o", "ControlMaster=yes",
                     "-o", f"ControlPath={control}", "-f", "-N", "-p", str(dest.port),
                     f"{dest.user}@{dest.host}"],
                    stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                    timeout=60, check=False,
                ).returncode == 0  # fmt: skip
            except (OSError, subprocess.TimeoutExpired):
                started = False
        try:
            yield control if started else None
        finally:
            if started:
                subprocess.run(
                    ["ssh", "-F", "/dev/null", "-o", f"ControlPath={control}", "-O", "exit",
                     f"{dest.user}@{dest.host}"],
                    stdin=subprocess.DEVNULL, capture_output=True, timeout=30, check=False,
                )  # fmt: skip


def rsync_files(
    ws: Workspace, dest: Destination, files: Sequence[str], control: Path | None = None
) -> None:
    """``files`` (relative to output/) to ``dest`` with rsync over SSH: each written to a
    hidden temporary file beside its place and renamed into it by rsync."""
    ssh = shlex.join(["ssh", *ssh_command(ws, dest, control), "-p", str(dest.port)])
    args = [
        "rsync",
        "--files-from=-",
        "--from0",
        "--mkpath",
        "--times",
        # These files changed (the caller compared them with what was sent): rsync's own
        # quick check (same size, same modification second) must not skip one, as it did
        # for an edition republished within a second at the same size.
        "--ignore-times",
        "--chmod=D755,F644",
        "--timeout=60",
        "-e",
        ssh,
    ]
    if dest.bwlimit_kib:
        args.append(f"--bwlimit={dest.bwlimit_kib}")
    target = f"{dest.user}@{_host(dest.host)}:{dest.path.rstrip('/')}/"
    _run([*args, f"{ws.output_dir}/", target], "\0".join(files))


def sftp_files(
    ws: Workspace, dest: Destination, files: Sequence[str], control: Path | None = None
) -> None:
    """``files`` to ``dest`` over SFTP (OpenSSH's ``sftp`` in batch mode): each put to
    ``NAME.azad-part`` and renamed into place (the server's POSIX rename replaces)."""
    root = dest.path.rstrip("/")
    dirs: set[str] = set()
    commands = []
    for rel in files:
        parent = Path(rel).parent
        for part in reversed([parent, *parent.parents]):
            if str(part) not in (".", "") and str(part) not in dirs:
                dirs.add(str(part))
                commands.append(f"-mkdir {_quote(f'{root}/{part}')}")
        local, remote = ws.output_dir / rel, f"{root}/{rel}"
        commands.append(f"put -p {_quote(str(local))} {_quote(remote + TEMP_SUFFIX)}")
        commands.append(f"rename {_quote(remote + TEMP_SUFFIX)} {_quote(remote)}")
    args = ["sftp", "-b", "-", *ssh_command(ws, dest, control), "-P", str(dest.port)]
    if dest.bwlimit_kib:
        args += ["-l", str(dest.bwlimit_kib * 8)]  # sftp's limit is in Kbit/s
    _run(
        [*args, f"{dest.user}@{_host(dest.host)}"],
        f"-mkdir {_quote(root)}\n" + "\n".join(commands) + "\n",
    )


def _quote(path: str) -> str:
    return '"' + path.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


Transfer = Callable[[Workspace, Destination, Sequence[str], Path | None], None]
TRANSPORTS: dict[str, Transfer] = {"rsync": rsync_files, "sftp": sftp_files}


def missing_file(ws: Workspace, dest: Destination) -> str:
    """What is wrong with the files ``dest`` needs in the workspace, in one line naming
    azad.toml's setting; "" when nothing is (ssh itself would only say 'Permission
    denied' or 'Host key verification failed')."""
    key = ws.root / dest.key_file
    if not key.is_file():
        return f"azad.toml: publish.destinations '{dest.name}': key_file {key} not found"
    known = ws.root / ws.settings.publish.known_hosts
    if not known.is_file():
        return f"azad.toml: publish.known_hosts {known} not found (pin the host's key first)"
    return ""


def sync_destination(ws: Workspace, dest: Destination) -> SyncOutcome:
    """Send ``dest`` what changed, phase by phase, recording each phase that succeeded."""
    state = load_state(ws, dest.name)
    todo = to_send(ws, state)
    state.pending = [rel for phase in PHASES for rel in todo[phase]]
    total = len(state.pending)
    if not total:
        state.last = "up to date"
        save_state(ws, dest.name, state)
        return SyncOutcome(dest.name, "up to date")
    save_state(ws, dest.name, state)
    missing = missing_file(ws, dest)
    if missing:
        state.last = f"failed: {missing}"
        save_state(ws, dest.name, state)
        return SyncOutcome(dest.name, "failed", 0, total, missing)
    sent = 0
    with shared_connection(ws, dest) as control:
        for phase in PHASES:
            files = todo[phase]
            if not files:
                continue
            try:
                TRANSPORTS[dest.transport](ws, dest, sorted(files), control)
            except TransferError as exc:
                status: Status = "refused" if exc.refused else "failed"
                state.last = f"{status}: {exc}"
                save_state(ws, dest.name, state)
                return SyncOutcome(dest.name, status, sent, total - sent, str(exc))
            state.sent.update(files)
            state.pending = [rel for rel in state.pending if rel not in files]
            sent += len(files)
            save_state(ws, dest.name, state)
    state.last = "sent"
    save_state(ws, dest.name, state)
    return SyncOutcome(dest.name, "sent", sent)


def sync_all(ws: Workspace) -> list[SyncOutcome]:
    """Every destination of ``[publish] destinations``, one after the other; one that
    fails does not keep the others from their files."""
    return [sync_destination(ws, d) for d in ws.settings.publish.destinations]
