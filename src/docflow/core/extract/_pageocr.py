"""OCR of page images shared by the PDF and image extractors."""

from __future__ import annotations

import logging
import os
import tempfile
from typing import TYPE_CHECKING

from docflow.core.ocr import (
    OCR_IMAGE_SUFFIX,
    OcrResult,
    available_languages,
    ocr_image_file,
    ocr_pixels,
    save_for_ocr,
)
from docflow.errors import OcrFailed

if TYPE_CHECKING:
    from PIL.Image import Image

    from docflow.core.config import ExtractionSettings
    from docflow.core.extract._base import ExtractionContext

__all__ = ["OcrWorkdir", "ocr_image", "try_ocr_image"]

log = logging.getLogger(__name__)

#: Mean word confidence below which an upright-page check is worth a second run.
ROTATION_CHECK_CONFIDENCE = 50.0


class OcrWorkdir:
    """A temporary folder for page images, created on first use."""

    def __init__(self) -> None:
        self._folder: tempfile.TemporaryDirectory[str] | None = None

    def path_for(self, name: str) -> str:
        if self._folder is None:
            self._folder = tempfile.TemporaryDirectory(prefix="docflow-ocr-")
        return os.path.join(self._folder.name, name + OCR_IMAGE_SUFFIX)

    def close(self) -> None:
        if self._folder is not None:
            self._folder.cleanup()
            self._folder = None

    def __enter__(self) -> OcrWorkdir:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def ocr_image(
    image: Image, name: str, workdir: OcrWorkdir, settings: ExtractionSettings
) -> OcrResult:
    """OCR ``image``, and again turned upright when confidence is low.

    The image is written as PGM only for the tesseract command, which runs
    when the in-process engine is not available, and for orientation
    detection. Raises OcrUnavailable or OcrFailed.
    """
    path = workdir.path_for(name)
    try:
        result = _recognize(image, path, settings)
        if _worth_rotation_check(result):
            if not os.path.exists(path):
                save_for_ocr(image, path)
            result = _retry_rotated(image, path, result, settings)
    finally:
        _remove(path)
    return result


def _recognize(image: Image, path: str, settings: ExtractionSettings) -> OcrResult:
    """OCR ``image`` in-process, or write it to ``path`` for the command."""
    languages, timeout = settings.ocr_languages, settings.ocr_timeout
    result = ocr_pixels(image, languages, timeout=timeout)
    if result is not None:
        return result
    save_for_ocr(image, path)
    return ocr_image_file(path, languages, timeout=timeout)


def try_ocr_image(
    image: Image, number: int, workdir: OcrWorkdir, context: ExtractionContext
) -> OcrResult | None:
    """OCR one page; on OcrFailed record the page in ``context`` and return None.

    One page that tesseract cannot read (a timeout, a crash) leaves the other
    pages usable. OcrUnavailable still propagates, because it affects every
    page alike.
    """
    try:
        return ocr_image(image, f"page-{number}", workdir, context.settings.extraction)
    except OcrFailed as exc:
        log.warning("OCR of page %d failed: %s", number, exc)
        context.ocr_failures.append((number, str(exc)))
        context.ocr_timed_out = context.ocr_timed_out or exc.timed_out
        return None


def _worth_rotation_check(result: OcrResult) -> bool:
    if result.words < 5:
        return False
    return (
        result.confidence is not None and result.confidence < ROTATION_CHECK_CONFIDENCE
    )


def _retry_rotated(
    image: Image, path: str, first: OcrResult, settings: ExtractionSettings
) -> OcrResult:
    """OCR the page turned upright and keep the more confident reading.

    Tesseract's orientation detection (the ``osd`` data) names the turn;
    without it, only the common upside-down scan is tried.
    """
    best = first
    for angle in _rotation_candidates(path, settings.ocr_timeout):
        # OSD reports the clockwise turn that makes the page upright; PIL
        # rotates counter-clockwise.
        turned = image.rotate(-angle, expand=True, fillcolor=255)
        try:
            result = _recognize(turned, path, settings)
        finally:
            turned.close()
        if (result.confidence or 0.0) > (best.confidence or 0.0) + 10:
            log.debug("%s reads better turned by %d degrees", path, angle)
            best = result
    return best


def _rotation_candidates(path: str, timeout: float) -> list[int]:
    import pytesseract

    if "osd" not in available_languages():
        return [180]
    try:
        osd = pytesseract.image_to_osd(
            path,
            config="--psm 0",
            output_type=pytesseract.Output.DICT,
            timeout=timeout,
        )
    except (pytesseract.TesseractError, RuntimeError, ValueError) as exc:
        # Tesseract rejects pages with too few characters for OSD.
        log.debug("orientation detection failed on %s: %s", path, exc)
        return [180]
    angle = int(osd.get("rotate", 0)) % 360
    return [angle] if angle else []


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
