"""The web edge: sign-in, the request guard, routes, outage answers, background jobs."""
