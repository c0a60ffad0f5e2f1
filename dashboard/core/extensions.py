"""Extension singletons, bound to the Flask server by create_app (the Flask/Superset pattern)."""

from flask_caching import Cache

from dashboard.core.database import db

cache = Cache()

__all__ = ["cache", "db"]
