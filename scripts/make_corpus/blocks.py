"""Layout-neutral document model that every renderer turns into a file format.

A template builds a :class:`Doc` from blocks (headings, paragraphs, key-value
lines, tables, lists, form fields, checkboxes, signatures, monospaced slips);
the renderers in ``render_*.py`` decide how each block looks in PDF, DOCX,
Markdown, HTML, plain text or a scanned image.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Heading:
    text: str
    level: int = 1


@dataclass
class Para:
    text: str
    align: str = "L"  # L, C, R or J
    bold: bool = False
    italic: bool = False
    size: float | None = None


@dataclass
class KeyValues:
    pairs: list[tuple[str, str]]
    columns: int = 1


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]
    widths: list[float] | None = None  # relative widths
    align: list[str] | None = None  # per column: L, C or R
    footer: list[list[str]] = field(default_factory=list)


@dataclass
class Bullets:
    items: list[str]
    ordered: bool = False


@dataclass
class Fields:
    """Blank or filled form fields printed as ``Label: ______``."""

    labels: list[tuple[str, str]]  # (label, filled value or "")
    columns: int = 1


@dataclass
class Checks:
    items: list[tuple[str, bool]]
    prompt: str = ""


@dataclass
class Signature:
    names: list[tuple[str, str]]  # (name, role)


@dataclass
class Mono:
    """Monospaced lines such as a till receipt or a preformatted ledger."""

    lines: list[str]


@dataclass
class Rule:
    pass


@dataclass
class Space:
    height: float = 4.0


@dataclass
class PageBreak:
    pass


@dataclass
class Columns:
    """Text that a PDF renderer may set in two columns (scientific papers)."""

    blocks: list


Block = (
    Heading
    | Para
    | KeyValues
    | Table
    | Bullets
    | Fields
    | Checks
    | Signature
    | Mono
    | Rule
    | Space
    | PageBreak
    | Columns
)


@dataclass
class Style:
    font: str = "DejaVuSans"
    size: float = 10.0
    page: str = "A4"  # A4, Letter, or "slip": a receipt roll 72-84 mm wide
    margin: float = 18.0
    header_align: str = "L"
    accent: tuple[int, int, int] = (0, 0, 0)
    table_style: str = "grid"  # grid, lines, plain or head (rule under header)


@dataclass
class Doc:
    category: str
    lang: str
    template: str
    title: str
    blocks: list
    style: Style = field(default_factory=Style)
    # For e-mails: RFC 822 headers and an optional HTML alternative.
    headers: dict[str, str] = field(default_factory=dict)
    attachments: list[tuple[str, str, bytes]] = field(default_factory=list)

    def iter_flat(self):
        """Yield blocks with :class:`Columns` unpacked in place."""
        for block in self.blocks:
            if isinstance(block, Columns):
                yield from block.blocks
            else:
                yield block
