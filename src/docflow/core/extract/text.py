"""Plain text and Markdown extraction, in any common encoding.

The encoding found by ``docflow.core.detect`` on the first 64 KB is used for
the whole file, with invalid sequences replaced. Markdown ATX headings
(``# Title``) and setext headings (a line underlined with ``===`` or
``---``) outside fenced code blocks become headings.
"""

from __future__ import annotations

import os
import re

from docflow.core.detect import decode_text, detect_text_encoding, read_head
from docflow.core.extract._base import ExtractionContext, new_document
from docflow.core.models import ExtractedDocument, Page
from docflow.errors import TooLarge, Unreadable

__all__ = ["EXTRACTORS", "TextExtractor", "markdown_headings", "read_text_file"]

_ATX = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.+?)[ \t]*#*[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")


def read_text_file(path: str, context: ExtractionContext) -> str:
    """Return the decoded text of ``path``, enforcing ``extraction.max_text_mb``."""
    settings = context.settings.extraction
    limit = settings.max_text_mb * 1024 * 1024
    try:
        size = os.path.getsize(path)
    except OSError as exc:
        raise Unreadable(f"cannot read the file: {exc.strerror or exc}") from exc
    if size > limit:
        raise TooLarge(
            f"text file is {size / 1048576:.1f} MB, over the limit of "
            f"{settings.max_text_mb} MB (extraction.max_text_mb)"
        )
    data = read_head(path, limit + 1)
    encoding = context.detected.encoding or detect_text_encoding(data) or "utf-8"
    text = decode_text(data, encoding)
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def markdown_headings(text: str) -> list[tuple[int, str]]:
    """Return the (level, text) pairs of the Markdown headings in ``text``."""
    headings: list[tuple[int, str]] = []
    in_fence = False
    previous = ""
    for line in text.split("\n"):
        if _FENCE.match(line):
            in_fence = not in_fence
            previous = ""
            continue
        if in_fence:
            continue
        atx = _ATX.match(line)
        if atx:
            headings.append((len(atx.group(1)), atx.group(2).strip()))
        elif (
            _SETEXT.match(line)
            and previous.strip()
            and not previous.lstrip().startswith(("-", "*", "|", ">"))
        ):
            level = 1 if line.strip().startswith("=") else 2
            headings.append((level, previous.strip()))
        previous = line
    return headings


def count_markdown_tables(text: str) -> int:
    """Return the number of pipe tables (a header rule like ``|---|:---:|``)."""
    return sum(1 for line in text.split("\n") if _is_table_rule(line))


def _is_table_rule(line: str) -> bool:
    # Plain string checks, because a regular expression for this line
    # backtracks quadratically on long runs of whitespace.
    stripped = line.strip()
    if "|" not in stripped or "-" not in stripped:
        return False
    cells = [cell.strip() for cell in stripped.strip("|").split("|")]
    return len(cells) >= 2 and all(
        len(cell.strip(":")) >= 3 and set(cell.strip(":")) == {"-"} for cell in cells
    )


class TextExtractor:
    """Reads plain text into one page."""

    kind = "text"

    def extract(self, path: str, context: ExtractionContext) -> ExtractedDocument:
        document = new_document(path, context)
        text = read_text_file(path, context)
        document.pages.append(Page(number=1, method="native", text=text))
        if context.detected.encoding:
            document.metadata["encoding"] = context.detected.encoding
        return document


class MarkdownExtractor(TextExtractor):
    """Reads Markdown as text, with its headings and pipe tables."""

    kind = "markdown"

    def extract(self, path: str, context: ExtractionContext) -> ExtractedDocument:
        document = super().extract(path, context)
        text = document.pages[0].text
        document.headings = markdown_headings(text)
        document.tables = count_markdown_tables(text)
        return document


EXTRACTORS = [TextExtractor(), MarkdownExtractor()]
