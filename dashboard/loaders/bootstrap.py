"""Builds the default database from the data the package ships (first start, or on demand)."""

from __future__ import annotations

import logging

from sqlalchemy import Engine

from dashboard.core.database import has_data, schema_lock, upgrade
from dashboard.loaders.base import LoadReport
from dashboard.loaders.geography import load_geography, load_population
from dashboard.loaders.police_uk import load_street_files
from dashboard.loaders.published import load_published
from dashboard.loaders.templates import load_template

log = logging.getLogger(__name__)

from dashboard.core.paths import DATA  # noqa: E402  (re-exported)

FORCE_NAME = "Essex Police"


def build_default_data(engine: Engine, command: str = "default dataset") -> list[LoadReport]:
    """Load every shipped file through the same loaders a force would use."""
    upgrade(engine)
    reports = load_geography(
        engine,
        DATA / "geography" / "essex_geography.csv",
        DATA / "geography" / "essex_lsoa.csv",
        FORCE_NAME,
        command,
    )
    reports.append(load_population(engine, DATA / "population" / "census_2011_lsoa.csv", command))
    reports += load_published(engine, DATA / "published", command)
    reports.append(load_template(engine, "surveys", DATA / "survey_quotes.csv", command))
    reports.append(load_template(engine, "events", DATA / "events.csv", command))
    reports.append(load_template(engine, "targets", DATA / "targets.csv", command))
    reports.append(
        load_template(engine, "incidents", DATA / "illustrative" / "incidents_monthly.csv", command)
    )
    reports.append(
        load_template(engine, "msg", DATA / "illustrative" / "msg_asb_incidents.csv", command)
    )
    reports += load_street_files(engine, sorted((DATA / "police_uk").glob("*.csv.gz")), command)
    return reports


def ensure_database(engine: Engine, auto_init: bool = True) -> None:
    """Migrate the schema; on an empty database, build the default data (first start only).

    One process at a time (schema_lock): the others then find the schema current and the data
    there, and go on.
    """
    with schema_lock(engine):
        upgrade(engine)
        if auto_init and not has_data(engine):
            log.info("Empty database: building the default dataset from the shipped files")
            build_default_data(engine, "first start")
