"""OpenID Connect sign-in against a local stub identity provider (as Entra ID would answer)."""

from __future__ import annotations

import threading
import time
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from flask import Flask, jsonify, redirect, request
from joserfc import jwt
from joserfc.jwk import RSAKey
from werkzeug.serving import make_server

from dashboard.core import ids
from dashboard.core.extensions import db
from queries.accounts import account_by_username
from tests.pages_payload import page_payload
from tests.test_security import SECRET, secure_url  # noqa: F401  (fixture)

CLIENT_ID = "asb-dashboard"
KEY = RSAKey.generate_key(2048)
KEY_ID = "stub-key-1"


def stub_identity_provider(port: int, user: dict) -> Flask:
    """Discovery, authorise (signs the user straight in), token (RS256 id_token) and JWKS."""
    idp = Flask("stub-idp")
    issuer = f"http://127.0.0.1:{port}"
    codes: dict[str, str] = {}

    @idp.get("/.well-known/openid-configuration")
    def discovery():
        return jsonify(
            issuer=issuer,
            authorization_endpoint=f"{issuer}/authorize",
            token_endpoint=f"{issuer}/token",
            jwks_uri=f"{issuer}/jwks",
            response_types_supported=["code"],
            subject_types_supported=["public"],
            id_token_signing_alg_values_supported=["RS256"],
        )

    @idp.get("/authorize")
    def authorize():
        assert request.args["client_id"] == CLIENT_ID
        code = f"code-{len(codes)}"
        codes[code] = request.args["nonce"]
        target = request.args["redirect_uri"]
        return redirect(f"{target}?code={code}&state={request.args['state']}")

    @idp.post("/token")
    def token():
        nonce = codes.pop(request.form["code"])
        now = int(time.time())
        claims = {
            "iss": issuer,
            "aud": CLIENT_ID,
            "sub": user["sub"],
            "iat": now,
            "exp": now + 300,
            "nonce": nonce,
            "name": user["name"],
            "preferred_username": user["username"],
            "roles": user["roles"],
        }
        id_token = jwt.encode({"alg": "RS256", "kid": KEY_ID}, claims, KEY)
        return jsonify(access_token="at", token_type="Bearer", expires_in=300, id_token=id_token)

    @idp.get("/jwks")
    def jwks():
        public = KEY.as_dict(private=False)
        return jsonify(keys=[{**public, "kid": KEY_ID, "use": "sig", "alg": "RS256"}])

    return idp


@pytest.fixture
def identity_provider():
    user = {
        "sub": "00000000-aaaa-bbbb",
        "name": "Ola Oidc",
        "username": "ola.oidc@force.example",
        "roles": ["Dashboard.Analyst"],
    }
    server = make_server("127.0.0.1", 0, None)
    server.app = stub_identity_provider(server.server_port, user)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", user
    server.shutdown()


def _client(issuer: str, url: str, tmp_path, **settings):
    """A test client of the app with sign-in on and OpenID Connect pointed at the stub."""
    from dashboard.app import create_app

    app = create_app(
        {
            "database_url": url,
            "instance_dir": tmp_path,
            "secret_key": SECRET,
            "cookie_secure": "0",
            "oidc_issuer": issuer,
            "oidc_client_id": CLIENT_ID,
            "oidc_client_secret": "stub-secret",
            "log_level": "WARNING",
            **settings,
        }
    )
    db.configure(url)
    return app.server.test_client()


def test_oidc001_sign_in_through_the_identity_provider(
    identity_provider,
    secure_url,  # noqa: F811
    tmp_path,
):
    issuer, user = identity_provider
    client = _client(
        issuer,
        secure_url,
        tmp_path,
        oidc_role_map="Dashboard.Analyst=analyst,Dashboard.Admin=admin",
    )
    login_page = client.get("/login").get_data(as_text=True)
    assert "Sign in with your organisation account" in login_page
    start = client.get("/auth/oidc/login?next=/attendance")
    assert start.status_code == 302 and start.headers["Location"].startswith(issuer)
    # The browser follows the redirect to the identity provider, which sends it back.
    back = requests.get(start.headers["Location"], allow_redirects=False, timeout=10)
    assert back.status_code == 302
    callback = urlsplit(back.headers["Location"])
    assert callback.path == "/auth/oidc/callback" and "code" in parse_qs(callback.query)
    done = client.get(f"{callback.path}?{callback.query}")
    assert done.status_code == 302, done.get_data(as_text=True)[:300]
    assert done.headers["Location"] == "/attendance"
    account = account_by_username(user["username"])
    assert account.role == "analyst" and account.display_name == "Ola Oidc"
    assert account.password_hash is None and account.oidc_subject.endswith("|" + user["sub"])
    client.get("/")
    client.environ_base["HTTP_X_CSRFTOKEN"] = client.get_cookie("_csrf_token").value
    response = client.post("/_dash-update-component", json=page_payload(ids.OVERVIEW))
    assert response.status_code == 200 and "60,391" in response.get_data(as_text=True)


def test_oidc002_a_tampered_callback_is_refused(
    identity_provider,
    secure_url,  # noqa: F811
    tmp_path,
):
    issuer, _ = identity_provider
    client = _client(issuer, secure_url, tmp_path)
    client.get("/auth/oidc/login")
    forged = client.get("/auth/oidc/callback?code=code-0&state=not-the-state")
    assert forged.status_code == 401
    assert "Sign-in with your organisation account failed" in forged.get_data(as_text=True)
    assert client.get("/").status_code == 302  # still signed out


def _oidc_sign_in(client) -> None:
    """The whole round trip through the stub provider, then the CSRF header Dash sends."""
    start = client.get("/auth/oidc/login")
    back = requests.get(start.headers["Location"], allow_redirects=False, timeout=10)
    callback = urlsplit(back.headers["Location"])
    assert client.get(f"{callback.path}?{callback.query}").status_code == 302
    client.get("/")
    client.environ_base["HTTP_X_CSRFTOKEN"] = client.get_cookie("_csrf_token").value


def test_oidc003_signing_out_ends_every_oidc_session_and_signing_in_ends_none(
    identity_provider,
    secure_url,  # noqa: F811
    tmp_path,
):
    issuer, _ = identity_provider
    laptop = _client(issuer, secure_url, tmp_path, oidc_role_map="Dashboard.Analyst=analyst")
    phone = laptop.application.test_client()
    _oidc_sign_in(laptop)
    _oidc_sign_in(phone)  # a second sign-in, same role: the first session goes on
    for client in (laptop, phone):
        response = client.post("/_dash-update-component", json=page_payload(ids.OVERVIEW))
        assert response.status_code == 200
    assert phone.post("/logout").status_code == 302
    response = laptop.post("/_dash-update-component", json=page_payload(ids.OVERVIEW))
    assert response.status_code == 401
    _oidc_sign_in(laptop)
    assert laptop.get("/incidents?area=force").status_code == 200
