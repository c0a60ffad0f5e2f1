"""Settings: defaults, then environment variables, then explicit overrides (as tests pass them)."""

from __future__ import annotations

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
    secret_key: str = field(default=INSECURE_DEFAULT_KEY, metadata={"env": "SECRET_KEY"})
    host: str = field(default="127.0.0.1", metadata={"env": "HOST"})
    port: int = field(default=8050, metadata={"env": "PORT"})
    auto_init: bool = field(default=True, metadata={"env": "ASB_AUTO_INIT"})
    demo: bool = field(default=False, metadata={"env": "ASB_DEMO"})
    log_level: str = field(default="INFO", metadata={"env": "LOG_LEVEL"})
    export_timeout: int = field(default=180, metadata={"env": "ASB_EXPORT_TIMEOUT"})
    export_workers: int = field(default=1, metadata={"env": "ASB_EXPORT_WORKERS"})

    @classmethod
    def from_env(cls, overrides: dict | None = None, environ=os.environ) -> Settings:
        values = {}
        for f in fields(cls):
            raw = environ.get(f.metadata["env"])
            if raw is None or raw == "":
                continue
            if f.type in ("int", int):
                values[f.name] = int(raw)
            elif f.type in ("bool", bool):
                values[f.name] = _bool(raw)
            elif f.type in ("Path", Path):
                values[f.name] = Path(raw)
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
    def cache_config(self) -> dict:
        if self.cache_redis_url:
            return {
                "CACHE_TYPE": "RedisCache",
                "CACHE_REDIS_URL": self.cache_redis_url,
                "CACHE_KEY_PREFIX": "asb:",
                "CACHE_DEFAULT_TIMEOUT": self.cache_timeout,
            }
        cache_type = self.cache_type or "SimpleCache"
        config = {"CACHE_TYPE": cache_type, "CACHE_DEFAULT_TIMEOUT": self.cache_timeout}
        if cache_type == "FileSystemCache":
            config["CACHE_DIR"] = str(self.instance_dir / "cache")
        return config
