"""The workspace settings file ``azad.toml``: site profile, languages, paths, limits.

Every text of the site's header lives here, so an editor can change it without
touching code. Loading validates types and reports the first problem as one line.
"""

from __future__ import annotations

import ipaddress
import re
import tomllib
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from azad.errors import InputError

SETTINGS_FILE = "azad.toml"

Hemistich = Annotated[str, Field(min_length=1)]


class SiteProfile(BaseModel):
    """The site's header, as printed on every edition."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    mark: str
    verse: list[tuple[Hemistich, Hemistich]] = Field(min_length=1)
    web: str
    email: str
    source_sections: list[str] = Field(default_factory=list)


class Language(BaseModel):
    """A target language of the editions."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str
    """BCP 47 tag: ``fa-AF`` or ``ps-AF``."""
    name: str
    native_name: str
    section_label: str
    argos_code: str
    """The language's code in Argos packages: ``fa`` or ``ps``."""
    package: str = ""
    """The Argos package that serves the language (``translate-en_fa``); empty: the
    default name ``translate-en_<argos_code>``."""
    package_version: str = ""
    """Pin: only this version of the package serves the language; empty: the highest
    version installed (for NLLB packages, the largest model)."""

    @property
    def package_name(self) -> str:
        return self.package or f"translate-en_{self.argos_code}"

    @field_validator("code")
    @classmethod
    def _known_code(cls, value: str) -> str:
        if value not in KNOWN_LANGUAGE_CODES:
            known = ", ".join(sorted(KNOWN_LANGUAGE_CODES))
            raise ValueError(f"unknown language code {value!r} (known: {known})")
        return value


# The conventions of each language (normalisation, calendar names) live in code,
# so only languages the project knows how to write can be configured.
KNOWN_LANGUAGE_CODES = frozenset({"fa-AF", "ps-AF"})


