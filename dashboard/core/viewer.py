"""Who asks and which areas they may see: one value, captured where work starts, passed down.

A request captures its viewer once (dashboard.web.auth.current.request_viewer); a background job
is handed the viewer of the request that started it; the CLI uses a system viewer. Queries,
builders, jobs and exports take it as an argument and never look it up themselves, so a job
on a thread with no request cannot silently widen what a restricted user sees.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

# What each role may do. Every role sees every page; commanders open on their own area.
PERMISSIONS = {
    "view": frozenset({"viewer", "commander", "analyst", "admin"}),
    "export": frozenset({"analyst", "admin"}),
    "admin": frozenset({"admin"}),
}


class AreaLike(Protocol):
    """What scope checks need of an area (queries.areas.AreaRecord has it)."""

    @property
    def selector(self) -> str:
        """The area as a URL names it: 'force', 'lpa:North' or 'district:Harlow'."""

    @property
    def kind(self) -> str:
        """'force', 'lpa' or 'district': a district is also allowed through its LPA."""

    @property
    def parent_name(self) -> str | None:
        """The parent area's name; for a district, the LPA whose listing allows it."""


@dataclass(frozen=True)
class AreaScope:
    """The areas a viewer may see: named selectors ('lpa:North', 'district:Harlow'), or all.

    Hashable, so memoised queries can key on it. An LPA in the list allows its districts too;
    'force' allows everything.
    """

    allowed: tuple[str, ...] = ()

    @property
    def restricted(self) -> bool:
        """Whether any area is off limits: an empty list, or one naming the force, allows all."""
        return bool(self.allowed) and "force" not in self.allowed

    def permits(self, area: AreaLike) -> bool:
        """Whether the viewer may see this area's own figures."""
        if not self.restricted:
            return True
        return area.selector in self.allowed or (
            area.kind == "district" and f"lpa:{area.parent_name}" in self.allowed
        )

    @property
    def key(self) -> str:
        """A stable text for cache keys: '*' for every area."""
        return " ".join(sorted(self.allowed)) if self.restricted else "*"


@dataclass(frozen=True)
class Viewer:
    """A person (or the system) asking for figures, with their role and area restriction."""

    username: str
    display_name: str
    role: str
    home_area: str = ""
    allowed_areas: tuple[str, ...] = ()  # empty: every area

    def may(self, permission: str) -> bool:
        """Whether the viewer's role grants `permission` ('view', 'export' or 'admin')."""
        return self.role in PERMISSIONS[permission]

    @property
    def scope(self) -> AreaScope:
        """The areas this viewer may see, in the hashable form memoised queries key on."""
        return AreaScope(tuple(sorted(self.allowed_areas)))

    @classmethod
    def system(cls, name: str = "system") -> Viewer:
        """The command line and scheduled work: every area, every permission."""
        return cls(name, name, "admin")


# No permission and no area: what a request with no signed-in user is handed, so code that
# forgets the guard still shows nothing.
NOBODY = Viewer("", "nobody", "none", allowed_areas=("none:",))
