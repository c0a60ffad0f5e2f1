"""Sign-in, roles, CSRF, headers and lock-out, against the real app with sign-in on."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import threading
from collections import Counter

import pytest
import requests
from argon2 import PasswordHasher
from click.testing import CliRunner

from dashboard.cli import main as cli
from dashboard.core import ids
from dashboard.core.database import make_engine, upgrade
from dashboard.core.extensions import db
from dashboard.web.auth import passwords
from dashboard.web.auth.passwords import hash_password
from queries.accounts import account_by_username, save_account
from queries.audit import recent_events
from tests.pages_payload import (
    callback_payload,
    page_payload,
    page_state,
    table_stores,
    texts,
    url_sync_value,
)

PASSWORD = "correct horse battery staple"
SECRET = "s" * 48


@pytest.fixture(scope="module")
def secure_url(default_db_url, tmp_path_factory):
    """A copy of the default database, so accounts and audit rows stay in this module."""
    path = tmp_path_factory.mktemp("secure") / "asb.sqlite3"
    shutil.copyfile(default_db_url.removeprefix("sqlite:///"), path)
    return f"sqlite:///{path}"


@pytest.fixture(scope="module")
def secure_app(secure_url, tmp_path_factory):
    from dashboard.app import create_app

    app = create_app(
        {
            "database_url": secure_url,
            "instance_dir": tmp_path_factory.mktemp("secure-instance"),
            "log_level": "WARNING",
            "secret_key": SECRET,
            "cookie_secure": "0",  # the test client speaks plain HTTP
            "lockout_attempts": 3,
        }
    )
    with app.server.app_context():
        for name, role, extra in (
            ("vera.viewer", "viewer", {}),
            ("ann.analyst", "analyst", {}),
            ("bob.analyst", "analyst", {}),
            ("ada.admin", "admin", {}),
            ("cole.commander", "commander", {"home_area": "district:Colchester"}),
            ("nora.north", "analyst", {"allowed_areas": "lpa:North"}),
        ):
            save_account(name, role=role, password_hash=hash_password(PASSWORD), **extra)
    return app


@pytest.fixture(autouse=True)
def _bind(secure_url):
    db.configure(secure_url)


def _login_form_token(client) -> str:
    page = client.get("/login").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def sign_in(app, username: str, password: str = PASSWORD, next_url: str = "/"):
    client = app.server.test_client()
    response = client.post(
        "/login",
        data={
            "username": username,
            "password": password,
            "next": next_url,
            "csrf_token": _login_form_token(client),
        },
    )
    client.last = response
    if response.status_code == 302:
        client.get("/")  # sets the CSRF cookie Dash's renderer echoes back
        client.environ_base["HTTP_X_CSRFTOKEN"] = client.get_cookie("_csrf_token").value
    return client


def _post(client, payload):
    return client.post("/_dash-update-component", json=payload)


def _table_download_payload(client, fmt="csv"):
    answer = _post(client, page_payload(ids.ATTENDANCE)).get_json()
    body = answer["response"]
    store = table_stores(body[ids.content_id(ids.ATTENDANCE)]["children"])[0]
    key = store["id"]["table"]
    button = {"type": ids.TABLE_DOWNLOAD_BUTTON, "table": key}
    return {
        "output": json.dumps(
            {"table": ["MATCH"], "type": ids.TABLE_DOWNLOAD}, separators=(",", ":")
        )
        + ".data",
        "outputs": {"id": {"table": key, "type": ids.TABLE_DOWNLOAD}, "property": "data"},
        "inputs": [
            {"id": {**button, "fmt": "csv"}, "property": "n_clicks", "value": 1},
            {"id": {**button, "fmt": "xlsx"}, "property": "n_clicks", "value": None},
        ],
        "state": page_state(ids.ATTENDANCE, url_sync_value(answer)),
        "changedPropIds": [
            json.dumps({**button, "fmt": fmt}, separators=(",", ":"), sort_keys=True) + ".n_clicks"
        ],
    }


def test_sec001_everything_but_sign_in_and_health_needs_a_session(secure_app):
    client = secure_app.server.test_client()
    page = client.get("/incidents?area=force")
    assert page.status_code == 302
    assert page.headers["Location"].startswith("/login?next=/incidents")
    assert client.get("/_dash-layout").status_code == 401
    callback = _post(client, page_payload(ids.OVERVIEW))
    assert callback.status_code in (400, 401)  # no CSRF token, and no session
    assert client.get("/board-pack.pdf?area=force").status_code == 302
    assert client.get("/admin/audit").status_code == 302
    assert client.get("/healthz").status_code == 200
    asset = client.get("/assets/style.css")
    assert asset.status_code == 200
    asset.close()
    assert "Sign in" in client.get("/login").get_data(as_text=True)


def test_sec002_sign_in_then_use_the_pages(secure_app):
    bad = sign_in(secure_app, "vera.viewer", "wrong password entirely")
    assert bad.last.status_code == 401
    assert "Sign-in failed: check your username and password" in bad.last.get_data(True)
    unknown = sign_in(secure_app, "nobody.here", "whatever password")
    assert unknown.last.get_data(True).count("Sign-in failed") == 1  # the same message
    client = sign_in(secure_app, "vera.viewer", next_url="/attendance?area=force")
    assert client.last.status_code == 302
    assert client.last.headers["Location"] == "/attendance?area=force"
    response = _post(client, page_payload(ids.OVERVIEW))
    assert response.status_code == 200
    assert "60,391" in response.get_data(as_text=True)
    page = client.get("/").get_data(as_text=True)
    assert client.get("/_dash-layout").status_code == 200 and page
    layout = json.dumps(client.get("/_dash-layout").get_json())
    assert "vera.viewer (viewer)" in layout and "Sign out" in layout
    # a viewer is offered no export buttons
    body = _post(client, page_payload(ids.ATTENDANCE)).get_data(as_text=True)
    assert "Download this table" not in body


def test_sec003_open_redirects_are_refused(secure_app):
    for target in ("https://evil.example/", "//evil.example/", "javascript:alert(1)"):
        client = sign_in(secure_app, "vera.viewer", next_url=target)
        assert client.last.headers["Location"] == "/", target


def test_sec004_lock_out_after_repeated_failures_and_unlock(secure_app, secure_url):
    save_account("lou.locked", role="viewer", password_hash=hash_password(PASSWORD))
    for _ in range(3):
        failed = sign_in(secure_app, "lou.locked", "not the password at all").last
        assert failed.status_code == 401
    refused = sign_in(secure_app, "lou.locked")  # the right password, but locked
    assert refused.last.status_code == 401
    # The same answer as a wrong password (sec017): the help text is there for everyone.
    assert _alert(refused.last.get_data(True)) == _alert(failed.get_data(True))
    assert "locked for 15 minutes" in _alert(failed.get_data(True))
    result = CliRunner().invoke(
        cli, ["users", "unlock", "lou.locked"], env={"DATABASE_URL": secure_url}
    )
    assert result.exit_code == 0, result.output
    db.configure(secure_url)
    assert sign_in(secure_app, "lou.locked").last.status_code == 302
    actions = recent_events(50)["action"].tolist()
    assert "account-locked" in actions and "user-unlocked" in actions


@pytest.mark.parametrize(
    ("username", "may_export", "may_admin"),
    [
        ("vera.viewer", False, False),
        ("cole.commander", False, False),
        ("ann.analyst", True, False),
        ("ada.admin", True, True),
    ],
)
def test_sec005_roles_are_enforced_server_side(secure_app, username, may_export, may_admin):
    client = sign_in(secure_app, username)
    # Crafted requests, not button clicks: the buttons may be hidden, the check must not be.
    table = _post(client, _table_download_payload(sign_in(secure_app, "ann.analyst")))
    assert (table.status_code == 200) is may_export, table.status_code
    if may_export:
        body = table.get_json()["response"]
        sent = next(v["data"] for k, v in body.items() if ids.TABLE_DOWNLOAD in k)
        assert sent["filename"].endswith(".csv")
    else:
        assert table.status_code == 403
        assert "does not allow" in table.get_json()["message"]
    start = _post(
        client,
        callback_payload(
            secure_app,
            ids.BOARD_PACK_JOB,
            {"page": ids.OVERVIEW},
            inputs=[
                (
                    {"type": ids.BOARD_PACK_BUTTON, "page": ids.OVERVIEW, "fmt": "pdf"},
                    "n_clicks",
                    1,
                ),
                (
                    {"type": ids.BOARD_PACK_BUTTON, "page": ids.OVERVIEW, "fmt": "pptx"},
                    "n_clicks",
                    None,
                ),
            ],
            state=[
                ({"type": ids.URL_SYNC, "page": ids.OVERVIEW}, "data", "?area=force"),
                ({"type": ids.BOARD_PACK_JOB, "page": ids.OVERVIEW}, "data", None),
            ],
        ),
    )
    assert (start.status_code == 200) is may_export
    pdf = client.get("/board-pack.pdf?area=nowhere&to=1900-01")
    assert (pdf.status_code != 403) is may_export
    # A refusal to find in the log, made here rather than left to another case run before.
    _post(sign_in(secure_app, "vera.viewer"), _table_download_payload(client))
    audit = client.get("/admin/audit")
    assert (audit.status_code == 200) is may_admin
    if may_admin:
        log = audit.get_data(as_text=True)
        assert "sign-in" in log and "denied" in log and "export" in log


def test_sec006_csrf_is_required(secure_app):
    client = sign_in(secure_app, "vera.viewer")
    del client.environ_base["HTTP_X_CSRFTOKEN"]
    assert _post(client, page_payload(ids.OVERVIEW)).status_code == 400
    bare = secure_app.server.test_client()
    form = {"username": "vera.viewer", "password": PASSWORD}
    assert bare.post("/login", data=form).status_code == 400  # no token in the form
    signed_in = sign_in(secure_app, "vera.viewer")
    del signed_in.environ_base["HTTP_X_CSRFTOKEN"]
    assert signed_in.post("/logout").status_code == 400  # sign-out is a POST with a token


def test_sec007_security_headers_and_cookies(secure_app):
    client = sign_in(secure_app, "vera.viewer")
    for path in ("/", "/login", "/_dash-layout"):
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "'unsafe-eval'" not in csp and "script-src 'self' 'sha256-" in csp
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
    login = secure_app.server.test_client().get("/login")
    session_cookie = next(c for c in login.headers.getlist("Set-Cookie") if "asb_session" in c)
    assert "HttpOnly" in session_cookie and "SameSite=Lax" in session_cookie
    # Figures are never stored by the browser; the large component bundles are.
    assert _post(client, page_payload(ids.OVERVIEW)).headers["Cache-Control"] == "no-store"
    page = client.get("/").get_data(as_text=True)
    bundle = re.search(r'src="(/_dash-component-suites/[^"]+)"', page).group(1)
    asset = re.search(r'src="(/assets/[^"]+\?m=[^"]+)"', page).group(1)
    for path in (bundle, asset):
        response = client.get(path)
        # Kept a year and reused: no cookie set, so no "Vary: Cookie" (the CSRF cookie changes
        # with every answer, which would make every copy stale).
        assert "max-age=31536000" in response.headers["Cache-Control"], path
        assert "Cookie" not in response.headers.get("Vary", ""), path
        assert not response.headers.getlist("Set-Cookie"), path
        response.close()
    assert "Cookie" in client.get("/").headers.get("Vary", "")  # the page itself still varies
    https = secure_app.server.test_client().get("/login", base_url="https://dash.example")
    assert https.headers["Strict-Transport-Security"].startswith("max-age=")


def test_sec008_production_cookies_are_secure_and_the_default_key_is_refused(tmp_path, secure_url):
    from dashboard.app import create_app

    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"database_url": secure_url, "instance_dir": tmp_path})
    app = create_app({"database_url": secure_url, "instance_dir": tmp_path, "secret_key": SECRET})
    assert app.server.config["SESSION_COOKIE_SECURE"] is True
    cookie = app.server.test_client().get("/login").headers.getlist("Set-Cookie")
    assert any("asb_session" in c and "Secure" in c for c in cookie)


def test_sec009_commander_opens_on_their_district_and_can_view_others(secure_app):
    client = sign_in(secure_app, "cole.commander")
    default = _post(client, page_payload(ids.OVERVIEW, area=None))
    body = default.get_json()["response"]
    assert body[next(k for k in body if "url-sync" in k)]["data"].startswith(
        "?area=district:Colchester&"
    )
    other = _post(client, page_payload(ids.OVERVIEW, area="district:Harlow"))
    assert "Harlow district · 12 months to March 2021" in " ".join(
        texts(other.get_json()["response"][ids.content_id(ids.OVERVIEW)]["children"])
    )


def test_sec010_area_restriction_limits_every_view_and_export(secure_app):
    client = sign_in(secure_app, "nora.north")
    response = _post(client, page_payload(ids.OVERVIEW, area="force"))
    text = " ".join(
        texts(response.get_json()["response"][ids.content_id(ids.OVERVIEW)]["children"])
    )
    assert "'force' is not a valid area" in text
    assert "Area: Essex Police (force)" not in text.split("Districts compared")[0]
    # Comparisons list only the districts of the North LPA, not their neighbours.
    compared = text.split("Districts compared")[1]
    for north in ("Braintree & Uttlesford", "Chelmsford & Maldon", "Colchester", "Tendring"):
        assert north in compared
    for elsewhere in ("Basildon", "Harlow", "Southend", "Thurrock"):
        assert elsewhere not in compared
    attendance = _post(client, page_payload(ids.ATTENDANCE, area="lpa:North")).get_data(True)
    assert "Tendring" in attendance and "Thurrock" not in attendance
    pack = client.get("/board-pack.pdf?area=force&to=2021-03", headers={})
    if pack.status_code == 200:  # Chromium present: the pack is for an allowed area
        assert (
            b"asb-board-pack_essex-police-force"
            not in pack.headers.get("Content-Disposition", "").encode()
        )


def test_sec011_disabled_accounts_are_signed_out_at_their_next_request(secure_app, secure_url):
    save_account("dan.disabled", role="viewer", password_hash=hash_password(PASSWORD))
    client = sign_in(secure_app, "dan.disabled")
    assert _post(client, page_payload(ids.OVERVIEW)).status_code == 200
    save_account("dan.disabled", active=False)
    assert _post(client, page_payload(ids.OVERVIEW)).status_code == 401
    assert account_by_username("dan.disabled").active is False


def test_sec012_oversized_requests_are_refused(secure_app):
    client = sign_in(secure_app, "vera.viewer")
    response = client.post(
        "/_dash-update-component",
        data=b"x" * (3 * 1024 * 1024),
        content_type="application/json",
    )
    assert response.status_code == 413


def test_sec013_one_analysts_board_pack_is_not_anothers(secure_app):
    from queries.export_jobs import create_job, finish_job

    job = create_job("board_pack_pdf", "?area=force", owner="ann.analyst")
    finish_job(job, "pack.pdf", b"%PDF-1.4 test")
    assert sign_in(secure_app, "ann.analyst").get(f"/board-pack/file/{job}").status_code == 200
    assert sign_in(secure_app, "bob.analyst").get(f"/board-pack/file/{job}").status_code == 404
    assert sign_in(secure_app, "vera.viewer").get(f"/board-pack/file/{job}").status_code == 403


class _CountingHasher(PasswordHasher):
    """The real Argon2 hasher, counting its verifications: against the dummy hash or a real one."""

    def __init__(self) -> None:
        super().__init__()
        self.counts: Counter[str] = Counter()
        self._lock = threading.Lock()

    def verify(self, hash, password) -> bool:
        with self._lock:
            self.counts["dummy" if hash == passwords._DUMMY else "real"] += 1
        return super().verify(hash, password)


@pytest.fixture
def verifications(monkeypatch) -> Counter[str]:
    hasher = _CountingHasher()
    monkeypatch.setattr(passwords, "_hasher", hasher)
    return hasher.counts


def _alert(page: str) -> str:
    """The sign-in page's message."""
    return re.search(r'role="alert">(.*?)</div>', page, re.S).group(1)