class Paths(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    articles: str = "articles"
    translations: str = "translations"
    output: str = "output"


class IngestSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    max_bytes: int = Field(default=20_000_000, gt=0)


class MTSettings(BaseModel):
    """Machine translation: where packages live and how CTranslate2 decodes."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    packages_dir: str = "models"
    """Argos packages of this workspace (``ARGOS_PACKAGES_DIR``), relative to the workspace."""
    index_url: str = "https://raw.githubusercontent.com/argosopentech/argospm-index/main/index.json"
    """The Argos package index; ``file://`` paths work too (offline mirrors, tests)."""
    beam_size: int = Field(default=4, ge=1, le=16)
    length_penalty: float = 0.2
    max_decoding_ratio: float = Field(default=3.0, gt=0)
    """Longest output, relative to the source length in tokens (plus a constant 10)."""
    compute_type: str = "int8"
    device: Literal["cpu", "cuda"] = "cpu"
    inter_threads: int = Field(default=0, ge=0)
    """Parallel batches; 0 means one per core."""
    intra_threads: int = Field(default=1, ge=0)
    max_batch_tokens: int = Field(default=4096, gt=0)


class ReviewSettings(BaseModel):
    """The review queue's web app and its database (``azad review serve``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    database: str = ".azad/review.sqlite3"
    """SQLite file (relative to the workspace): accounts, sessions, the change log and the
    queue's status cache. Keep it out of version control: it holds password hashes."""
    host: str = "127.0.0.1"
    """Address ``azad review serve`` binds to; anything but loopback needs a reverse proxy
    with HTTPS in front."""
    port: int = Field(default=8750, ge=1, le=65535)
    claim_hours: float = Field(default=8, gt=0)
    """A claim on an article × language expires after this long."""
    session_hours: float = Field(default=12, gt=0)
    secure_cookies: bool = False
    """Always mark cookies Secure (behind an HTTPS proxy); they are anyway when the request
    itself is HTTPS."""
    login_max_failures: int = Field(default=5, ge=1)
    """Failed logins allowed per user name *and* client address pair within the window;
    past it that pair gets HTTP 429 (the same account from another address does not)."""
    login_max_address_failures: int = Field(default=50, ge=1)
    """Failed logins allowed per client address across all user names within the window
    (password spraying); high, because a newsroom behind one NAT shares an address."""
    login_window_s: int = Field(default=300, ge=1)
    login_slowdown_s: float = Field(default=1.0, ge=0)
    """Per account: once an account has more than ``login_max_failures`` failures in the
    window (from any address), every login attempt on it waits this long, doubled for
    each further failure (capped by ``login_slowdown_max_s``). 0: no slow-down."""
    login_slowdown_max_s: float = Field(default=15.0, ge=0)
    trusted_proxies: list[str] = Field(default_factory=list)
    """Addresses or networks (``127.0.0.1``, ``10.0.0.0/8``) of reverse proxies whose
    ``X-Forwarded-For`` / ``X-Forwarded-Proto`` are believed; the client is the rightmost
    address not in this list. Empty (the default): the direct peer is the client."""
    tm_min_similarity: float = Field(default=0.6, gt=0, le=1)
    """Fuzzy translation-memory matches below this similarity are not shown."""
    live_max_streams: int = Field(default=200, ge=0)
    """Live pages (Server-Sent Events) open at once; past it a page gets 503 with
    Retry-After and polls every ``live_fallback_s`` instead."""
    live_poll_s: float = Field(default=1.0, gt=0, le=60)
    """How often the one watcher of the app looks for changes (file stamps and the
    database's change counter) while a live page is open."""
    live_stream_s: float = Field(default=600, gt=0)
    """A stream ends after this long; the browser reconnects at once."""
    live_fallback_s: float = Field(default=10, gt=0)
    """How often a page without a stream asks whether anything changed."""
    header_timeout_s: float = Field(default=10, gt=0, le=300)
    """From a connection's start (or its previous response) to its request's last header:
    a client slower than this is dropped, however many bytes it trickles (slowloris)."""
    request_threads: int = Field(default=8, ge=1, le=256)
    """Requests worked on at once (the rest wait their turn, first come first served).
    The app's Python runs one thread at a time: with 24 clients at work, 40 threads (the
    default of the server's libraries) took turns so often that a save holding a file's
    lock waited for the others; 8 brought bench/load.py's save p95 from ~330 to ~195 ms."""

    @field_validator("trusted_proxies")
    @classmethod
    def _proxy_addresses(cls, value: list[str]) -> list[str]:
        for item in value:
            try:
                ipaddress.ip_network(item, strict=False)
            except ValueError:
                raise ValueError(
                    f"{item!r} is not an IP address or network (e.g. 127.0.0.1, 10.0.0.0/8)"
                ) from None
        return value


class EditionSettings(BaseModel):
    """How the editions look: which fonts, which styles folder, authors' names in the
    editions' scripts.  The wording of each language (credit lines, stamps) lives in the
    styles folder's ``labels.toml``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    styles_dir: str = ""
    """Folder with ``fonts/``, ``edition.css``, ``print.css``, ``labels.toml`` and
    ``templates/``, relative to the workspace; empty: the project's own ``styles/``."""
    body_fonts: list[str] = Field(default=["NotoNaskhArabic-Regular.ttf"], min_length=1)
    """Font files (in ``fonts/``) of the running text; weight and style are read from them."""
    display_fonts: list[str] = Field(
        default=["Vazirmatn-Regular.ttf", "Vazirmatn-Bold.ttf"], min_length=1
    )
    """Font files of the header, titles, headings, footer, and of Latin text (the body
    font falls back to them for letters it lacks)."""
    authors: dict[str, dict[str, str]] = Field(default_factory=dict)
    """Author's name as in the English original → language key (``dari``) → the name in
    the edition's script.  A name not listed is printed as written."""


class Destination(BaseModel):
    """Where the editions go after a publish: a directory on the readers' site reached by
    rsync over SSH or by SFTP, with a key file and the host's key pinned in the
    workspace's ``known_hosts``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$")
    """Short name, in summaries and the workspace's record of what is still to send."""
    transport: Literal["rsync", "sftp"] = "rsync"
    host: str = Field(min_length=1, pattern=r"^[A-Za-z0-9.:_-]+$")
    port: int = Field(default=22, ge=1, le=65535)
    user: str = Field(min_length=1, pattern=r"^[A-Za-z0-9._-]+$")
    path: str = Field(min_length=1)
    """The directory on the host that receives ``output/``'s public files."""
    key_file: str = Field(min_length=1)
    """The private key (relative to the workspace, or absolute)."""
    bwlimit_kib: int | None = Field(default=None, ge=1)
    """At most this many KiB/s, to leave the newsroom's uplink to others; none: no limit."""


class PublishSettings(BaseModel):
    """Where editions are sent after publishing (``[publish]``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    destinations: list[Destination] = Field(default_factory=list)
    known_hosts: str = "known_hosts"
    """The hosts' pinned keys (OpenSSH's format), relative to the workspace: a host whose
    key is not there, or differs, is refused."""

    @field_validator("destinations")
    @classmethod
    def _unique_names(cls, value: list[Destination]) -> list[Destination]:
        names = [d.name for d in value]
        if len(set(names)) != len(names):
            raise ValueError("destination names must differ")
        return value


class FlowSettings(BaseModel):
    """The Prefect flows."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    poll_minutes: float = Field(default=10, gt=0)
    """How often the served translate_articles deployment looks at articles/."""
    mt_concurrency: int = Field(default=2, ge=1)
    """Machine-translation tasks at once (a Prefect global concurrency limit): each loads
    a model, so this bounds memory."""


