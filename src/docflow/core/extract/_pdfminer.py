"""Second PDF parser, pdfminer.six, for files PDFium rejects.

pdfminer rebuilds a missing or broken cross-reference table by scanning the
file for objects, which rescues some truncated and fuzzed files. It cannot
render pages, so pages it reads without text are not OCR'd.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from docflow.core.detect import has_pdf_header
from docflow.core.extract._passwords import candidate_passwords, password_message
from docflow.core.models import Page
from docflow.core.textcheck import dedupe_doubled_chars, judge_text
from docflow.errors import (
    CorruptDocument,
    EmptyDocument,
    PasswordRequired,
    TooLarge,
    UnsupportedFormat,
)

if TYPE_CHECKING:
    from docflow.core.extract._base import ExtractionContext
    from docflow.core.models import ExtractedDocument

__all__ = ["extract_with_pdfminer"]

log = logging.getLogger(__name__)


class _WrongPassword(Exception):
    pass


def extract_with_pdfminer(
    path: str,
    document: ExtractedDocument,
    context: ExtractionContext,
    pdfium_reason: str,
) -> None:
    """Fill ``document.pages`` using pdfminer; raise CorruptDocument on failure."""
    _check_scannable(path, pdfium_reason)
    passwords = candidate_passwords(context.settings.extraction, context.warnings)
    for password in ["", *passwords]:
        try:
            pages = _read_pages(path, password, context, pdfium_reason)
        except _WrongPassword:
            continue
        document.pages.extend(pages)
        document.metadata["parser"] = "pdfminer"
        if password:
            document.metadata["decrypted_with_password"] = True
        context.warnings.append(
            f"PDFium cannot open the file ({pdfium_reason}); text was read with "
            "pdfminer instead, without OCR"
        )
        return
    raise PasswordRequired(password_message(len(passwords)))


def _read_pages(
    path: str, password: str, context: ExtractionContext, pdfium_reason: str
) -> list[Page]:
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTTextContainer
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    from pdfminer.pdfexceptions import PDFNotImplementedError

    max_pages = context.settings.extraction.max_pages
    pages: list[Page] = []
    try:
        for number, layout in enumerate(
            extract_pages(path, password=password, maxpages=max_pages + 1), start=1
        ):
            if number > max_pages:
                raise TooLarge(
                    f"PDF has more than {max_pages} pages, the limit set by "
                    "extraction.max_pages"
                )
            text = "".join(
                element.get_text()
                for element in layout
                if isinstance(element, LTTextContainer)
            )
            pages.append(_make_page(number, text))
    except PDFPasswordIncorrect as exc:
        raise _WrongPassword from exc
    except PDFNotImplementedError as exc:
        raise UnsupportedFormat(
            f"PDF uses a feature docflow cannot decode ({exc}); re-save it with "
            "a PDF tool that writes standard filters, such as qpdf or Ghostscript"
        ) from exc
    except (TooLarge, UnsupportedFormat):
        raise
    except Exception as exc:  # pdfminer raises many types on damaged input
        if not pages:
            raise CorruptDocument(
                f"damaged PDF that neither PDFium ({pdfium_reason}) nor pdfminer "
                f"({type(exc).__name__}: {exc}) can read"
            ) from exc
        context.warnings.append(
            f"PDF is damaged after page {len(pages)}; later pages were not read "
            f"({type(exc).__name__}: {exc})"
        )
    if not pages:
        if not has_pdf_header(path):
            # Without its header, a file cut in two parses as a PDF of no pages.
            raise CorruptDocument(
                f"PDF without its header that PDFium cannot open ({pdfium_reason}) "
                "and in which pdfminer finds no pages; the start of the file is "
                "missing or damaged"
            )
        # pdfminer parsed the whole file without an error, so it has no pages.
        raise EmptyDocument("PDF has no pages")
    return pages


def _check_scannable(path: str, pdfium_reason: str) -> None:
    """Raise CorruptDocument for a file pdfminer would take minutes to reject.

    pdfminer looks for ``startxref`` by reading the file backwards line by
    line, which is quadratic in the length of a line: 20 MB of zeros took
    over 8 s, and 200 MB more than the 120 s document timeout. Past the
    limit below it also scans the whole file for objects, which is slow too.
    """
    import os

    size = os.path.getsize(path)
    with open(path, "rb") as handle:
        handle.seek(max(0, size - _TAIL_BYTES))
        tail = handle.read(_TAIL_BYTES)
    if size > _MAX_SCAN_BYTES:
        problem = f"is too large ({size / 1024**2:,.0f} MB) to scan for objects"
    elif size > _TAIL_BYTES and not _has_line_break(tail):
        problem = "has no line break in its last MB, where a PDF ends"
    else:
        return
    raise CorruptDocument(
        f"damaged PDF that PDFium cannot read ({pdfium_reason}); the file "
        f"{problem}, so the second parser was not tried"
    )


def _has_line_break(data: bytes) -> bool:
    return b"\n" in data or b"\r" in data


#: Bytes at the end of the file that must contain a line break.
_TAIL_BYTES = 1 << 20
#: Largest file pdfminer is asked to rebuild; PDFium reads larger valid ones.
_MAX_SCAN_BYTES = 256 << 20


def _make_page(number: int, text: str) -> Page:
    text, deduplicated = dedupe_doubled_chars(text)
    flags = ["doubled_chars_removed"] if deduplicated else []
    if text.strip() and judge_text(text).is_garbage:
        flags.append("garbage_text")
    method = "text_layer" if text.strip() else "none"
    return Page(number=number, method=method, text=text, flags=flags)
