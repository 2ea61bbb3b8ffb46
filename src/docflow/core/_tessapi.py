"""Tesseract run in-process through libtesseract's C API, one engine per thread.

Each run of the ``tesseract`` command loads the language data again. An
engine kept per thread and language set loads it once, and takes the page's
pixels without an image file. On 14 scans of the shared corpus (5 PDF pages,
9 images) it used 8.3-8.9 s of CPU where the command used 10.1-11.1 s
(tesseract 5.3.0, 2-core AMD EPYC, other jobs running). It runs with the
command's defaults (automatic page segmentation, TSV output) and read the
same words with the same confidences on those scans.

The library is loaded with ctypes, so no Python binding is needed. When it
cannot be loaded or initialised, ``recognize`` returns None and the caller
runs the command instead.
"""

from __future__ import annotations

import atexit
import ctypes
import ctypes.util
import functools
import logging
import os
import threading
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL.Image import Image

__all__ = ["TessApiError", "recognize"]

log = logging.getLogger(__name__)

#: tesseract's PSM_AUTO, the command's default. The API's own default treats
#: the page as one block and misses titles.
_PSM_AUTO = 3
#: Leptonica's L_SEVERITY_NONE: no messages at all.
_LEPTONICA_SEVERITY_NONE = 6
#: Library names tried in turn: the generic one, then Debian's soname.
_LIBRARY_NAMES = ("tesseract", "libtesseract.so.5")


class TessApiError(Exception):
    """The in-process engine failed on an image, or ran past its deadline."""

    #: True when the engine ran past its deadline.
    timed_out: bool = False


class _Engine:
    """One initialised TessBaseAPI handle for a language set."""

    def __init__(self, library: ctypes.CDLL, handle: int) -> None:
        self.library = library
        self.handle = handle

    def recognize(self, image: Image, timeout: float) -> str:
        """Return the TSV text of an 8-bit grayscale ``image``."""
        library, handle = self.library, self.handle
        pixels = image.tobytes()
        library.TessBaseAPISetImage(
            handle, pixels, image.width, image.height, 1, image.width
        )
        # NOTE: tesseract checks the deadline only between words, so layout
        # analysis of a hostile image can run past it. The worker's
        # workers.document_timeout still ends such a document.
        monitor = library.TessMonitorCreate() if timeout > 0 else None
        try:
            if monitor is not None:
                library.TessMonitorSetDeadlineMSecs(
                    monitor, max(1, int(timeout * 1000))
                )
            started = time.monotonic()
            status = library.TessBaseAPIRecognize(handle, monitor)
            if status != 0:
                if timeout > 0 and time.monotonic() - started >= timeout:
                    error = TessApiError(f"timed out after {timeout:g} s")
                    error.timed_out = True
                    raise error
                raise TessApiError(f"recognition failed with status {status}")
            text = library.TessBaseAPIGetTsvText(handle, 0)
            if not text:
                raise TessApiError("returned no TSV output")
            try:
                return ctypes.string_at(text).decode("utf-8", errors="replace")
            finally:
                library.TessDeleteText(text)
        finally:
            if monitor is not None:
                library.TessMonitorDelete(monitor)
            library.TessBaseAPIClear(handle)

    def close(self) -> None:
        self.library.TessBaseAPIEnd(self.handle)
        self.library.TessBaseAPIDelete(self.handle)


_engines = threading.local()
_all_engines: list[_Engine] = []
_all_engines_lock = threading.Lock()


def recognize(image: Image, languages: str, timeout: float) -> str | None:
    """Return tesseract's TSV output for ``image``, or None when the library
    is not usable here.

    ``timeout`` is in seconds, 0 for none. Raises TessApiError when the
    engine fails on the image or runs past the timeout.
    """
    engine = _engine_for(languages)
    if engine is None:
        return None
    if image.mode != "L":
        image = image.convert("L")
    return engine.recognize(image, timeout)


