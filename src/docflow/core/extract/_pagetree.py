"""Check the one page PDFium reports for a repaired PDF against pdfminer.six.

PDFium (pypdfium2 5.15.2, PDFium build 8149) counts one page when the
catalog's /Pages dictionary has no /Kids, and takes that dictionary for the
page even when it is a JavaScript action or another object that is no page.
Only a one-page file whose cross-reference table PDFium had to rebuild is
checked, so valid files pay one flag lookup. PDFium writes its repaired copy
to memory, and pdfminer.six looks in that copy for a /Type /Page dictionary,
first in the page tree and then among all objects.
"""

from __future__ import annotations

import io
import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pypdfium2

__all__ = ["has_invented_page"]

log = logging.getLogger(__name__)


def has_invented_page(pdf: pypdfium2.PdfDocument) -> bool:
    """Return True when the one page PDFium reports for ``pdf`` is no page.

    Call it before any page of ``pdf`` is loaded: loading a page makes PDFium
    add /Type /Page to that page's dictionary in memory.
    """
    import pypdfium2.raw as pdfium_c

    if len(pdf) != 1 or pdfium_c.FPDF_DocumentHasValidCrossReferenceTable(pdf):
        return False
    # NOTE: when pdfminer finds a page object outside the page tree, PDFium's
    # blank page is kept and that object's text is not read.
    return not _pdfminer_finds_page(pdf)


def _pdfminer_finds_page(pdf: pypdfium2.PdfDocument) -> bool:
    """Return whether pdfminer finds a page object in PDFium's repaired copy.

    Return True, so PDFium's count is kept, when either library fails.
    """
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser

    copy = io.BytesIO()
    try:
        # Without its encryption, so pdfminer needs no password.
        pdf.save(
            copy, flags=pdfium_c.FPDF_NO_INCREMENTAL | pdfium_c.FPDF_REMOVE_SECURITY
        )
        copy.seek(0)
        document = PDFDocument(PDFParser(copy))
        return next(PDFPage.create_pages(document), None) is not None
    except pdfium.PdfiumError as exc:
        log.debug("cannot write PDFium's repaired copy: %s", exc)
    except Exception as exc:  # pdfminer raises many types on damaged input
        log.debug("pdfminer cannot read PDFium's repaired copy: %s", exc)
    return True
