"""WSGI entry point for gunicorn: `gunicorn dashboard.wsgi:server` (see the Procfile).

The app is built at import, in each worker (no --preload needed); the database engine is created
lazily per process either way.
"""

import sys

from dashboard.app import create_app
from dashboard.core.settings import BadSetting, MissingBackend, Settings
from dashboard.web.runtime import settle_heap

try:
    Settings.from_env().check_backends()
    Settings.from_env().check_pptx_template()
except (MissingBackend, BadSetting) as exc:  # one line saying what to fix, not a traceback
    print(exc, file=sys.stderr, flush=True)
    sys.exit(3)  # gunicorn's "worker failed to boot": the master stops instead of respawning

app = create_app()
server = app.server
settle_heap()
