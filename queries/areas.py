"""Areas of the home force: the filter tree, and resolving a URL's area to a row."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from dashboard.core.extensions import db
from dashboard.core.models import Area, AreaClosure, Population
from dashboard.core.viewer import AreaScope
from queries._cache import memoized

KIND_LABEL = {"force": "force", "lpa": "LPA", "district": "district"}


@dataclass(frozen=True)
class AreaRecord:
    """One area of the filter tree, with the selector that names it in URLs."""

    id: int
    kind: str
    name: str
    selector: str  # as in the URL: 'force', 'lpa:<name>' or 'district:<name>'
    depth: int
    parent_name: str | None = None

    @property
    def option_label(self) -> str:
        """'Colchester district (North LPA)': the name first, so type-ahead finds it."""
        if self.kind == "district" and self.parent_name:
            return f"{self.label} ({self.parent_name} LPA)"
        return self.label

    @property
    def label(self) -> str:
        """'Colchester district' or 'Essex (force)': how the area is named in headings."""
        return (
            f"{self.name} ({KIND_LABEL[self.kind]})"
            if self.kind == "force"
            else (f"{self.name} {KIND_LABEL[self.kind]}")
        )


@memoized
def filter_areas() -> tuple[AreaRecord, ...]:
    """The home force, its LPAs and districts, in tree order (force, LPA, its districts, ...)."""
    with db.engine.connect() as conn:
        force_id = (
            conn.execute(select(Area.parent_id).where(Area.kind == "lpa").distinct())
            .scalars()
            .all()
        )
        if len(force_id) != 1:
            return ()
        rows = conn.execute(
            select(Area.id, Area.kind, Area.name, Area.parent_id, AreaClosure.depth)
            .join(AreaClosure, AreaClosure.descendant_id == Area.id)
            .where(AreaClosure.ancestor_id == force_id[0], Area.kind.in_(KIND_LABEL))
        ).all()
    by_parent: dict[int | None, list] = {}
    for r in rows:
        by_parent.setdefault(r.parent_id, []).append(r)
    ordered: list[AreaRecord] = []

    names = {r.id: r.name for r in rows}

    def walk(row) -> None:
        selector = "force" if row.kind == "force" else f"{row.kind}:{row.name}"
        ordered.append(
            AreaRecord(row.id, row.kind, row.name, selector, row.depth, names.get(row.parent_id))
        )
        for child in sorted(by_parent.get(row.id, []), key=lambda c: c.name):
            walk(child)

    walk(next(r for r in rows if r.kind == "force"))
    return tuple(ordered)


def visible_areas(scope: AreaScope) -> tuple[AreaRecord, ...]:
    """The home force's areas this scope permits, in tree order."""
    return tuple(a for a in filter_areas() if scope.permits(a))


def area_by_selector(selector: str) -> AreaRecord | None:
    """The filter-tree area a URL's selector names, or None if there is none."""
    return next((a for a in filter_areas() if a.selector == selector), None)


@memoized
def population(area_id: int) -> tuple[int, int] | None:
    """(persons, year) for an area: its LSOAs' newest population, summed in SQL."""
    lsoa = aliased(Area)
    with db.engine.connect() as conn:
        year = conn.execute(select(func.max(Population.year))).scalar_one()
        if year is None:
            return None
        persons = conn.execute(
            select(func.sum(Population.persons))
            .join(AreaClosure, AreaClosure.descendant_id == Population.area_id)
            .join(lsoa, lsoa.id == Population.area_id)
            .where(
                AreaClosure.ancestor_id == area_id,
                Population.year == year,
                lsoa.kind == "lsoa",
            )
        ).scalar_one()
    return (int(persons), int(year)) if persons else None


@memoized
def district_populations() -> dict[int, tuple[int, int]]:
    """(persons, year) of every district, by area id, in one query: each district's LSOAs'
    newest population, summed in SQL (as `population` does for one area)."""
    lsoa = aliased(Area)
    district = aliased(Area)
    newest = select(func.max(Population.year)).scalar_subquery()
    with db.engine.connect() as conn:
        rows = conn.execute(
            select(
                AreaClosure.ancestor_id.label("area_id"),
                func.sum(Population.persons).label("persons"),
                func.max(Population.year).label("year"),
            )
            .join(AreaClosure, AreaClosure.descendant_id == Population.area_id)
            .join(lsoa, lsoa.id == Population.area_id)
            .join(district, district.id == AreaClosure.ancestor_id)
            .where(district.kind == "district", lsoa.kind == "lsoa", Population.year == newest)
            .group_by(AreaClosure.ancestor_id)
        ).all()
    return {int(r.area_id): (int(r.persons), int(r.year)) for r in rows if r.persons}
