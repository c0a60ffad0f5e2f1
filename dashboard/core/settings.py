"""Settings: defaults, then environment variables, then explicit overrides (as tests pass them)."""

from __future__ import annotations

import importlib.util
import logging
import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

log = logging.getLogger(__name__)

INSECURE_DEFAULT_KEY = "dev-only-insecure-secret-key"


def _bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    """Every setting, with the environment variable that sets it and a safe default."""

    instance_dir: Path = field(default=Path("instance"), metadata={"env": "ASB_INSTANCE_DIR"})
    database_url: str = field(default="", metadata={"env": "DATABASE_URL"})
    cache_redis_url: str = field(default="", metadata={"env": "CACHE_REDIS_URL"})
    cache_type: str = field(default="", metadata={"env": "CACHE_TYPE"})
    cache_timeout: int = field(default=600, metadata={"env": "CACHE_DEFAULT_TIMEOUT"})
    # Each cache's own lifetime (None: CACHE_DEFAULT_TIMEOUT) and, without Redis, size.
    query_cache_timeout: int | None = field(
        default=None, metadata={"env": "ASB_QUERY_CACHE_TIMEOUT"}
    )
    page_cache_timeout: int | None = field(default=None, metadata={"env": "ASB_PAGE_CACHE_TIMEOUT"})
    query_cache_threshold: int = field(
        default=20_000, metadata={"env": "ASB_QUERY_CACHE_THRESHOLD"}
    )
    page_cache_threshold: int = field(default=2_000, metadata={"env": "ASB_PAGE_CACHE_THRESHOLD"})
    secret_key: str = field(default=INSECURE_DEFAULT_KEY, metadata={"env": "SECRET_KEY"})
    host: str = field(default="127.0.0.1", metadata={"env": "HOST"})
    port: int = field(default=8050, metadata={"env": "PORT"})
    auto_init: bool = field(default=True, metadata={"env": "ASB_AUTO_INIT"})
    demo: bool = field(default=False, metadata={"env": "ASB_DEMO"})
    log_level: str = field(default="INFO", metadata={"env": "LOG_LEVEL"})
    export_timeout: int = field(default=180, metadata={"env": "ASB_EXPORT_TIMEOUT"})
    export_workers: int = field(default=1, metadata={"env": "ASB_EXPORT_WORKERS"})
    # A force's own PowerPoint template for the board pack's slides (else the shipped one).
    pptx_template: Path | None = field(default=None, metadata={"env": "ASB_PPTX_TEMPLATE"})
    # Cookies marked Secure (HTTPS only): "auto" means yes unless in demo mode.
    cookie_secure: str = field(default="auto", metadata={"env": "ASB_COOKIE_SECURE"})
    session_hours: int = field(default=8, metadata={"env": "ASB_SESSION_HOURS"})
    lockout_attempts: int = field(default=5, metadata={"env": "ASB_LOCKOUT_ATTEMPTS"})
    lockout_minutes: int = field(default=15, metadata={"env": "ASB_LOCKOUT_MINUTES"})
    # How many proxies (a load balancer, a TLS terminator) set X-Forwarded-* in front of us.
    trusted_proxies: int = field(default=0, metadata={"env": "ASB_TRUSTED_PROXIES"})
    oidc_issuer: str = field(default="", metadata={"env": "OIDC_ISSUER"})
    oidc_client_id: str = field(default="", metadata={"env": "OIDC_CLIENT_ID"})
    oidc_client_secret: str = field(default="", metadata={"env": "OIDC_CLIENT_SECRET"})
    oidc_scopes: str = field(default="openid profile email", metadata={"env": "OIDC_SCOPES"})
    oidc_role_claim: str = field(default="roles", metadata={"env": "OIDC_ROLE_CLAIM"})
    # "Dashboard.Admin=admin,Dashboard.Analyst=analyst": the IdP's role names to ours.
    oidc_role_map: str = field(default="", metadata={"env": "OIDC_ROLE_MAP"})
    oidc_default_role: str = field(default="viewer", metadata={"env": "OIDC_DEFAULT_ROLE"})

    @classmethod
    def from_env(cls, overrides: dict | None = None, environ=os.environ) -> Settings:
        """Settings from the environment (blank variables ignored), then `overrides` over them."""
        values = {}
        for f in fields(cls):
            raw = environ.get(f.metadata["env"])
            if raw is None or raw == "":
                continue
            if f.type in ("int", int, "int | None"):
                values[f.name] = int(raw)
            elif f.type in ("bool", bool):
                values[f.name] = _bool(raw)
            elif f.type in ("Path", Path, "Path | None"):
                values[f.name] = Path(raw)  # type: ignore[assignment]
            else:
                values[f.name] = raw
        return replace(cls(), **{**values, **(overrides or {})})

    @property
    def resolved_database_url(self) -> str:
        """DATABASE_URL, or the embedded SQLite file in the instance folder."""
        if self.database_url:
            url = self.database_url
            # Heroku-style URLs name the old driver; SQLAlchemy 2 wants psycopg explicitly.
            for old in ("postgres://", "postgresql://"):
                if url.startswith(old):
                    return "postgresql+psycopg://" + url[len(old) :]
            return url
        return f"sqlite:///{(self.instance_dir / 'asb_dashboard.sqlite3').resolve()}"

    @property
    def secure_cookies(self) -> bool:
        """Whether cookies are marked Secure (HTTPS only): 'auto' means yes except in demo mode."""
        if self.cookie_secure.lower() == "auto":
            return not self.demo
        return _bool(self.cookie_secure)

    @property
    def role_map(self) -> dict[str, str]:
        """OIDC_ROLE_MAP as a dict: the identity provider's role names to the dashboard's."""
        pairs = [p.split("=", 1) for p in self.oidc_role_map.split(",") if "=" in p]
        return {k.strip(): v.strip() for k, v in pairs}

    def check_production(self) -> None:
        """Refuse to run outside demo mode with a secret anyone can read in the source."""
        if not self.demo and (self.secret_key == INSECURE_DEFAULT_KEY or len(self.secret_key) < 32):
            raise RuntimeError(
                "Refusing to start: set SECRET_KEY to a long random value (at least 32 "
                "characters; python -c 'import secrets; print(secrets.token_hex(32))'), "
                "or set ASB_DEMO=1 for a local demonstration."
            )

    def check_backends(self) -> None:
        """Refuse to start, in one line, when DATABASE_URL or CACHE_REDIS_URL names a back end
        whose client library is not installed (the `postgres` and `redis` extras); SQLAlchemy
        and flask-caching import them only when a URL asks, so this does not import them."""
        missing = []
        url = self.resolved_database_url
        if url.startswith("postgresql+psycopg") and not _installed("psycopg"):
            missing.append(("DATABASE_URL names PostgreSQL", "psycopg", "postgres"))
        if self.cache_redis_url and not _installed("redis"):
            missing.append(("CACHE_REDIS_URL is set", "redis", "redis"))
        if missing:
            what = "; ".join(f"{why} but {module} is not installed" for why, module, _ in missing)
            extras = ",".join(extra for *_, extra in missing)
            raise MissingBackend(
                f"Refusing to start: {what}: pip install 'asb-oversight-dashboard[{extras}]'"
                " (or requirements/prod.lock, as the README's production install does)"
            )

    def check_pptx_template(self) -> None:
        """Refuse to start, in one line, when ASB_PPTX_TEMPLATE names a file that is not there,
        cannot be read or is not a .pptx (a zip); the slides check its layouts when made."""
        path = self.pptx_template
        if path is None:
            return
        problem = ""
        if not path.is_file():
            problem = "there is no such file"
        else:
            try:
                with path.open("rb") as handle:
                    if handle.read(4) != b"PK\x03\x04":
                        problem = "it is not a .pptx file (a .potx must be saved as .pptx)"
            except OSError as exc:
                problem = f"it cannot be read ({exc.strerror})"
        if problem:
            raise BadSetting(
                f"Refusing to start: ASB_PPTX_TEMPLATE is {path}, but {problem}. Point it at a "
                "readable .pptx (see the README's slide template section) or unset it to use the "
                "shipped template."
            )

    @property
    def cache_config(self) -> dict:
        """Cache settings: Redis when CACHE_REDIS_URL is set, else CACHE_TYPE or SimpleCache."""
        if self.cache_redis_url:
            return {
                "CACHE_TYPE": "RedisCache",
                "CACHE_REDIS_URL": self.cache_redis_url,
                "CACHE_KEY_PREFIX": "asb:",
                "CACHE_DEFAULT_TIMEOUT": self.cache_timeout,
            }
        cache_type = self.cache_type or "SimpleCache"
        config = {
            "CACHE_TYPE": cache_type,
            "CACHE_DEFAULT_TIMEOUT": self.cache_timeout,
            # flask-caching keeps only 500 entries by default; a page sweep needs more.
            "CACHE_THRESHOLD": 20_000,
        }
        if cache_type == "FileSystemCache":
            config["CACHE_DIR"] = str(self.instance_dir / "cache")
        return config

    def cache_config_for(self, kind: str) -> dict:
        """The config of the "query" or "page" cache: the shared back end (cache_config) with
        that cache's own key prefix, lifetime and (in-process back ends) size."""
        timeout = getattr(self, f"{kind}_cache_timeout")
        config = {
            **self.cache_config,
            "CACHE_DEFAULT_TIMEOUT": self.cache_timeout if timeout is None else timeout,
        }
        if self.cache_redis_url:
            config["CACHE_KEY_PREFIX"] = f"asb:{kind}:"
        else:
            config["CACHE_THRESHOLD"] = getattr(self, f"{kind}_cache_threshold")
            if "CACHE_DIR" in config:
                config["CACHE_DIR"] = str(self.instance_dir / "cache" / kind)
        return config


class BadSetting(RuntimeError):
    """A setting names something unusable (a file that is not there)."""


class MissingBackend(RuntimeError):
    """A configured back end's client library (an optional extra) is not installed."""


def _installed(module: str) -> bool:
    return importlib.util.find_spec(module) is not None
