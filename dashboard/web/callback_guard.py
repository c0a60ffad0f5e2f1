"""Callback payload check: a request Dash could not dispatch is a 400, not a 500 inside Dash."""

from __future__ import annotations

import json

from dash import Dash
from flask import jsonify, request


def _is_multi(component_id: object) -> bool:
    """Whether a declared id (as the callback map holds it: JSON text for a pattern) is an ALL
    or ALLSMALLER wildcard, for which the browser sends a list of matches."""
    if isinstance(component_id, str) and component_id.startswith("{"):
        component_id = json.loads(component_id)
    return isinstance(component_id, dict) and any(
        value in (["ALL"], ["ALLSMALLER"]) for value in component_id.values()
    )


def _item_matches(item, spec: dict) -> bool:
    """One input or state as the callback declares it: a list of matches for an ALL wildcard,
    else one {id, property} with the declared property."""
    if _is_multi(spec.get("id")):
        return isinstance(item, list) and all(
            isinstance(i, dict) and i.get("property") == spec.get("property") for i in item
        )
    return (
        isinstance(item, dict)
        and isinstance(item.get("id"), str | dict)
        and item.get("property") == spec.get("property")
    )


def _items_match(given, expected) -> bool:
    return (
        isinstance(given, list)
        and len(given) == len(expected)
        and all(_item_matches(i, e) for i, e in zip(given, expected, strict=True))
    )


def well_formed(body: object, callback_map: dict) -> bool:
    """Whether a callback request body names a registered callback, with its declared inputs
    and state, in the shapes Dash expects."""
    if not isinstance(body, dict):
        return False
    output = body.get("output")
    spec = callback_map.get(output) if isinstance(output, str) else None
    return (
        isinstance(spec, dict)
        and isinstance(body.get("outputs"), dict | list)
        and _items_match(body.get("inputs"), spec.get("inputs", []))
        and _items_match(body.get("state", []), spec.get("state", []))
        and isinstance(body.get("changedPropIds", []), list)
        and all(isinstance(c, str) for c in body.get("changedPropIds", []))
    )


def guard_callback_payloads(app: Dash) -> None:
    """Answer a malformed callback request with a 400 before Dash sees it."""

    def check():
        if request.path != "/_dash-update-component" or request.method != "POST":
            return None
        if not well_formed(request.get_json(silent=True), app.callback_map):
            return jsonify(message="Malformed callback request."), 400
        return None

    app.server.before_request(check)
