"""User accounts: look-ups for sign-in, and the few writes that sign-in and the CLI make."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import case, insert, or_, select, update

from dashboard.core.extensions import db
from dashboard.core.models import UserAccount

# Changing any of these ends every session of the account (see end_sessions).
ENDS_SESSIONS = ("password_hash", "role", "active")


@dataclass(frozen=True)
class Account:
    """A user_account row as sign-in and the command line read it."""

    id: int
    username: str
    display_name: str
    role: str
    password_hash: str | None
    oidc_subject: str | None
    home_area: str
    allowed_areas: str
    active: bool
    failed_sign_ins: int
    locked_until: dt.datetime | None
    last_sign_in_at: dt.datetime | None
    session_generation: int = 0


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    return value.replace(tzinfo=dt.UTC) if value and value.tzinfo is None else value


def _account(row) -> Account | None:
    if row is None:
        return None
    values = dict(row._mapping)
    values.pop("created_at", None)
    values["locked_until"] = _utc(values["locked_until"])
    values["last_sign_in_at"] = _utc(values["last_sign_in_at"])
    return Account(**values)


def _select():
    return select(*[c for c in UserAccount.__table__.c])


def account_by_username(username: str) -> Account | None:
    """The account with this username, or None: what a password sign-in looks up."""
    with db.engine.connect() as conn:
        row = conn.execute(_select().where(UserAccount.username == username)).first()
    return _account(row)


def account_by_id(account_id: int) -> Account | None:
    """The account behind a session's uid, or None; re-read on each request to check the session."""
    with db.engine.connect() as conn:
        row = conn.execute(_select().where(UserAccount.id == account_id)).first()
    return _account(row)


def account_by_oidc_subject(subject: str) -> Account | None:
    """The account linked to an OpenID Connect identity ('issuer|subject'), or None."""
    with db.engine.connect() as conn:
        row = conn.execute(_select().where(UserAccount.oidc_subject == subject)).first()
    return _account(row)


def all_accounts() -> list[Account]:
    """Every account, by username, for the command line's account listing."""
    with db.engine.connect() as conn:
        rows = conn.execute(_select().order_by(UserAccount.username)).all()
    return [a for a in (_account(r) for r in rows) if a is not None]


def save_account(username: str, **values) -> Account:
    """Create the account, or update the given fields of an existing one."""
    now = dt.datetime.now(dt.UTC)
    with db.engine.begin() as conn:
        exists = conn.execute(
            select(UserAccount.id).where(UserAccount.username == username)
        ).scalar_one_or_none()
        if exists is None:
            defaults = {
                "display_name": username,
                "role": "viewer",
                "home_area": "",
                "allowed_areas": "",
                "active": True,
                "failed_sign_ins": 0,
            }
            conn.execute(
                insert(UserAccount).values(
                    username=username, created_at=now, **{**defaults, **values}
                )
            )
        elif values:
            conn.execute(
                update(UserAccount)
                .where(UserAccount.id == exists)
                .values(**values, session_generation=_generation_after(values))
            )
    saved = account_by_username(username)
    assert saved is not None  # written just above, in this transaction's connection's database
    return saved


def _generation_after(values: dict):
    """The generation, raised in the same UPDATE if a value that ends sessions changes."""
    changes = [
        UserAccount.__table__.c[name].is_distinct_from(values[name])
        for name in ENDS_SESSIONS
        if name in values
    ]
    if not changes:
        return UserAccount.session_generation
    return UserAccount.session_generation + case((or_(*changes), 1), else_=0)


def end_sessions(account_id: int) -> None:
    """Sign the account out everywhere: every session signed in before now stops working."""
    with db.engine.begin() as conn:
        conn.execute(
            update(UserAccount)
            .where(UserAccount.id == account_id)
            .values(session_generation=UserAccount.session_generation + 1)
        )


def claim_password_check(username: str, lock_after: int, lock_for: dt.timedelta) -> Account | None:
    """Count a password attempt before it is checked; None if the account may not be tried now.

    One UPDATE ... RETURNING, run for every username (an unknown one matches no row): attempts
    on one account queue on its row, so however many arrive at once, at most `lock_after` are
    let through before the lock, which the last of them sets. Success resets the count.
    """
    now = dt.datetime.now(dt.UTC)
    reaches = UserAccount.failed_sign_ins + 1 >= lock_after
    statement = (
        update(UserAccount)
        .where(
            UserAccount.username == username,
            UserAccount.active.is_(True),
            UserAccount.password_hash.is_not(None),
            or_(UserAccount.locked_until.is_(None), UserAccount.locked_until <= now),
        )
        .values(
            failed_sign_ins=case((reaches, 0), else_=UserAccount.failed_sign_ins + 1),
            locked_until=case((reaches, now + lock_for), else_=None),  # clears an expired lock
        )
        .returning(*UserAccount.__table__.c)
    )
    with db.engine.begin() as conn:
        return _account(conn.execute(statement).first())


def record_sign_in(account_id: int) -> None:
    """A successful sign-in: clear the failure count and any lock, and note when."""
    with db.engine.begin() as conn:
        conn.execute(
            update(UserAccount)
            .where(UserAccount.id == account_id)
            .values(failed_sign_ins=0, locked_until=None, last_sign_in_at=dt.datetime.now(dt.UTC))
        )
