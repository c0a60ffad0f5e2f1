"""Logging set-up for the app process, and the warning a development secret earns."""

from __future__ import annotations

import logging

from dashboard.core.settings import INSECURE_DEFAULT_KEY, Settings

log = logging.getLogger(__name__)


def configure_logging(settings: Settings) -> None:
    """Log at the configured level; say so when the insecure development key is in use."""
    logging.basicConfig(level=settings.log_level)
    if settings.secret_key == INSECURE_DEFAULT_KEY:
        log.warning("SECRET_KEY is not set: demo mode, using an insecure development key")
