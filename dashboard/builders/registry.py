"""The one registry of filtered pages: the navigation, the page callbacks, the board pack, the
downloads, the callback sweep and the tests all find pages here. A page is one builder module
plus one line below."""

from __future__ import annotations

from dataclasses import dataclass

from dashboard.builders import attendance, district, incidents, msg, overview, perception, targets
from dashboard.builders.common import Build
from dashboard.core import ids


@dataclass(frozen=True)
class PageSpec:
    """A filtered page: its id, the title a board pack gives it, its builder and its own filters
    beyond area, period and Covid."""

    id: str
    title: str
    build: Build
    extra_filters: tuple[str, ...] = ()


# In menu order.
PAGES: tuple[PageSpec, ...] = (
    PageSpec(ids.OVERVIEW, "Overview", overview.build),
    PageSpec(ids.INCIDENTS, "Incidents", incidents.build, ("category", "break", "base")),
    PageSpec(ids.ATTENDANCE, "Attendance", attendance.build),
    PageSpec(ids.PERCEPTION, "Public perception and confidence", perception.build),
    PageSpec(ids.MSG, "Most Similar Group", msg.build),
    PageSpec(ids.TARGETS, "Plan targets", targets.build),
    PageSpec(ids.DISTRICT, "District view", district.build),
)
BY_ID: dict[str, PageSpec] = {spec.id: spec for spec in PAGES}
BUILDERS: dict[str, Build] = {spec.id: spec.build for spec in PAGES}
