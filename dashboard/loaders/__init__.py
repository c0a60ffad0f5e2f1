"""Loaders: validated files into the database, each rejected whole with line numbers."""
