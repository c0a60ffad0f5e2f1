"""WSGI entry point for gunicorn: `gunicorn dashboard.wsgi:server` (see the Procfile).

The app is built at import, in each worker (no --preload needed); the database engine is created
lazily per process either way.
"""

from dashboard.app import create_app
from dashboard.runtime import settle_heap

app = create_app()
server = app.server
settle_heap()
