"""Page load in headless Chromium: first contentful paint, time to interactive, all charts drawn.

"Interactive" is measured inside the page: the moment its content is usable (the overview's
first KPI card; on chart pages, the first chart drawn, with its summary) and the browser's main
thread is then free to answer input (a task posted at that moment has run), from navigation
start on the browser's performance clock. "All charts drawn" is when no chart is still waiting
(charts below the fold are drawn near the viewport or in idle time: assets/deferred_charts.js).
Each page is loaded twice: by a new browser (nothing cached) with the server's cache cold for
that page, then by the same browser again (a return visit).
    python benchmarks/page_load.py BASE_URL
"""

from __future__ import annotations

import json
import sys
import time

PAGES = {
    "overview": ("/", "[data-testid=kpi-incidents]"),
    "incidents": ("/incidents", ".chart-frame:not(.chart-pending)"),
    "attendance": ("/attendance", ".chart-frame:not(.chart-pending)"),
    "perception": ("/perception", ".chart-frame:not(.chart-pending)"),
    "msg": ("/msg", ".chart-frame:not(.chart-pending)"),
    "targets": ("/targets", ".chart-frame:not(.chart-pending)"),
    "district": ("/district?area=district:Colchester", ".chart-frame:not(.chart-pending)"),
}

# Injected before the page's own scripts (through DevTools, so the page's CSP still holds).
PROBE = """
(() => {
  const ready = %s;
  const seen = window.__asbLoad = {};
  const check = () => {
    if (seen.content === undefined && document.querySelector(ready)) {
      seen.content = performance.now();
      const channel = new MessageChannel();  // runs once the main thread is free again
      channel.port1.onmessage = () => { seen.interactive = performance.now(); };
      channel.port2.postMessage(null);
    }
    if (seen.drawn === undefined && document.querySelector('.chart-frame, [data-testid]')
        && !document.querySelector('.chart-pending')) {
      seen.drawn = performance.now();
    }
  };
  new MutationObserver(check).observe(document, {childList: true, subtree: true,
                                                 attributes: true, attributeFilter: ['class']});
})();
"""


def _wait_for(page, key: str, timeout_s: float = 60.0) -> float:
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        value = page.evaluate(f"() => window.__asbLoad && window.__asbLoad.{key}")
        if value is not None:
            return value
        page.wait_for_timeout(50)
    raise TimeoutError(f"{key} not reached in {timeout_s} s on {page.url}")


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
            context.add_init_script(PROBE % json.dumps(ready))
            for _ in ("cold", "warm"):
                page = context.new_page()
                page.goto(base + path)
                interactive = _wait_for(page, "interactive")
                drawn = _wait_for(page, "drawn")
                fcp = page.evaluate(
                    """() => {
                        const fcp = performance.getEntriesByName('first-contentful-paint')[0];
                        return fcp ? fcp.startTime : null;
                    }"""
                )
                runs.append(
                    {
                        "first_contentful_paint_ms": round(fcp or 0),
                        "interactive_ms": round(interactive),
                        "all_charts_drawn_ms": round(drawn),
                    }
                )
                page.close()
            context.close()
            results[name] = {"cold": runs[0], "warm": runs[1]}
        browser.close()
    return results


if __name__ == "__main__":
    print(json.dumps(measure(sys.argv[1]), indent=2))
