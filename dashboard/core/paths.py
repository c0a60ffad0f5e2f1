"""Where the app's static assets are, in a checkout and in an installed wheel.

The stylesheets, scripts, icons and vendored Bootstrap and Plotly live in the repository's
top-level `assets/` folder. A wheel carries them as data files, which the installer puts under
the environment's prefix (`share/asb-oversight-dashboard/assets`, see pyproject.toml). A
checkout's own folder comes first, so an editable install or `PYTHONPATH=.` serves the files
being edited.
"""

from __future__ import annotations

import sys
import sysconfig
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent  # dashboard/
ROOT = PACKAGE.parent  # a checkout's top level
DATA = PACKAGE / "data"
MIGRATIONS = PACKAGE / "migrations"
INSTALLED = Path("share") / "asb-oversight-dashboard" / "assets"


def assets_folder() -> Path:
    """The checkout's assets/ if this code runs from one, else the installed copy."""
    checkout = ROOT / "assets"
    # pyproject.toml beside it: a checkout, not some other distribution's top-level assets/
    # in site-packages.
    if (ROOT / "pyproject.toml").is_file() and checkout.is_dir():
        return checkout
    prefixes = [
        sysconfig.get_path("data"),  # the environment's prefix (a virtualenv's, or the system's)
        sysconfig.get_path("data", sysconfig.get_preferred_scheme("user")),  # pip install --user
        sys.prefix,
    ]
    for prefix in prefixes:
        candidate = Path(prefix) / INSTALLED
        if candidate.is_dir():
            return candidate
    raise RuntimeError(
        f"the dashboard's assets are missing: no {checkout}, nor {INSTALLED} under"
        f" {sys.prefix}; reinstall the package"
    )
