"""Every component id in the app, in one place.

Each page has its own filter bar, so filter ids carry the page name (`incidents-filter-area`);
build them with `filter_id`. Page content containers come from `content_id`.
"""

# App shell
ERROR_BANNER = "app-error-banner"
CHECK_BANNER = "app-check-banner"
NAV_TOGGLE = "app-nav-toggle"  # the phone's menu button
NAV_COLLAPSE = "app-nav"  # the navigation links it shows and hides
NAV_LINK = "nav-link"  # {"type": NAV_LINK, "path": "/incidents"}: hrefs carry the filters
# The filters that follow the user from page to page (a page's own, like category, do not).
CARRIED_FILTERS = ("area", "to", "covid")

# Per page, {"type": URL_SYNC, "page": <page>} holds the canonical query string that a
# clientside callback writes to the address bar.
URL_SYNC = "url-sync"
URL_SYNC_DONE = "url-sync-done"
# Written in the browser as soon as a filter changes (before the server answers), so a reload
# after a failed request, such as during a database outage, keeps the user's choice.
URL_DRAFT = "url-draft"

# Table downloads: pattern-matching ids keyed by the table ({"type": ..., "table": key})
TABLE_DATA = "table-data"
TABLE_DOWNLOAD = "table-download"
TABLE_DOWNLOAD_BUTTON = "table-download-button"

# Chart image exports, keyed by the chart block ({"type": ..., "chart": block_id})
CHART_GRAPH = "chart-graph"
CHART_IMAGE_BUTTON = "chart-image-button"
CHART_DOWNLOAD = "chart-download"
CHART_FILENAME = "chart-filename"
CHART_STATUS = "chart-status"
# Each chart's figure waits in a store; the browser sets CHART_SHOW when the chart is near the
# viewport (or the page is idle, or about to print) and a clientside callback draws it.
CHART_FIGURE = "chart-figure"
CHART_SHOW = "chart-show"
CHART_FRAME = "chart-frame"  # around the graph; its class says whether it is drawn yet

# The board pack, built in the background, keyed by page ({"type": ..., "page": page});
# its buttons add "fmt": "pdf" | "pptx".
BOARD_PACK_BUTTON = "board-pack-button"
BOARD_PACK_JOB = "board-pack-job"
BOARD_PACK_POLL = "board-pack-poll"
BOARD_PACK_STATUS = "board-pack-status"
BOARD_PACK_DOWNLOAD = "board-pack-download"

# Pages (the names used in ids, URLs' page keys and filter_options)
OVERVIEW = "overview"
INCIDENTS = "incidents"
ATTENDANCE = "attendance"
PERCEPTION = "perception"
MSG = "msg"
TARGETS = "targets"
DISTRICT = "district"
METHODS = "methods"
# The pages with a filter bar and content built by a callback, in menu order.

FILTER_NAMES = ("area", "to", "covid", "category", "break", "base")


def filter_id(page: str, name: str) -> str:
    """The id of a page's filter control, e.g. filter_id("incidents", "area")."""
    assert name in FILTER_NAMES, name
    return f"{page}-filter-{name}"


def nav_link_id(path: str) -> dict[str, str]:
    """The id of the navigation link to a page, by its path."""
    return {"type": NAV_LINK, "path": path}


def content_id(page: str) -> str:
    """The container a page's callback fills."""
    return f"{page}-content"


def status_id(page: str) -> str:
    """The page's one live region: a sentence saying what the content now shows."""
    return f"{page}-status"


def messages_id(page: str) -> str:
    """The filter bar's box for warnings about link values that could not be used."""
    return f"{page}-filter-messages"
