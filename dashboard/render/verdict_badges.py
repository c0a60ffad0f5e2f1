"""Verdicts at a glance: Making Data Count's variation and assurance icons, and changes that
say whether they are good or bad news in colour, icon and words (never colour alone)."""

from __future__ import annotations

import dash
from dash import html

from dashboard.analysis.spc import AssuranceIcon, VariationIcon
from dashboard.model import Change, Status, Verdict

# The icon file for each Making Data Count code; the words shown beside it are the engine's.
VARIATION_FILES = {
    "common_cause": "variation-common.svg",
    "improvement_high": "variation-improvement-high.svg",
    "improvement_low": "variation-improvement-low.svg",
    "concern_high": "variation-concern-high.svg",
    "concern_low": "variation-concern-low.svg",
    "neither_high": "variation-neither.svg",
    "neither_low": "variation-neither.svg",
}
ASSURANCE_FILES = {
    "consistently_pass": "assurance-pass.svg",
    "consistently_fail": "assurance-fail.svg",
    "hit_and_miss": "assurance-hit-and-miss.svg",
}


def _tone(code: str) -> str:
    if code.startswith("improvement") or code == "consistently_pass":
        return "good"
    if code.startswith("concern") or code == "consistently_fail":
        return "bad"
    return "neutral"


def _badge(file: str | None, label: str, text: str, code: str, testid: str) -> html.Span:
    """An icon (decorative: the label beside it says the same, so colour and shape are never
    the only cue) and the label, with the full sentence as the tooltip."""
    icon = (
        # Sized in the markup, so the page does not shift when the icon arrives.
        html.Img(
            src=dash.get_asset_url(f"icons/{file}"),
            alt="",
            width="28",
            height="28",
            className="verdict-icon",
        )
        if file
        else None
    )
    return html.Span(
        [icon, html.Span(label, className="verdict-words")],
        className=f"verdict verdict-{_tone(code)}",
        title=text,
        **{"data-testid": testid, "data-code": code},
    )


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _reason(text: str) -> str:
    """The why of an icon that could not be given ("No variation icon: <why>.")."""
    return text.split(": ", 1)[-1].rstrip(".")


def variation_badge(icon: VariationIcon) -> html.Span:
    """The latest month's variation: common cause, or special cause improvement / concern.
    Said to be the latest month's, so it reads beside a year-on-year change without clashing."""
    if icon.code == "none":
        label = f"Latest month: no SPC verdict ({_reason(icon.text)})"
    else:
        label = f"Latest month: {_lower_first(icon.label)}"
    return _badge(VARIATION_FILES.get(icon.code), label, icon.text, icon.code, "variation")


def assurance_badge(icon: AssuranceIcon) -> html.Span:
    """Will the process meet its target: pass, fail, hit and miss, or none (with the reason on
    screen, not only in a tooltip that a phone cannot show)."""
    if icon.code == "none":
        label = f"SPC assurance: none ({_reason(icon.text)})"
    else:
        label = f"SPC assurance: {_lower_first(icon.label)}"
    return _badge(ASSURANCE_FILES.get(icon.code), label, icon.text, icon.code, "assurance")


def change_text(text: str, change: float | None, polarity: str) -> html.Span:
    """A change with its direction in words, colour and an arrow: "▲ +46% … (worse)"."""
    if change is None or change == 0 or polarity == "neutral":
        return html.Span(text, className="change change-neutral")
    up = change > 0
    better = up == (polarity == "higher_is_better")
    # The arrow is drawn by the stylesheet (decorative: the words say it), so documents built
    # from this text need no arrow glyph in their fonts.
    return html.Span(
        [text, html.Strong(" (better)" if better else " (worse)")],
        className=f"change change-{'good' if better else 'bad'} change-{'up' if up else 'down'}",
    )


def status_pill(text: str, good: bool | None) -> html.Span:
    """A target's status: on track reads differently from off track, in icon and colour too."""
    tone = "neutral" if good is None else ("good" if good else "bad")
    return html.Span(text, className=f"status-pill pill-{tone}")  # the tick or cross: CSS


def verdict_badge(verdict: Verdict) -> html.Span:
    """A model verdict as its icon and words."""
    files = VARIATION_FILES if verdict.kind == "variation" else ASSURANCE_FILES
    return _badge(files.get(verdict.code), verdict.label, verdict.text, verdict.code, verdict.kind)


def change_span(change: Change) -> html.Span:
    """A model change in words, colour and an arrow."""
    return change_text(change.text, change.change, change.polarity)


def pill(status: Status) -> html.Span:
    """A model status as its pill."""
    return status_pill(status.text, status.good)
