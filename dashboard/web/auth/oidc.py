"""OpenID Connect sign-in: the provider's client, registered when the settings name one."""

from __future__ import annotations

from authlib.integrations.flask_client import OAuth
from flask import Flask

from dashboard.core.settings import Settings


def init_oidc(server: Flask, settings: Settings) -> None:
    """Register the "oidc" client (read by auth.views) if OpenID Connect is configured."""
    if not server.config["ASB_OIDC_ENABLED"]:
        return
    oauth = OAuth(server)
    oauth.register(
        "oidc",
        client_id=settings.oidc_client_id,
        client_secret=settings.oidc_client_secret,
        server_metadata_url=settings.oidc_issuer.rstrip("/") + "/.well-known/openid-configuration",
        client_kwargs={"scope": settings.oidc_scopes},
    )
