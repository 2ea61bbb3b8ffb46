"""Helpers of the quality tests that write a text file and judge it."""

from __future__ import annotations

from pathlib import Path

from docflow.core.config import Settings
from docflow.core.extract import extract_document
from docflow.core.models import QualityResult
from docflow.core.quality import analyze_quality


def analyze_file(path: Path, text: str, settings: Settings) -> QualityResult:
    """Write ``text`` to ``path``, extract it and return its quality."""
    path.write_text(text, encoding="utf-8")
    return analyze_quality(extract_document(str(path), settings), settings)


def codes(result: QualityResult) -> set[str]:
    """Return the issue codes of ``result``."""
    return {issue.code for issue in result.issues}
