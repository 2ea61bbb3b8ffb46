"""Grayscale images of PDF pages for OCR.

A page that is one scanned image is handed to tesseract as that image,
decoded from the PDF and shrunk by a whole factor to the OCR resolution.
This needs an opaque image that fills the crop box and is turned only by
flips and the page's /Rotate. Every other page is rendered with PDFium.
"""

from __future__ import annotations

import logging
import math
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pypdfium2

    from docflow.core.config import ExtractionSettings

__all__ = ["embedded_scan", "page_image", "render_page", "render_scale"]

log = logging.getLogger(__name__)

#: A tiny page is rendered larger so its long side has at least this many pixels.
MIN_RENDER_LONG_SIDE = 2000
#: Upper bound of the resolution used to enlarge tiny pages.
MAX_RENDER_DPI = 1200
#: Page objects looked at for a sole scan. Hostile pages hold thousands.
MAX_OBJECTS_CHECKED = 200
#: Largest relative gap between an embedded scan's resolution, after shrinking
#: it by a whole factor, and the render resolution for the scan to be OCR'd
#: without rendering the page.
SCAN_SCALE_TOLERANCE = 0.05
#: Largest gap, in points, between a scan's edges and the crop box edges.
SCAN_EDGE_TOLERANCE = 2.0


def render_scale(width: float, height: float, settings: ExtractionSettings) -> float:
    """Return the PDF-point-to-pixel scale: ``ocr_dpi``, enlarged for tiny pages
    and reduced so the image stays under ``max_render_pixels``."""
    scale = settings.ocr_dpi / 72
    long_side = max(width, height)
    if long_side * scale < MIN_RENDER_LONG_SIDE:
        scale = min(MIN_RENDER_LONG_SIDE / long_side, MAX_RENDER_DPI / 72)
    if width * height * scale * scale > settings.max_render_pixels:
        scale = math.sqrt(settings.max_render_pixels / (width * height))
    return scale


def page_image(page: pypdfium2.PdfPage, settings: ExtractionSettings) -> Any:
    """Return the page as a grayscale image for OCR, None when PDFium cannot
    render it.

    A page that is one scanned image is handed over as that image, decoded
    without rendering the page, when its resolution is a whole multiple of
    the render resolution. On a 600 DPI grayscale A4 scan, PDFium's render
    at 300 DPI took 0.27-0.33 s of CPU, and decoding the image and halving
    it with Pillow 0.05 s (pypdfium2 5.15, 2-core AMD EPYC, other jobs
    running).
    """
    image = embedded_scan(page, settings)
    if image is not None:
        return image
    return render_page(page, settings)


def embedded_scan(page: pypdfium2.PdfPage, settings: ExtractionSettings) -> Any:
    """Return the page's only image turned upright at about the render
    resolution, or None when the page must be rendered instead."""
    import pypdfium2 as pdfium

    found = _sole_page_image(page)
    if found is None:
        return None
    scan, (a, _, _, d, _, _) = found
    width, height = page.get_size()
    if not (0 < width < 1e6 and 0 < height < 1e6):
        return None
    pixel_width, pixel_height = scan.get_px_size()
    factor = _shrink_factor(
        pixel_width / abs(a),
        pixel_height / abs(d),
        render_scale(width, height, settings),
    )
    if factor is None:
        return None
    try:
        bitmap = scan.get_bitmap(render=False)
        image = _grayscale_copy(bitmap.to_pil(), factor)
    except (pdfium.PdfiumError, ValueError, KeyError) as exc:
        log.debug("cannot decode the page's scan, rendering it: %s", exc)
        return None
    del bitmap
    if _is_mostly_dark(image):
        # NOTE: FPDFImageObj_GetBitmap (PDFium 8149) decodes an image without
        # its /SMask or /Mask, which public PDFium calls cannot detect. A
        # dark result is what transparent black pixels give, so the page is
        # rendered. A partly transparent scan over white passes this check
        # and is OCR'd darker than it is shown.
        image.close()
        return None
    return _turn_upright(image, flip_x=a < 0, flip_y=d < 0, turn=page.get_rotation())


