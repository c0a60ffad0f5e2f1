"""The typed page model: what a page says, before anyone decides how it looks.

A page builder (dashboard/builders/) turns filters and a viewer into a `Page`; renderers
(dashboard/render/) turn that one Page into the Dash tree, the board pack's PDF and slides,
CSV/Excel downloads and chart images. Every fact a reader needs beside a number (period, area,
source, how current the data are, whether values are published or modelled, the verdicts)
lives here, so no output has to read it back out of another output.
"""

from dashboard.model.page import (
    Badge,
    Block,
    Card,
    CardRow,
    Change,
    Chart,
    Column,
    ColumnKind,
    Note,
    NoteKind,
    Page,
    Section,
    Status,
    Table,
    Verdict,
    VerdictRow,
    find_chart,
    find_table,
    walk,
)

__all__ = [
    "Badge",
    "Block",
    "Card",
    "CardRow",
    "Change",
    "Chart",
    "Column",
    "ColumnKind",
    "Note",
    "NoteKind",
    "Page",
    "Section",
    "Status",
    "Table",
    "Verdict",
    "VerdictRow",
    "find_chart",
    "find_table",
    "walk",
]
