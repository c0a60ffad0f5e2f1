"""Who is asking in this request. Read once, at the edge (the guard, page layouts, callbacks),
and handed down as a Viewer; nothing deeper reads the request."""

from __future__ import annotations

from flask import current_app, g, has_request_context, session

from dashboard.core.viewer import NOBODY, Viewer

DEMO_USER = Viewer("demo", "Demonstration user", "admin")


def current_user() -> Viewer | None:
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
            user = Viewer(
                account.username,
                account.display_name,
                account.role,
                account.home_area,
                tuple(account.allowed_areas.split()),
            )
    g.asb_user = user
    return user


def request_viewer() -> Viewer:
    """This request's viewer, captured at the edge; no one signed in sees nothing."""
    return current_user() or NOBODY


def may(permission: str) -> bool:
    """Whether this request's user may do something. Outside a request: no (fail closed)."""
    return request_viewer().may(permission)


def audit(action: str, detail: str = "") -> None:
    """Record an action by this request's user in the audit log."""
    from flask import request

    from queries.audit import record_event

    user = current_user()
    address = request.remote_addr or "" if has_request_context() else ""
    record_event(user.username if user else "(system)", action, detail, address)
