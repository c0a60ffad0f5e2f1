"""Every component id in the app, in one place. Prefixes say which page owns them."""

# App shell
# Per page, {"type": URL_SYNC, "page": <page>} holds the canonical query string that a
# clientside callback writes to the address bar.
URL_SYNC = "url-sync"
URL_SYNC_DONE = "url-sync-done"
ERROR_BANNER = "app-error-banner"

# Shared filter bar
FILTER_AREA = "filter-area"
FILTER_TO = "filter-to"
FILTER_COVID = "filter-covid"
FILTER_MESSAGES = "filter-messages"

# Overview
OVW_PAGE = "overview"
OVW_HEADING = "ovw-heading"
OVW_CARDS = "ovw-cards"
OVW_DISTRICTS = "ovw-districts"
