"""The web edge, one job per module: sign-in and the request guard (auth/), Flask config
(config), logging (logs), the schema check (schema), the page shell (shell), error answers
(errors, outage_response), the callback payload check (callback_guard), response headers
(security), Flask routes (routes, board_pack) and background jobs (jobs)."""
