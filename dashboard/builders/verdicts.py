"""The statistics' icons as the page model's verdicts, in the words every output shows."""

from __future__ import annotations

from dashboard.analysis.spc import AssuranceIcon, VariationIcon
from dashboard.model import Verdict


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _reason(text: str) -> str:
    """The why of an icon that could not be given ("No variation icon: <why>.")."""
    return text.split(": ", 1)[-1].rstrip(".")


def variation_verdict(icon: VariationIcon) -> Verdict:
    """The latest month's variation, said to be the latest month's so it reads beside a
    year-on-year change without clashing."""
    if icon.code == "none":
        label = f"Latest month: no SPC verdict ({_reason(icon.text)})"
    else:
        label = f"Latest month: {_lower_first(icon.label)}"
    return Verdict("variation", icon.code, label, icon.text)


def assurance_verdict(icon: AssuranceIcon) -> Verdict:
    """Will the process meet its target: pass, fail, hit and miss, or none with the reason."""
    if icon.code == "none":
        label = f"SPC assurance: none ({_reason(icon.text)})"
    else:
        label = f"SPC assurance: {_lower_first(icon.label)}"
    return Verdict("assurance", icon.code, label, icon.text)
