"""Write the example board packs in docs/examples/ from the default dataset.

Run from the repository root after `make install`: .venv/bin/python scripts/make_example_packs.py
Needs Chromium (for the charts) and, for the first-page pictures, pdftoppm (poppler-utils).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import parse_qsl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dashboard.app import create_app  # noqa: E402
from dashboard.core.viewer import Viewer  # noqa: E402
from dashboard.web.board_pack import make_pack  # noqa: E402

EXAMPLES = ROOT / "docs" / "examples"
FORCE_PACK = "board-pack-force-12m-to-2021-03"
PACKS = {
    "board-pack-force-12m-to-2021-03": "area=force&to=2021-03&covid=include",
    "board-pack-colchester-12m-to-2021-03": "area=district:Colchester&to=2021-03&covid=include",
}


def main() -> None:
    EXAMPLES.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"instance_dir": Path(tmp), "log_level": "WARNING", "demo": True})
        client = app.server.test_client()
        for name, query in PACKS.items():
            response = client.get(f"/board-pack.pdf?{query}")
            assert response.status_code == 200, response.get_data(as_text=True)[:300]
            pdf = EXAMPLES / f"{name}.pdf"
            pdf.write_bytes(response.data)
            if shutil.which("pdftoppm"):
                subprocess.run(
                    [
                        "pdftoppm",
                        "-png",
                        "-r",
                        "60",
                        "-f",
                        "1",
                        "-l",
                        "2",
                        str(pdf),
                        str(EXAMPLES / name),
                    ],
                    check=True,
                )
            print(f"wrote {pdf}")
        # The same force pack as slides.
        with app.server.app_context():
            _, slides = make_pack(dict(parse_qsl(PACKS[FORCE_PACK])), "pptx", Viewer.system())
        pptx = EXAMPLES / f"{FORCE_PACK}.pptx"
        pptx.write_bytes(slides)
        print(f"wrote {pptx}")


if __name__ == "__main__":
    main()
