"""SQLAlchemy 2 models. The schema is owned by the Alembic migrations in dashboard/migrations.

Counts are integers with their denominators beside them; percentages are stored only where the
source publishes nothing but a percentage (survey results, published category shares).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from dashboard.core.vocab import RECORDED_CATEGORIES

AREA_KINDS = ("force", "lpa", "district", "local_authority", "lsoa")
CATEGORIES = RECORDED_CATEGORIES  # kept under the name migrations and loaders use
# The force's own incident series drives the KPIs; police.uk records drive maps and hot spots.
DATASETS = ("force", "police_uk")


class Base(DeclarativeBase):
    """The declarative base; Alembic's env reads every table's schema from its metadata."""


class Area(Base):
    """A node of the force -> LPA -> district -> local authority -> LSOA tree, or a peer force."""

    __tablename__ = "area"
    __table_args__ = (
        UniqueConstraint("kind", "name", name="uq_area_kind_name"),
        CheckConstraint(f"kind IN {AREA_KINDS}", name="ck_area_kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    name: Mapped[str] = mapped_column(String(200))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"), index=True)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)


class AreaClosure(Base):
    """Every (ancestor, descendant) pair, so any area's figures are one join and one GROUP BY."""

    __tablename__ = "area_closure"

    ancestor_id: Mapped[int] = mapped_column(ForeignKey("area.id"), primary_key=True)
    descendant_id: Mapped[int] = mapped_column(ForeignKey("area.id"), primary_key=True, index=True)
    depth: Mapped[int] = mapped_column(Integer)


class Population(Base):
    """People living in an area in a given year: the denominator of rates per 1,000."""

    __tablename__ = "population"

    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    persons: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(200))


