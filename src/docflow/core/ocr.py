"""Run tesseract on page images and return text with a mean word confidence.

Pages go to an engine kept in the process (``docflow.core._tessapi``) when
libtesseract can be loaded, and to the ``tesseract`` command otherwise.

Measured on the development machine (2 cores), handing pytesseract a file
path instead of a PIL image saves about 0.85 s per page, because pytesseract
would otherwise re-encode the image as PNG. Writing the page as PGM costs
4-6 ms, where PNG costs 0.6-2.4 s. Text and confidences come from one
tesseract run with TSV output. OpenMP inside tesseract is limited to one
thread, because documents are already processed in parallel.
"""

from __future__ import annotations

import functools
import logging
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

from docflow.errors import ConfigError, OcrFailed, OcrUnavailable

if TYPE_CHECKING:
    from PIL.Image import Image

__all__ = [
    "INSTALL_HINT",
    "OcrResult",
    "available_languages",
    "check_languages",
    "describe_language_problem",
    "describe_missing_language_data",
    "ensure_tesseract",
    "ocr_image_file",
    "ocr_pixels",
    "save_for_ocr",
]

log = logging.getLogger(__name__)

INSTALL_HINT = "sudo apt-get install tesseract-ocr"

#: File format pages are written in for tesseract: uncompressed and fast.
OCR_IMAGE_SUFFIX = ".pgm"
#: Columns of tesseract's TSV output, which the C API returns without a header.
TSV_COLUMNS = (
    "level",
    "page_num",
    "block_num",
    "par_num",
    "line_num",
    "word_num",
    "left",
    "top",
    "width",
    "height",
    "conf",
    "text",
)


@dataclass(frozen=True)
class OcrResult:
    """Text tesseract read from one image, and its mean word confidence."""

    text: str
    confidence: float | None
    words: int


#: The command pytesseract runs unless its ``tesseract_cmd`` is changed.
_TESSERACT_COMMAND = "tesseract"


@functools.cache
def _find_tesseract() -> str | None:
    # pytesseract imports PIL and numpy, about 60 ms of CPU that the command
    # spends only to check the OCR languages. Its tesseract_cmd can differ from
    # the default only once something imported it and set it.
    module = sys.modules.get("pytesseract")
    command = module.pytesseract.tesseract_cmd if module else _TESSERACT_COMMAND
    return shutil.which(command)


# Seconds ``tesseract --list-langs`` may take. It returns in about 15 ms here,
# so a longer wait means a broken installation, which OCR then reports.
_LIST_LANGS_TIMEOUT = 5.0


@dataclass(frozen=True)
class _LanguageListing:
    """Output of ``tesseract --list-langs``: its tessdata folder and language codes."""

    folder: str
    languages: frozenset[str]


def available_languages() -> frozenset[str]:
    """Return the tesseract language packs installed, read once per process."""
    listing = _list_languages()
    return listing.languages if listing else frozenset()