def _engine_for(languages: str) -> _Engine | None:
    engines: dict[str, _Engine | None] | None = getattr(_engines, "by_language", None)
    if engines is None:
        engines = _engines.by_language = {}
    if languages not in engines:
        engines[languages] = _start_engine(languages)
    return engines[languages]


def _start_engine(languages: str) -> _Engine | None:
    library = _load_library()
    if library is None:
        return None
    handle = library.TessBaseAPICreate()
    if not handle:
        return None
    # Diagnostics such as "Estimating resolution as 300" would otherwise go to
    # the worker's stderr for every page.
    library.TessBaseAPISetVariable(handle, b"debug_file", os.devnull.encode())
    if library.TessBaseAPIInit3(handle, None, languages.encode()) != 0:
        log.debug("libtesseract cannot load %r, so OCR runs the command", languages)
        library.TessBaseAPIDelete(handle)
        return None
    library.TessBaseAPISetPageSegMode(handle, _PSM_AUTO)
    engine = _Engine(library, handle)
    with _all_engines_lock:
        _all_engines.append(engine)
    return engine


@functools.cache
def _load_library() -> ctypes.CDLL | None:
    # OpenMP reads its thread limit when the library loads. Documents are
    # already processed in parallel, so tesseract gets one thread.
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    for name in _LIBRARY_NAMES:
        path = ctypes.util.find_library(name) if "." not in name else name
        if not path:
            continue
        try:
            library = ctypes.CDLL(path)
        except OSError as exc:
            log.debug("cannot load %s: %s", path, exc)
            continue
        try:
            _declare(library)
        except AttributeError as exc:  # a build without the C API
            log.debug("%s lacks the tesseract C API: %s", path, exc)
            continue
        _quiet_leptonica()
        atexit.register(_close_engines)
        return library
    log.debug("libtesseract not found, so OCR runs the tesseract command")
    return None


def _declare(library: ctypes.CDLL) -> None:
    """Set the argument and result types of the C API functions used."""
    handle, text, pointer = ctypes.c_void_p, ctypes.c_char_p, ctypes.c_void_p
    number = ctypes.c_int
    signatures = {
        "TessBaseAPICreate": ([], handle),
        "TessBaseAPIDelete": ([handle], None),
        "TessBaseAPIEnd": ([handle], None),
        "TessBaseAPIInit3": ([handle, text, text], number),
        "TessBaseAPISetVariable": ([handle, text, text], number),
        "TessBaseAPISetPageSegMode": ([handle, number], None),
        "TessBaseAPISetImage": ([handle, text, number, number, number, number], None),
        "TessBaseAPIRecognize": ([handle, pointer], number),
        "TessBaseAPIGetTsvText": ([handle, number], pointer),
        "TessBaseAPIClear": ([handle], None),
        "TessDeleteText": ([pointer], None),
        "TessMonitorCreate": ([], pointer),
        "TessMonitorSetDeadlineMSecs": ([pointer, number], None),
        "TessMonitorDelete": ([pointer], None),
    }
    for name, (arguments, result) in signatures.items():
        function = getattr(library, name)
        function.argtypes = arguments
        function.restype = result


def _quiet_leptonica() -> None:
    """Stop Leptonica's messages ("Error in boxClipToRectangle") on stderr.

    The command's stderr was captured, but the library shares the worker's.
    """
    path = ctypes.util.find_library("lept") or "liblept.so.5"
    try:
        leptonica = ctypes.CDLL(path)
        leptonica.setMsgSeverity.argtypes = [ctypes.c_int]
        leptonica.setMsgSeverity(_LEPTONICA_SEVERITY_NONE)
    except (OSError, AttributeError) as exc:
        log.debug("cannot quiet Leptonica: %s", exc)


def _close_engines() -> None:
    # End every handle before libtesseract's static destructors run, which
    # otherwise report its cached dictionaries as leaks.
    with _all_engines_lock:
        engines, _all_engines[:] = list(_all_engines), []
    for engine in engines:
        engine.close()
