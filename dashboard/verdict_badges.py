"""Verdicts at a glance: Making Data Count's variation and assurance icons, and changes that
say whether they are good or bad news in colour, icon and words (never colour alone)."""

from __future__ import annotations

import dash
from dash import html

# (icon file, words): the words are on screen beside the icon, not only in its alt text.
VARIATION = {
    ("common_cause", ""): ("variation-common.svg", "Common cause variation: no special cause"),
    ("improvement", "high"): ("variation-improvement-high.svg", "Special cause improvement"),
    ("improvement", "low"): ("variation-improvement-low.svg", "Special cause improvement"),
    ("concern", "high"): ("variation-concern-high.svg", "Special cause concern"),
    ("concern", "low"): ("variation-concern-low.svg", "Special cause concern"),
    ("neither", "high"): ("variation-neither.svg", "Special cause (neither good nor bad)"),
    ("neither", "low"): ("variation-neither.svg", "Special cause (neither good nor bad)"),
}
ASSURANCE = {
    "pass": ("assurance-pass.svg", "Consistently passing the target"),
    "fail": ("assurance-fail.svg", "Consistently failing the target"),
    "hit_and_miss": ("assurance-hit-and-miss.svg", "Hit and miss: the target is within the limits"),
}
TONE = {"improvement": "good", "pass": "good", "concern": "bad", "fail": "bad"}


def _badge(icon: str, words: str, detail: str, tone: str, testid: str) -> html.Span:
    return html.Span(
        [
            html.Img(src=dash.get_asset_url(f"icons/{icon}"), alt="", className="verdict-icon"),
            html.Span(words, className="verdict-words"),
            html.Span(f" ({detail})", className="verdict-detail") if detail else None,
        ],
        className=f"verdict verdict-{tone}",
        **{"data-testid": testid},
    )


def variation_badge(kind: str, direction: str = "", detail: str = "") -> html.Span:
    """The latest point's variation: common cause, or special cause improvement / concern."""
    icon, words = VARIATION[(kind, direction if kind != "common_cause" else "")]
    return _badge(icon, words, detail, TONE.get(kind, "neutral"), "variation-icon")


def assurance_badge(kind: str | None, detail: str = "") -> html.Span:
    """Will the process meet the target? None when the data cannot say (with the reason)."""
    if kind is None:
        return html.Span(
            ["No assurance", html.Span(f" ({detail})", className="verdict-detail")],
            className="verdict verdict-neutral",
            **{"data-testid": "assurance-icon"},
        )
    icon, words = ASSURANCE[kind]
    return _badge(icon, words, detail, TONE.get(kind, "neutral"), "assurance-icon")


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
