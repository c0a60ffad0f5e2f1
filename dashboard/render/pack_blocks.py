"""The board pack's content as plain data: each dashboard page's blocks (cards, charts with
their figure, summary, source line, notes and tables), taken from the page's model, never read
back from the screen. The PDF and the slides both lay these out."""

from __future__ import annotations

from dataclasses import dataclass, field

from dashboard.model import (
    Badge,
    Card,
    Change,
    Chart,
    Note,
    Page,
    Status,
    Verdict,
    VerdictRow,
    walk,
)
from dashboard.model import (
    Section as PageSection,
)
from dashboard.model import (
    Table as ModelTable,
)
from dashboard.render.images import chart_figure


@dataclass
class Block:
    """One heading's content in the pack, as plain data that both the PDF and the slides lay out."""

    title: str
    summary: str = ""
    meta: str = ""
    notes: list[str] = field(default_factory=list)
    figures: list[dict] = field(default_factory=list)
    tables: list[dict] = field(default_factory=list)  # {caption, columns, rows, numeric, ...}
    cards: list[dict] = field(default_factory=list)  # {title, value, lines, meta, source}
    illustrative: bool = False  # a modelled figure: every output that shows it says so


@dataclass
class Section:
    """One dashboard page in the pack: its title and its blocks in page order."""

    title: str
    blocks: list[Block]


def _inline_text(item: object) -> str:
    """A card line's words: a change with its verdict, a pill's text, a verdict's label."""
    if isinstance(item, Change):
        return item.words
    if isinstance(item, Status):
        return item.text
    if isinstance(item, Verdict):
        return item.label
    if isinstance(item, Badge):
        return f"[{item.text or BADGE_WORDS[item.kind]}]"
    return str(item)


BADGE_WORDS = {"illustrative": "Illustrative data", "published": "Matches the published report"}


def _table_data(table: ModelTable) -> dict:
    return {
        "caption": table.caption,
        "columns": [c.name for c in table.columns],
        "rows": list(table.rows()),
        "numeric": [c.numeric for c in table.columns],
        "kinds": [c.kind for c in table.columns],
        "illustrative": table.illustrative,
    }


def _card_data(card: Card) -> dict:
    return {
        # a force-wide figure on a narrower area's pack says so, as the screen does
        "title": f"{card.title} (force-wide)" if card.context else card.title,
        "value": card.value,
        "lines": [
            *[_inline_text(v) for v in card.verdicts],
            *[_inline_text(line) for line in card.lines],
            *[_inline_text(b) for b in card.badges],
        ],
        "meta": f"Period: {card.period} · Area: {card.area}",
        "source": f"Source: {card.source}",
    }


def _note_lines(block: object) -> list[str]:
    if isinstance(block, Note):
        return list(block.lines)
    if isinstance(block, VerdictRow):
        return ["; ".join(_inline_text(i) for i in block.items)]
    return []


def blocks_from_page(page: Page) -> list[Block]:
    """The pack's blocks from a page's model: cards, charts with their figure, table and
    notes, sections with theirs, in page order. Nothing is read back from the screen."""
    blocks: list[Block] = []
    cards = [b for b in walk(page.blocks) if isinstance(b, Card)]
    if cards:
        blocks.append(Block("Headline figures", cards=[_card_data(c) for c in cards]))

    def add(items) -> None:
        for item in items:
            if isinstance(item, Chart):
                notes = [line for n in item.notes for line in _note_lines(n)]
                tables = [item.table, *[n for n in item.notes if isinstance(n, ModelTable)]]
                blocks.append(
                    Block(
                        title=item.title,
                        summary=item.summary,
                        meta=item.meta,
                        notes=notes,
                        figures=[chart_figure(item).to_dict()],
                        tables=[_table_data(t) for t in tables if len(t.frame)],
                        illustrative=item.illustrative,
                    )
                )
            elif isinstance(item, PageSection):
                notes = [line for n in item.blocks for line in _note_lines(n)]
                held = [_table_data(t) for t in item.blocks if isinstance(t, ModelTable)]
                if notes or held or item.summary:
                    blocks.append(
                        Block(title=item.title, summary=item.summary, notes=notes, tables=held)
                    )
                add([b for b in item.blocks if isinstance(b, Chart | PageSection)])
            elif isinstance(item, ModelTable):
                blocks.append(Block(title=item.caption.split(". ")[0], tables=[_table_data(item)]))

    add(page.blocks)
    return blocks
