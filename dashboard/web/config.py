"""The Flask configuration the settings imply, and the proxies trusted in front of the app."""

from __future__ import annotations

import datetime as dt

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from dashboard.core.settings import Settings

# Callback payloads are small; the largest request is a board pack poll. Uploads go through
# the CLI, so nothing legitimate comes near this.
MAX_REQUEST_BYTES = 2 * 1024 * 1024


def flask_config(settings: Settings) -> dict:
    """Flask's and its extensions' config keys, from the settings."""
    return dict(
        SECRET_KEY=settings.secret_key,
        MAX_CONTENT_LENGTH=MAX_REQUEST_BYTES,
        ASB_DEMO=settings.demo,
        ASB_EXPORT_TIMEOUT=settings.export_timeout,
        ASB_EXPORT_WORKERS=settings.export_workers,
        ASB_PPTX_TEMPLATE=settings.pptx_template,  # None: the shipped template
        ASB_LOCKOUT_ATTEMPTS=settings.lockout_attempts,
        ASB_LOCKOUT_MINUTES=settings.lockout_minutes,
        ASB_OIDC_ENABLED=bool(settings.oidc_issuer and settings.oidc_client_id),
        ASB_OIDC_ROLE_CLAIM=settings.oidc_role_claim,
        ASB_OIDC_ROLE_MAP=settings.role_map,
        ASB_OIDC_DEFAULT_ROLE=settings.oidc_default_role,
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_NAME="asb_session",
        PERMANENT_SESSION_LIFETIME=dt.timedelta(hours=settings.session_hours),
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session
        WTF_CSRF_SSL_STRICT=False,  # Referer checks break behind some proxies; SameSite covers it
        # gzip/brotli for pages, callback JSON and the (large) component bundles: the Incidents
        # response falls from about 200 KB to 30 KB on the wire.
        COMPRESS_ALGORITHM=["br", "gzip"],
        COMPRESS_LEVEL=6,
        COMPRESS_BR_LEVEL=4,
    )


def trust_proxies(server: Flask, count: int) -> None:
    """Believe X-Forwarded-* from the `count` proxies in front (none: believe nothing)."""
    if count:
        server.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            server.wsgi_app, x_for=count, x_proto=count, x_host=count
        )


def database_url(settings: Settings) -> str:
    """The database URL, making the instance folder the embedded SQLite file lives in."""
    if not settings.database_url:
        settings.instance_dir.mkdir(parents=True, exist_ok=True)
    return settings.resolved_database_url