class NotifySettings(BaseModel):
    """E-mail notifications (``[notify]``): the SMTP server the review app sends through.
    Without a ``server`` nobody gets e-mail (the in-app inbox works regardless). The
    credentials are never in this file: ``username_env`` and ``password_env`` name the
    environment variables that hold them."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    server: str = ""
    """Host name or address of the SMTP server; empty: no e-mail."""
    port: int = Field(default=587, ge=1, le=65535)
    security: Literal["starttls", "tls", "none"] = "starttls"
    """``starttls`` (port 587), ``tls`` (implicit TLS, port 465) or ``none`` (a relay on
    this machine only)."""
    sender: str = ""
    """The From address (required with a server)."""
    username_env: str = ""
    """Environment variable holding the SMTP user name; empty: no login."""
    password_env: str = ""
    """Environment variable holding the SMTP password."""
    timeout_s: float = Field(default=20, gt=0, le=300)
    retry_first_s: float = Field(default=30, gt=0)
    """Wait before the first retry of a failed message; doubled per failure."""
    retry_max_s: float = Field(default=3600, gt=0)
    """Longest wait between retries (a message is retried until it is sent)."""
    app_url: str = ""
    """The review app's address as people reach it (links in the e-mails), e.g.
    ``https://review.example.org``; empty: no links."""

    @field_validator("server")
    @classmethod
    def _host(cls, value: str) -> str:
        if any(c.isspace() or c in "/@:" for c in value):
            raise ValueError(f"{value!r} is not a host name or address (no scheme, no port)")
        return value

    @field_validator("sender")
    @classmethod
    def _address(cls, value: str) -> str:
        if value and not re.fullmatch(r"[^@\s<>]+@[^@\s<>.]+(\.[^@\s<>.]+)+", value):
            raise ValueError(f"{value!r} is not an e-mail address")
        return value

    @field_validator("username_env", "password_env")
    @classmethod
    def _env_name(cls, value: str) -> str:
        if value and not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", value):
            raise ValueError(f"{value!r} is not an environment variable's name")
        return value

    @model_validator(mode="after")
    def _complete(self) -> NotifySettings:
        if self.server and not self.sender:
            raise ValueError("a server needs a sender address (sender = ...)")
        if bool(self.username_env) != bool(self.password_env):
            raise ValueError("username_env and password_env go together")
        return self

    @property
    def enabled(self) -> bool:
        return bool(self.server)


class BackupSettings(BaseModel):
    """Nightly backups (``azad backup``, the ``azad-backup`` deployment; docs/backup.md)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    destination: str = "backups"
    """Folder the archives go to (relative to the workspace, or absolute: best on another
    disk). A folder inside the workspace is left out of the backups themselves."""
    keep: int = Field(default=7, ge=1)
    """How many archives to keep there; older ones are removed after a new one is written."""
    schedule: str = Field(default="30 2 * * *", min_length=1)
    """When the served backup deployment runs: a cron line (default nightly at 02:30)."""
    with_models: bool = False
    """Put the models' weights in the archives too (large; without them the archive names
    the installed models, and ``azad doctor`` says which to install again)."""
    with_editions: bool = True
    """Put ``output/`` (the published editions) in the archives."""

    @field_validator("destination")
    @classmethod
    def _destination(cls, value: str) -> str:
        if not value.strip() or "\n" in value or "\x00" in value:
            raise ValueError("must name a folder")
        return value

    @field_validator("schedule")
    @classmethod
    def _cron(cls, value: str) -> str:
        # cronsim checks each field's range (a minute of 99, February the 31st), which a
        # pattern cannot; five fields only, as Prefect's cron schedules take.
        from datetime import datetime

        from cronsim import CronSim, CronSimError

        problem = None
        if len(value.split()) != 5:
            problem = "wrong number of fields"
        else:
            try:
                CronSim(value, datetime(2000, 1, 1))
            except CronSimError as exc:
                problem = str(exc).lower()
        if problem:
            raise ValueError(f"{value!r} is not a cron line ({problem}; e.g. '30 2 * * *')")
        return value


class Settings(BaseModel):
    """The whole of ``azad.toml``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    site: SiteProfile
    languages: dict[str, Language] = Field(min_length=1)
    paths: Paths = Paths()
    ingest: IngestSettings = IngestSettings()
    mt: MTSettings = MTSettings()
    flows: FlowSettings = FlowSettings()
    edition: EditionSettings = EditionSettings()
    review: ReviewSettings = ReviewSettings()
    notify: NotifySettings = NotifySettings()
    backup: BackupSettings = BackupSettings()
    publish: PublishSettings = PublishSettings()


def load_settings(path: Path) -> Settings:
    """Read and validate ``azad.toml``; any problem is an :class:`InputError` naming the file."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(path, "settings file not found") from None
    except UnicodeDecodeError:
        raise InputError(path, "not valid UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(path, f"not valid TOML: {exc}") from None
    except RecursionError:  # tomllib reads nested arrays and tables recursively
        raise InputError(path, "not valid TOML: arrays or tables nested too deeply") from None
    try:
        return Settings.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or "(top level)"
        raise InputError(path, f"{where}: {err['msg']}") from None
