"""Who is asking, and what they may do. Read by the guard, the callbacks and the filters."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, g, has_request_context, session

# What each role may do. Every role sees every page; commanders open on their own area.
PERMISSIONS = {
    "view": {"viewer", "commander", "analyst", "admin"},
    "export": {"analyst", "admin"},
    "admin": {"admin"},
}


@dataclass(frozen=True)
class CurrentUser:
    username: str
    display_name: str
    role: str
    home_area: str = ""
    allowed_areas: tuple[str, ...] = ()  # empty: every area

    def may(self, permission: str) -> bool:
        return self.role in PERMISSIONS[permission]


DEMO_USER = CurrentUser("demo", "Demonstration user", "admin")


def current_user() -> CurrentUser | None:
    """The signed-in user for this request (the demo user in demo mode), else None."""
    if not has_request_context():
        return None
    if "asb_user" in g:
        return g.asb_user
    user = None
    if current_app.config.get("ASB_DEMO"):
        user = DEMO_USER
    elif "uid" in session:
        from queries.accounts import account_by_id

        account = account_by_id(int(session["uid"]))
        # A disabled account, one whose role changed, or one whose sessions were ended since
        # this one began (sign-out anywhere, password reset), is signed out at once.
        if (
            account
            and account.active
            and session.get("role") == account.role
            and session.get("generation") == account.session_generation
        ):
            user = CurrentUser(
                account.username,
                account.display_name,
                account.role,
                account.home_area,
                tuple(account.allowed_areas.split()),
            )
    g.asb_user = user
    return user


def may(permission: str) -> bool:
    """Whether this request's user may do something; outside a request (CLI, jobs), yes."""
    if not has_request_context():
        return True
    user = current_user()
    return bool(user and user.may(permission))


def area_scope() -> tuple[str, tuple[str, ...]]:
    """(the user's home area, the areas they are restricted to, empty for all)."""
    user = current_user()
    if user is None:
        return "", ()
    return user.home_area, user.allowed_areas


def audit(action: str, detail: str = "") -> None:
    """Record an action by this request's user in the audit log."""
    from flask import request

    from queries.audit import record_event

    user = current_user()
    address = request.remote_addr or "" if has_request_context() else ""
    record_event(user.username if user else "(system)", action, detail, address)