class AsbIncidentMonth(Base):
    """Monthly ASB counts for one area (LSOA or district), category and Covid-breach flag."""

    __tablename__ = "asb_incident_month"
    __table_args__ = (
        UniqueConstraint(
            "dataset", "month", "area_id", "category", "covid_breach", name="uq_incident_cell"
        ),
        CheckConstraint("incidents >= 0", name="ck_incidents_nonneg"),
        CheckConstraint(
            "attended IS NULL OR (attended >= 0 AND attended <= incidents)",
            name="ck_attended_range",
        ),
        CheckConstraint(f"category IN {CATEGORIES}", name="ck_incident_category"),
        CheckConstraint(f"dataset IN {DATASETS}", name="ck_incident_dataset"),
        # (dataset, month, area_id) lookups use uq_incident_cell's index (migration 0004).
        Index("ix_incident_area_month", "area_id", "month"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    dataset: Mapped[str] = mapped_column(String(20))
    month: Mapped[dt.date] = mapped_column(Date)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"))
    category: Mapped[str] = mapped_column(String(20))
    covid_breach: Mapped[bool] = mapped_column(Boolean)
    incidents: Mapped[int] = mapped_column(Integer)
    attended: Mapped[int | None] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(40))
    load_id: Mapped[int | None] = mapped_column(ForeignKey("data_load.id"))


class PublishedFigure(Base):
    """A figure exactly as a report printed it, kept so on-screen values can be reconciled."""

    __tablename__ = "published_figure"
    __table_args__ = (
        UniqueConstraint("measure", "area_id", "period_end", "kind", name="uq_published_figure"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    measure: Mapped[str] = mapped_column(String(80), index=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"))
    period_start: Mapped[dt.date | None] = mapped_column(Date)
    period_end: Mapped[dt.date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(20), default="actual")  # actual | forecast
    count: Mapped[int | None] = mapped_column(BigInteger)
    pct: Mapped[float | None] = mapped_column(Float)
    precision: Mapped[float | None] = mapped_column(Float)
    of_total: Mapped[int | None] = mapped_column(Integer)  # e.g. rank "of 8"
    note: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(200))


class SurveyResult(Base):
    """A survey's published percentage for one question, area and period, with ranks if given."""

    __tablename__ = "survey_result"
    __table_args__ = (
        UniqueConstraint("survey", "question", "area_id", "period_end", name="uq_survey_result"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    survey: Mapped[str] = mapped_column(String(120))
    question: Mapped[str] = mapped_column(String(300))
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"), index=True)
    period_start: Mapped[dt.date] = mapped_column(Date)
    period_end: Mapped[dt.date] = mapped_column(Date)
    pct: Mapped[float] = mapped_column(Float)
    base_n: Mapped[int | None] = mapped_column(Integer)
    msg_rank: Mapped[int | None] = mapped_column(Integer)
    msg_of: Mapped[int | None] = mapped_column(Integer)
    national_rank: Mapped[int | None] = mapped_column(Integer)
    national_of: Mapped[int | None] = mapped_column(Integer)
    polarity: Mapped[str] = mapped_column(String(20), default="higher_is_better")
    source: Mapped[str] = mapped_column(String(200))


class MsgMeasure(Base):
    """A 12-month count and population for one force, from which rates and ranks are computed."""

    __tablename__ = "msg_measure"
    __table_args__ = (
        UniqueConstraint("force_id", "measure", "period_end", name="uq_msg_measure"),
        CheckConstraint("value >= 0 AND population > 0", name="ck_msg_values"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    force_id: Mapped[int] = mapped_column(ForeignKey("area.id"), index=True)
    measure: Mapped[str] = mapped_column(String(80))
    period_start: Mapped[dt.date] = mapped_column(Date)
    period_end: Mapped[dt.date] = mapped_column(Date)
    value: Mapped[int] = mapped_column(BigInteger)
    population: Mapped[int] = mapped_column(BigInteger)
    population_year: Mapped[int | None] = mapped_column(Integer)
    polarity: Mapped[str] = mapped_column(String(20), default="lower_is_better")
    source: Mapped[str] = mapped_column(String(200))


class Target(Base):
    """A Police and Crime Plan target: the baseline, the value to reach and by when."""

    __tablename__ = "target"
    __table_args__ = (UniqueConstraint("measure", "area_id", name="uq_target"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    measure: Mapped[str] = mapped_column(String(80))
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"))
    direction: Mapped[str] = mapped_column(String(20))  # decrease | increase
    baseline_period_start: Mapped[dt.date] = mapped_column(Date)
    baseline_period_end: Mapped[dt.date] = mapped_column(Date)
    baseline_value: Mapped[float] = mapped_column(Float)
    target_period_end: Mapped[dt.date] = mapped_column(Date)
    target_value: Mapped[float] = mapped_column(Float)
    description: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(200))


class Event(Base):
    """A dated change (a lockdown, a new way to report ASB) marked on the incident charts."""

    __tablename__ = "event"
    __table_args__ = (UniqueConstraint("date", "title", name="uq_event"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    date: Mapped[dt.date] = mapped_column(Date, index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(200))


class DataLoad(Base):
    """One successful load: what, from which file (with its sha256), how many rows, by whom."""

    __tablename__ = "data_load"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    file_name: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64))
    rows_read: Mapped[int] = mapped_column(Integer)
    rows_loaded: Mapped[int] = mapped_column(Integer)
    rows_skipped: Mapped[int] = mapped_column(Integer, default=0)
    notes: Mapped[str] = mapped_column(Text, default="")
    loaded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    command: Mapped[str] = mapped_column(String(500))


class ExportJob(Base):
    """A board pack being built in the background; the row is shared by every worker and host.

    Progress and the finished file live in the database (not process memory or a per-process
    cache), so whichever worker answers the browser's next poll can report on it.
    """

    __tablename__ = "export_job"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    query: Mapped[str] = mapped_column(String(500))
    owner: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(12), default="queued")
    step: Mapped[int] = mapped_column(Integer, default=0)
    steps: Mapped[int] = mapped_column(Integer, default=1)
    message: Mapped[str] = mapped_column(Text, default="")
    file_name: Mapped[str] = mapped_column(String(200), default="")
    content: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


ROLES = ("viewer", "commander", "analyst", "admin")


class UserAccount(Base):
    """Someone who may sign in: a local account (password hash) or an OpenID Connect identity."""

    __tablename__ = "user_account"
    __table_args__ = (CheckConstraint(f"role IN {ROLES!r}", name="ck_user_role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(200), unique=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(20))
    # Argon2id hash; NULL for accounts that sign in only through OpenID Connect.
    password_hash: Mapped[str | None] = mapped_column(String(200), nullable=True)
    oidc_subject: Mapped[str | None] = mapped_column(String(200), nullable=True, unique=True)
    # A commander's own area ("district:Colchester"), the default on every page.
    home_area: Mapped[str] = mapped_column(String(120), default="")
    # Row-level restriction: space-separated area selectors; empty means every area.
    allowed_areas: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_sign_ins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    last_sign_in_at: Mapped[dt.datetime | None] = mapped_column(
        DateTime(timezone=True), nullable=True
    )
    # Each session carries the value it was signed in with; raising it (sign-out, password
    # reset, disabling, role change) ends every session of the account at once.
    session_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class AuditEvent(Base):
    """Who did what, when: sign-ins, exports, data loads and account changes."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    actor: Mapped[str] = mapped_column(String(200), index=True)
    action: Mapped[str] = mapped_column(String(40), index=True)
    detail: Mapped[str] = mapped_column(Text, default="")
    address: Mapped[str] = mapped_column(String(64), default="")
