"""Settings: defaults, overridden by ``MOCKCASA_*`` environment variables, overridden by CLI flags."""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import BaseModel, Field, field_validator

from mockcasa.revisions import DEFAULT as DEFAULT_REVISION
from mockcasa.revisions import resolve as resolve_revision

PACKAGE_ROOT = Path(__file__).resolve().parent
ADMIN_PREFIX = "/_mockcasa/"  # the admin API: a sub-application the public layers never see


def default_seed() -> Path | None:
    """``seeds/default.yaml`` next to the package (a checkout) or inside it (an installed wheel)."""
    return shipped_seeds().get("default")


def _shipped(*folders: Path) -> dict[str, Path]:
    for folder in folders:
        if folder.is_dir():
            return {p.stem: p for p in sorted(folder.glob("*.yaml"), key=lambda p: p.stem)}
    return {}


def shipped_seeds() -> dict[str, Path]:
    """The seeds that ship with mockcasa, by name (``default``, ``demo``): ``seeds/`` beside the
    package in a checkout, ``mockcasa/data/`` inside an installed wheel. A name works wherever a
    seed file does, so a partner who installed a wheel can say ``seed="demo"``."""
    return _shipped(PACKAGE_ROOT.parent / "seeds", PACKAGE_ROOT / "data")


def shipped_scenarios() -> dict[str, Path]:
    """The shipped fault scenarios by name (``flaky``, ``rate-limited``, ``outage``, ``slow``)."""
    return _shipped(PACKAGE_ROOT.parent / "scenarios", PACKAGE_ROOT / "data" / "scenarios")


def summary(path: Path) -> str:
    """The file's opening comment line: every shipped file starts by saying what it is."""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") and line.strip("# "):
            return line.strip("# ")
        if line.strip() and not line.startswith("#"):
            break
    return ""


def shipped(kind: str) -> dict[str, Path]:
    """The shipped seeds (``kind="seed"``) or scenarios (``"scenario"``) by name."""
    return shipped_seeds() if kind == "seed" else shipped_scenarios()


def is_name(value: str | Path) -> bool:
    """A bare name (``demo``), as opposed to a path (``seeds/demo.yaml``, ``demo.yaml``)."""
    text = str(value)
    return bool(text) and "/" not in text and "\\" not in text and "." not in text


def resolve_shipped(value: str | Path, kind: str) -> Path:
    """``value`` as a file: an existing path wins; otherwise a bare name is a shipped ``kind``
    ("seed" or "scenario"). A bare name that is neither raises ``ValueError`` listing the shipped
    names; any other path is returned as is (the loader reports a missing file with its path)."""
    path = Path(value)
    if path.exists() or not is_name(value):
        return path
    found = shipped(kind)
    if str(value) in found:
        return found[str(value)]
    raise ValueError(f"no {kind} named {str(value)!r}: shipped {kind}s are {', '.join(found) or 'none'} "
                     f"(or give a path to a YAML file)")


