"""Short shipping letters written as text files, for tests that need many documents."""

from __future__ import annotations

from pathlib import Path


def write_letters(tmp_path: Path, count: int) -> Path:
    """Write ``count`` letters with distinct order numbers into ``tmp_path/docs``."""
    folder = tmp_path / "docs"
    folder.mkdir()
    for index in range(count):
        (folder / f"letter-{index:03}.txt").write_text(
            f"Dear customer {index},\n\nYour order number {index * 7} has shipped "
            "today and will arrive within three working days.\n\nKind regards,\n"
            "The shipping team\n"
        )
    return folder
