"""The Plotly template: Okabe-Ito colours (safe for colour-blind readers), readable type."""

import plotly.graph_objects as go
import plotly.io as pio

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"


def register_template() -> None:
    pio.templates["asb"] = go.layout.Template(
        layout={
            "colorway": OKABE_ITO,
            "font": {"family": FONT, "size": 14, "color": "#1b1b1b"},
            "paper_bgcolor": "white",
            "plot_bgcolor": "white",
            "xaxis": {"gridcolor": "#e5e5e5", "linecolor": "#505050", "ticks": "outside"},
            "yaxis": {"gridcolor": "#e5e5e5", "linecolor": "#505050", "ticks": "outside"},
            "hoverlabel": {"font": {"family": FONT}},
            "margin": {"t": 60, "r": 20, "b": 60, "l": 70},
        }
    )
    pio.templates.default = "plotly_white+asb"