def _page_without(response, username: str) -> str:
    """The page, less what differs by design: the username typed and the form's CSRF token."""
    page = response.get_data(as_text=True).replace(f'value="{username}"', 'value=""')
    return re.sub(r'name="csrf_token" value="[^"]+"', "", page)


def test_sec017_every_kind_of_account_fails_alike(secure_app, verifications):
    """Unknown, disabled, locked, password-less and active accounts: the same page, the same
    status and exactly one Argon2 verification per attempt, so neither the text nor the work
    tells an attacker which accounts exist or what state they are in."""
    for name in ("act.ive", "dis.abled", "loc.ked"):
        save_account(name, role="viewer", password_hash=hash_password(PASSWORD))
    save_account("dis.abled", active=False)
    save_account("loc.ked", locked_until=dt.datetime.now(dt.UTC) + dt.timedelta(hours=1))
    save_account("oi.dc", role="viewer", oidc_subject="https://idp.example|oi.dc")
    attempts = [("no.body", "a wrong password"), ("act.ive", "a wrong password")] + [
        (name, password)
        for name in ("dis.abled", "loc.ked", "oi.dc")
        for password in ("a wrong password", PASSWORD)
    ]
    pages = set()
    for username, password in attempts:
        verifications.clear()
        response = sign_in(secure_app, username, password).last
        assert response.status_code == 401, username
        assert sum(verifications.values()) == 1, (username, verifications)
        pages.add(_page_without(response, username))
    assert len(pages) == 1
    message = _alert(response.get_data(as_text=True))
    assert message.startswith("Sign-in failed: check your username and password.")
    assert "locked for 15 minutes" in message  # general help, the same for everyone
    assert account_by_username("loc.ked").locked_until is not None  # still locked
    verifications.clear()
    assert sign_in(secure_app, "act.ive").last.status_code == 302
    assert verifications == {"real": 1}