@functools.cache
def _list_languages() -> _LanguageListing | None:
    """Run ``tesseract --list-langs`` once; return None when it cannot be run."""
    binary = _find_tesseract()
    if binary is None:
        return None
    try:
        completed = subprocess.run(
            [binary, "--list-langs"],
            capture_output=True,
            text=True,
            timeout=_LIST_LANGS_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        log.warning("cannot list tesseract languages, so they are not checked: %s", exc)
        return None
    if completed.returncode != 0:
        detail = completed.stderr.strip().splitlines()[-1:] or ["no message"]
        log.warning(
            "cannot list tesseract languages, so they are not checked: %s "
            "--list-langs exited %d: %s",
            binary,
            completed.returncode,
            detail[0],
        )
        return None
    # tesseract 5.3.0 prints 'List of available languages in "/path/" (N):'
    # and then one code a line.
    title, *lines = completed.stdout.splitlines() or [""]
    folder = title.split('"')[1] if title.count('"') >= 2 else "its tessdata folder"
    return _LanguageListing(
        folder, frozenset(line.strip() for line in lines if line.strip())
    )


def describe_missing_language_data(languages: str, folder: str) -> str:
    """Return why tesseract cannot read ``languages`` when ``folder`` has no data.

    The message names the folder tesseract searched, the package to install
    and TESSDATA_PREFIX, which moves that folder.
    """
    from docflow.core._tesslangs import CODES, apt_package

    packages = " ".join(
        apt_package(code) for code in languages.split("+") if code in CODES
    )
    install = (
        f"install it with `sudo apt-get install {packages}`, or " if packages else ""
    )
    prefix = os.environ.get("TESSDATA_PREFIX")
    where = f" (TESSDATA_PREFIX={prefix!r})" if prefix else ""
    return (
        f"tesseract finds no language data in {folder!r}{where}, so it cannot "
        f"read OCR language {languages!r}; {install}set TESSDATA_PREFIX to the "
        "folder that contains the .traineddata files"
    )


def check_languages(languages: str, origin: str | None = None) -> None:
    """Raise ConfigError when tesseract is installed and cannot read ``languages``.

    ``origin`` names where the value was set, as ``describe_language_problem``
    takes it. Runs ``tesseract --list-langs`` once per process. Without
    tesseract it does nothing, so documents that need OCR get status
    ``ocr_unavailable``.
    """
    if _find_tesseract() is None:
        return
    installed = available_languages()
    if not installed:
        # Listing failed, or the tessdata folder is empty, which every
        # document needing OCR reports as ocr_unavailable.
        return
    problem = describe_language_problem(languages, installed, origin)
    if problem:
        raise ConfigError(problem)


def describe_language_problem(
    languages: str, installed: frozenset[str], origin: str | None = None
) -> str:
    """Return why tesseract cannot read ``languages`` (``eng+fra``), or "".

    ``origin`` names where the value was set (``environment variable
    DOCFLOW_EXTRACTION_OCR_LANGUAGES``); None means the flag or the setting.
    A language name, an ISO 639-1 code or an upper-case code gets the
    tesseract code to use, a valid code that is not installed gets its apt
    package, and any other value gets the installed list.
    """
    from docflow.core._tesslangs import ALIASES, CODES, NOT_LANGUAGES, apt_package

    where = origin or "--lang or extraction.ocr_languages"
    usable = ", ".join(sorted(installed - NOT_LANGUAGES.keys()))
    codes = languages.split("+")
    if "" in codes:
        return (
            f"OCR languages {languages!r} ({where}): {_missing_code(codes)}; "
            f"join codes with '+', as in 'eng+fra' (installed: {usable})"
        )
    for language in codes:
        shown = f"OCR language {language!r} ({where})"
        if language in NOT_LANGUAGES:
            return (
                f"{shown} is tesseract's {NOT_LANGUAGES[language]} data, not a "
                f"language to read text in; use a language such as 'eng' "
                f"(installed: {usable})"
            )
        if language in installed:
            continue
        lower = language.strip().lower()
        if lower in ALIASES:
            return (
                f"{shown} is not a tesseract language code; use "
                f"{ALIASES[lower]!r} (installed: {usable})"
            )
        if lower != language and (lower in CODES or lower in installed):
            return (
                f"{shown} is not a tesseract language code; codes are lower "
                f"case, so use {lower!r} (installed: {usable})"
            )
        if language in CODES:
            return (
                f"{shown} is not installed; install it with `sudo apt-get "
                f"install {apt_package(language)}` or use an installed one: "
                f"{usable}"
            )
        return (
            f"{shown} is not a tesseract language code; codes are joined by "
            f"'+', as in 'eng+fra' (installed: {usable})"
        )
    return ""


def _missing_code(codes: list[str]) -> str:
    """Return where ``languages.split("+")`` has an empty code, as a phrase."""
    if codes == [""]:
        return "the value is empty"
    if codes[-1] == "":
        return "a code is missing after the last '+'"
    if codes[0] == "":
        return "a code is missing before the first '+'"
    return "a code is missing between two '+'"


def ensure_tesseract(languages: str) -> None:
    """Raise OcrUnavailable unless tesseract and every language in ``languages``
    (``eng+fra`` form) are installed. The lookup runs once per process
    while tesseract and some language data are found, and on every call
    while either is missing, so a long-running process notices them once
    installed."""
    if _find_tesseract() is None:
        _find_tesseract.cache_clear()
        _list_languages.cache_clear()
        raise OcrUnavailable(
            f"tesseract is not installed; install it with `{INSTALL_HINT}`, "
            "or set extraction.ocr = false to skip OCR"
        )
    listing = _list_languages()
    if listing is None:
        return  # listing failed; let tesseract itself report a missing language
    if not listing.languages:
        # Listed again on the next call, so a daemon notices data installed.
        _list_languages.cache_clear()
        raise OcrUnavailable(describe_missing_language_data(languages, listing.folder))
    problem = describe_language_problem(languages, listing.languages)
    if problem:
        raise OcrUnavailable(problem)


def save_for_ocr(image: Image, path: str) -> None:
    """Write a PIL image as 8-bit grayscale PGM, the fastest format to hand over."""
    if image.mode != "L":
        image = image.convert("L")
    image.save(path, format="PPM")


def ocr_image_file(path: str, languages: str, *, timeout: float = 0) -> OcrResult:
    """OCR the image file at ``path`` with one tesseract run.

    ``timeout`` is in seconds, 0 for none. Raises OcrUnavailable when
    tesseract is missing and OcrFailed when it runs and fails.
    """
    import pytesseract

    ensure_tesseract(languages)
    # pytesseract 0.3.13 cannot pass an environment to its subprocess, so the
    # limit is set for the whole process. A value the user set is kept.
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    try:
        data = pytesseract.image_to_data(
            path,
            lang=languages,
            output_type=pytesseract.Output.DICT,
            timeout=timeout,
        )
    except pytesseract.TesseractNotFoundError as exc:
        _find_tesseract.cache_clear()
        raise OcrUnavailable(
            f"tesseract is not installed; install it with `{INSTALL_HINT}`"
        ) from exc
    except pytesseract.TesseractError as exc:
        if _LANGUAGE_LOAD_FAILED in exc.message:
            raise OcrUnavailable(_describe_unloadable(languages, exc.message)) from exc
        raise OcrFailed(f"tesseract failed: {exc.message}".strip()) from exc
    except RuntimeError as exc:  # pytesseract raises it on timeout
        failure = OcrFailed(f"tesseract timed out after {timeout:g} s")
        failure.timed_out = True
        raise failure from exc
    return _assemble_tsv(data)


#: Message of tesseract 5.3.0 when a listed language's data cannot be loaded,
#: such as a truncated .traineddata file.
_LANGUAGE_LOAD_FAILED = "Failed loading language"


def _describe_unloadable(languages: str, detail: str) -> str:
    from docflow.core._tesslangs import CODES, apt_package

    packages = " ".join(
        apt_package(code) for code in languages.split("+") if code in CODES
    )
    install = f"reinstall it with `sudo apt-get install --reinstall {packages}`, or "
    return (
        f"tesseract cannot load the data of OCR language {languages!r} "
        f"({' '.join(detail.split())}); {install if packages else ''}set "
        "TESSDATA_PREFIX to the folder that contains the .traineddata files"
    )


def ocr_pixels(image: Image, languages: str, *, timeout: float = 0) -> OcrResult | None:
    """OCR ``image`` with the in-process engine; return None when it is not
    available, so the caller writes the image and uses ``ocr_image_file``.

    ``timeout`` is in seconds, 0 for none. Raises OcrUnavailable when a
    language is missing and OcrFailed when the engine fails or times out.
    """
    from docflow.core import _tessapi

    ensure_tesseract(languages)
    # For the library and for orientation detection, which runs the command.
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    try:
        tsv = _tessapi.recognize(image, languages, timeout)
    except _tessapi.TessApiError as exc:
        failure = OcrFailed(f"tesseract {exc}")
        failure.timed_out = exc.timed_out
        raise failure from exc
    if tsv is None:
        return None
    return _assemble_tsv(_parse_tsv(tsv))


def _parse_tsv(tsv: str) -> dict[str, list]:
    """Split headerless TSV lines into the column lists pytesseract returns.

    Numbers are truncated to integers as pytesseract 0.3.13 does, so word
    confidences, and the thresholds applied to their mean, match the
    command's path.
    """
    data: dict[str, list] = {column: [] for column in TSV_COLUMNS}
    text_column = len(TSV_COLUMNS) - 1
    for line in tsv.splitlines():
        values = line.split("\t", text_column)
        if len(values) != len(TSV_COLUMNS) or not values[0].isdigit():
            continue
        for index, column in enumerate(TSV_COLUMNS):
            value = values[index]
            data[column].append(value if index == text_column else int(float(value)))
    return data


def _assemble_tsv(data: dict[str, list]) -> OcrResult:
    """Rebuild reading-order text from tesseract TSV rows (level 5 = word)."""
    lines: list[str] = []
    current: list[str] = []
    current_key: tuple[int, int, int] | None = None
    confidences: list[float] = []
    for index, level in enumerate(data.get("level", [])):
        if int(level) != 5:
            continue
        word = str(data["text"][index]).strip()
        if not word:
            continue
        key = (
            int(data["block_num"][index]),
            int(data["par_num"][index]),
            int(data["line_num"][index]),
        )
        if key != current_key and current:
            lines.append(" ".join(current))
            if current_key is not None and key[:2] != current_key[:2]:
                lines.append("")  # a new paragraph or block
            current = []
        current_key = key
        current.append(word)
        confidence = float(data["conf"][index])
        if confidence >= 0:
            confidences.append(confidence)
    if current:
        lines.append(" ".join(current))
    mean = sum(confidences) / len(confidences) if confidences else None
    return OcrResult("\n".join(lines).strip(), mean, len(confidences))
