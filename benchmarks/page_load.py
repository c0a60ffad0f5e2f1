"""Page load in headless Chromium: first contentful paint and time to interactive per page.

"Interactive" is when the page's own content has arrived and drawn (its first KPI card or
chart summary is visible, so its filters can be used), measured from navigation start with the
browser's performance clock. Each page is loaded twice: by a new browser (nothing cached) with
the server's cache cold for that page, then by the same browser again (a return visit).
    python benchmarks/page_load.py BASE_URL
"""

from __future__ import annotations

import json
import sys

PAGES = {
    "overview": ("/", "[data-testid=kpi-incidents]"),
    "incidents": ("/incidents", ".chart-summary"),
    "attendance": ("/attendance", ".chart-summary"),
    "perception": ("/perception", ".chart-summary"),
    "msg": ("/msg", ".chart-summary"),
    "targets": ("/targets", ".chart-summary"),
    "district": ("/district", ".chart-summary"),
}


def measure(base: str) -> dict:
    from playwright.sync_api import sync_playwright

    results = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium")
        for name, (path, ready) in PAGES.items():
            runs = []
            # cold: a new browser (nothing cached) on a cold server cache; warm: the same
            # browser coming back, as a board member does (scripts cached, server cache warm).
            context = browser.new_context(viewport={"width": 1366, "height": 768})
            for _ in ("cold", "warm"):
                page = context.new_page()
                page.goto(base + path)
                page.locator(ready).first.wait_for(timeout=60_000)
                interactive = page.evaluate("performance.now()")
                timings = page.evaluate(
                    """() => {
                        const nav = performance.getEntriesByType('navigation')[0];
                        const fcp = performance.getEntriesByName('first-contentful-paint')[0];
                        return {dom: nav.domContentLoadedEventEnd,
                                fcp: fcp ? fcp.startTime : null};
                    }"""
                )
                runs.append(
                    {
                        "first_contentful_paint_ms": round(timings["fcp"] or 0),
                        "dom_content_loaded_ms": round(timings["dom"]),
                        "interactive_ms": round(interactive),
                    }
                )
                page.close()
            context.close()
            results[name] = {"cold": runs[0], "warm": runs[1]}
        browser.close()
    return results


if __name__ == "__main__":
    print(json.dumps(measure(sys.argv[1]), indent=2))