def _hammer(n: int, attempt) -> list:
    """Run `attempt(i)` in n threads released together; their results (errors re-raised)."""
    barrier = threading.Barrier(n)
    results: list = [None] * n

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = attempt(i)
        except Exception as exc:  # raised again below, in the test's own thread
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for result in results:
        if isinstance(result, Exception):
            raise result
    return results


@pytest.mark.postgres
def test_sec018_concurrent_attempts_claim_at_most_the_threshold(scratch_postgres):
    """Each password check is counted before it is made, in one UPDATE: 40 at once on
    PostgreSQL let exactly 5 (the threshold) through, and the fifth locks the account."""
    from queries.accounts import claim_password_check

    engine = make_engine(scratch_postgres)
    upgrade(engine)
    engine.dispose()
    db.configure(scratch_postgres)
    save_account("vic.tim", role="viewer", password_hash=hash_password(PASSWORD))
    claims = _hammer(40, lambda _: claim_password_check("vic.tim", 5, dt.timedelta(minutes=15)))
    assert sum(claim is not None for claim in claims) == 5
    assert account_by_username("vic.tim").locked_until is not None
    assert claim_password_check("vic.tim", 5, dt.timedelta(minutes=15)) is None
    assert claim_password_check("no.body", 5, dt.timedelta(minutes=15)) is None


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def test_sec019_concurrent_wrong_passwords_over_http_check_at_most_the_threshold(
    backend, request, tmp_path, verifications
):
    """20 wrong passwords at once against a served app: only 5 are checked against the real
    hash (the rest against the dummy, alike), all fail alike, and the account ends locked."""
    from werkzeug.serving import make_server

    from dashboard.app import create_app

    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'http.sqlite3'}"
    else:
        url = request.getfixturevalue("scratch_postgres")
    app = create_app(
        {
            "database_url": url,
            "instance_dir": tmp_path,
            "log_level": "WARNING",
            "secret_key": SECRET,
            "cookie_secure": "0",
            "auto_init": False,  # sign-in needs no figures
            "lockout_attempts": 5,
        }
    )
    save_account("vic.tim", role="viewer", password_hash=hash_password(PASSWORD))
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    forms = []
    for i in range(20):  # each attacker with their own session and CSRF token
        browser = requests.Session()
        page = browser.get(f"{base}/login", timeout=30).text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        forms.append(
            (browser, {"username": "vic.tim", "password": f"guess {i}", "csrf_token": token})
        )
    verifications.clear()
    try:
        responses = _hammer(
            20,
            lambda i: forms[i][0].post(
                f"{base}/login", data=forms[i][1], allow_redirects=False, timeout=120
            ),
        )
    finally:
        server.shutdown()
    assert [r.status_code for r in responses] == [401] * 20
    assert len({_alert(r.text) for r in responses}) == 1
    assert verifications == {"real": 5, "dummy": 15}
    assert account_by_username("vic.tim").locked_until is not None
