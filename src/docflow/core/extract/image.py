"""Image extraction: OCR of each frame (PNG, JPEG, TIFF including multi-page).

The pixel count is checked from the image header before any frame is
decoded, against ``extraction.max_image_pixels``. Pillow's own guard only
warns up to about 179 megapixels (Pillow 10-13) and raises an error above
that whatever the setting allows, so docflow turns it off.
"""

from __future__ import annotations

import logging
import math
from typing import TYPE_CHECKING, Any

from docflow.core.extract._base import (
    ExtractionContext,
    new_document,
    text_check,
    unread_page,
)
from docflow.core.extract._pageocr import OcrWorkdir, try_ocr_image
from docflow.core.models import ExtractedDocument, Page
from docflow.core.textcheck import judge_text
from docflow.errors import CorruptDocument, TooLarge

if TYPE_CHECKING:
    from docflow.core.config import ExtractionSettings

__all__ = ["EXTRACTORS", "ImageExtractor"]

log = logging.getLogger(__name__)


class ImageExtractor:
    """OCRs every frame of an image file, within the OCR page budget."""

    kind = "image"

    def extract(self, path: str, context: ExtractionContext) -> ExtractedDocument:
        from PIL import Image, UnidentifiedImageError

        document = new_document(path, context)
        # _read_frames checks each frame against extraction.max_image_pixels
        # before decoding it. This is the only place docflow opens an image
        # with Pillow, so turning Pillow's guard off for the process is safe.
        Image.MAX_IMAGE_PIXELS = None
        try:
            with Image.open(path) as image:
                _record_resolution(image, document)
                _read_frames(image, document, context)
        except UnidentifiedImageError as exc:
            raise CorruptDocument(f"image data cannot be decoded: {exc}") from exc
        except (OSError, SyntaxError, ValueError, EOFError) as exc:
            # Pillow raises these for truncated or damaged image data.
            raise CorruptDocument(f"damaged image: {exc}") from exc
        document.metadata["frames"] = len(document.pages)
        return document


def _record_resolution(image: Any, document: ExtractedDocument) -> None:
    """Store the first frame's size in pixels and its dpi, from the header.

    The quality checks name them when OCR finds no text. The dpi is left out
    when the header has none or a zero.
    """
    width, height = image.size
    document.metadata["image_width"] = width
    document.metadata["image_height"] = height
    dpi = image.info.get("dpi")
    try:
        horizontal = float(dpi[0]) if dpi else 0.0
    except (TypeError, ValueError, IndexError):
        horizontal = 0.0
    if horizontal > 0:
        document.metadata["image_dpi"] = round(horizontal)


def _read_frames(
    image: Any, document: ExtractedDocument, context: ExtractionContext
) -> None:
    settings = context.settings.extraction
    frames = int(getattr(image, "n_frames", 1) or 1)
    if frames > settings.max_pages:
        raise TooLarge(
            f"image has {frames} frames, over the limit of {settings.max_pages} "
            "(extraction.max_pages)"
        )
    context.page_count = frames
    pages = document.pages
    with OcrWorkdir() as workdir:
        # With a character limit, frames stop being OCR'd once it is reached.
        while len(pages) < frames and not context.has_enough_text():
            image.seek(len(pages))
            _check_pixels(image.size, settings)
            page = _read_frame(image, len(pages) + 1, context, workdir)
            pages.append(page)
            context.count_page(page)
    if len(pages) < frames:
        document.pages_read = len(pages)
        unread = range(len(pages) + 1, frames + 1)
        pages.extend(unread_page(number) for number in unread)


def _check_pixels(size: tuple[int, int], settings: ExtractionSettings) -> None:
    width, height = size
    if width * height > settings.max_image_pixels:
        raise TooLarge(
            f"image is {width} x {height} pixels ({width * height / 1e6:.0f} MP), "
            f"over the limit of {settings.max_image_pixels / 1e6:.0f} MP "
            "(extraction.max_image_pixels)"
        )


def _read_frame(
    image: Any, number: int, context: ExtractionContext, workdir: OcrWorkdir
) -> Page:
    from PIL import ImageOps

    settings = context.settings.extraction
    if not settings.ocr:
        return Page(number=number, method="none", flags=["ocr_disabled"])
    if (done := context.reuse_page(number)) is not None:
        return done
    if not context.take_ocr_page():
        return Page(number=number, method="none", flags=["ocr_skipped"])
    limit = settings.max_render_pixels
    if image.format == "JPEG" and image.width * image.height > limit:
        # Decode at 1/2, 1/4 or 1/8 scale straight from the JPEG data.
        factor = math.sqrt(image.width * image.height / limit)
        image.draft("L", (int(image.width / factor), int(image.height / factor)))
    frame = _shrink(to_grayscale(ImageOps.exif_transpose(image)), limit)
    try:
        result = try_ocr_image(frame, number, workdir, context)
    finally:
        frame.close()
    if result is None:
        return Page(number=number, method="none", flags=["ocr_failed"])
    flags: list[str] = []
    verdict = judge_text(result.text, ocr_confidence=result.confidence)
    if result.text.strip() and verdict.is_garbage:
        flags.append("garbage_text")
        context.ocr_garbage_pages.append(number)
    return Page(
        number=number,
        method="ocr",
        text=result.text,
        ocr_confidence=result.confidence,
        flags=flags,
        text_check=text_check(verdict),
    )


def _shrink(frame: Any, limit: int) -> Any:
    """Scale ``frame`` down to at most ``limit`` pixels, as PDF pages are.

    More pixels make tesseract slower without reading text better.
    """
    from PIL import Image

    pixels = frame.width * frame.height
    if pixels <= limit:
        return frame
    factor = math.sqrt(pixels / limit)
    size = (max(1, int(frame.width / factor)), max(1, int(frame.height / factor)))
    smaller = frame.resize(size, Image.Resampling.LANCZOS)
    frame.close()
    return smaller


def to_grayscale(image: Any) -> Any:
    """Return an 8-bit grayscale copy of ``image`` for OCR.

    Transparent areas become white, because a plain conversion turns the
    transparent black of a typical PNG into a black page. 16- and 32-bit
    images are scaled down, because a plain conversion clips them to white.
    """
    from PIL import Image

    has_alpha = image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )
    if has_alpha:
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        background.alpha_composite(rgba)
        return background.convert("L")
    if image.mode.startswith("I;16"):
        return image.convert("I").point(lambda value: value / 256).convert("L")
    if image.mode in ("I", "F"):
        low, high = image.getextrema()
        if high <= low:
            return Image.new("L", image.size, 255)  # one flat colour: blank
        scale = 255 / (high - low)
        return image.point(lambda value: (value - low) * scale).convert("L")
    return image.convert("L")


EXTRACTORS = [ImageExtractor()]
