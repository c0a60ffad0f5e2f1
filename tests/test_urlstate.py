"""URL state: links round-trip to the same filters; bad values fall back with a message."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

from hypothesis import given
from hypothesis import strategies as st

from dashboard.core.urlstate import Filters, parse_filters

AREAS = ["force", "lpa:North", "district:Colchester", "district:Braintree & Uttlesford"]
MONTHS = ["2016-03", "2016-04", "2021-02", "2021-03"]


def _params(query: str) -> dict:
    return {k: v[0] for k, v in parse_qs(urlparse(query).query).items()}


def test_url001_round_trip_every_combination():
    for area in AREAS:
        for to in MONTHS:
            for covid in ("include", "exclude"):
                filters = Filters(area, to, covid)
                again, messages = parse_filters(_params(filters.query_string()), AREAS, MONTHS)
                assert again == filters and messages == []


def test_url002_the_issue_example():
    filters, messages = parse_filters(
        _params("/?area=district:Colchester&to=2021-03&covid=exclude"), AREAS, MONTHS
    )
    assert filters == Filters("district:Colchester", "2021-03", "exclude") and not messages
    assert filters.query_string() == "?area=district:Colchester&to=2021-03&covid=exclude"


def test_url003_ampersand_in_a_district_name_is_encoded():
    query = Filters("district:Braintree & Uttlesford", "2021-03", "include").query_string()
    assert "Braintree%20%26%20Uttlesford" in query
    assert _params(query)["area"] == "district:Braintree & Uttlesford"


def test_url004_defaults_when_empty():
    assert parse_filters({}, AREAS, MONTHS) == (Filters("force", "2021-03", "include"), [])


def test_url005_bad_values_fall_back_with_messages():
    filters, messages = parse_filters(
        {"area": "district:Atlantis", "to": "2021-13", "covid": "maybe", "zoom": "9"},
        AREAS,
        MONTHS,
    )
    assert filters == Filters("force", "2021-03", "include")
    text = " ".join(messages)
    assert "'district:Atlantis' is not a valid area" in text
    assert "'2021-13' is not a valid period end" in text
    assert "'maybe' is not a valid Covid option" in text
    assert "Ignored unknown parameter(s): zoom" in text


def test_url006_repeated_parameter():
    filters, messages = parse_filters({"area": ["force", "lpa:North"]}, AREAS, MONTHS)
    assert filters.area == "force" and "given more than once" in messages[0]


@given(
    st.dictionaries(
        st.sampled_from(["area", "to", "covid", "x"]),
        st.one_of(st.text(), st.lists(st.text(), max_size=3)),
    )
)
def test_url007_any_input_gives_valid_filters(params):
    filters, _ = parse_filters(params, AREAS, MONTHS)
    assert filters.area in AREAS and filters.to in MONTHS
    assert filters.covid in ("include", "exclude")