def _sole_page_image(
    page: pypdfium2.PdfPage,
) -> tuple[Any, tuple[float, ...]] | None:
    """Return the page's image object and its matrix in page space, when the
    image is the only thing drawn, is opaque colour or gray, is not turned
    other than by flips, and fills the crop box. Return None otherwise.

    An image mask has no colour space, and a blend mode or an alpha set in
    the graphics state counts as transparency: in both cases the decoded
    pixels differ from what the page shows. Annotations are drawn over the
    page by the render, so a page with any is rendered.

    NOTE: clip paths and a Form XObject's /BBox are not checked, so a scan
    that they crop is OCR'd whole.
    """
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    if pdfium_c.FPDFPage_GetAnnotCount(page) != 0:
        return None
    images = []
    # Form XObjects only group other objects, so they are looked into.
    for position, item in enumerate(page.get_objects(max_depth=3)):
        if position >= MAX_OBJECTS_CHECKED:
            return None
        if item.type == pdfium_c.FPDF_PAGEOBJ_FORM:
            continue
        if item.type != pdfium_c.FPDF_PAGEOBJ_IMAGE or images:
            return None
        images.append(item)
    if not images:
        return None
    scan = images[0]
    try:
        metadata = scan.get_metadata()
        matrix = _page_space_matrix(scan)
    except pdfium.PdfiumError:
        return None
    if metadata.colorspace == pdfium_c.FPDF_COLORSPACE_UNKNOWN:
        return None
    if pdfium_c.FPDFPageObj_HasTransparency(scan):
        return None
    a, b, c, d, e, f = matrix
    if min(abs(a), abs(d)) < 1e-3 or max(abs(b), abs(c)) > 1e-3:
        return None  # only the render handles turns other than flips
    bounds = (min(e, e + a), min(f, f + d), max(e, e + a), max(f, f + d))
    crop_box = page.get_cropbox()
    gaps = [abs(edge - crop) for edge, crop in zip(bounds, crop_box, strict=True)]
    if max(gaps) > SCAN_EDGE_TOLERANCE:
        return None
    return scan, matrix


def _page_space_matrix(item: Any) -> tuple[float, ...]:
    """Return the matrix from an object's unit square to page space, through
    the Form XObjects that contain it."""
    matrix = item.get_matrix()
    container = item.container
    while container is not None:
        matrix = matrix.multiply(container.get_matrix())
        container = container.container
    return matrix.get()


def _shrink_factor(scale_x: float, scale_y: float, target_scale: float) -> int | None:
    """Return the whole factor that brings an image of ``scale_x`` by
    ``scale_y`` pixels per point to ``target_scale``, or None when none does.

    A scan below the target resolution returns None, so the render enlarges
    it as before.
    """
    factor = max(1, round(min(scale_x, scale_y) / target_scale))
    for scale in (scale_x, scale_y):
        if abs(scale / factor / target_scale - 1) > SCAN_SCALE_TOLERANCE:
            return None
    return factor


def _grayscale_copy(shared: Any, factor: int) -> Any:
    """Return an 8-bit grayscale copy of ``shared``, shrunk by ``factor``.

    ``shared`` uses PDFium's buffer, so the result must not. Shrinking
    straight from it spares one copy of an image that can hold 35 megapixels.
    """
    image = shared.convert("L") if shared.mode != "L" else shared
    if factor > 1:
        return image.reduce(factor)
    return image.copy() if image is shared else image


def _is_mostly_dark(image: Any) -> bool:
    """Return True when the mean gray level of ``image`` is below mid-gray."""
    histogram = image.histogram()
    total = sum(histogram)
    return sum(level * count for level, count in enumerate(histogram)) < 128 * total


def _turn_upright(image: Any, *, flip_x: bool, flip_y: bool, turn: int) -> Any:
    """Apply an image matrix's flips and the page's /Rotate (clockwise
    degrees), so the image looks as the page is shown."""
    from PIL import Image

    steps = []
    if flip_x:
        steps.append(Image.Transpose.FLIP_LEFT_RIGHT)
    # Image rows run top to bottom, PDF user space bottom to top, so an
    # upright image has a positive vertical scale.
    if flip_y:
        steps.append(Image.Transpose.FLIP_TOP_BOTTOM)
    # Pillow's ROTATE_* turn counter-clockwise.
    counter_clockwise = {
        90: Image.Transpose.ROTATE_270,
        180: Image.Transpose.ROTATE_180,
        270: Image.Transpose.ROTATE_90,
    }
    if turn % 360 in counter_clockwise:
        steps.append(counter_clockwise[turn % 360])
    for step in steps:
        turned = image.transpose(step)
        image.close()
        image = turned
    return image


def render_page(page: pypdfium2.PdfPage, settings: ExtractionSettings) -> Any:
    """Render the page in grayscale; return None when PDFium cannot."""
    import pypdfium2 as pdfium

    width, height = page.get_size()
    if not (0 < width < 1e6 and 0 < height < 1e6):
        return None
    scale = render_scale(width, height, settings)
    try:
        bitmap = page.render(scale=scale, grayscale=True)
    except pdfium.PdfiumError as exc:
        log.warning("cannot render a %.0f x %.0f pt page: %s", width, height, exc)
        return None
    try:
        # to_pil shares the bitmap's buffer, so copy before closing it.
        return bitmap.to_pil().copy()
    finally:
        bitmap.close()
