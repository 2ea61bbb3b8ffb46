"""Read DOCX text straight from the WordprocessingML XML.

Used when python-docx fails, and by the python-docx path for paragraph and
table text. Element names are matched without their namespace, so the same
code reads Transitional OOXML and ISO Strict OOXML, whose namespaces differ.
The XML parser resolves no entities, loads no DTD and reaches no network;
DTDs are rejected earlier anyway (see ``docx.check_zip_container``).
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from docflow.errors import CorruptDocument

if TYPE_CHECKING:
    from lxml.etree import _Element

__all__ = [
    "DocxContent",
    "add_block",
    "heading_level",
    "paragraph_text",
    "read_docx_xml",
    "story_text",
    "table_text",
]

_HEADING_STYLE = re.compile(r"^(?:heading|überschrift|titre|kop)\s*([1-9])$", re.I)
_MAIN_PART = "word/document.xml"


@dataclass
class DocxContent:
    body: list[str] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)
    footers: list[str] = field(default_factory=list)
    headings: list[tuple[int, str]] = field(default_factory=list)
    tables: int = 0
    metadata: dict[str, Any] = field(default_factory=dict)


def heading_level(style_name: str) -> int:
    name = style_name.strip()
    if name.lower() == "title":
        return 1
    match = _HEADING_STYLE.match(name)
    return int(match.group(1)) if match else 0


def _local(element: _Element) -> str:
    tag = element.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def paragraph_text(paragraph: _Element) -> str:
    """Return the text of a w:p element; tabs and breaks become whitespace."""
    pieces: list[str] = []
    for element in paragraph.iter():
        name = _local(element)
        if name == "t" and element.text:
            pieces.append(element.text)
        elif name == "tab":
            pieces.append("\t")
        elif name in ("br", "cr"):
            pieces.append("\n")
    return "".join(pieces)


def table_text(table: _Element) -> str:
    """Return a table as lines of tab-separated cells, one line per row.

    Reads w:tr and w:tc elements directly, because python-docx 1.2 raises
    ValueError ('no tc element at grid_offset') on tables with a broken grid.
    """
    rows: list[str] = []
    for row in table.iter():
        if _local(row) != "tr":
            continue
        cells = []
        for cell in row:
            if _local(cell) != "tc":
                continue
            paragraphs = [paragraph_text(p) for p in cell.iter() if _local(p) == "p"]
            cells.append(" ".join(text.strip() for text in paragraphs if text.strip()))
        rows.append("\t".join(cells))
    return "\n".join(rows)


def story_text(root: _Element) -> str:
    parts: list[str] = []
    for block in root.iterchildren():
        name = _local(block)
        if name == "p":
            parts.append(paragraph_text(block))
        elif name == "tbl":
            parts.append(table_text(block))
    return "\n".join(part for part in parts if part.strip())


def _parse_xml(data: bytes) -> _Element:
    from lxml import etree

    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        return etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise CorruptDocument(f"DOCX XML is not well-formed: {exc}") from exc


def _main_part_name(archive: zipfile.ZipFile) -> str:
    """Return the main document part named by the package relationships."""
    try:
        root = _parse_xml(archive.read("_rels/.rels"))
    except KeyError:
        return _MAIN_PART
    for relationship in root.iter():
        kind = relationship.get("Type", "")
        target = relationship.get("Target", "")
        if kind.endswith("/officeDocument") and target:
            return target.lstrip("/")
    return _MAIN_PART


def _paragraph_style(paragraph: _Element) -> str:
    for element in paragraph.iter():
        if _local(element) == "pStyle":
            for key, value in element.attrib.items():
                if key.rsplit("}", 1)[-1] == "val":
                    return str(value)
    return ""


def read_docx_xml(path: str) -> DocxContent:
    """Read body paragraphs, tables, headers and footers from the raw XML.

    Heading levels come from style ids such as ``Heading1`` or ``Title``,
    because the style names live in another part. Raises CorruptDocument.
    """
    content = DocxContent()
    with zipfile.ZipFile(path) as archive:
        name = _main_part_name(archive)
        try:
            root = _parse_xml(archive.read(name))
        except KeyError as exc:
            raise CorruptDocument(f"DOCX has no main document part {name!r}") from exc
        body = next((e for e in root.iter() if _local(e) == "body"), root)
        for block in body.iterchildren():
            add_block(content, block, style_names={})
        for info in archive.infolist():
            part = info.filename.rsplit("/", 1)[-1]
            if part.startswith("header") and part.endswith(".xml"):
                content.headers.append(story_text(_parse_xml(archive.read(info))))
            elif part.startswith("footer") and part.endswith(".xml"):
                content.footers.append(story_text(_parse_xml(archive.read(info))))
    return content


def add_block(
    content: DocxContent, block: _Element, style_names: dict[str, str]
) -> None:
    """Add one body element (paragraph, table or content control) to ``content``.

    ``style_names`` maps paragraph style ids to style names; an id missing
    from it is used as the name.
    """
    name = _local(block)
    if name == "p":
        text = paragraph_text(block)
        content.body.append(text)
        style = _paragraph_style(block)
        level = heading_level(style_names.get(style, style))
        if level and text.strip():
            content.headings.append((level, text.strip()))
    elif name == "tbl":
        content.tables += 1
        content.body.append(table_text(block))
    elif name == "sdt":  # content control wrapping paragraphs or tables
        for child in block.iter():
            if _local(child) == "sdtContent":
                for inner in child.iterchildren():
                    add_block(content, inner, style_names)
                break
