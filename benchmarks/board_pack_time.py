"""How long a district's board pack takes, PDF and slides, built the way the app builds it
(and how many pages each PDF has).

The pack for Colchester, 12 months to each of three period ends (so no run reuses another's
page cache), through `dashboard.web.board_pack.make_pack` with a system viewer: every page
built, every chart drawn by kaleido, the document laid out. Used by benchmarks/run.py; alone:
    python benchmarks/board_pack_time.py DATABASE_URL
"""

from __future__ import annotations

import io
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PERIODS = ("2021-03", "2020-09", "2019-03")


def measure(url: str) -> dict:
    """Seconds per pack (median and each run) for the PDF and the slides."""
    from dashboard.app import create_app
    from dashboard.core.viewer import Viewer
    from dashboard.web.board_pack import make_pack

    work = Path(tempfile.mkdtemp(prefix="asb-pack-"))
    app = create_app(
        {"database_url": url, "instance_dir": work, "log_level": "WARNING", "demo": True}
    )
    results: dict = {}
    with app.server.app_context():
        for fmt in ("pdf", "pptx"):
            times, sizes, pages = [], [], []
            for to in PERIODS:
                params = {"area": "district:Colchester", "to": to, "covid": "include"}
                started = time.perf_counter()
                _name, content = make_pack(params, fmt, Viewer.system())
                times.append(time.perf_counter() - started)
                sizes.append(len(content) / 1e6)
                if fmt == "pdf":  # the page count a board files
                    from pypdf import PdfReader

                    pages.append(len(PdfReader(io.BytesIO(content)).pages))
            results[fmt] = {
                "median_s": round(statistics.median(times), 1),
                "runs_s": [round(t, 1) for t in times],
                "size_mb": round(max(sizes), 1),
                **({"pages": pages} if pages else {}),
            }
    return results


if __name__ == "__main__":
    print(json.dumps(measure(sys.argv[1]), indent=2))
