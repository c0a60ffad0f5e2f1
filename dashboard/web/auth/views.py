"""Sign-in and sign-out (local accounts and OpenID Connect), and the admins' audit log page."""

from __future__ import annotations

import datetime as dt
import logging
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template_string,
    request,
    session,
    url_for,
)

from dashboard.core.models import ROLES
from dashboard.web.auth.current import current_user
from dashboard.web.auth.passwords import verify_password
from queries.accounts import (
    Account,
    account_by_oidc_subject,
    account_by_username,
    claim_password_check,
    end_sessions,
    record_sign_in,
    save_account,
)
from queries.audit import recent_events, record_event

log = logging.getLogger(__name__)
bp = Blueprint("auth", __name__)

PAGE = """<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }} · ASB Oversight Dashboard</title>
<link rel="stylesheet" href="/assets/vendor/bootstrap.min.css">
<link rel="stylesheet" href="/assets/style.css"></head>
<body><a class="skip-link" href="#main-content">Skip to main content</a>
<header class="app-navbar navbar navbar-dark px-3"><span class="navbar-brand">ASB Oversight
Dashboard</span></header>
<main id="main-content" class="container py-4" style="max-width: {{ width }}">
{{ body|safe }}</main></body></html>"""

SIGN_IN = """
<h1>Sign in</h1>
<p>This dashboard holds police management information (OFFICIAL). Sign in to continue.</p>
{% if message %}<div class="alert alert-danger" role="alert">{{ message }}</div>{% endif %}
<form method="post" action="{{ url_for('auth.login') }}" novalidate>
  <input type="hidden" name="csrf_token" value="{{ csrf_token() }}">
  <input type="hidden" name="next" value="{{ next }}">
  <div class="mb-3"><label class="form-label" for="username">Username</label>
  <input class="form-control" id="username" name="username" autocomplete="username"
    value="{{ username }}" required></div>
  <div class="mb-3"><label class="form-label" for="password">Password</label>
  <input class="form-control" id="password" name="password" type="password"
    autocomplete="current-password" required></div>
  <button class="btn btn-primary" type="submit">Sign in</button>
</form>
{% if oidc %}<p class="mt-4"><a class="btn btn-outline-primary"
  href="{{ url_for('auth.oidc_login', next=next) }}">Sign in with your organisation account</a></p>
{% endif %}"""

AUDIT = """
<h1>Audit log</h1>
<p>The newest {{ rows|length }} events: sign-ins, exports, data loads and refusals.
<a href="/">Back to the dashboard</a></p>
<table class="table table-sm data-table"><caption>Audit events, newest first (times UTC)</caption>
<thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">Action</th>
<th scope="col">Detail</th><th scope="col">Address</th></tr></thead><tbody>
{% for r in rows %}<tr><td>{{ r.at }}</td><td>{{ r.actor }}</td><td>{{ r.action }}</td>
<td>{{ r.detail }}</td><td>{{ r.address }}</td></tr>{% endfor %}
</tbody></table>"""


def _page(title: str, body: str, width: str = "32rem", **context) -> str:
    inner = render_template_string(body, **context)
    return render_template_string(PAGE, title=title, body=inner, width=width)


