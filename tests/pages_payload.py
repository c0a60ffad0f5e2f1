"""Real `/_dash-update-component` payloads for each page's filter callback."""

from __future__ import annotations

import base64
import json
import time

from dashboard.core import ids

EXTRA = {ids.INCIDENTS: {"category": "all", "break": "2020-03", "base": "auto"}}


def url_key(page: str) -> str:
    return json.dumps({"page": page, "type": ids.URL_SYNC}, separators=(",", ":"))


def page_payload(page: str, **values) -> dict:
    params = {"area": "force", "to": "2021-03", "covid": "include", **EXTRA.get(page, {})}
    params.update(values)
    content = ids.content_id(page)
    return {
        "output": f"..{content}.children...{url_key(page)}.data...{ids.status_id(page)}.children..",
        "outputs": [
            {"id": content, "property": "children"},
            {"id": {"page": page, "type": ids.URL_SYNC}, "property": "data"},
            {"id": ids.status_id(page), "property": "children"},
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


def start_board_pack(app, client, fmt: str, query: str, page: str = ids.ATTENDANCE) -> str:
    """Press a page's board-pack button as the browser does; the job id."""
    button = {"type": ids.BOARD_PACK_BUTTON, "page": page}
    payload = callback_payload(
        app,
        ids.BOARD_PACK_JOB,
        {"page": page},
        inputs=[
            ({**button, "fmt": "pdf"}, "n_clicks", 1 if fmt == "pdf" else None),
            ({**button, "fmt": "pptx"}, "n_clicks", 1 if fmt == "pptx" else None),
        ],
        state=[
            ({"type": ids.URL_SYNC, "page": page}, "data", query),
            ({"type": ids.BOARD_PACK_JOB, "page": page}, "data", None),
        ],
        changed=({**button, "fmt": fmt}, "n_clicks"),
    )
    response = client.post("/_dash-update-component", json=payload)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    body = response.get_json()["response"]
    job_id = next(v["data"] for k, v in body.items() if ids.BOARD_PACK_JOB in k)
    poll_enabled = next(v["disabled"] for k, v in body.items() if ids.BOARD_PACK_POLL in k)
    assert poll_enabled is False and job_id
    assert "Starting the board pack" in str(body)
    return job_id


def poll_board_pack(app, client, job_id: str, page: str = ids.ATTENDANCE) -> list[dict]:
    """Poll as the page's interval does; every response until the poll stops (generous: no
    test asserts on how long a pack takes)."""
    seen = []
    for n in range(1, 300):
        payload = callback_payload(
            app,
            ids.BOARD_PACK_DOWNLOAD,
            {"page": page},
            inputs=[({"type": ids.BOARD_PACK_POLL, "page": page}, "n_intervals", n)],
            state=[({"type": ids.BOARD_PACK_JOB, "page": page}, "data", job_id)],
        )
        response = client.post("/_dash-update-component", json=payload)
        assert response.status_code in (200, 204), response.get_data(as_text=True)[:500]
        body = response.get_json()["response"]
        seen.append(body)
        if next(v["disabled"] for k, v in body.items() if ids.BOARD_PACK_POLL in k):
            return seen
        time.sleep(0.5)
    raise AssertionError("the board pack job never finished")


def board_pack_file(body: dict) -> tuple[str, bytes]:
    """(file name, content) a finished poll delivered."""
    sent = next(v["data"] for k, v in body.items() if ids.BOARD_PACK_DOWNLOAD in k)
    return sent["filename"], base64.b64decode(sent["content"])
