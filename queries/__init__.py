"""The database access layer: SQL in, plain records or DataFrames out (hot reads memoised)."""