class Settings(BaseModel):
    host: str = "127.0.0.1"
    port: int = 8080
    seeds: list[Path] = []
    scenarios: list[Path] = []
    admin_token: str | None = None
    # How often running clocks are checked for time-driven events (overdue invoices); 0 disables.
    clock_tick_seconds: float = Field(default=30.0, ge=0)
    journal_size: int = Field(default=1000, ge=0)  # requests kept in the admin journal; 0 disables it
    journal_max_bytes: int = Field(default=64 * 1024 * 1024, ge=1)  # and at most this much (bodies, headers)
    quiet: bool = False  # no access log line per request on stdout
    console: bool = True  # the web console at /_mockcasa/console/ and the landing page at /
    rate_limit: int = Field(1000, ge=1)  # requests per window per credential, unless the key sets its own
    rate_limit_window: int = Field(3600, ge=1)  # seconds of mock-clock time
    # Idempotency keys kept per credential (beyond it, its oldest is forgotten), and the largest
    # response kept for replay (a larger one is not stored: the key is freed, a retry runs again).
    idempotency_max_keys: int = Field(1000, ge=1)
    idempotency_max_response_bytes: int = Field(64 * 1024, ge=0)
    # A file the whole state is saved to and restored from (None: the state lives in memory only),
    # how often a changed state is saved, and whether to ignore the file at start and overwrite it.
    state_file: Path | None = None
    state_save_interval: float = Field(5.0, gt=0)
    state_file_reset: bool = False
    allow_local_webhooks: bool = False
    # The server's URL as clients reach it: the OAuth issuer and endpoints (default: the bound address).
    public_url: str | None = None
    # What one client may hold (docs/limits.md): body bytes, seconds to send the request line and
    # headers, then the body, idle seconds before a keep-alive connection closes, open connections.
    max_body_size: int = Field(1024 * 1024, ge=1)
    header_timeout: float = Field(10.0, gt=0)
    body_timeout: float = Field(30.0, gt=0)
    keepalive_timeout: float = Field(15.0, gt=0)
    max_connections: int = Field(512, ge=1)
    log_level: str = "info"
    # Webhook deliveries (docs/webhooks.md): total attempts per delivery, first retry delay in
    # seconds (doubling each retry), per-attempt timeout, auto-disable after N consecutive failed
    # attempts (0: never), and private networks (CIDRs) deliveries may reach besides loopback.
    webhook_attempts: int = Field(5, ge=1, le=20)
    webhook_retry_delay: float = Field(1.0, ge=0)
    webhook_timeout: float = Field(10.0, gt=0)
    webhook_disable_after: int = Field(0, ge=0)
    webhook_allowed_networks: list[str] = []
    # Origins browser apps may call the API from (CORS); ["*"]: any origin, without credentials.
    cors_origins: list[str] = Field(default_factory=lambda: ["*"])
    # The API revision of organizations that name none (seeds, admin create, the pytest plugin's own).
    api_revision: str = DEFAULT_REVISION

    @field_validator("api_revision")
    @classmethod
    def _revision(cls, value: str) -> str:
        return resolve_revision(value)

    @field_validator("seeds")
    @classmethod
    def _seeds(cls, value: list[Path]) -> list[Path]:
        return [resolve_shipped(p, "seed") for p in value]

    @field_validator("scenarios")
    @classmethod
    def _scenarios(cls, value: list[Path]) -> list[Path]:
        return [resolve_shipped(p, "scenario") for p in value]

    @field_validator("webhook_allowed_networks")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        for cidr in value:
            try:
                ipaddress.ip_network(cidr, strict=False)
            except ValueError:
                raise ValueError(f"{cidr!r} is not a network such as 172.16.0.0/12") from None
        return value

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
            raise ValueError(f"{value!r} is not a base URL such as https://sandbox.example.com")
        return value.strip().rstrip("/")

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides) -> Settings:
        """Read ``MOCKCASA_HOST``, ``MOCKCASA_PORT``, ``MOCKCASA_SEED`` (paths separated by ``:`` or ``,``), ...

        ``overrides`` (from CLI flags) win over the environment; ``None`` means "not given".
        """
        env = os.environ if environ is None else environ
        values: dict = {}
        for name in cls.model_fields:
            env_name = "MOCKCASA_" + {"seeds": "SEED", "scenarios": "SCENARIO"}.get(name, name.upper())
            raw = env.get(env_name)
            if raw is None or raw == "":
                continue
            if name in ("seeds", "scenarios"):
                values[name] = [p for p in raw.replace(",", os.pathsep).split(os.pathsep) if p]
            elif name in ("webhook_allowed_networks", "cors_origins"):
                values[name] = [p.strip() for p in raw.split(",") if p.strip()]
            elif name in ("allow_local_webhooks", "state_file_reset"):
                values[name] = raw.strip().lower() in ("1", "true", "yes", "on")
            else:
                values[name] = raw
        values.update({k: v for k, v in overrides.items() if v is not None and v != []})
        return cls.model_validate(values)
