"""Real `/_dash-update-component` payloads for each page's filter callback."""

from __future__ import annotations

import json

from dashboard import ids

EXTRA = {ids.INCIDENTS: {"category": "all", "break": "2020-03", "base": "auto"}}


def url_key(page: str) -> str:
    return json.dumps({"page": page, "type": ids.URL_SYNC}, separators=(",", ":"))


def page_payload(page: str, **values) -> dict:
    params = {"area": "force", "to": "2021-03", "covid": "include", **EXTRA.get(page, {})}
    params.update(values)
    content = ids.content_id(page)
    return {
        "output": f"..{content}.children...{url_key(page)}.data..",
        "outputs": [
            {"id": content, "property": "children"},
            {"id": {"page": page, "type": ids.URL_SYNC}, "property": "data"},
        ],
        "inputs": [
            {"id": ids.filter_id(page, name), "property": "value", "value": value}
            for name, value in params.items()
        ],
        "changedPropIds": [f"{ids.filter_id(page, 'area')}.value"],
    }


def texts(component) -> list[str]:
    """Every string in a serialised component tree, in order."""
    found: list[str] = []
    if isinstance(component, str):
        found.append(component)
    elif isinstance(component, list):
        for c in component:
            found += texts(c)
    elif isinstance(component, dict):
        props = component.get("props", component)
        for key in ("children", "title"):
            if key in props and key == "children":
                found += texts(props[key])
    return found


def figures(component) -> dict[str, dict]:
    """Every chart's figure in a serialised tree, by "<chart>-graph" (or a plain graph's id).

    A chart block's figure is in its CHART_FIGURE store (the graph shows a placeholder until
    the browser draws it); a graph outside chart blocks carries its own figure.
    """
    found: dict[str, dict] = {}
    if isinstance(component, list):
        for c in component:
            found |= figures(c)
    elif isinstance(component, dict):
        props = component.get("props", {})
        node_id = props.get("id")
        kind = node_id.get("type") if isinstance(node_id, dict) else None
        if component.get("type") == "Store" and kind == ids.CHART_FIGURE:
            found[f"{node_id['chart']}-graph"] = props["data"]
        elif component.get("type") == "Graph" and kind != ids.CHART_GRAPH:
            found[node_id] = props["figure"]
        found |= figures(props.get("children"))
    return found


def array(value) -> list:
    """A figure array as Plotly sends it: a list, or a base64 typed array {dtype, bdata}."""
    if isinstance(value, dict) and "bdata" in value:
        import base64

        import numpy as np

        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"]).tolist()
    return list(value)


def table_stores(component) -> list[dict]:
    """The data behind every downloadable table in a serialised tree: {id, data}."""
    found: list[dict] = []
    if isinstance(component, list):
        for c in component:
            found += table_stores(c)
    elif isinstance(component, dict):
        props = component.get("props", {})
        if (
            component.get("type") == "Store"
            and isinstance(props.get("id"), dict)
            and (props["id"].get("type") == "table-data")
        ):
            found.append({"id": props["id"], "data": props["data"]})
        found += table_stores(props.get("children"))
    return found


def callback_payload(
    app,
    output_type: str,
    match: dict,
    inputs: list[tuple[dict | str, str, object]],
    state: list[tuple[dict | str, str, object]] = (),
    changed: tuple[dict | str, str] | None = None,
) -> dict:
    """The request the browser sends for the (pattern-matching) callback whose first output is
    `output_type`, with MATCH wildcards filled from `match`: taken from the app's own callback
    map, so it is exactly what Dash expects (including allow_duplicate's @-suffixes)."""
    key = next(
        k
        for k in app.callback_map
        if k.startswith('..{"')
        and json.loads(k[2:].split("}.", 1)[0] + "}").get("type") == output_type
    )
    outputs = []
    for part in key.strip(".").split("..."):
        id_text, prop = part.rsplit(".", 1)
        spec = json.loads(id_text)
        outputs.append(
            {
                "id": {k: match.get(k, v) if v == ["MATCH"] else v for k, v in spec.items()},
                "property": prop,
            }
        )

    def item(spec, prop, value):
        return {"id": spec, "property": prop, "value": value}

    first = changed or inputs[0][:2]
    first_id = (
        first[0]
        if isinstance(first[0], str)
        else json.dumps(first[0], separators=(",", ":"), sort_keys=True)
    )
    return {
        "output": key,
        "outputs": outputs,
        "inputs": [item(*i) for i in inputs],
        "state": [item(*s) for s in state],
        "changedPropIds": [f"{first_id}.{first[1]}"],
    }


def page_state(page: str, query: str) -> list[list[dict]]:
    """The download callbacks' state: the page's URL_SYNC store (an ALL match), id and data."""
    store = {"page": page, "type": ids.URL_SYNC}
    return [
        [{"id": store, "property": "id", "value": store}],
        [{"id": store, "property": "data", "value": query}],
    ]


def url_sync_value(response_json: dict) -> str:
    """The canonical query string a page callback wrote to its URL_SYNC store."""
    body = response_json["response"]
    return body[next(k for k in body if ids.URL_SYNC in k)]["data"]
