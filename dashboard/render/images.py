"""A chart's figure as an image stands alone: stamped with the month its data run to."""

from __future__ import annotations

import plotly.graph_objects as go

from dashboard.builders.figures import stamp_data_to
from dashboard.model import Chart


def chart_figure(chart: Chart) -> go.Figure:
    """The figure a chart image (download, board pack, slides) is drawn from."""
    figure = chart.figure if isinstance(chart.figure, go.Figure) else go.Figure(chart.figure)
    return stamp_data_to(figure, chart.data_to)
