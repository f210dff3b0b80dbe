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
    for candidate in (PACKAGE_ROOT.parent / "seeds" / "default.yaml", PACKAGE_ROOT / "data" / "default.yaml"):
        if candidate.exists():
            return candidate
    return None


class Settings(BaseModel):
    host: str = "127.0.0.1"
    port: int = 8080
    seeds: list[Path] = Field(default_factory=list)
    scenarios: list[Path] = Field(default_factory=list)
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
    webhook_allowed_networks: list[str] = Field(default_factory=list)
    # Origins browser apps may call the API from (CORS); ["*"]: any origin, without credentials.
    cors_origins: list[str] = Field(default_factory=lambda: ["*"])
    # The API revision of organizations that name none (seeds, admin create, the pytest plugin's own).
    api_revision: str = DEFAULT_REVISION

    @field_validator("api_revision")
    @classmethod
    def _revision(cls, value: str) -> str:
        return resolve_revision(value)

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
