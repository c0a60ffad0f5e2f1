"""Template, published-table and geography loaders: good files load, bad files change nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from dashboard.core.models import (
    AsbIncidentMonth,
    DataLoad,
    Event,
    MsgMeasure,
    PublishedFigure,
    SurveyResult,
    Target,
)
from dashboard.loaders.bootstrap import DATA
from dashboard.loaders.errors import LoadRejected
from dashboard.loaders.published import load_published
from dashboard.loaders.templates import TEMPLATES, load_template
from tests.conftest import table_counts

HEADER = "month,area_type,area,category,covid_breach,incidents,attended\n"


@pytest.mark.parametrize("template", sorted(TEMPLATES))
def test_tpl001_every_example_file_loads(geo_engine, template):
    path = DATA / "examples" / f"{template}.csv"
    report = load_template(geo_engine, template, path)
    assert report.rows_loaded == report.rows_read > 0
    table = {
        "incidents": AsbIncidentMonth,
        "surveys": SurveyResult,
        "msg": MsgMeasure,
        "targets": Target,
        "events": Event,
    }[template]
    with geo_engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(table)).scalar_one() == (
            report.rows_loaded
        )


def test_tpl002_incidents_example_values(geo_engine):
    load_template(geo_engine, "incidents", DATA / "examples" / "incidents.csv")
    with geo_engine.connect() as conn:
        total, attended = conn.execute(
            select(func.sum(AsbIncidentMonth.incidents), func.sum(AsbIncidentMonth.attended))
        ).one()
    assert (total, attended) == (21 + 305 + 12 + 95 + 4, 17 + 160 + 8 + 38 + 2)


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("2021-04,district,Colchester,nuisance,false,-5,0", "column 'incidents': -5 is negative"),
        ("2021-04,district,Atlantis,nuisance,false,5,1", "unknown district 'Atlantis'"),
        ("2021-4,district,Colchester,nuisance,false,5,1", "'2021-4' is not a month"),
        ("2021-04,district,Colchester,rowdy,false,5,1", "'rowdy' is not one of"),
        ("2021-04,district,Colchester,nuisance,maybe,5,1", "'maybe' is not true/false"),
        ("2021-04,district,Colchester,nuisance,false,5,9", "9 attended exceeds 5 incidents"),
        ("2021-04,district,Colchester,nuisance,false,5", "has 6 fields where the header has 7"),
    ],
)
def test_tpl003_bad_incident_rows_are_rejected_with_line(geo_engine, tmp_path, row, expected):
    good = "2021-04,district,Colchester,personal,false,3,2\n"
    path = tmp_path / "incidents.csv"
    path.write_text(HEADER + good + row + "\n", encoding="utf-8")
    before = table_counts(geo_engine)
    with pytest.raises(LoadRejected) as caught:
        load_template(geo_engine, "incidents", path)
    assert "incidents.csv, line 3" in str(caught.value)
    assert expected in str(caught.value)
    assert table_counts(geo_engine) == before


def test_tpl004_all_problems_reported_at_once(geo_engine, tmp_path):
    path = tmp_path / "many.csv"
    path.write_text(
        HEADER
        + "2021-04,district,Nowhere,nuisance,false,1,0\n"
        + "2021-13,district,Colchester,nuisance,false,1,0\n"
        + "2021-04,district,Colchester,nuisance,false,x,0\n",
        encoding="utf-8",
    )
    with pytest.raises(LoadRejected) as caught:
        load_template(geo_engine, "incidents", path)
    assert [p.line for p in caught.value.problems] == [2, 3, 4]


def test_tpl005_incidents_replace_whole_months(geo_engine, tmp_path):
    path = tmp_path / "a.csv"
    path.write_text(HEADER + "2021-04,district,Colchester,nuisance,false,10,5\n", encoding="utf-8")
    load_template(geo_engine, "incidents", path)
    path.write_text(HEADER + "2021-04,district,Harlow,nuisance,false,7,1\n", encoding="utf-8")
    load_template(geo_engine, "incidents", path)
    with geo_engine.connect() as conn:
        assert conn.execute(select(func.sum(AsbIncidentMonth.incidents))).scalar_one() == 7


def test_tpl006_published_tables_load_and_reload_idempotently(geo_engine):
    reports = load_published(geo_engine, DATA / "published")
    assert {r.file for r in reports} == {
        "essex_asb_annual.csv",
        "essex_asb_category_share.csv",
        "essex_asb_forecast.csv",
        "essex_msg_rank_asb_rate.csv",
        "essex_csew_perception.csv",
        "essex_csew_pt_difference.csv",
        "essex_confidence_survey.csv",
    }
    first = table_counts(geo_engine)
    load_published(geo_engine, DATA / "published")
    second = table_counts(geo_engine)
    assert {k: v for k, v in first.items() if k != "data_load"} == {
        k: v for k, v in second.items() if k != "data_load"
    }
    assert second["survey_result"] == 45 + 4  # CSEW 9 measures x 5 years; confidence 4 results
    with geo_engine.connect() as conn:
        excl = conn.execute(
            select(PublishedFigure.count).where(
                PublishedFigure.measure == "asb_incidents_excl_covid",
                PublishedFigure.kind == "actual",
            )
        ).scalar_one()
        loads = conn.execute(select(func.count()).select_from(DataLoad)).scalar_one()
    assert excl == 44_995
    assert loads == 2 + 2 * 7 + 1  # geography (2 files) + population + 7 tables twice


def test_tpl007_published_disagreeing_duplicate_rejected(geo_engine, tmp_path):
    for path in (DATA / "published").glob("*.csv"):
        (tmp_path / path.name).write_text(path.read_text())
    forecast = tmp_path / "essex_asb_forecast.csv"
    forecast.write_text(forecast.read_text().replace("60391", "60392"))
    with pytest.raises(LoadRejected, match="60392 here but 60391"):
        load_published(geo_engine, tmp_path)
