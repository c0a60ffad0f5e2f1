"""Fuzzing (Hypothesis): odd URLs, callback payloads and loader files end in a valid page or a
clear message, never a 500 or a traceback, and a rejected file changes nothing."""

from __future__ import annotations

import csv
import io
import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.core import ids
from dashboard.loaders.errors import LoadRejected
from dashboard.loaders.templates import TEMPLATES, load_template
from pages import attendance, district, incidents, msg, overview, perception, targets
from tests.conftest import geography_database, table_counts
from tests.pages_payload import EXTRA, page_payload

FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Values a hand-edited link or a forged request might carry.
odd_values = st.one_of(
    st.none(),
    st.text(max_size=40),
    st.sampled_from(["force", "district:Harlow", "lpa:North", "2021-03", "2099-12", "exclude"]),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True),
    st.lists(st.text(max_size=8), max_size=3),
    st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=2),
    st.booleans(),
)
PAGES = [ids.OVERVIEW, ids.INCIDENTS, ids.DISTRICT]


@FUZZ
@given(page=st.sampled_from(PAGES), data=st.data())
def test_fz001_callback_payloads(client, page, data):
    names = ["area", "to", "covid", *EXTRA.get(page, {})]
    values = {name: data.draw(odd_values, label=name) for name in names}
    response = client.post("/_dash-update-component", json=page_payload(page, **values))
    body = response.get_data(as_text=True)
    assert response.status_code == 200, body[:300]
    assert "Traceback" not in body and "Something went wrong" not in body
    content = response.get_json()["response"][ids.content_id(page)]["children"]
    assert content  # a page, possibly with a message saying what was not used


@FUZZ
@given(body=st.one_of(st.binary(max_size=200), st.text(max_size=200)))
def test_fz002_garbage_callback_bodies_are_4xx(client, body):
    response = client.post("/_dash-update-component", data=body, content_type="application/json")
    assert 400 <= response.status_code < 500 or response.status_code == 204
    assert "Traceback" not in response.get_data(as_text=True)


LAYOUTS = [overview, incidents, attendance, perception, msg, targets, district]


@FUZZ
@given(
    module=st.sampled_from(LAYOUTS),
    params=st.dictionaries(st.text(min_size=1, max_size=10), st.text(max_size=30), max_size=5),
)
def test_fz003_page_layouts_with_any_query_string(dash_app, client, module, params):
    # Dash pages pass the query string to the layout as keyword arguments.
    params = {k: v for k, v in params.items() if k.isidentifier()}
    with dash_app.server.test_request_context("/"):
        tree = module.layout(**params)
    assert json.dumps(tree.to_plotly_json(), default=str)


@FUZZ
@given(path=st.text(min_size=1, max_size=30), query=st.text(max_size=40))
def test_fz004_any_url_is_a_page_or_a_404(client, path, query):
    from urllib.parse import quote

    response = client.get("/" + quote(path) + "?" + quote(query, safe="=&"))
    # 308: Werkzeug merges repeated slashes ("//") with a permanent redirect to the clean path.
    assert response.status_code in (200, 302, 308, 404), response.status_code
    assert "Traceback" not in response.get_data(as_text=True)
    response.close()


def _cell():
    return st.one_of(
        st.text(max_size=12),
        st.sampled_from(
            [
                "2021-04",
                "district",
                "Colchester",
                "force",
                "Essex Police",
                "personal",
                "false",
                "12",
                "-3",
                "",
                "2021-13",
                "1e9",
                "NaN",
            ]
        ),
    )


@pytest.fixture(scope="module")
def fuzz_engine(tmp_path_factory):
    engine = geography_database(f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'f.sqlite3'}")
    yield engine
    engine.dispose()


@FUZZ
@given(template=st.sampled_from(sorted(TEMPLATES)), data=st.data())
def test_fz005_loader_files_load_or_are_rejected_whole(fuzz_engine, template, data):
    spec = TEMPLATES[template]
    columns = data.draw(
        st.one_of(
            st.just(spec.required + spec.optional),
            st.permutations(spec.required),
            st.lists(st.sampled_from([*spec.required, "junk"]), max_size=8),
        ),
        label="columns",
    )
    rows = data.draw(
        st.lists(st.lists(_cell(), min_size=len(columns), max_size=len(columns)), max_size=6),
        label="rows",
    )
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(columns)
    writer.writerows(rows)
    raw = text.getvalue().encode("utf-8")
    if data.draw(st.booleans(), label="corrupt"):
        raw = raw + data.draw(st.binary(max_size=20), label="tail")
    before = table_counts(fuzz_engine)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{template}.csv"
        path.write_bytes(raw)
        try:
            report = load_template(fuzz_engine, template, path)
        except LoadRejected as exc:
            assert str(exc) and "Traceback" not in str(exc)
            assert exc.problems
            assert table_counts(fuzz_engine) == before  # nothing written
        else:
            assert report.rows_loaded <= report.rows_read


@FUZZ
@given(
    page=st.sampled_from(PAGES),
    mutation=st.sampled_from(["drop-input", "extra-input", "bad-id", "bad-prop", "no-changed"]),
    junk=odd_values,
)
def test_fz006_mangled_real_payloads(client, page, mutation, junk):
    payload = page_payload(page)
    if mutation == "drop-input":
        payload["inputs"] = payload["inputs"][1:]
    elif mutation == "extra-input":
        payload["inputs"].append({"id": "nope", "property": "value", "value": junk})
    elif mutation == "bad-id":
        payload["inputs"][0]["id"] = junk
    elif mutation == "bad-prop":
        payload["inputs"][0]["property"] = junk
    else:
        payload["changedPropIds"] = junk
    response = client.post("/_dash-update-component", json=payload)
    assert response.status_code < 500, (mutation, junk)
    assert "Traceback" not in response.get_data(as_text=True)
