"""Sessions end everywhere at once: sign-out, password reset, disabling and role changes.

Each test replays a session cookie after the change, on a page and on a Dash callback, as
someone holding a copied cookie would (security review, issue 11, finding 8).
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from dashboard.cli import main as cli
from dashboard.core import ids
from dashboard.core.extensions import db
from dashboard.web.auth.passwords import hash_password
from queries.accounts import save_account
from tests.pages_payload import page_payload
from tests.test_security import (  # noqa: F401  (fixtures)
    PASSWORD,
    _bind,
    secure_app,
    secure_url,
    sign_in,
)

NEW_PASSWORD = "a different long passphrase"


@pytest.fixture(scope="module")
def app(secure_app):  # noqa: F811  (the imported fixture)
    """The app with sign-in on, over this module's own copy of the default database."""
    return secure_app


@pytest.fixture(scope="module")
def url(secure_url) -> str:  # noqa: F811
    return secure_url


def _works(client) -> bool:
    """Whether this client's session still opens a page and runs a callback."""
    page = client.get("/incidents?area=force").status_code
    callback = client.post("/_dash-update-component", json=page_payload(ids.OVERVIEW))
    assert (page == 200) is (callback.status_code == 200), (page, callback.status_code)
    return page == 200


def _copy(app, client):
    """A second client carrying the same session cookie: a replayed, copied cookie."""
    thief = app.server.test_client()
    thief.set_cookie("asb_session", client.get_cookie("asb_session").value)
    thief.set_cookie("_csrf_token", client.get_cookie("_csrf_token").value)
    thief.environ_base["HTTP_X_CSRFTOKEN"] = client.environ_base["HTTP_X_CSRFTOKEN"]
    return thief


def _account(name: str) -> None:
    save_account(name, role="viewer", password_hash=hash_password(PASSWORD))


def test_sec014_sign_out_ends_every_session_of_the_account(app):
    _account("sid.signout")
    laptop = sign_in(app, "sid.signout")
    phone = sign_in(app, "sid.signout")
    copied = _copy(app, laptop)
    assert _works(laptop) and _works(phone) and _works(copied)
    assert laptop.post("/logout").status_code == 302
    assert not _works(copied)  # the cookie from before sign-out, replayed
    assert not _works(phone)  # another device of the same account
    assert copied.get("/").headers["Location"].startswith("/login")
    again = sign_in(app, "sid.signout")
    assert again.last.status_code == 302 and _works(again)


def test_sec015_a_password_reset_ends_every_session(app, url):
    _account("pat.reset")
    client = sign_in(app, "pat.reset")
    other = sign_in(app, "pat.reset")
    assert _works(client)
    result = CliRunner().invoke(
        cli,
        ["users", "create", "pat.reset", "--password-stdin"],
        input=NEW_PASSWORD + "\n",
        env={"DATABASE_URL": url},
    )
    assert result.exit_code == 0, result.output
    db.configure(url)
    assert not _works(client) and not _works(other)
    assert sign_in(app, "pat.reset").last.status_code == 401  # the old password
    assert _works(sign_in(app, "pat.reset", NEW_PASSWORD))


def test_sec016_disabling_or_a_role_change_ends_sessions_for_good(app, url):
    _account("rue.roles")
    disabled = sign_in(app, "rue.roles")
    result = CliRunner().invoke(cli, ["users", "disable", "rue.roles"], env={"DATABASE_URL": url})
    assert result.exit_code == 0, result.output
    db.configure(url)
    save_account("rue.roles", active=True)  # enabled again: the old session stays ended
    assert not _works(disabled)
    changed = sign_in(app, "rue.roles")
    save_account("rue.roles", role="analyst")
    save_account("rue.roles", role="viewer")  # and back: still ended
    assert not _works(changed)
    kept = sign_in(app, "rue.roles")
    save_account("rue.roles", role="viewer", home_area="district:Harlow")  # nothing to end
    assert _works(kept)
