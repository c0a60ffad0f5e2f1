"""Response headers: the Content-Security-Policy, the other browser protections, the CSRF cookie."""

from __future__ import annotations

from dash import Dash
from flask import Flask, Response, request
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import generate_csrf

from dashboard.core.outage import DATABASE_ERRORS
from dashboard.web.auth.current import current_user

PRIVATE_DASH_PATHS = ("/_dash-update-component", "/_dash-layout", "/_dash-dependencies")
CSRF_COOKIE = "_csrf_token"  # read by Dash's renderer and sent back as X-CSRFToken
# The same for everyone and fingerprinted by Dash (?m= / .v<version>m<mtime>): no cookie, so no
# "Vary: Cookie" (the CSRF cookie is re-signed on every page and callback answer, so a browser
# would never reuse a copy that varies on it), and kept for a year.
STATIC_PREFIXES = ("/_dash-component-suites/", "/assets/", "/_favicon.ico")
YEAR = "public, max-age=31536000, immutable"


def content_security_policy(app: Dash) -> str:
    """The app's own scripts plus, by hash, the inline ones Dash writes."""
    scripts = " ".join(app.csp_hashes())
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' {scripts}",
            "style-src 'self' 'unsafe-inline'",  # Plotly and Dash set styles inline
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "worker-src 'self' blob:",  # the district map's renderer runs in a worker
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


class StaticFilesKeepNoSession(SecureCookieSessionInterface):
    """The usual signed-cookie session, except that static files neither refresh the cookie
    nor vary on it (a signed-in session is refreshed by every page and callback anyway)."""

    def save_session(self, app: Flask, session, response: Response) -> None:
        """Skip static files; else save as usual."""
        if request.path.startswith(STATIC_PREFIXES):
            return
        super().save_session(app, session, response)


def _signed_in() -> bool:
    """Whether this request has a user; False when the database cannot say (an outage)."""
    try:
        return current_user() is not None
    except DATABASE_ERRORS:
        return False


def add_security_headers(app: Dash) -> None:
    """after_request: the headers. The policy is built for each response (hashing a few short
    inline scripts costs microseconds), because Dash adds inline scripts when it first sets up,
    which may be after the first response."""
    server = app.server
    server.session_interface = StaticFilesKeepNoSession()

    def add(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", content_security_policy(app))
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if request.is_secure:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        # Pages and callback answers hold OFFICIAL figures: never stored. The component bundles
        # (Plotly alone is 4.8 MB) carry Dash's own fingerprinted cache headers.
        if response.mimetype == "text/html" or request.path in PRIVATE_DASH_PATHS:
            headers.setdefault("Cache-Control", "no-store")
        if request.path.startswith(STATIC_PREFIXES):
            if request.args.get("m") or request.args.get("v") or ".v" in request.path:
                headers["Cache-Control"] = YEAR
            return response  # no session read, no cookie: see STATIC_PREFIXES
        # Dash's renderer sends this cookie back as the X-CSRFToken header on every callback.
        if _signed_in() or request.path == "/login":
            response.set_cookie(
                CSRF_COOKIE,
                generate_csrf(),
                secure=server.config["SESSION_COOKIE_SECURE"],
                samesite="Strict",
                httponly=False,
            )
        return response

    server.after_request(add)
