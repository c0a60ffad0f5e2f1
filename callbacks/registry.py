"""Each filtered page's builder, by page id: the board pack and the downloads rebuild a page's
content on the server from these, never from what the browser sends back."""

from __future__ import annotations

from callbacks import attendance, district, incidents, msg, overview, perception, targets
from callbacks.common import Build
from dashboard import ids

# (page id, title in a board pack, builder), in menu order.
PAGES: tuple[tuple[str, str, Build], ...] = (
    (ids.OVERVIEW, "Overview", overview.build),
    (ids.INCIDENTS, "Incidents", incidents.build),
    (ids.ATTENDANCE, "Attendance", attendance.build),
    (ids.PERCEPTION, "Public perception and confidence", perception.build),
    (ids.MSG, "Most Similar Group", msg.build),
    (ids.TARGETS, "Plan targets", targets.build),
    (ids.DISTRICT, "District view", district.build),
)
BUILDERS: dict[str, Build] = {page: build for page, _, build in PAGES}
