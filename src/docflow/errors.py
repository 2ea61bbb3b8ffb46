"""Errors raised by docflow and the process exit codes they map to.

    DocflowError                 base, exit code SOFTWARE
    ├── ConfigError              invalid docflow.toml, flag or DOCFLOW_* variable
    ├── UsageError               a command given arguments it cannot use
    ├── ResultNotFound           no current stored result has the id or path named
    │   └── ResultForgotten      the file named has only results docflow forget retired
    ├── StoreError               the DuckDB database cannot be opened or written
    ├── ServerError              an MCP server failed to start or stopped answering
    ├── ModelError               the classifier model is missing or invalid
    │   └── ModelRejected        docflow train kept the current, better model
    └── DocumentError            one document cannot be processed; carries a Status
        ├── UnsupportedFormat    not a format docflow reads
        ├── EmptyDocument        0 bytes, or no content at all
        ├── CorruptDocument      damaged beyond what the fallback parser repairs
        ├── PasswordRequired     encrypted, and no password given opens it
        ├── TooLarge             over a page, pixel or decompressed-size limit
        ├── Unreadable           permissions, special files, vanished files
        ├── OcrUnavailable       tesseract or its language data is not installed
        └── OcrFailed            tesseract ran and failed

The CLI turns these into exit codes in one place (``docflow.cli.main``); the
library raises them and never exits. Exit codes are never renumbered.
"""

from __future__ import annotations

from enum import IntEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from docflow.core.classify.train import TrainReport
    from docflow.core.models import Status

__all__ = [
    "ConfigError",
    "CorruptDocument",
    "DocflowError",
    "DocumentError",
    "EmptyDocument",
    "ExitCode",
    "ModelError",
    "ModelRejected",
    "OcrFailed",
    "OcrUnavailable",
    "OutputError",
    "PasswordRequired",
    "ResultForgotten",
    "ResultNotFound",
    "ServerError",
    "StoreError",
    "TooLarge",
    "Unreadable",
    "UnsupportedFormat",
    "UsageError",
]


class ExitCode(IntEnum):
    """Process exit codes, documented in the README."""

    OK = 0
    DOCUMENTS_FAILED = 1  # the run finished, some documents did not succeed
    USAGE = 2  # bad command line or invalid configuration
    OCR_UNAVAILABLE = 3  # some documents needed OCR and tesseract is missing
    NO_INPUT = 4  # no documents under the paths given, or no result stored
    STORE = 5  # the database could not be opened or written
    SERVER = 6  # the MCP servers could not be started or all died
    MODEL = 7  # the classifier model is missing, invalid or worse than before
    SOFTWARE = 70  # an internal error (a bug): rerun with -v and report it
    OUTPUT = 74  # stdout or a file could not be written (a full disk, for one)
    INTERRUPTED = 130  # Ctrl-C or SIGTERM; finished results were kept


class DocflowError(Exception):
    """Base of every error docflow raises on purpose."""

    exit_code: ExitCode = ExitCode.SOFTWARE


class ConfigError(DocflowError):
    exit_code = ExitCode.USAGE


class UsageError(DocflowError):
    exit_code = ExitCode.USAGE


class ResultNotFound(DocflowError):
    """The database has no current result of the document id or path named."""

    exit_code = ExitCode.NO_INPUT


class ResultForgotten(ResultNotFound):
    """The file named has no current result, because docflow forget retired it."""


class OutputError(DocflowError):
    """A file docflow was asked to write could not be written."""

    exit_code = ExitCode.OUTPUT


class StoreError(DocflowError):
    exit_code = ExitCode.STORE


class ServerError(DocflowError):
    exit_code = ExitCode.SERVER


class ModelError(DocflowError):
    exit_code = ExitCode.MODEL


class ModelRejected(ModelError):
    """A trained model that was not written, because it scores worse than the
    current one or would replace a model that knows more categories or languages.

    ``report`` contains both models' held-out scores, so the caller can show
    why. It contains no scores when the model was rejected before fitting.
    """

    def __init__(self, message: str, *, report: TrainReport) -> None:
        super().__init__(message)
        self.report = report


class DocumentError(DocflowError):
    """One document cannot be processed; the batch records ``status`` and goes on.

    ``detected_type`` and ``pages`` are the file format and the page count that
    extraction found before the error, or None when it did not set them.
    ``extension_mismatch`` is True when the file's extension names another
    format than its content.
    """

    exit_code = ExitCode.DOCUMENTS_FAILED
    status: str = "error"
    detected_type: str | None = None
    pages: int | None = None
    extension_mismatch: bool = False

    def __init__(self, message: str, *, status: Status | str | None = None) -> None:
        super().__init__(message)
        if status is not None:
            self.status = str(status)


class UnsupportedFormat(DocumentError):
    status = "unsupported"


class EmptyDocument(DocumentError):
    status = "empty"


class CorruptDocument(DocumentError):
    status = "corrupt"


class PasswordRequired(DocumentError):
    status = "password_required"


class TooLarge(DocumentError):
    status = "too_large"


class Unreadable(DocumentError):
    status = "unreadable"


class ChangedWhileRead(Unreadable):
    """The file's size, time or inode changed between hashing and extraction.

    The text then need not belong to the content hash, so it is neither
    cached nor used.
    """


class OcrUnavailable(DocumentError):
    status = "ocr_unavailable"
    exit_code = ExitCode.OCR_UNAVAILABLE


class OcrFailed(DocumentError):
    status = "ocr_failed"
    #: True when tesseract ran past extraction.ocr_timeout.
    timed_out: bool = False


def is_query_interrupted(exc: BaseException) -> bool:
    """Return True when ``exc`` is DuckDB stopping a query for Ctrl-C.

    With DuckDB 2.0, a SIGINT during a query raises
    ``RuntimeError("Query interrupted")`` and ``Connection.interrupt()``
    raises ``InterruptException``. No KeyboardInterrupt follows, so callers
    treat both as Ctrl-C.
    """
    if type(exc).__name__ == "InterruptException":
        return type(exc).__module__.lstrip("_").startswith("duckdb")
    return type(exc) is RuntimeError and str(exc) == "Query interrupted"
