"""The project's vocabularies, defined once: ASB categories, measures and their polarity, slugs."""

from __future__ import annotations

import re
from typing import Literal

# The National Standard for Incident Recording's three ASB categories, in the report's order.
NSIR_CATEGORIES: tuple[str, ...] = ("personal", "nuisance", "environmental")
# What an incident row may hold: an NSIR category, or "unknown" where the source has none.
RECORDED_CATEGORIES: tuple[str, ...] = (*NSIR_CATEGORIES, "unknown")
CATEGORY_LABELS: dict[str, str] = {c: c.capitalize() for c in NSIR_CATEGORIES}

Polarity = Literal["lower_is_better", "higher_is_better", "neutral"]
# Which direction counts as better for each measure a KPI, target or chart is judged on.
# Attendance has none: it follows the need assessed for each call (THRIVE), not a target.
POLARITY: dict[str, Polarity] = {
    "asb_incidents": "lower_is_better",
    "asb_incidents_excl_covid": "lower_is_better",
    "asb_attended": "neutral",
    "pct_attended": "neutral",
    "confidence_dealing_with_asb": "higher_is_better",
    "msg_rate": "lower_is_better",
}


def slug(text: str) -> str:
    """'Braintree & Uttlesford' -> 'braintree-uttlesford': for file names and keys."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
