"""Extension singletons, bound to each Flask app by create_app with init_app (the Flask pattern).

Two caches with their own settings: `query_cache` memoises query results (small, many), and
`page_cache` holds each page's built model and rendered content (large, fewer).
"""

from flask_caching import Cache

from dashboard.core.database import db

query_cache = Cache()
page_cache = Cache()

__all__ = ["db", "page_cache", "query_cache"]
