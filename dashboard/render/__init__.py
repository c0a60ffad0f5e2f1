"""Renderers: a Page to the Dash tree, the PDF, the slides, CSV/XLSX and images."""
