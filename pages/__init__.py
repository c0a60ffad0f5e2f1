"""The Dash pages: each module's layout and metadata, found through the page registry."""

from __future__ import annotations

import importlib
from types import ModuleType

from dashboard.builders.registry import PAGES as REGISTERED

# Pages outside the registry: Methods (no filters) and the 404 page, after the filtered pages.
UNFILTERED = ("methods", "not_found_404")


def layout_modules() -> tuple[ModuleType, ...]:
    """Every page's layout module in menu order: the registry's filtered pages (each module is
    named by its page id), then Methods and the 404 page."""
    names = [spec.id for spec in REGISTERED] + list(UNFILTERED)
    return tuple(importlib.import_module(f"pages.{name}") for name in names)