def safe_next(target: str | None) -> str:
    """Only a path on this site: never an open redirect to somewhere else."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


def _sign_in(account, method: str) -> None:
    session.clear()  # a new session id on sign-in: no session fixation
    session.permanent = True
    session["uid"] = account.id
    session["role"] = account.role
    # The generation as read when the credentials were checked: a password reset or a
    # sign-out elsewhere since then ends this session too.
    session["generation"] = account.session_generation
    record_sign_in(account.id)
    record_event(account.username, "sign-in", method, request.remote_addr or "")


@bp.route("/login", methods=["GET", "POST"])
def login():
    """The sign-in form, and its POST: a password check, then back to the page asked for."""
    config = current_app.config
    oidc = bool(config.get("ASB_OIDC_ENABLED"))
    next_url = safe_next(request.values.get("next"))
    if current_user() is not None and request.method == "GET":
        return redirect(next_url)
    message, username = "", ""
    if request.method == "POST":
        username = (request.form.get("username") or "").strip()[:200]
        account = _check_password(username, request.form.get("password") or "")
        if account is not None:
            _sign_in(account, "password")
            return redirect(next_url)
        # One message for every failure, whatever the account's state: general help only.
        message = (
            "Sign-in failed: check your username and password. After "
            f"{config['ASB_LOCKOUT_ATTEMPTS']} failed sign-ins in a row an account is locked "
            f"for {config['ASB_LOCKOUT_MINUTES']} minutes; an administrator can unlock it sooner."
        )
    status = 401 if message else 200
    return (
        _page("Sign in", SIGN_IN, message=message, username=username, next=next_url, oidc=oidc),
        status,
    )


def _check_password(username: str, password: str) -> Account | None:
    """The account these credentials sign in to, else None, after the same work for any
    username: one counted attempt (an UPDATE that matches no row when there is no account to
    try: unknown, disabled, locked, or without a password) and one Argon2 verification (against
    the dummy hash then), so neither the answer nor its timing tells accounts apart."""
    config = current_app.config
    claimed = claim_password_check(
        username,
        config["ASB_LOCKOUT_ATTEMPTS"],
        dt.timedelta(minutes=config["ASB_LOCKOUT_MINUTES"]),
    )
    if verify_password(claimed.password_hash if claimed else None, password):
        return claimed
    _audit_failure(username, claimed)
    return None


def _audit_failure(username: str, claimed: Account | None) -> None:
    """One audit event per failed attempt; admins see why, the person signing in does not."""
    if claimed is not None:
        action = "account-locked" if claimed.locked_until else "sign-in-failed"
    else:
        known = account_by_username(username) if username else None
        usable = known is not None and known.active and known.password_hash
        action = "sign-in-locked" if usable else "sign-in-failed"
    record_event(username or "(blank)", action, "", request.remote_addr or "")


@bp.post("/logout")
def logout():
    """Sign out of every session of the account, not just this one, then show the sign-in form."""
    user = current_user()
    if user is not None:
        if "uid" in session:  # every session of the account ends, not just this one
            end_sessions(int(session["uid"]))
        record_event(user.username, "sign-out", "", request.remote_addr or "")
    session.clear()
    return redirect(url_for("auth.login"))


@bp.get("/auth/oidc/login")
def oidc_login():
    """Send the browser to the identity provider (404 when OpenID Connect is off)."""
    if not current_app.config.get("ASB_OIDC_ENABLED"):
        abort(404)
    session["oidc_next"] = safe_next(request.args.get("next"))
    client = current_app.extensions["authlib.integrations.flask_client"].oidc
    return client.authorize_redirect(url_for("auth.oidc_callback", _external=True))


def _role_from_claims(claims: dict) -> str | None:
    """The highest dashboard role named in the configured claim (Entra ID app roles)."""
    config = current_app.config
    values = claims.get(config["ASB_OIDC_ROLE_CLAIM"]) or []
    values = [values] if isinstance(values, str) else list(values)
    mapping = config["ASB_OIDC_ROLE_MAP"]
    roles = {mapping.get(v, v.lower() if isinstance(v, str) else "") for v in values}
    ranked = [r for r in reversed(ROLES) if r in roles]
    return ranked[0] if ranked else None


@bp.get("/auth/oidc/callback")
def oidc_callback():
    """The identity provider's reply: create or update the account from its claims, sign in."""
    if not current_app.config.get("ASB_OIDC_ENABLED"):
        abort(404)
    client = current_app.extensions["authlib.integrations.flask_client"].oidc
    try:
        token = client.authorize_access_token()
    except Exception as exc:  # any protocol failure: a clear message, details in the log
        log.warning("OpenID Connect sign-in failed: %s", exc)
        record_event("(oidc)", "sign-in-failed", type(exc).__name__, request.remote_addr or "")
        return _page(
            "Sign in",
            SIGN_IN,
            message="Sign-in with your organisation account failed. Please try again.",
            username="",
            next="/",
            oidc=True,
        ), 401
    claims = token.get("userinfo") or client.parse_id_token(token, nonce=None)
    subject = f"{claims['iss']}|{claims['sub']}"
    username = claims.get("preferred_username") or claims.get("email") or claims["sub"]
    role = _role_from_claims(claims)
    account = account_by_oidc_subject(subject) or account_by_username(username)
    values = {"oidc_subject": subject, "display_name": claims.get("name") or username}
    if role:
        values["role"] = role
    elif account is None:
        values["role"] = current_app.config["ASB_OIDC_DEFAULT_ROLE"]
    account = save_account(account.username if account else username, **values)
    if not account.active:
        return _page(
            "Sign in",
            SIGN_IN,
            message="This account is disabled.",
            username="",
            next="/",
            oidc=True,
        ), 403
    next_url = session.get("oidc_next", "/")
    _sign_in(account, "oidc")
    return redirect(safe_next(next_url))


@bp.get("/admin/audit")
def audit_log():
    """The admins' page of the newest 500 audit events (the guard keeps others out of /admin)."""
    frame = recent_events(500)
    rows = frame.to_dict("records")
    return _page("Audit log", AUDIT, width="72rem", rows=rows)
