"""Turn a rendered PDF into scans and photos: PNG, TIFF, JPEG, image-only PDF.

Pages are rasterised with pypdfium2 at about 150-200 dpi, then degraded the way
a flatbed scan (grey paper, slight rotation, blur, noise) or a phone photo of a
receipt (uneven light, skew, dark surround) degrades them. Image-only PDFs carry
no text layer, so only OCR can read them.
"""

from __future__ import annotations

import io
import random
import time

FIXED_DATE = time.gmtime(1735732800)  # 2025-01-01 12:00 UTC


def rasterise(pdf_bytes: bytes, dpi: int, max_pages: int = 2) -> list:
    """Render the first pages of a PDF to greyscale PIL images."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(pdf_bytes)
    images = []
    try:
        for index in range(min(len(pdf), max_pages)):
            page = pdf[index]
            bitmap = page.render(scale=dpi / 72)
            images.append(bitmap.to_pil().convert("L"))
            page.close()
    finally:
        pdf.close()
    return images


def _noise_layer(size, rng: random.Random, amount: int):
    from PIL import Image

    seed_bytes = bytes(rng.getrandbits(8) for _ in range(size[0] * size[1]))
    noise = Image.frombytes("L", size, seed_bytes)
    return noise.point(lambda v: 128 + (v - 128) * amount // 128)


def degrade_scan(image, rng: random.Random):
    """Apply grey paper, a small rotation, blur and sensor noise.

    About a third of the pages are "worn" copies: faded ink, more blur and
    toner speckles, closer to an old photocopy than to a fresh scan.
    """
    from PIL import Image, ImageChops, ImageDraw, ImageFilter

    worn = rng.random() < 0.3
    paper = rng.randint(222, 242)
    ink = rng.randint(30, 60) if worn else 0
    img = image.point(lambda v: int(ink + v * (paper - ink) / 255))
    angle = rng.uniform(-1.6, 1.6)
    img = img.rotate(angle, resample=Image.BICUBIC, expand=True, fillcolor=paper)
    if worn:
        img = img.filter(ImageFilter.GaussianBlur(rng.uniform(0.5, 0.8)))
    elif rng.random() < 0.7:
        img = img.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 0.7)))
    # Sensor noise drawn at a quarter resolution keeps files compressible.
    small = (max(1, img.width // 4), max(1, img.height // 4))
    noise = _noise_layer(small, rng, rng.randint(4, 10)).resize(img.size)
    img = ImageChops.add(img, noise, scale=1.0, offset=-128)
    if worn:
        draw = ImageDraw.Draw(img)
        # Specks per pixel, so a narrow receipt gets as few as a page would.
        for _ in range(int(img.width * img.height * rng.uniform(7e-5, 2e-4))):
            x, y = rng.randrange(img.width), rng.randrange(img.height)
            size = rng.choice([1, 1, 2])
            draw.ellipse((x, y, x + size, y + size), fill=rng.randint(30, 120))
    if rng.random() < 0.3:
        # A darker band where the page did not lie flat on the glass.
        # Rotate the square gradient before resizing so no corner is left empty.
        band = Image.linear_gradient("L").rotate(rng.choice([90, 270]))
        band = band.resize(img.size).point(lambda v: 255 - max(0, v - 200))
        img = ImageChops.multiply(img, band)
    return img


def degrade_photo(image, rng: random.Random):
    """Make a receipt look photographed: skew, uneven light, dark table edge."""
    from PIL import Image, ImageChops, ImageFilter

    img = image.convert("RGB")
    tint = (rng.randint(235, 250), rng.randint(228, 245), rng.randint(210, 235))
    paper = Image.new("RGB", img.size, tint)
    img = ImageChops.multiply(img, paper)
    pad = int(img.width * 0.18)
    table = (rng.randint(40, 110), rng.randint(35, 90), rng.randint(30, 80))
    canvas = Image.new("RGB", (img.width + 2 * pad, img.height + 2 * pad), table)
    canvas.paste(img, (pad, pad))
    w, h = canvas.size
    # Perspective-like shear: top edge narrower than the bottom.
    dx = rng.uniform(0.02, 0.06) * w
    coeffs = _perspective_coeffs(
        [(0, 0), (w, 0), (w, h), (0, h)],
        [(dx, 0), (w - dx * rng.uniform(0.5, 1.5), rng.uniform(0, 8)), (w, h), (0, h)],
    )
    canvas = canvas.transform(
        (w, h), Image.PERSPECTIVE, coeffs, Image.BICUBIC, fillcolor=table
    )
    canvas = canvas.rotate(rng.uniform(-4, 4), resample=Image.BICUBIC, fillcolor=table)
    strength = rng.uniform(0.25, 0.45)
    light = Image.radial_gradient("L").filter(ImageFilter.GaussianBlur(6))
    light = light.resize((w, h), Image.BICUBIC).point(lambda v: int(255 - v * strength))
    canvas = ImageChops.multiply(canvas, Image.merge("RGB", [light] * 3))
    return canvas.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 0.8)))


def _perspective_coeffs(dst, src):
    import numpy as np

    rows = []
    for (x, y), (u, v) in zip(dst, src, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
    a = np.array(rows, dtype=float)
    b = np.array([c for pt in src for c in pt], dtype=float)
    return np.linalg.solve(a, b).tolist()


def save_image(images: list, fmt: str, rng: random.Random) -> bytes:
    """Encode degraded pages as PNG, TIFF, JPEG or an image-only PDF."""
    buf = io.BytesIO()
    first = images[0]
    if fmt == "png":
        # 16 grey levels keep a noisy scan small; verify.py checks OCR still reads it.
        first.point(lambda v: v // 16 * 17).save(buf, "PNG", optimize=True)
    elif fmt == "tiff":
        # Bilevel CCITT Group 4, as fax machines and office scanners write it.
        pages = [
            im.point(lambda v: 255 if v > 150 else 0).convert("1") for im in images
        ]
        pages[0].save(
            buf,
            "TIFF",
            compression="group4",
            save_all=True,
            append_images=pages[1:],
            dpi=(150, 150),
        )
    elif fmt == "jpg":
        first.save(buf, "JPEG", quality=rng.randint(60, 80), dpi=(150, 150))
    elif fmt == "pdf":
        first.save(
            buf,
            "PDF",
            resolution=150.0,
            save_all=True,
            append_images=images[1:],
            creationDate=FIXED_DATE,
            modDate=FIXED_DATE,
            producer="Scanner",
            creator="Scanner",
            quality=60,
        )
    else:
        raise ValueError(f"unknown image format {fmt!r}")
    return buf.getvalue()
